//! HTTP clients for OCSP responders and RFC 3161 time-stamp authorities (native only, behind
//! the default `online` feature).
//!
//! Both clients follow the same steps: build the request with knik-pki (a fresh random nonce
//! every time), POST it with the protocol's media type over HTTP or HTTPS (rustls), refuse a
//! non-200 status, a wrong `Content-Type` or an oversized body, then parse and verify the answer
//! with knik-pki before handing it back. Nothing unverified leaves this module.
//!
//! * [`OcspClient::fetch`]: RFC 6960 with a 32-byte RFC 8954 nonce, which the response must
//!   echo; the response is checked against the certificate and its issuer
//!   ([`knik_pki::ocsp::OcspCheck`]). The URL defaults to the certificate's
//!   authorityInfoAccess OCSP URL.
//! * [`TsaClient::timestamp`]: RFC 3161 with a 20-byte nonce and `certReq`; the token must be
//!   granted, echo the nonce and time-stamp the digest asked for.
//!
//! Trust in the responder's or the TSA's certificate chain is the validator's job
//! ([`knik_pki::validate_path`]).
//!
//! ```no_run
//! use knik::online::{OcspClient, TsaClient};
//! use knik_pki::{Certificate, HashAlgorithm};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let signer = Certificate::from_pem(&std::fs::read_to_string("sign.pem")?)?;
//! let issuer = Certificate::from_pem(&std::fs::read_to_string("ca.pem")?)?;
//! let ocsp = OcspClient::new().fetch(None, &signer, &issuer)?;
//! println!("{:?} at {}", ocsp.response.status(), ocsp.response.produced_at());
//! let token = TsaClient::new().timestamp("http://tsa.example/", HashAlgorithm::Sha256, &[0; 32])?;
//! println!("time-stamped at {}", token.token.gen_time());
//! # Ok(())
//! # }
//! ```

mod error;
mod http;
mod ocsp;
mod services;
mod tsa;

pub use error::{Error, Service};
pub use http::HttpOptions;
pub use ocsp::{OcspClient, OcspFetch};
pub use services::{HttpRevocation, HttpTimeStamping, Services};
pub use tsa::{TimeStampFetch, TsaClient};
