//! Step 6: the certificate's revocation status from OCSP (reference/web-eid.md §2.7).
//!
//! 1. The service: the designated one when configured and serving the certificate's issuer,
//!    else the first `http(s)` OCSP URL of the certificate's authorityInfoAccess.
//! 2. The request: one CertID with SHA-1 hashes; a nonce of 32 random bytes unless the URL is
//!    nonce-disabled or the designated service does not echo nonces.
//! 3. The response: `successful`, a BasicOCSPResponse with exactly one SingleResponse, about
//!    this certificate; signed by the issuing CA or a responder it delegated directly
//!    (OCSPSigning) — or, for the designated service, by exactly the pinned certificate —
//!    and that signer valid now; the nonce echoed; thisUpdate no later than now + skew and no
//!    older than the maximum age; nextUpdate, if present, not before now − skew nor before
//!    thisUpdate.
//! 4. The status: good passes; revoked and unknown fail (no soft-fail).

use core::time::Duration;

use knik_pki::ocsp::{CertStatus, OCSP_NONCE_LEN, OcspCheck, OcspRequest, OcspResponse};
use knik_pki::{Certificate, HashAlgorithm};
use time::OffsetDateTime;

use crate::Error;
use crate::challenge::rfc3339;
use crate::validator::builder::OcspSettings;
use crate::validator::transport::OcspTransportError;

/// Checks `certificate` (issued by `issuer`) with OCSP at `now`; returns the URL asked.
pub(super) fn check_revocation(
    settings: &OcspSettings,
    certificate: &Certificate,
    issuer: &Certificate,
    now: OffsetDateTime,
) -> Result<String, Error> {
    let designated = settings
        .designated
        .as_ref()
        .filter(|service| service.serves(certificate));
    let (url, use_nonce, pinned) = match designated {
        Some(service) => (
            service.url().to_owned(),
            service.supports_nonce(),
            Some(service.responder()),
        ),
        None => {
            let url = certificate
                .ocsp_urls()
                .iter()
                .find(|u| u.starts_with("http://") || u.starts_with("https://"))
                .ok_or_else(|| Error::OcspNoResponder {
                    subject: certificate.subject().to_rfc4514(),
                })?
                .clone();
            let use_nonce = !settings.nonce_disabled_urls.contains(&url);
            (url, use_nonce, None)
        }
    };

    let nonce = if use_nonce {
        let mut nonce = [0u8; OCSP_NONCE_LEN];
        settings.generator.fill(&mut nonce)?;
        Some(nonce)
    } else {
        None
    };
    // The path validated `issuer` as the certificate's issuer, so this cannot fail by name.
    let request =
        OcspRequest::new(certificate, issuer, HashAlgorithm::Sha1, nonce).map_err(|e| {
            Error::CertificateNotTrusted {
                subject: certificate.subject().to_rfc4514(),
                cause: e,
            }
        })?;
    let body = settings
        .transport
        .post(&url, request.as_der(), settings.timeout)
        .map_err(|e| transport_error(&url, settings.timeout, e))?;

    let response = OcspResponse::from_der(&body).map_err(|e| match e {
        knik_pki::Error::OcspUnsuccessful { status } => Error::OcspUnsuccessful {
            url: url.clone(),
            status,
        },
        other => Error::OcspResponseMalformed {
            url: url.clone(),
            reason: other.to_string(),
        },
    })?;
    if response.responses().len() != 1 {
        return Err(Error::OcspCertificateMismatch {
            url,
            reason: format!(
                "{} SingleResponses, exactly one is required",
                response.responses().len()
            ),
        });
    }

    let skew = time_duration(settings.allowed_time_skew);
    let mut check = OcspCheck::new(certificate, issuer, now)
        .max_clock_skew(skew)
        .max_age(Some(time_duration(settings.max_this_update_age)));
    if let Some(nonce) = request.nonce() {
        check = check.nonce(nonce);
    }
    if let Some(pinned) = pinned {
        check = check.trusted_responder(pinned);
    }
    let verified = response
        .verify(&check)
        .map_err(|e| verification_error(&url, e))?;

    let responder = verified.responder();
    if let Some(pinned) = pinned
        && responder != pinned
    {
        return Err(Error::OcspResponderNotAuthorised {
            url,
            reason: format!(
                "signed by \"{}\", not by the designated responder certificate \"{}\"",
                responder.subject().to_rfc4514(),
                pinned.subject().to_rfc4514()
            ),
        });
    }
    if !responder.is_valid_at(now) {
        return Err(Error::OcspResponderNotAuthorised {
            url,
            reason: format!(
                "the responder certificate \"{}\" is not valid now ({} to {})",
                responder.subject().to_rfc4514(),
                rfc3339(responder.not_before()),
                rfc3339(responder.not_after())
            ),
        });
    }
    if let Some(next_update) = verified.next_update()
        && next_update < verified.this_update()
    {
        return Err(Error::OcspNotFresh {
            url,
            reason: format!(
                "nextUpdate {} is before thisUpdate {}",
                rfc3339(next_update),
                rfc3339(verified.this_update())
            ),
        });
    }

    match verified.status() {
        CertStatus::Good => Ok(url),
        CertStatus::Revoked { time, reason } => Err(Error::CertificateRevoked {
            subject: certificate.subject().to_rfc4514(),
            revoked_at: rfc3339(time),
            reason,
        }),
        CertStatus::Unknown => Err(Error::CertificateStatusUnknown {
            subject: certificate.subject().to_rfc4514(),
            url,
        }),
    }
}

fn transport_error(url: &str, timeout: Duration, error: OcspTransportError) -> Error {
    match error {
        OcspTransportError::Timeout => Error::OcspTimeout {
            url: url.to_owned(),
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        },
        other => Error::OcspUnavailable {
            url: url.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// Sorts knik-pki's verification failures into the validator's OCSP errors.
fn verification_error(url: &str, error: knik_pki::Error) -> Error {
    use knik_pki::Error as Pki;
    let url = url.to_owned();
    let reason = error.to_string();
    match error {
        Pki::OcspResponderNotFound { .. }
        | Pki::OcspSignatureInvalid { .. }
        | Pki::SignatureInvalid { .. }
        | Pki::SignatureEncoding { .. }
        | Pki::AlgorithmKeyMismatch { .. }
        | Pki::UnsupportedAlgorithm { .. }
        | Pki::UnsupportedKey { .. } => Error::OcspSignatureInvalid { url, reason },
        Pki::OcspResponderNotAuthorised { .. } => Error::OcspResponderNotAuthorised { url, reason },
        Pki::OcspCertIdMismatch { .. } | Pki::IssuerNameMismatch { .. } => {
            Error::OcspCertificateMismatch { url, reason }
        }
        Pki::OcspNonceMissing | Pki::OcspNonceMismatch { .. } => {
            Error::OcspNonceMismatch { url, reason }
        }
        Pki::OcspFromFuture { .. } | Pki::OcspTooOld { .. } | Pki::OcspExpired { .. } => {
            Error::OcspNotFresh { url, reason }
        }
        _ => Error::OcspResponseMalformed { url, reason },
    }
}

/// `core::time::Duration` → `time::Duration`, saturating (configured values are minutes).
fn time_duration(duration: Duration) -> time::Duration {
    time::Duration::try_from(duration).unwrap_or(time::Duration::MAX)
}
