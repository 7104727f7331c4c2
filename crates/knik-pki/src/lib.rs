//! knik-pki: certificates and the identities in them, for the knik eID SDK.
//!
//! Pure Rust, builds for `wasm32-unknown-unknown`. Modules follow the layers of certificate
//! processing:
//!
//! * [`Certificate`] reads X.509 (DER or PEM) and answers in knik's own types: names,
//!   validity, key usages, policies, qcStatements, the [`PublicKey`] and signature checks.
//! * [`Identity`] turns a holder certificate into the person it names (given name, surname,
//!   personal number, country, [`DocumentKind`]), with the document kind looked up in a
//!   [`PolicyMap`] loaded from configuration.
//!
//! * [`trust`] keeps trust anchors with their source (files, trusted lists), and
//!   [`validate_path`] builds and checks a certification path to one of them.
//! * [`ocsp`] and [`tsp`] read and verify OCSP responses and RFC 3161 time-stamps;
//!   [`timing`] holds the time rules between them in a B-LT signature.
//!
//! ```no_run
//! use knik_pki::{Certificate, Identity, PolicyMap};
//! # fn main() -> Result<(), knik_pki::Error> {
//! let pem = std::fs::read_to_string("auth.pem").expect("readable");
//! let cert = Certificate::from_pem(&pem)?;
//! let who = Identity::from_certificate(&cert, &PolicyMap::default())?;
//! println!("{:?} {:?}, {}", who.given_name, who.surname, who.personal_number);
//! # Ok(())
//! # }
//! ```

mod asn1;
mod certificate;
mod error;
mod extensions;
#[doc(hidden)]
pub mod fuzzing;
mod hash;
mod identity;
mod name;
pub mod ocsp;
mod oid;
pub mod path;
mod pem;
mod policy;
mod public_key;
mod signature_algorithm;
pub mod timing;
mod tlv;
pub mod trust;
pub mod tsp;

pub use certificate::Certificate;
pub use error::Error;
pub use extensions::{BasicConstraints, ExtendedKeyUsage, KeyUsage, QcStatements, RawExtension};
pub use hash::HashAlgorithm;
pub use identity::{IdentifierType, Identity, IdentityWarning};
pub use name::{DistinguishedName, NameAttribute};
pub use path::{PathOptions, ValidatedPath, validate_path};
pub use policy::{DocumentKind, PolicyMap};
pub use public_key::{P256PublicKey, P384PublicKey, PublicKey, RsaPublicKey, UnsupportedKey};
pub use trust::{AnchorSource, TrustAnchor, TrustStore};
