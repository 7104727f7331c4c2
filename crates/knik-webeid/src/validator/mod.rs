//! The server side of Web eID authentication: checking an authentication token
//! (reference/web-eid.md §2.5–§2.8, spec/browser.md "Authentication token").
//!
//! The procedure an e-service follows:
//!
//! 1. Build one [`AuthTokenValidator`] at start-up with [`AuthTokenValidator::builder`]: the
//!    site origin, the trusted CAs, an [`OcspTransport`] (this crate does no I/O).
//! 2. On `/auth/challenge`: [`AuthTokenValidator::issue_challenge`] stores a fresh nonce in a
//!    [`NonceStore`] under the browser's session id (a cookie the page cannot read) and
//!    returns it for the page.
//! 3. On `/auth/login`: [`AuthTokenValidator::validate_with_store`] with the token text and the
//!    same session id. It takes the nonce out of the store first — single use, even when the
//!    token then fails — and refuses an expired one; then it validates as below.
//! 4. On success, apply the e-service's own authorisation to the [`ValidatedUser`] and issue a
//!    new session id (session fixation); on failure, show [`Error::code`] and the message.
//!
//! [`validate`](AuthTokenValidator::validate) checks, in the reference's order, stopping at the
//! first failure:
//!
//! 0. the challenge nonce is 44–128 characters of base64;
//! 1. the token: 100–65 536 characters, JSON of format `web-eid:1.0` or `web-eid:1.1` with the
//!    fields of that format and no others;
//! 2. `unverifiedCertificate` is an X.509 certificate;
//! 3. its purpose: keyUsage digitalSignature; clientAuth when an extendedKeyUsage is present;
//! 4. none of its policies is disallowed;
//! 5. it is valid now and chains now to a configured CA (itself valid now), with the token's
//!    `unverifiedIntermediateCertificates` as path candidates;
//! 6. unless OCSP is off: OCSP says good for it and for every intermediate the path took from
//!    the token (`validator/ocsp.rs` lists the response checks);
//! 7. the token's signature verifies over hash(hash(origin) ‖ hash(nonce)) with the
//!    configured origin and the given nonce ([`verify_token_signature`]);
//! 8. `web-eid:1.1`: every announced signing certificate names the same person, comes from
//!    the same CA, has nonRepudiation and chains to a configured CA;
//!
//! and returns the certificate and the person it names. The origin and the nonce are never
//! read from the token: a valid signature proves both.

mod builder;
mod chain;
mod ocsp;
mod purpose;
mod signing_certificates;
mod token_fields;
mod transport;

use core::fmt;

use knik_pki::{Certificate, Identity};
use time::OffsetDateTime;

pub use builder::{
    AuthTokenValidatorBuilder, DEFAULT_ALLOWED_OCSP_TIME_SKEW, DEFAULT_DISALLOWED_POLICIES,
    DEFAULT_MAX_OCSP_THIS_UPDATE_AGE, DEFAULT_OCSP_REQUEST_TIMEOUT, DesignatedOcspService,
};
pub use transport::{OcspTransport, OcspTransportError};

use crate::Error;
use crate::challenge::{ChallengeNonce, NonceStore, random_value, rfc3339};
use crate::nonce::check_nonce;
use crate::token::{TokenFormat, verify_token_signature};
use builder::Settings;

/// Who logged in: what a token that passed every check proves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidatedUser {
    /// The authentication certificate: trusted, unrevoked (when OCSP is on), for this origin
    /// and nonce.
    pub certificate: Certificate,
    /// The person it names, with the document kind from the configured policy map.
    pub identity: Identity,
    /// The token's format.
    pub format: TokenFormat,
    /// `web-eid:1.1`: the holder's signing certificates, checked against the authentication
    /// certificate (not OCSP-checked). Empty for `web-eid:1.0`.
    pub signing_certificates: Vec<Certificate>,
    /// The OCSP responder that confirmed the certificate; `None` when OCSP is off.
    pub ocsp_responder: Option<String>,
}

/// Checks Web eID authentication tokens for one site. Build it once and share it: it is
/// `Send + Sync` and holds no per-request state. See the [module documentation](self).
pub struct AuthTokenValidator {
    settings: Settings,
}

impl fmt::Debug for AuthTokenValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthTokenValidator")
            .field("site_origin", &self.settings.origin.as_str())
            .field("trusted_cas", &self.settings.trust.len())
            .field("ocsp", &self.settings.ocsp.is_some())
            .finish_non_exhaustive()
    }
}

impl AuthTokenValidator {
    /// A builder with Web eID's defaults.
    pub fn builder() -> AuthTokenValidatorBuilder {
        AuthTokenValidatorBuilder::new()
    }

    /// The configured site origin.
    pub fn site_origin(&self) -> &str {
        self.settings.origin.as_str()
    }

    /// Makes a fresh nonce (32 random bytes, base64) living the configured lifetime and stores
    /// it for `session_id`, replacing any earlier one: what `/auth/challenge` does.
    pub fn issue_challenge(
        &self,
        store: &dyn NonceStore,
        session_id: &str,
    ) -> Result<ChallengeNonce, Error> {
        let generator = self
            .settings
            .generator
            .as_deref()
            .ok_or(Error::Randomness {
                reason: "no nonce generator configured".to_owned(),
            })?;
        store.put(
            session_id,
            &random_value(generator)?,
            self.settings.nonce_ttl,
        )
    }

    /// Takes the session's nonce out of `store` (it is gone afterwards, whatever the outcome)
    /// and validates the token against it.
    ///
    /// [`Error::NonceNotFound`] if the session has none (never issued, already used);
    /// [`Error::NonceExpired`] if it is past its lifetime, by the store's clock or this
    /// validator's.
    pub fn validate_with_store(
        &self,
        token_json: &str,
        store: &dyn NonceStore,
        session_id: &str,
    ) -> Result<ValidatedUser, Error> {
        let nonce = store.take(session_id)?;
        let now = (self.settings.clock)();
        // A store is trusted to refuse expired nonces; checking again costs nothing.
        if nonce.is_expired_at(now) {
            return Err(Error::NonceExpired {
                expired_at: rfc3339(nonce.expires_at),
            });
        }
        self.validate_at(token_json, &nonce.value, now)
    }

    /// Validates the token against `challenge_nonce`, which must be the nonce the server
    /// issued to this browser session and has now removed from its store — never a value from
    /// the request. Prefer [`validate_with_store`](Self::validate_with_store).
    pub fn validate(
        &self,
        token_json: &str,
        challenge_nonce: &str,
    ) -> Result<ValidatedUser, Error> {
        self.validate_at(token_json, challenge_nonce, (self.settings.clock)())
    }

    fn validate_at(
        &self,
        token_json: &str,
        challenge_nonce: &str,
        now: OffsetDateTime,
    ) -> Result<ValidatedUser, Error> {
        let settings = &self.settings;
        // 0. The nonce is the server's, but an empty or mangled one would make step 7 vacuous.
        check_nonce(challenge_nonce)?;
        // 1. Size, JSON, format, fields.
        let token = token_fields::parse(token_json, settings.strict_fields)?;
        // 2. The certificate.
        let certificate = Certificate::from_der(&token.unverified_certificate)
            .map_err(Error::TokenCertificate)?;
        // 3, 4. Purpose and policies.
        purpose::check_purpose(&certificate)?;
        purpose::check_policies(&certificate, &settings.disallowed_policies)?;
        // 5. Validity and trust.
        chain::check_validity(&certificate, now)?;
        let candidates = token
            .unverified_intermediate_certificates
            .iter()
            .map(|der| Certificate::from_der(der).map_err(Error::TokenCertificate))
            .collect::<Result<Vec<_>, _>>()?;
        let path = chain::validate_chain(&certificate, &candidates, &settings.trust, now)?;
        // 6. Revocation of the certificate and of every intermediate below the anchor.
        let ocsp_responder = match &settings.ocsp {
            Some(ocsp_settings) => {
                let mut first = None;
                for pair in path.chain().windows(2) {
                    let url = ocsp::check_revocation(ocsp_settings, &pair[0], &pair[1], now)?;
                    first.get_or_insert(url);
                }
                first
            }
            None => None,
        };
        // 7. The signature, with the configured origin and the server's nonce.
        verify_token_signature(&token, settings.origin.as_str(), challenge_nonce)?;
        // 8. web-eid:1.1 signing certificates.
        let signing_certificates =
            signing_certificates::validate(&token, &certificate, &settings.trust, now)?;

        let identity = Identity::from_certificate(&certificate, &settings.policy_map)
            .map_err(Error::CertificateIdentity)?;
        Ok(ValidatedUser {
            certificate,
            identity,
            format: token.format,
            signing_certificates,
            ocsp_responder,
        })
    }
}
