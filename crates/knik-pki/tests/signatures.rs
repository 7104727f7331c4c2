//! `PublicKey::verify_digest_signature` against signatures made by the openssl CLI with the
//! holders' keys, the way a card signs: over a digest, ECDSA as raw r‖s, RSA PKCS#1 v1.5.

mod common;

use std::path::Path;

use common::{cert, ecdsa_der_to_raw, openssl, path_str, pki_dir};
use knik_pki::{Certificate, Error, HashAlgorithm};

/// Signs `digest` with the holder's key through `openssl pkeyutl` (which signs its input as a
/// digest: no second hashing), extra `-pkeyopt` options as given.
fn pkeyutl_sign(dir: &Path, key: &Path, digest: &[u8], opts: &[&str]) -> Vec<u8> {
    let input = dir.join("digest.bin");
    let output = dir.join("sig.bin");
    std::fs::write(&input, digest).unwrap();
    let mut args = vec![
        "pkeyutl",
        "-sign",
        "-inkey",
        path_str(key),
        "-in",
        path_str(&input),
        "-out",
        path_str(&output),
    ];
    for o in opts {
        args.extend(["-pkeyopt", o]);
    }
    openssl(&args);
    std::fs::read(&output).unwrap()
}

fn flip_bit(sig: &[u8], index: usize) -> Vec<u8> {
    let mut s = sig.to_vec();
    s[index] ^= 0x01;
    s
}

#[test]
fn ecdsa_card_signatures_verify_raw_and_der() {
    let tmp = tempfile::tempdir().unwrap();
    for (holder, hash, field_len) in [
        ("citizen", HashAlgorithm::Sha384, 48),
        ("resident", HashAlgorithm::Sha256, 48),
        ("blocked", HashAlgorithm::Sha512, 48),
        ("mobile", HashAlgorithm::Sha256, 32),
    ] {
        for role in ["auth", "sign"] {
            let key = pki_dir().join(format!("holders/{holder}/{role}.key"));
            let cert = cert(&format!("holders/{holder}/{role}.pem"));
            let pk = cert.public_key();
            let digest = hash.digest(format!("data signed by {holder} {role}").as_bytes());
            let der_sig = pkeyutl_sign(tmp.path(), &key, &digest, &[]);
            let raw = ecdsa_der_to_raw(&der_sig, field_len);
            assert_eq!(raw.len(), 2 * field_len);

            pk.verify_digest_signature(hash, &digest, &raw)
                .unwrap_or_else(|e| panic!("{holder} {role} raw: {e}"));
            pk.verify_digest_signature(hash, &digest, &der_sig)
                .unwrap_or_else(|e| panic!("{holder} {role} DER: {e}"));

            let key_name = cert.key_description();
            for index in [0, field_len - 1, field_len, 2 * field_len - 1] {
                assert_eq!(
                    pk.verify_digest_signature(hash, &digest, &flip_bit(&raw, index)),
                    Err(Error::SignatureInvalid {
                        key: key_name.clone()
                    }),
                    "{holder} {role}: flipped bit in byte {index} of r||s"
                );
            }
            let mut other_digest = digest.clone();
            other_digest[0] ^= 0x80;
            assert!(
                pk.verify_digest_signature(hash, &other_digest, &raw)
                    .is_err()
            );
        }
    }
}

#[test]
fn another_holders_key_does_not_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let digest = HashAlgorithm::Sha384.digest(b"login challenge");
    let key = pki_dir().join("holders/citizen/auth.key");
    let sig = pkeyutl_sign(tmp.path(), &key, &digest, &[]);
    let raw = ecdsa_der_to_raw(&sig, 48);
    let other = cert("holders/resident/auth.pem");
    assert!(
        other
            .public_key()
            .verify_digest_signature(HashAlgorithm::Sha384, &digest, &raw)
            .is_err()
    );
    // The citizen's own signing key is a different key from the auth key, too.
    let sign = cert("holders/citizen/sign.pem");
    assert!(
        sign.public_key()
            .verify_digest_signature(HashAlgorithm::Sha384, &digest, &raw)
            .is_err()
    );
}

#[test]
fn rsa_pkcs1_and_pss_card_signatures_verify() {
    let tmp = tempfile::tempdir().unwrap();
    for role in ["auth", "sign"] {
        let key = pki_dir().join(format!("holders/legacy/{role}.key"));
        let pk = cert(&format!("holders/legacy/{role}.pem"))
            .public_key()
            .clone();
        for (hash, name) in [
            (HashAlgorithm::Sha256, "sha256"),
            (HashAlgorithm::Sha384, "sha384"),
            (HashAlgorithm::Sha512, "sha512"),
        ] {
            let digest = hash.digest(b"document");
            // PKCS#1 v1.5 with the DigestInfo openssl builds for `digest:<name>`.
            let sig = pkeyutl_sign(tmp.path(), &key, &digest, &[&format!("digest:{name}")]);
            assert_eq!(sig.len(), 256);
            pk.verify_digest_signature(hash, &digest, &sig)
                .unwrap_or_else(|e| panic!("{role} {name}: {e}"));
            assert_eq!(
                pk.verify_digest_signature(hash, &digest, &flip_bit(&sig, 100)),
                Err(Error::SignatureInvalid {
                    key: "RSA 2048".into()
                })
            );

            // RSASSA-PSS, MGF1 with the same hash, salt = hash length.
            let salt = hash.output_len();
            let pss = pkeyutl_sign(
                tmp.path(),
                &key,
                &digest,
                &[
                    &format!("digest:{name}"),
                    "rsa_padding_mode:pss",
                    &format!("rsa_pss_saltlen:{salt}"),
                    &format!("rsa_mgf1_md:{name}"),
                ],
            );
            pk.verify_digest_signature_pss(hash, &digest, &pss, salt)
                .unwrap_or_else(|e| panic!("{role} {name} PSS: {e}"));
            assert!(
                pk.verify_digest_signature_pss(hash, &digest, &flip_bit(&pss, 7), salt)
                    .is_err()
            );
            // A PSS signature is not a PKCS#1 v1.5 one.
            assert!(pk.verify_digest_signature(hash, &digest, &pss).is_err());
        }
    }
}

#[test]
fn malformed_inputs_are_reported_precisely() {
    let pk = cert("holders/citizen/auth.pem").public_key().clone();
    assert_eq!(
        pk.verify_digest_signature(HashAlgorithm::Sha384, &[0u8; 32], &[0u8; 96]),
        Err(Error::DigestLength {
            algorithm: "SHA-384",
            expected: 48,
            found: 32
        })
    );
    let err = pk
        .verify_digest_signature(HashAlgorithm::Sha384, &[0u8; 48], &[1u8; 50])
        .unwrap_err();
    assert!(matches!(err, Error::SignatureEncoding { .. }), "{err:?}");
    // r = s = 0 is not a signature.
    let err = pk
        .verify_digest_signature(HashAlgorithm::Sha384, &[0u8; 48], &[0u8; 96])
        .unwrap_err();
    assert!(matches!(err, Error::SignatureEncoding { .. }), "{err:?}");
    // PSS with an EC key.
    let err = pk
        .verify_digest_signature_pss(HashAlgorithm::Sha384, &[0u8; 48], &[0u8; 96], 48)
        .unwrap_err();
    assert_eq!(
        err,
        Error::AlgorithmKeyMismatch {
            algorithm: "RSASSA-PSS".into(),
            key: "EC P-384".into()
        }
    );
}

/// Certificates signed with RSA: sha256WithRSAEncryption and RSASSA-PSS (self-signed CAs made
/// here with the openssl CLI), checked through `verify_issued_by`.
#[test]
fn rsa_signed_certificates_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("ca.key");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        path_str(&key),
    ]);
    let cases: [(&str, &[&str]); 4] = [
        ("pkcs1-sha256", &["-sha256"]),
        ("pkcs1-sha512", &["-sha512"]),
        (
            "pss-sha256",
            &[
                "-sha256",
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:32",
            ],
        ),
        (
            "pss-sha384",
            &[
                "-sha384",
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:48",
            ],
        ),
    ];
    for (name, opts) in cases {
        let out = tmp.path().join(format!("{name}.pem"));
        let mut args = vec![
            "req",
            "-x509",
            "-new",
            "-key",
            path_str(&key),
            "-subj",
            "/C=AM/CN=RSA test CA",
            "-days",
            "10",
            "-out",
            path_str(&out),
        ];
        args.extend_from_slice(opts);
        openssl(&args);
        let c = Certificate::from_pem(&std::fs::read_to_string(&out).unwrap()).unwrap();
        c.verify_issued_by(&c)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.key_description(), "RSA 2048");
        if name.starts_with("pss") {
            assert_eq!(c.signature_algorithm_oid(), "1.2.840.113549.1.1.10");
        }
    }

    // SHA-1 signatures are refused, not silently accepted.
    let sha1 = tmp.path().join("sha1.pem");
    openssl(&[
        "req",
        "-x509",
        "-new",
        "-key",
        path_str(&key),
        "-subj",
        "/CN=old",
        "-days",
        "10",
        "-sha1",
        "-out",
        path_str(&sha1),
    ]);
    let c = Certificate::from_pem(&std::fs::read_to_string(&sha1).unwrap()).unwrap();
    assert!(matches!(
        c.verify_issued_by(&c),
        Err(Error::UnsupportedAlgorithm { .. })
    ));
}
