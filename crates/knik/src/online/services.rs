//! [`crate::services`] over HTTP: the clients of this module behind the traits the signing flow
//! takes.

use knik_pki::{Certificate, HashAlgorithm};

use super::{OcspClient, TsaClient};
use crate::error::Error;
use crate::services::{Revocation, TimeStamping};

/// A time-stamp authority at a URL; without one, asking for a token is
/// [`Error::ServiceMissing`].
#[derive(Debug, Clone, Default)]
pub struct HttpTimeStamping {
    url: Option<String>,
    client: TsaClient,
}

impl HttpTimeStamping {
    /// The authority at `url`, or none.
    pub fn new(url: Option<String>) -> Self {
        HttpTimeStamping {
            url,
            client: TsaClient::new(),
        }
    }
}

impl TimeStamping for HttpTimeStamping {
    fn timestamp(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, Error> {
        let url = self.url.as_deref().ok_or(Error::ServiceMissing {
            level: "B-T",
            service: crate::services::TSA_SERVICE,
        })?;
        Ok(self.client.timestamp(url, hash, digest)?.der)
    }

    fn is_configured(&self) -> bool {
        self.url.is_some()
    }
}

/// An OCSP responder: the URL given, else the one the certificate names in its
/// authorityInfoAccess extension.
#[derive(Debug, Clone, Default)]
pub struct HttpRevocation {
    url: Option<String>,
    client: OcspClient,
}

impl HttpRevocation {
    /// Asks `url` when given, else each certificate's own responder.
    pub fn new(url: Option<String>) -> Self {
        HttpRevocation {
            url,
            client: OcspClient::new(),
        }
    }
}

impl Revocation for HttpRevocation {
    fn ocsp(&mut self, certificate: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, Error> {
        Ok(self
            .client
            .fetch(self.url.as_deref(), certificate, issuer)?
            .der)
    }

    /// Always: without a URL, the certificate's own responder (authorityInfoAccess) is asked.
    fn is_configured(&self) -> bool {
        true
    }
}

/// Both services, as a command line or an application configures them.
#[derive(Debug, Clone, Default)]
pub struct Services {
    /// The time-stamp authority.
    pub tsa: HttpTimeStamping,
    /// The OCSP responder.
    pub ocsp: HttpRevocation,
}

impl Services {
    /// A time-stamp authority URL (needed from B-T on) and an OCSP URL (B-LT; without it, the
    /// signer certificate's own responder is asked).
    pub fn new(tsa_url: Option<String>, ocsp_url: Option<String>) -> Self {
        Services {
            tsa: HttpTimeStamping::new(tsa_url),
            ocsp: HttpRevocation::new(ocsp_url),
        }
    }

    /// The two services apart, as the signing functions take them.
    pub fn split(&mut self) -> (&mut dyn TimeStamping, &mut dyn Revocation) {
        (&mut self.tsa, &mut self.ocsp)
    }
}
