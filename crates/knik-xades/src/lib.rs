//! XML for knik's signatures: a hardened reader, canonicalization, XMLDSig and XAdES.
//!
//! - [`xml`]: reads untrusted XML into an arena DOM that keeps the prefixes as written,
//!   refusing DTDs, entity declarations, undefined entities, duplicate `Id`s and oversized
//!   input; navigation and serialisation.
//! - [`dsig`]: generic XML Signature processing: algorithm identifiers, `SignedInfo` and
//!   `SignatureValue` checks, same-document reference digests.
//! - [`xades`]: XAdES baseline B-B … B-LTA signatures: two-phase building, extension with
//!   time-stamps and validation data, verification with coded findings.
//! - [`c14n`]: Canonical XML 1.0 and 1.1 and Exclusive XML Canonicalization 1.0, with and
//!   without comments, over a document or an element's subtree.
//!
//! Pure Rust, no unsafe code; builds for `wasm32-unknown-unknown`.
//!
//! How a verifier recomputes the digest of a `SignedProperties` reference (XMLDSig §4.3.3):
//!
//! ```
//! use knik_xades::c14n::{Algorithm, Canonicalizer};
//! use knik_xades::xml::Document;
//!
//! let xml = br#"<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#"
//!     xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature Id="S0"><ds:Object>
//!     <xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#">
//!     <xades:SignedProperties Id="S0-SignedProperties"><!-- c --></xades:SignedProperties>
//!     </xades:QualifyingProperties></ds:Object></ds:Signature></asic:XAdESSignatures>"#;
//! // Refuses DTDs, undefined entities and a second element with the same Id.
//! let doc = Document::parse(xml)?;
//! // URI="#S0-SignedProperties"
//! let target = doc.element_by_id("S0-SignedProperties").expect("reference resolves");
//! // The Transform's Algorithm; a same-document reference drops comments (§4.3.3.3).
//! let algorithm = Algorithm::from_uri("http://www.w3.org/2006/12/xml-c14n11")?;
//! let mut digest_input = Vec::new(); // any std::io::Write, e.g. a hasher adapter
//! Canonicalizer::new(algorithm.without_comments()).subtree(target, &mut digest_input)?;
//! assert_eq!(
//!     String::from_utf8(digest_input).unwrap(),
//!     "<xades:SignedProperties xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\" \
//!      xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" \
//!      xmlns:xades=\"http://uri.etsi.org/01903/v1.3.2#\" \
//!      Id=\"S0-SignedProperties\"></xades:SignedProperties>"
//! );
//! # Ok::<(), knik_xades::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod c14n;
pub mod dsig;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod trust_list;
pub mod xades;
pub mod xml;

pub use error::{Error, Result, TextPosition};
