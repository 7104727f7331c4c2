//! knik's native messaging host: what the browser extension starts to reach the ID card
//! (spec/browser.md "Native host", reference/web-eid.md §1).
//!
//! Wire compatible with Web eID's host: the browser starts one process per operation; the host
//! writes `{"version": "<semver>"}`, reads one command (`authenticate`,
//! `get-signing-certificate`, `sign`, `status` or `quit`), answers once and exits. Nothing but
//! frames goes to stdout; the log goes to a file ([`log`]).
//!
//! Layers, top down:
//! - [`session`]: the one-command conversation over any reader/writer pair, with every failure
//!   turned into an `{"error": …}` answer;
//! - [`operations`]: the three card commands over PC/SC — which card ([`selection`]), the PIN
//!   dialog ([`pin_entry`]) and the certificate consent dialog ([`consent`]), then
//!   [`flows`], which do the work on any [`knik_card::token::Token`];
//! - [`error`]: the `ERR_WEBEID_…` code and the sentence for every failure;
//! - [`install`] and [`diagnose`]: the browser manifests, and what is missing on this machine.
//!
//! # Which card
//!
//! Web eID shows a dialog when several cards qualify; this host has no window of its own, so
//! it chooses by a fixed rule ([`selection`]): the reader named in the configuration
//! (`reader` in `native-host.toml`, or `KNIK_HOST_READER`) if there is one; otherwise, for
//! `authenticate` and `get-signing-certificate`, the first reader in PC/SC order that holds a
//! card knik supports; for `sign`, the card whose signing certificate is byte-identical to the
//! one the page sent (as Web eID does). The choice is logged, and the PIN dialog names the
//! holder, so the citizen sees whose card is used before typing a PIN.
//!
//! # PINs
//!
//! Only through the trusted pinentry dialog (`KNIK_PINENTRY`, else pinentry-gnome3, -qt,
//! -gtk-2, -curses, -tty found in `PATH`), never from the web page and never from the
//! environment: a `KNIK_PIN1` left in a shell would otherwise let any web page log in silently.

pub mod consent;
pub mod diagnose;
pub mod error;
pub mod flows;
#[doc(hidden)]
pub mod fuzzing;
pub mod install;
pub mod log;
pub mod operations;
pub mod pin_entry;
pub mod selection;
pub mod session;
pub mod settings;
pub mod timing;

/// The version announced in the handshake and in the token's `appVersion`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The native messaging host name the browsers know this host by (the manifest's `name`, and
/// what the extension passes to `connectNative`). Web eID's is `eu.webeid`.
pub const HOST_NAME: &str = "am.knik";

/// The token's informational `appVersion`: where this release is described.
pub fn app_version() -> String {
    format!("{}/releases/{}", env!("CARGO_PKG_REPOSITORY"), VERSION)
}
