//! The signature part of token validation (reference/web-eid.md §2.5 step 2.7).

use knik_pki::{Certificate, PublicKey};

use crate::Error;
use crate::error::clip;
use crate::nonce::NonceProblem;
use crate::origin::OriginProblem;
use crate::token::{AuthToken, TokenAlgorithm, TokenSignatureScheme, signed_value_digest};

/// Checks that the token's signature, made with the key of its `unverifiedCertificate`, covers
/// hash(hash(`origin`) ‖ hash(`nonce`)).
///
/// `origin` must be the site's configured origin (ASCII / punycode, exactly as the browser
/// serialises it) and `nonce` the nonce taken from the server's store for this session —
/// never values read from the request, or the check proves nothing.
///
/// Rules applied here: the algorithm must fit the key (ES256 ↔ P-256, ES384 ↔ P-384, PS/RS ↔
/// RSA; ES512 needs P-521, which knik-pki does not verify); ECDSA signatures must be raw `r‖s`
/// of exactly twice the field size, as Web eID sends them (a DER signature is refused, as the
/// reference validators would fail it); PSS uses MGF1 with the same hash and a salt of the hash
/// length.
///
/// **This is only the signature.** A complete validator, the later step, must before this:
/// take the nonce from the store (single use, expiry); check the certificate's purpose
/// (keyUsage digitalSignature; EKU clientAuth when an EKU is present) and disallowed policies;
/// validate its chain to the configured CAs at the current time; check revocation with OCSP
/// (AIA or a designated responder, nonce, freshness, responder authorisation); and for
/// `web-eid:1.1` check each signing certificate (same subject and issuer, nonRepudiation,
/// chain). Only then is the certificate's identity to be believed.
pub fn verify_token_signature(token: &AuthToken, origin: &str, nonce: &str) -> Result<(), Error> {
    if origin.is_empty() {
        return Err(Error::InvalidOrigin {
            origin: String::new(),
            problem: OriginProblem::Empty,
        });
    }
    if nonce.is_empty() {
        return Err(Error::InvalidNonce {
            problem: NonceProblem::TooShort { length: 0 },
        });
    }
    if token.signature.is_empty() {
        return Err(Error::TokenFieldMissing { field: "signature" });
    }
    let certificate =
        Certificate::from_der(&token.unverified_certificate).map_err(Error::TokenCertificate)?;
    let key = certificate.public_key();
    let algorithm = token.algorithm;
    check_key_fits(algorithm, key)?;

    let hash = algorithm.hash();
    let digest = signed_value_digest(origin, nonce, algorithm);
    let result = match algorithm.scheme() {
        TokenSignatureScheme::Ecdsa => {
            let field_len = match algorithm {
                TokenAlgorithm::Es256 => 32,
                _ => 48,
            };
            if token.signature.len() != 2 * field_len {
                return Err(Error::TokenSignatureMalformed {
                    reason: format!(
                        "{} signature of {} bytes, raw r||s is {} bytes",
                        algorithm,
                        token.signature.len(),
                        2 * field_len
                    ),
                });
            }
            key.verify_digest_signature(hash, &digest, &token.signature)
        }
        TokenSignatureScheme::RsaPkcs1v15 => {
            key.verify_digest_signature(hash, &digest, &token.signature)
        }
        TokenSignatureScheme::RsaPss => {
            key.verify_digest_signature_pss(hash, &digest, &token.signature, hash.output_len())
        }
    };
    result.map_err(|e| match e {
        knik_pki::Error::SignatureInvalid { .. } => Error::TokenSignatureInvalid {
            algorithm: algorithm.name(),
            origin: clip(origin, 300),
        },
        other => Error::TokenSignatureMalformed {
            reason: other.to_string(),
        },
    })
}

/// JWA binds each ES algorithm to one curve (RFC 7518 §3.4); PS/RS need an RSA key.
fn check_key_fits(algorithm: TokenAlgorithm, key: &PublicKey) -> Result<(), Error> {
    let fits = match (algorithm.scheme(), key) {
        (TokenSignatureScheme::Ecdsa, PublicKey::EcP256(_)) => algorithm == TokenAlgorithm::Es256,
        (TokenSignatureScheme::Ecdsa, PublicKey::EcP384(_)) => algorithm == TokenAlgorithm::Es384,
        (TokenSignatureScheme::RsaPss | TokenSignatureScheme::RsaPkcs1v15, PublicKey::Rsa(_)) => {
            true
        }
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(Error::TokenAlgorithmKeyMismatch {
            algorithm: algorithm.name(),
            key: key.key_description(),
        })
    }
}
