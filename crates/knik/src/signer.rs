//! Who makes the signature value: anything that holds a private key and its certificate.
//!
//! The signing flow in [`crate::sign`] only needs the certificate (before phase 1) and a
//! signature over a digest (phase 2). A smart card (`knik-card`'s `Token`), a PKCS#11 key, a
//! mobile-ID session or a software key all fit behind [`Signer`]; [`SoftwareKey`] is the
//! software one (`--key FILE.p12` or a PEM key) for servers, tests and seals.

use knik_pki::{Certificate, HashAlgorithm, PublicKey};
use zeroize::Zeroizing;

use crate::error::Error;

/// Signs digests with one key whose certificate is known.
pub trait Signer {
    /// The signing certificate, DER.
    fn certificate(&mut self) -> Result<Vec<u8>, Error>;

    /// Signs `digest` (the output of `hash`). ECDSA: raw `r‖s` or DER; RSA: PKCS#1 v1.5 over
    /// the DigestInfo of `digest` (or RSA-PSS when [`Signer::uses_rsa_pss`] is true).
    fn sign_digest(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, Error>;

    /// True when the key signs RSA-PSS (MGF1 with the same hash, salt length = hash length).
    fn uses_rsa_pss(&self) -> bool {
        false
    }

    /// Certificates that came with the key and may complete its chain (a PKCS#12 file's CA
    /// certificates), DER. The signing flow looks for the issuer among them before the signer
    /// is asked to sign.
    fn chain(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
}

enum Key {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Rsa(Box<rsa::RsaPrivateKey>),
}

/// A private key held in memory (zeroized on drop by the RustCrypto key types) with its
/// certificate.
pub struct SoftwareKey {
    key: Key,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    pss: bool,
}

impl std::fmt::Debug for SoftwareKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareKey")
            .field("certificate_len", &self.certificate.len())
            .finish_non_exhaustive()
    }
}

fn key_error(reason: impl Into<String>) -> Error {
    Error::Key {
        reason: reason.into(),
    }
}

impl SoftwareKey {
    /// A key from PKCS#8 DER and the certificate it belongs to (DER or PEM). Refuses a key that
    /// does not match the certificate.
    pub fn from_pkcs8_der(pkcs8: &[u8], certificate: &[u8]) -> Result<SoftwareKey, Error> {
        use p256::pkcs8::DecodePrivateKey;
        let cert = Certificate::from_der_or_pem(certificate)
            .map_err(|e| key_error(format!("the certificate cannot be read: {e}")))?
            .into_iter()
            .next()
            .ok_or_else(|| key_error("no certificate given"))?;
        let key = match cert.public_key() {
            PublicKey::EcP256(_) => Key::P256(
                p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8)
                    .map_err(|_| key_error("the key is not a P-256 key"))?,
            ),
            PublicKey::EcP384(_) => Key::P384(
                p384::ecdsa::SigningKey::from_pkcs8_der(pkcs8)
                    .map_err(|_| key_error("the key is not a P-384 key"))?,
            ),
            PublicKey::Rsa(_) => Key::Rsa(Box::new(
                rsa::RsaPrivateKey::from_pkcs8_der(pkcs8)
                    .map_err(|_| key_error("the key is not an RSA key"))?,
            )),
            other => {
                return Err(key_error(format!(
                    "unsupported key type {}",
                    other.key_description()
                )));
            }
        };
        let signer = SoftwareKey {
            key,
            certificate: cert.as_der().to_vec(),
            chain: Vec::new(),
            pss: false,
        };
        signer.check_pair(&cert)?;
        Ok(signer)
    }

    /// A key from PEM (`PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`) and a PEM
    /// certificate.
    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<SoftwareKey, Error> {
        let pkcs8 = pem_key_to_pkcs8(key_pem)?;
        SoftwareKey::from_pkcs8_der(&pkcs8, certificate_pem.as_bytes())
    }

    /// The key and certificate chain of a PKCS#12 file (`.p12` / `.pfx`), as OpenSSL 3 writes
    /// them (PBES2 / AES) or older tools (PBE with 3DES / RC2 is not supported). The first key
    /// that comes with a certificate is taken; the other certificates of its chain are
    /// [`Signer::chain`].
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<SoftwareKey, Error> {
        let store = p12_keystore::KeyStore::from_pkcs12(
            der,
            password,
            p12_keystore::Pkcs12ImportPolicy::Relaxed,
        )
        .map_err(|e| key_error(format!("the PKCS#12 file cannot be opened: {e}")))?;
        // The relaxed policy keeps a key whose certificate is missing as a chain without
        // certificates; entries come in alias order, so such a key may come first.
        let (chain, first) = store
            .entries()
            .find_map(|(_, entry)| match entry {
                p12_keystore::KeyStoreEntry::PrivateKeyChain(chain) => {
                    chain.certs().first().map(|first| (chain, first))
                }
                _ => None,
            })
            .ok_or_else(|| key_error("the PKCS#12 file holds no private key with a certificate"))?;
        let certs = chain.certs();
        let pkcs8 = Zeroizing::new(chain.key().as_der().to_vec());
        let mut signer = SoftwareKey::from_pkcs8_der(&pkcs8, first.as_der())?;
        signer.chain = certs[1..].iter().map(|c| c.as_der().to_vec()).collect();
        Ok(signer)
    }

    /// Signs RSA keys with RSA-PSS instead of PKCS#1 v1.5 (ignored for EC keys).
    pub fn with_rsa_pss(mut self, pss: bool) -> SoftwareKey {
        self.pss = pss && matches!(self.key, Key::Rsa(_));
        self
    }

    fn check_pair(&self, cert: &Certificate) -> Result<(), Error> {
        let hash = match self.key {
            Key::P384(_) => HashAlgorithm::Sha384,
            _ => HashAlgorithm::Sha256,
        };
        let digest = hash.digest(b"knik key pair check");
        let value = self.sign(hash, &digest)?;
        let ok = if self.pss {
            cert.public_key()
                .verify_digest_signature_pss(hash, &digest, &value, hash.output_len())
        } else {
            cert.public_key()
                .verify_digest_signature(hash, &digest, &value)
        };
        ok.map_err(|_| key_error("the private key does not belong to the certificate"))
    }

    fn sign(&self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, Error> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let fail = |e: &dyn std::fmt::Display| key_error(format!("signing failed: {e}"));
        match &self.key {
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(digest).map_err(|e| fail(&e))?;
                Ok(sig.to_bytes().to_vec())
            }
            Key::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign_prehash(digest).map_err(|e| fail(&e))?;
                Ok(sig.to_bytes().to_vec())
            }
            Key::Rsa(k) => {
                if self.pss {
                    let mut rng = rand_core::OsRng;
                    let scheme = match hash {
                        HashAlgorithm::Sha256 => rsa::Pss::new::<sha2::Sha256>(),
                        HashAlgorithm::Sha384 => rsa::Pss::new::<sha2::Sha384>(),
                        HashAlgorithm::Sha512 => rsa::Pss::new::<sha2::Sha512>(),
                        _ => return Err(key_error("RSA-PSS needs SHA-256, SHA-384 or SHA-512")),
                    };
                    k.sign_with_rng(&mut rng, scheme, digest)
                        .map_err(|e| fail(&e))
                } else {
                    // Given a random source the rsa crate blinds the private-key operation,
                    // which makes its timing harder to exploit; without one it does not.
                    let mut rng = rand_core::OsRng;
                    let scheme = match hash {
                        HashAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                        HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                        HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                        HashAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                        _ => return Err(key_error("this hash algorithm is not supported")),
                    };
                    k.sign_with_rng(&mut rng, scheme, digest)
                        .map_err(|e| fail(&e))
                }
            }
        }
    }
}

impl Signer for SoftwareKey {
    fn certificate(&mut self) -> Result<Vec<u8>, Error> {
        Ok(self.certificate.clone())
    }

    fn sign_digest(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, Error> {
        if digest.len() != hash.output_len() {
            return Err(key_error(format!(
                "a {} digest has {} bytes, got {}",
                hash.name(),
                hash.output_len(),
                digest.len()
            )));
        }
        self.sign(hash, digest)
    }

    fn uses_rsa_pss(&self) -> bool {
        self.pss
    }

    fn chain(&self) -> Vec<Vec<u8>> {
        self.chain.clone()
    }
}

/// Any PEM private key as PKCS#8 DER (zeroized when dropped).
fn pem_key_to_pkcs8(pem: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    use base64::Engine;
    let mut label = None;
    // Sized once: the base64 body is never longer than the PEM, so no push reallocates and
    // leaves a copy of the key behind in freed memory.
    let mut body = Zeroizing::new(String::with_capacity(pem.len()));
    for line in pem.lines() {
        let line = line.trim();
        if let Some(l) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            if l.ends_with("PRIVATE KEY") {
                label = Some(l.to_owned());
                body.clear();
            }
        } else if line.starts_with("-----END ") {
            if label.is_some() {
                break;
            }
        } else if label.is_some() {
            body.push_str(line);
        }
    }
    let label = label.ok_or_else(|| key_error("no PEM private key found"))?;
    let der = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| key_error("the PEM private key is not valid base64"))?,
    );
    match label.as_str() {
        "PRIVATE KEY" => Ok(der),
        "EC PRIVATE KEY" => {
            use p256::pkcs8::EncodePrivateKey;
            if let Ok(k) = p384::SecretKey::from_sec1_der(&der) {
                return Ok(Zeroizing::new(
                    k.to_pkcs8_der()
                        .map_err(|_| key_error("cannot re-encode the EC key"))?
                        .as_bytes()
                        .to_vec(),
                ));
            }
            let k = p256::SecretKey::from_sec1_der(&der)
                .map_err(|_| key_error("the EC key is neither P-256 nor P-384"))?;
            Ok(Zeroizing::new(
                k.to_pkcs8_der()
                    .map_err(|_| key_error("cannot re-encode the EC key"))?
                    .as_bytes()
                    .to_vec(),
            ))
        }
        "RSA PRIVATE KEY" => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            use rsa::pkcs8::EncodePrivateKey;
            let k = rsa::RsaPrivateKey::from_pkcs1_der(&der)
                .map_err(|_| key_error("the RSA key cannot be read"))?;
            Ok(Zeroizing::new(
                k.to_pkcs8_der()
                    .map_err(|_| key_error("cannot re-encode the RSA key"))?
                    .as_bytes()
                    .to_vec(),
            ))
        }
        other => Err(key_error(format!(
            "unsupported PEM key type {other} (encrypted keys: convert with openssl pkcs8)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pki(path: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../test-vectors/pki/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn pem_keys_of_every_kind_sign_verifiably() {
        for who in ["citizen", "mobile", "legacy"] {
            let cert_pem = pki(&format!("holders/{who}/sign.pem"));
            let mut key =
                SoftwareKey::from_pem(&pki(&format!("holders/{who}/sign.key")), &cert_pem).unwrap();
            let cert = Certificate::from_pem(&cert_pem).unwrap();
            let digest = HashAlgorithm::Sha256.digest(b"x");
            let sig = key.sign_digest(HashAlgorithm::Sha256, &digest).unwrap();
            cert.public_key()
                .verify_digest_signature(HashAlgorithm::Sha256, &digest, &sig)
                .unwrap();
        }
    }

    #[test]
    fn a_key_that_is_not_the_certificates_is_refused() {
        let err = SoftwareKey::from_pem(
            &pki("holders/citizen/sign.key"),
            &pki("holders/resident/sign.pem"),
        )
        .unwrap_err();
        assert_eq!(err.code(), "KEY_INVALID");
        let err = SoftwareKey::from_pem(
            &pki("holders/legacy/sign.key"),
            &pki("holders/citizen/sign.pem"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("P-384"), "{err}");
    }

    #[test]
    fn rsa_pss_verifies() {
        let mut key = SoftwareKey::from_pem(
            &pki("holders/legacy/sign.key"),
            &pki("holders/legacy/sign.pem"),
        )
        .unwrap()
        .with_rsa_pss(true);
        let cert = Certificate::from_pem(&pki("holders/legacy/sign.pem")).unwrap();
        let digest = HashAlgorithm::Sha256.digest(b"pss");
        let sig = key.sign_digest(HashAlgorithm::Sha256, &digest).unwrap();
        cert.public_key()
            .verify_digest_signature_pss(HashAlgorithm::Sha256, &digest, &sig, 32)
            .unwrap();
    }

    fn der_of(pem_file: &str) -> Vec<u8> {
        Certificate::from_pem(&pki(pem_file))
            .unwrap()
            .as_der()
            .to_vec()
    }

    #[test]
    fn pkcs12_takes_the_first_key_that_has_a_certificate() {
        use p12_keystore::{KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
        let key = |who: &str| {
            let pkcs8 = pem_key_to_pkcs8(&pki(&format!("holders/{who}/sign.key"))).unwrap();
            PrivateKey::from_der(&pkcs8).unwrap()
        };
        let cert = |file: &str| p12_keystore::Certificate::from_der(&der_of(file)).unwrap();
        let mut store = KeyStore::new();
        // Aliases sort: the key without a certificate comes first.
        store.add_entry(
            "a-key-without-certificate",
            KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(
                "lonely",
                key("resident"),
                Vec::new(),
            )),
        );
        store.add_entry(
            "b-citizen",
            KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(
                "citizen",
                key("citizen"),
                [cert("holders/citizen/sign.pem"), cert("citizen-ca.pem")],
            )),
        );
        let der = store.writer("pw").write().unwrap();
        let imported =
            KeyStore::from_pkcs12(&der, "pw", p12_keystore::Pkcs12ImportPolicy::Relaxed).unwrap();
        let (_, first) = imported.private_key_chain().unwrap();
        assert!(
            first.certs().is_empty(),
            "the lonely key is the first entry"
        );

        let mut signer = SoftwareKey::from_pkcs12(&der, "pw").unwrap();
        assert_eq!(
            signer.certificate().unwrap(),
            der_of("holders/citizen/sign.pem")
        );
        assert_eq!(signer.chain(), [der_of("citizen-ca.pem")]);
    }

    #[test]
    fn pkcs12_from_openssl_opens() {
        let dir = tempfile::tempdir().unwrap();
        let p12 = dir.path().join("k.p12");
        let base = format!("{}/../../test-vectors/pki", env!("CARGO_MANIFEST_DIR"));
        let status = std::process::Command::new("openssl")
            .args(["pkcs12", "-export", "-passout", "pass:s3cret", "-inkey"])
            .arg(format!("{base}/holders/citizen/sign.key"))
            .arg("-in")
            .arg(format!("{base}/holders/citizen/sign.pem"))
            .arg("-certfile")
            .arg(format!("{base}/chain-citizen-ca.pem"))
            .arg("-out")
            .arg(&p12)
            .status();
        let Ok(status) = status else {
            eprintln!("skipped: openssl is not installed");
            return;
        };
        assert!(status.success());
        let der = std::fs::read(&p12).unwrap();
        let mut key = SoftwareKey::from_pkcs12(&der, "s3cret").unwrap();
        assert!(!key.chain().is_empty());
        let digest = HashAlgorithm::Sha384.digest(b"p12");
        key.sign_digest(HashAlgorithm::Sha384, &digest).unwrap();
        let err = SoftwareKey::from_pkcs12(&der, "wrong").unwrap_err();
        assert!(!err.to_string().contains("s3cret"));
    }
}
