//! The simulated person's SIM: the test PKI's `mobile` holder keys and certificates
//! (`<pki>/holders/mobile/{auth,sign}.{key,pem}`, P-256), and the ECDSA signature a phone
//! returns — over the hash exactly as sent, raw `r ‖ s` (reference/mobile-id.md §1.6).

use std::path::Path;

use knik_mobile_id::{HashType, SessionKind, SignatureAlgorithm};
use knik_pki::Certificate;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey;
use sha2::{Digest, Sha256};
use signature::hazmat::PrehashSigner;

use crate::error::SimError;

/// Seed of the key the `+37400000010` phone signs with: fixed, so runs are reproducible, and
/// held by no certificate.
const FOREIGN_KEY_SEED: &[u8] = b"knik-mobile-id-sim: a P-256 key that no certificate holds";

/// One key with its certificate.
struct KeyPair {
    key: SigningKey,
    certificate: Certificate,
}

/// The SIM of the test person.
pub(crate) struct Sim {
    auth: KeyPair,
    sign: KeyPair,
    foreign: SigningKey,
}

impl Sim {
    /// Loads `holders/mobile/` under `pki_dir`, checking that each key belongs to its
    /// certificate.
    pub(crate) fn load(pki_dir: &Path) -> Result<Sim, SimError> {
        let dir = pki_dir.join("holders").join("mobile");
        let foreign_scalar: [u8; 32] = Sha256::digest(FOREIGN_KEY_SEED).into();
        Ok(Sim {
            auth: KeyPair::load(&dir, "auth")?,
            sign: KeyPair::load(&dir, "sign")?,
            foreign: SigningKey::from_bytes(&foreign_scalar.into())
                .expect("a SHA-256 output is a valid P-256 scalar with overwhelming probability"),
        })
    }

    /// The signing certificate (`POST /certificate`), DER.
    pub(crate) fn signing_certificate(&self) -> &[u8] {
        self.sign.certificate.as_der()
    }

    /// The authentication certificate (returned with authentication results), DER.
    pub(crate) fn authentication_certificate(&self) -> &[u8] {
        self.auth.certificate.as_der()
    }

    /// Signs `hash` as the phone does for a session of `kind`: the authentication key for
    /// authentication, the signing key for signing, or the foreign key when `foreign`.
    pub(crate) fn sign(
        &self,
        kind: SessionKind,
        hash_type: HashType,
        hash: &[u8],
        foreign: bool,
    ) -> Result<(SignatureAlgorithm, Vec<u8>), String> {
        let key = match (foreign, kind) {
            (true, _) => &self.foreign,
            (false, SessionKind::Authentication) => &self.auth.key,
            (false, SessionKind::Signature) => &self.sign.key,
        };
        let algorithm = match hash_type {
            HashType::Sha256 => SignatureAlgorithm::Sha256WithEc,
            HashType::Sha384 => SignatureAlgorithm::Sha384WithEc,
            HashType::Sha512 => SignatureAlgorithm::Sha512WithEc,
        };
        Ok((algorithm, raw_signature(key, hash)?))
    }
}

/// ECDSA over a digest computed elsewhere; a digest longer than the curve (SHA-384/512 with
/// P-256) is truncated to its leftmost 256 bits, as ECDSA prescribes (SEC 1 §4.1.3 step 5).
fn raw_signature(key: &SigningKey, digest: &[u8]) -> Result<Vec<u8>, String> {
    let signature: Signature = key
        .sign_prehash(digest)
        .map_err(|e| format!("ECDSA signing failed: {e}"))?;
    Ok(signature.to_bytes().to_vec())
}

impl KeyPair {
    fn load(dir: &Path, name: &str) -> Result<KeyPair, SimError> {
        let key_path = dir.join(format!("{name}.key"));
        let cert_path = dir.join(format!("{name}.pem"));
        let key = SigningKey::from_pkcs8_pem(&read(&key_path)?).map_err(|e| SimError::Parse {
            path: key_path.clone(),
            what: "PKCS#8 P-256 private key",
            reason: e.to_string(),
        })?;
        let certificate =
            Certificate::from_pem(&read(&cert_path)?).map_err(|e| SimError::Parse {
                path: cert_path.clone(),
                what: "PEM certificate",
                reason: e.to_string(),
            })?;
        // A mixed-up PKI directory would make every OK signature fail: refuse to start.
        let probe: [u8; 32] = Sha256::digest(b"knik-mobile-id-sim key check").into();
        let matches = raw_signature(&key, &probe).is_ok_and(|sig| {
            certificate
                .public_key()
                .verify_digest_signature(knik_pki::HashAlgorithm::Sha256, &probe, &sig)
                .is_ok()
        });
        if !matches {
            return Err(SimError::KeyMismatch {
                key: key_path,
                certificate: cert_path,
            });
        }
        Ok(KeyPair { key, certificate })
    }
}

fn read(path: &Path) -> Result<String, SimError> {
    std::fs::read_to_string(path).map_err(|e| SimError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}
