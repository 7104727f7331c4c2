//! Trust anchors: the certificates a certification path may end in, and where each came from.
//!
//! A [`TrustStore`] is filled from PEM or DER bytes, from files and directories (native
//! builds), or from the granted services of an ETSI TS 119 612 trusted list (the list itself is
//! read by `knik_xades::trust_list`; this layer only keeps what it found). Every
//! [`TrustAnchor`] remembers its [`AnchorSource`], so a validation report can say *why* a chain
//! was trusted, and a trusted-list anchor keeps its service's status history, so "was this CA
//! granted at the signing time?" is answerable ([`TrustAnchor::is_trusted_at`]).

mod anchor;
mod service;
mod store;

pub use anchor::{AnchorSource, TrustAnchor};
pub use service::{StatusPeriod, TrustedService, service_status, service_type};
pub use store::TrustStore;
