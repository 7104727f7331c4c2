//! Step 5: the certificate is valid now and chains to a configured CA now
//! (reference/web-eid.md §2.5 step 2.5). Revocation is step 6 ([`super::ocsp`]).

use knik_pki::{Certificate, PathOptions, TrustStore, ValidatedPath, validate_path};
use time::OffsetDateTime;

use crate::Error;
use crate::challenge::rfc3339;

/// notBefore ≤ `now` ≤ notAfter.
pub(super) fn check_validity(certificate: &Certificate, now: OffsetDateTime) -> Result<(), Error> {
    if now > certificate.not_after() {
        return Err(Error::CertificateExpired {
            subject: certificate.subject().to_rfc4514(),
            not_after: rfc3339(certificate.not_after()),
            at: rfc3339(now),
        });
    }
    if now < certificate.not_before() {
        return Err(Error::CertificateNotYetValid {
            subject: certificate.subject().to_rfc4514(),
            not_before: rfc3339(certificate.not_before()),
            at: rfc3339(now),
        });
    }
    Ok(())
}

/// A path from `certificate` to an anchor of `trust`, with `candidates` (the token's
/// `unverifiedIntermediateCertificates`) as possible intermediates. Anchors are tried first,
/// so the path ends at the first configured CA reached; that CA must be valid now too.
///
/// The certificate itself must not be an anchor: its issuer is needed for the OCSP request,
/// and a configured end-entity certificate would skip every check of its issuer.
pub(super) fn validate_chain(
    certificate: &Certificate,
    candidates: &[Certificate],
    trust: &TrustStore,
    now: OffsetDateTime,
) -> Result<ValidatedPath, Error> {
    let not_trusted = |cause| Error::CertificateNotTrusted {
        subject: certificate.subject().to_rfc4514(),
        cause,
    };
    let path = validate_path(certificate, candidates, trust, now, PathOptions::default())
        .map_err(not_trusted)?;
    if path.chain().len() < 2 {
        return Err(not_trusted(knik_pki::Error::ChainNoAnchor {
            subject: certificate.subject().to_rfc4514(),
            issuer: certificate.issuer().to_rfc4514(),
        }));
    }
    Ok(path)
}
