//! The time-stamp client (RFC 3161 over HTTP, RFC 3161 §3.4).

use knik_pki::HashAlgorithm;
use knik_pki::tsp::{TimeStampRequest, TimeStampResponse, TimeStampToken};

use super::error::{Error, Service};
use super::http::{Http, HttpOptions, random, without_userinfo};

/// Nonce length: libdigidocpp's 20 bytes, a 160-bit number.
const TSA_NONCE_LEN: usize = 20;

/// Gets time-stamp tokens from RFC 3161 time-stamp authorities.
#[derive(Debug, Clone)]
pub struct TsaClient {
    http: Http,
    policy: Option<String>,
}

/// A verified time-stamp token.
#[derive(Debug, Clone)]
pub struct TimeStampFetch {
    /// The TimeStampToken (CMS ContentInfo, DER): what XAdES `EncapsulatedTimeStamp` embeds.
    pub der: Vec<u8>,
    /// The parsed and verified token (genTime, TSA certificate, …).
    pub token: TimeStampToken,
    /// The URL asked, without any `user:password@`.
    pub url: String,
}

impl Default for TsaClient {
    fn default() -> Self {
        Self::new()
    }
}

impl TsaClient {
    /// A client with the default [`HttpOptions`], asking for no particular policy.
    pub fn new() -> Self {
        Self::with_options(HttpOptions::default())
    }

    /// A client with the given HTTP options.
    pub fn with_options(options: HttpOptions) -> Self {
        TsaClient {
            http: Http::new(options),
            policy: None,
        }
    }

    /// Asks for a TSA policy (dotted OID) in every request; the token must carry it.
    pub fn policy(mut self, policy: &str) -> Self {
        self.policy = Some(policy.to_owned());
        self
    }

    /// Time-stamps `digest` (computed with `hash`) at `url`: a version 1 request with a fresh
    /// 20-byte nonce and `certReq`, POSTed as `application/timestamp-query`. The answer must
    /// be granted ([`Error::TsaRefused`] otherwise) and hold a token that verifies, echoes the
    /// nonce, has the imprint asked for and, when a policy was asked for, that policy
    /// ([`Error::TsaBadResponse`] otherwise).
    pub fn timestamp(
        &self,
        url: &str,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<TimeStampFetch, Error> {
        let request_error = |source| Error::Request {
            service: Service::Tsa,
            source,
        };
        let mut nonce = random::<TSA_NONCE_LEN>()?;
        // A positive number of full length: no leading zero byte to be normalised away.
        nonce[0] = (nonce[0] & 0x7f) | 0x01;
        let mut request = TimeStampRequest::new(hash, digest)
            .map_err(request_error)?
            .with_nonce(&nonce)
            .with_cert_req(true);
        if let Some(policy) = &self.policy {
            request = request.with_policy(policy).map_err(request_error)?;
        }
        let body = self.http.post(
            Service::Tsa,
            url,
            TimeStampRequest::CONTENT_TYPE,
            &request.to_der(),
            // RFC 3161 §3.4 names application/timestamp-reply; some TSAs answer with the
            // older application/timestamp-response.
            &[
                TimeStampResponse::CONTENT_TYPE,
                "application/timestamp-response",
            ],
        )?;
        let shown = without_userinfo(url);
        let bad = |source| Error::TsaBadResponse {
            url: shown.clone(),
            source,
        };
        let response = TimeStampResponse::from_der(&body).map_err(bad)?;
        let token = response.into_token(&request, &[]).map_err(|e| match e {
            refused @ knik_pki::Error::TspRefused { .. } => Error::TsaRefused {
                url: shown.clone(),
                source: refused,
            },
            other => bad(other),
        })?;
        Ok(TimeStampFetch {
            der: token.as_der().to_vec(),
            token,
            url: shown,
        })
    }
}
