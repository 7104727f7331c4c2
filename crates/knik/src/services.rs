//! The network services a signature needs beyond the signer: a time-stamp authority (B-T,
//! B-LTA) and an OCSP responder (B-LT). Traits, so that the pure flows stay testable and a
//! wasm or server embedding can bring its own transport; [`crate::online`] implements them
//! over HTTP.

use knik_pki::{Certificate, HashAlgorithm};

use crate::error::Error;

/// How errors name the time-stamp authority.
pub(crate) const TSA_SERVICE: &str = "a time-stamp authority (--tsa)";
/// How errors name the OCSP responder.
pub(crate) const OCSP_SERVICE: &str = "an OCSP responder (--ocsp)";

/// Gets RFC 3161 time-stamp tokens.
pub trait TimeStamping {
    /// A time-stamp token (CMS SignedData, DER) over `digest`, checked: granted, imprint equal.
    fn timestamp(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, Error>;

    /// False when no authority is configured, so that a flow needing one is refused before
    /// the signer is asked for a PIN.
    fn is_configured(&self) -> bool {
        true
    }
}

/// Gets OCSP responses.
pub trait Revocation {
    /// A fresh OCSPResponse (DER) for `certificate`, checked: signed by an authorised
    /// responder, for this certificate, echoing the request nonce.
    fn ocsp(&mut self, certificate: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, Error>;

    /// False when no responder can be asked, so that a flow needing one is refused before
    /// the signer is asked for a PIN.
    fn is_configured(&self) -> bool {
        true
    }
}

/// No services: enough for B-B, and an error naming the missing service otherwise.
#[derive(Debug, Default, Clone, Copy)]
pub struct Offline;

impl TimeStamping for Offline {
    fn timestamp(&mut self, _: HashAlgorithm, _: &[u8]) -> Result<Vec<u8>, Error> {
        Err(Error::ServiceMissing {
            level: "B-T",
            service: TSA_SERVICE,
        })
    }

    fn is_configured(&self) -> bool {
        false
    }
}

impl Revocation for Offline {
    fn ocsp(&mut self, _: &Certificate, _: &Certificate) -> Result<Vec<u8>, Error> {
        Err(Error::ServiceMissing {
            level: "B-LT",
            service: OCSP_SERVICE,
        })
    }

    fn is_configured(&self) -> bool {
        false
    }
}
