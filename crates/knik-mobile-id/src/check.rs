//! Checking a finished session before its result is used (spec/mobile-id.md: "A signature from
//! a mobile-ID session is verified against the signing certificate from `/certificate` before
//! it is used; ECDSA values are raw r‖s"; reference/mobile-id.md §1.6).
//!
//! What is *not* checked here: the certificate chain and revocation. Those need trust anchors
//! and OCSP (knik-pki's validation layer); a caller must run them on the certificate as well.

use knik_pki::{Certificate, Identity, PolicyMap, PublicKey};
use time::OffsetDateTime;

use crate::codes::{HashType, SignatureAlgorithm};
use crate::error::Error;
use crate::hash::SignableHash;
use crate::person::Person;
use crate::provider::FinishedSession;
use crate::verification_code::VerificationCode;

/// A source of unpredictable bytes, supplied by the caller (the OS generator on a server,
/// `crypto.getRandomValues` in a browser), so this crate stays free of platform randomness.
pub trait RandomSource {
    /// Fills `buf` entirely with random bytes, or says why it cannot.
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), String>;
}

/// The random hash an authentication session signs (reference §1.3: "any random value of the
/// right length", a new one for each request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticationChallenge {
    hash: SignableHash,
}

impl AuthenticationChallenge {
    /// Draws a fresh challenge of `hash_type`'s length (32, 48 or 64 bytes) from `rng`.
    ///
    /// A source that fails, or returns all zero bytes (a generator that was never seeded or a
    /// stub left in), is refused.
    pub fn random(hash_type: HashType, rng: &mut dyn RandomSource) -> Result<Self, Error> {
        let mut bytes = vec![0u8; hash_type.digest_len()];
        rng.fill_random(&mut bytes)
            .map_err(|reason| Error::RandomUnavailable { reason })?;
        if bytes.iter().all(|b| *b == 0) {
            return Err(Error::RandomUnavailable {
                reason: "the source returned only zero bytes".to_owned(),
            });
        }
        Ok(AuthenticationChallenge {
            hash: SignableHash::new(hash_type, &bytes)?,
        })
    }

    /// The hash to send.
    pub fn hash(&self) -> &SignableHash {
        &self.hash
    }

    /// The code to show the person.
    pub fn verification_code(&self) -> VerificationCode {
        self.hash.verification_code()
    }
}

/// Checks that `signature` was made over `hash` with `certificate`'s key.
///
/// * The algorithm must name the hash type that was sent and the kind of key (EC or RSA) in
///   the certificate: [`Error::SignatureAlgorithmMismatch`].
/// * ECDSA values must be raw `r ‖ s` of the curve width (64 bytes for P-256, 96 for P-384),
///   as MID-REST sends them: [`Error::SignatureEncoding`] for anything else, DER included.
/// * RSA is PKCS#1 v1.5 with the DigestInfo of the hash type.
/// * [`Error::SignatureInvalid`] when the value does not verify.
pub fn verify_signature(
    certificate: &Certificate,
    hash: &SignableHash,
    algorithm: SignatureAlgorithm,
    signature: &[u8],
) -> Result<(), Error> {
    let key = certificate.public_key();
    let raw_len = match key {
        PublicKey::EcP256(_) => Some(64),
        PublicKey::EcP384(_) => Some(96),
        _ => None,
    };
    let key_fits = match key {
        PublicKey::EcP256(_) | PublicKey::EcP384(_) => algorithm.is_ecdsa(),
        PublicKey::Rsa(_) => !algorithm.is_ecdsa(),
        _ => false,
    };
    if algorithm.hash_type() != hash.hash_type() || !key_fits {
        return Err(Error::SignatureAlgorithmMismatch {
            algorithm,
            hash_type: hash.hash_type(),
            key: key.key_description(),
        });
    }
    if let Some(expected) = raw_len
        && signature.len() != expected
    {
        return Err(Error::SignatureEncoding {
            key: key.key_description(),
            reason: format!(
                "{} bytes; MID-REST sends raw r||s of {expected} bytes",
                signature.len()
            ),
        });
    }
    key.verify_digest_signature(hash.hash_type().to_pki(), hash.digest(), signature)
        .map_err(|e| match e {
            knik_pki::Error::SignatureInvalid { key } => Error::SignatureInvalid { key },
            knik_pki::Error::SignatureEncoding { key, reason } => {
                Error::SignatureEncoding { key, reason }
            }
            other => Error::Certificate(other),
        })
}

fn check_validity(certificate: &Certificate, at: OffsetDateTime) -> Result<(), Error> {
    if !certificate.is_valid_at(at) {
        return Err(Error::CertificateNotValid {
            checked_at: at,
            not_before: certificate.not_before(),
            not_after: certificate.not_after(),
        });
    }
    Ok(())
}

/// Checks a finished authentication and returns who authenticated.
///
/// In order (reference §1.6): the session carries a certificate; it is valid at `at`; it has
/// keyUsage digitalSignature; the signature verifies over the challenge that was sent; the
/// certificate's identity (read with `policies`, so mobile ID certificates come out as
/// [`DocumentKind::MobileId`](knik_pki::DocumentKind::MobileId)) has the national identity
/// number of the `person` who was asked.
///
/// Then validate the chain and revocation, and rotate the e-service's session identifier.
pub fn verify_authentication(
    challenge: &AuthenticationChallenge,
    person: &Person,
    session: &FinishedSession,
    policies: &PolicyMap,
    at: OffsetDateTime,
) -> Result<Identity, Error> {
    let certificate = session
        .certificate
        .as_ref()
        .ok_or(Error::CertificateMissing)?;
    check_validity(certificate, at)?;
    if !certificate
        .key_usage()
        .is_some_and(|k| k.digital_signature())
    {
        return Err(Error::KeyUsage {
            required: "digitalSignature",
        });
    }
    verify_signature(
        certificate,
        challenge.hash(),
        session.algorithm,
        &session.signature,
    )?;
    let identity = Identity::from_certificate(certificate, policies)?;
    check_person(&identity, person)?;
    Ok(identity)
}

/// The certificate names the person asked for: the same national identity number, given as a
/// personal number (`PNO…`), not an identity card or passport number with the same digits.
fn check_person(identity: &Identity, person: &Person) -> Result<(), Error> {
    let expected = person.national_identity_number().as_str();
    let is_personal_number = matches!(
        identity.identifier_type,
        None | Some(knik_pki::IdentifierType::PersonalNumber)
    );
    if identity.personal_number != expected {
        return Err(Error::IdentityMismatch {
            expected: expected.to_owned(),
            found: identity.personal_number.clone(),
        });
    }
    if !is_personal_number {
        // The same digits as another kind of number (IDC, PAS): say which.
        return Err(Error::IdentityMismatch {
            expected: expected.to_owned(),
            found: identity
                .semantics_identifier
                .clone()
                .unwrap_or_else(|| identity.personal_number.clone()),
        });
    }
    Ok(())
}

/// Checks the certificate [`MobileIdProvider::signing_certificate`](crate::MobileIdProvider::signing_certificate)
/// returned, before any session asks the person for PIN2: valid at `at`, keyUsage
/// nonRepudiation, and issued to `person` (a provider's mix-up must not sign under someone
/// else's name).
pub fn check_signing_certificate(
    certificate: &Certificate,
    person: &Person,
    at: OffsetDateTime,
) -> Result<(), Error> {
    check_validity(certificate, at)?;
    if !certificate.key_usage().is_some_and(|k| k.non_repudiation()) {
        return Err(Error::KeyUsage {
            required: "nonRepudiation",
        });
    }
    let identity = Identity::from_certificate(certificate, &knik_pki::PolicyMap::default())?;
    check_person(&identity, person)
}

/// Checks a finished signing session against the signing certificate from
/// [`MobileIdProvider::signing_certificate`](crate::MobileIdProvider::signing_certificate)
/// (never against an authentication certificate, reference §1.3 and SK-EID/MID#21) and returns
/// the signature value, ready for XAdES `SignatureValue`.
///
/// The certificate must be valid at `at` and have keyUsage nonRepudiation.
pub fn verify_signing(
    signing_certificate: &Certificate,
    hash: &SignableHash,
    session: &FinishedSession,
    at: OffsetDateTime,
) -> Result<Vec<u8>, Error> {
    check_validity(signing_certificate, at)?;
    if !signing_certificate
        .key_usage()
        .is_some_and(|k| k.non_repudiation())
    {
        return Err(Error::KeyUsage {
            required: "nonRepudiation",
        });
    }
    verify_signature(
        signing_certificate,
        hash,
        session.algorithm,
        &session.signature,
    )?;
    Ok(session.signature.clone())
}
