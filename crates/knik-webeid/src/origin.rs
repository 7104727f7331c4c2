//! The web origin a signature is bound to (spec/browser.md "Origin", reference/web-eid.md §1.6).
//!
//! The origin is taken exactly as received, in the browser's ASCII serialisation (IDN labels in
//! punycode), and never re-normalised: the authentication signature covers these exact bytes,
//! and re-encoding it was the cause of web-eid-app#408. So this module only *checks* the form
//! `scheme://host[:port]` and refuses everything else; it never rewrites.

use core::fmt;

use crate::Error;
use crate::error::clip;

/// Longest origin accepted, in characters.
pub const MAX_ORIGIN_LEN: usize = 255;

/// What the caller allows beyond `https://` and `wss://`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OriginPolicy {
    /// Developer mode: also accept `http://localhost[:port]` and `http://127.0.0.1[:port]`.
    /// Off unless the user turned it on.
    pub allow_http_localhost: bool,
}

impl OriginPolicy {
    /// `https://` and `wss://` only.
    pub const STRICT: OriginPolicy = OriginPolicy {
        allow_http_localhost: false,
    };
    /// Developer mode: also `http://localhost` and `http://127.0.0.1`.
    pub const DEVELOPER: OriginPolicy = OriginPolicy {
        allow_http_localhost: true,
    };
}

/// Why an origin was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginProblem {
    /// The empty string.
    Empty,
    /// Longer than [`MAX_ORIGIN_LEN`].
    TooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// A character outside printable ASCII: IDNs must arrive in punycode.
    NotAscii {
        /// Byte offset of the first such character.
        position: usize,
    },
    /// No `scheme://`.
    MissingScheme,
    /// A scheme other than `https` / `wss` (and `http` on loopback in developer mode).
    UnsupportedScheme {
        /// The scheme as received.
        scheme: String,
    },
    /// `http://localhost` or `http://127.0.0.1` without developer mode.
    HttpNeedsDeveloperMode,
    /// `user[:password]@` before the host.
    UserInfo,
    /// A path after the host (a trailing `/` is a path too).
    Path,
    /// A `?query`.
    Query,
    /// A `#fragment`.
    Fragment,
    /// The host is empty or has characters a serialised host cannot have.
    InvalidHost {
        /// What is wrong.
        reason: &'static str,
    },
    /// The port is empty, not a number, has a leading zero or is out of range.
    InvalidPort,
}

impl fmt::Display for OriginProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginProblem::Empty => f.write_str("it is empty"),
            OriginProblem::TooLong { length } => {
                write!(
                    f,
                    "{length} characters, at most {MAX_ORIGIN_LEN} are allowed"
                )
            }
            OriginProblem::NotAscii { position } => write!(
                f,
                "non-ASCII or control character at offset {position} (international names must be in punycode)"
            ),
            OriginProblem::MissingScheme => f.write_str("no scheme:// at the start"),
            OriginProblem::UnsupportedScheme { scheme } => {
                write!(f, "scheme `{}` is not https or wss", clip(scheme, 16))
            }
            OriginProblem::HttpNeedsDeveloperMode => {
                f.write_str("http on localhost is only allowed in developer mode")
            }
            OriginProblem::UserInfo => f.write_str("it contains user information (user@)"),
            OriginProblem::Path => f.write_str("it has a path (or a trailing slash)"),
            OriginProblem::Query => f.write_str("it has a query"),
            OriginProblem::Fragment => f.write_str("it has a fragment"),
            OriginProblem::InvalidHost { reason } => write!(f, "invalid host: {reason}"),
            OriginProblem::InvalidPort => f.write_str("invalid port"),
        }
    }
}

/// A checked origin: `https://host[:port]`, `wss://host[:port]`, or in developer mode
/// `http://localhost[:port]` / `http://127.0.0.1[:port]`. Holds the text exactly as received.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(String);

impl Origin {
    /// Checks `text` and keeps it unchanged.
    pub fn parse(text: &str, policy: OriginPolicy) -> Result<Origin, Error> {
        check(text, policy).map_err(|problem| Error::InvalidOrigin {
            origin: clip(text, 300),
            problem,
        })?;
        Ok(Origin(text.to_owned()))
    }

    /// The origin exactly as received: what the signature covers.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `host[:port]`, what a PIN dialog shows so that the user sees where the PIN goes.
    pub fn host_and_port(&self) -> &str {
        self.0.split_once("://").map_or("", |(_, rest)| rest)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check(text: &str, policy: OriginPolicy) -> Result<(), OriginProblem> {
    if text.is_empty() {
        return Err(OriginProblem::Empty);
    }
    if text.len() > MAX_ORIGIN_LEN {
        return Err(OriginProblem::TooLong { length: text.len() });
    }
    if let Some(position) = text.bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
        return Err(OriginProblem::NotAscii { position });
    }
    let (scheme, rest) = text.split_once("://").ok_or(OriginProblem::MissingScheme)?;
    if let Some(i) = rest.find(['/', '?', '#']) {
        return Err(match rest.as_bytes()[i] {
            b'/' => OriginProblem::Path,
            b'?' => OriginProblem::Query,
            _ => OriginProblem::Fragment,
        });
    }
    if rest.contains('@') {
        return Err(OriginProblem::UserInfo);
    }
    let host = split_port(rest)?;
    check_host(host)?;
    match scheme {
        "https" | "wss" => Ok(()),
        "http" if host == "localhost" || host == "127.0.0.1" => {
            if policy.allow_http_localhost {
                Ok(())
            } else {
                Err(OriginProblem::HttpNeedsDeveloperMode)
            }
        }
        _ => Err(OriginProblem::UnsupportedScheme {
            scheme: scheme.to_owned(),
        }),
    }
}

/// Returns the host after checking the optional `:port`.
fn split_port(authority: &str) -> Result<&str, OriginProblem> {
    // An IPv6 literal carries colons inside its brackets.
    let port_sep = match authority.rfind(']') {
        Some(close) => authority[close..].find(':').map(|i| close + i),
        None => authority.rfind(':'),
    };
    let Some(sep) = port_sep else {
        return Ok(authority);
    };
    let port = &authority[sep + 1..];
    let valid = !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && !port.starts_with('0')
        && port.parse::<u32>().is_ok_and(|p| p <= 65535);
    if !valid {
        return Err(OriginProblem::InvalidPort);
    }
    Ok(&authority[..sep])
}

fn check_host(host: &str) -> Result<(), OriginProblem> {
    let invalid = |reason| Err(OriginProblem::InvalidHost { reason });
    if host.is_empty() {
        return invalid("empty");
    }
    if let Some(inner) = host.strip_prefix('[') {
        let Some(address) = inner.strip_suffix(']') else {
            return invalid("unterminated IPv6 literal");
        };
        if address.is_empty()
            || !address
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b':' || b == b'.')
        {
            return invalid("malformed IPv6 literal");
        }
        return Ok(());
    }
    // Browsers serialise hosts in lower case; anything else did not come from a browser.
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return invalid("upper-case letters (browsers send the lower-case form)");
    }
    if !host.bytes().all(|b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'_'
    }) {
        return invalid("characters other than letters, digits, '-', '_' and '.'");
    }
    if host
        .split('.')
        .any(|label| label.is_empty() || label.len() > 63)
    {
        return invalid("an empty label or a label longer than 63 characters");
    }
    Ok(())
}
