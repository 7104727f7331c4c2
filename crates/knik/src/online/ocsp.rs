//! The OCSP client (RFC 6960 over HTTP, RFC 8954 nonce).

use knik_pki::ocsp::{OCSP_NONCE_LEN, OcspCheck, OcspRequest, OcspResponse, VerifiedOcspResponse};
use knik_pki::{Certificate, HashAlgorithm};
use time::OffsetDateTime;

use super::error::{Error, Service};
use super::http::{Http, HttpOptions, random, without_userinfo};

/// Asks OCSP responders about certificates.
#[derive(Debug, Clone)]
pub struct OcspClient {
    http: Http,
    cert_id_hash: HashAlgorithm,
}

/// A verified OCSP answer.
#[derive(Debug, Clone)]
pub struct OcspFetch {
    /// The OCSPResponse as received (what XAdES `EncapsulatedOCSPValue` embeds).
    pub der: Vec<u8>,
    /// The verified response: status, times, responder certificate.
    pub response: VerifiedOcspResponse,
    /// The URL asked, without any `user:password@`.
    pub url: String,
    /// The nonce sent and echoed.
    pub nonce: [u8; OCSP_NONCE_LEN],
}

impl Default for OcspClient {
    fn default() -> Self {
        Self::new()
    }
}

impl OcspClient {
    /// A client with the default [`HttpOptions`] and SHA-1 CertIDs (what every responder
    /// understands, and what libdigidocpp sends).
    pub fn new() -> Self {
        Self::with_options(HttpOptions::default())
    }

    /// A client with the given HTTP options.
    pub fn with_options(options: HttpOptions) -> Self {
        OcspClient {
            http: Http::new(options),
            cert_id_hash: HashAlgorithm::Sha1,
        }
    }

    /// The hash of the request's CertID (SHA-1 by default; SHA-256 for responders that want
    /// it).
    pub fn cert_id_hash(mut self, hash: HashAlgorithm) -> Self {
        self.cert_id_hash = hash;
        self
    }

    /// Asks `url` (or, when `None`, the first OCSP URL of `certificate`'s authorityInfoAccess)
    /// about `certificate`, issued by `issuer`, with a fresh 32-byte nonce, and verifies the
    /// answer at the current time: a successful BasicOCSPResponse, signed by the issuer or a
    /// responder it authorised, about this certificate, echoing the nonce, and fresh
    /// ([`OcspCheck`] defaults). A `revoked` or `unknown` status is a verified answer, not an
    /// error: the caller decides.
    pub fn fetch(
        &self,
        url: Option<&str>,
        certificate: &Certificate,
        issuer: &Certificate,
    ) -> Result<OcspFetch, Error> {
        let url = match url {
            Some(url) => url.to_owned(),
            None => certificate
                .ocsp_urls()
                .first()
                .cloned()
                .ok_or_else(|| Error::NoOcspUrl {
                    subject: certificate.subject().to_rfc4514(),
                })?,
        };
        let nonce = random::<OCSP_NONCE_LEN>()?;
        let request = OcspRequest::new(certificate, issuer, self.cert_id_hash, Some(nonce))
            .map_err(|source| Error::Request {
                service: Service::Ocsp,
                source,
            })?;
        let der = self.http.post(
            Service::Ocsp,
            &url,
            OcspRequest::CONTENT_TYPE,
            request.as_der(),
            &[OcspResponse::CONTENT_TYPE],
        )?;
        let shown = without_userinfo(&url);
        let bad = |source| Error::OcspBadResponse {
            url: shown.clone(),
            source,
        };
        let parsed = OcspResponse::from_der(&der).map_err(|e| match e {
            knik_pki::Error::OcspUnsuccessful { status } => Error::OcspRefused {
                url: shown.clone(),
                status,
            },
            other => bad(other),
        })?;
        let check = OcspCheck::new(certificate, issuer, OffsetDateTime::now_utc()).nonce(&nonce);
        let response = parsed.verify(&check).map_err(bad)?;
        Ok(OcspFetch {
            der,
            response,
            url: shown,
            nonce,
        })
    }
}
