//! Shared support for the XAdES tests: software keys of the test PKI, signing a prepared
//! digest, offline time-stamps and OCSP responses made with the openssl CLI.
//!
//! Included by the other `xades_*.rs` tests with `#[path]`; compiled alone it has no tests.

#![allow(dead_code, missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ecdsa::signature::hazmat::PrehashSigner;
use knik_pki::HashAlgorithm;
use knik_xades::xades::{self, DataObject, PreparedSignature, SignatureDocument, SignatureOptions};
use rsa::pkcs8::DecodePrivateKey;

pub fn pki_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/pki")
}

/// A test holder's signing key and certificate.
pub enum Key {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Rsa(rsa::RsaPrivateKey),
}

pub struct Holder {
    pub name: &'static str,
    pub cert_der: Vec<u8>,
    pub cert_pem_path: PathBuf,
    pub key: Key,
}

pub fn holder(name: &'static str) -> Holder {
    let dir = pki_dir().join("holders").join(name);
    let key_pem = std::fs::read_to_string(dir.join("sign.key")).expect("sign.key");
    let key = if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_pem(&key_pem) {
        Key::P384(k)
    } else if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(&key_pem) {
        Key::P256(k)
    } else {
        Key::Rsa(rsa::RsaPrivateKey::from_pkcs8_pem(&key_pem).expect("RSA PKCS#8 key"))
    };
    Holder {
        name,
        cert_der: std::fs::read(dir.join("sign.der")).expect("sign.der"),
        cert_pem_path: dir.join("sign.pem"),
        key,
    }
}

impl Holder {
    /// Signs a digest as a card would: ECDSA raw r||s (or DER when `der`), RSA PKCS#1 v1.5
    /// or PSS (salt = hash length).
    pub fn sign(&self, digest: &[u8], hash: HashAlgorithm, pss: bool, der: bool) -> Vec<u8> {
        match &self.key {
            Key::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign_prehash(digest).expect("sign");
                if der {
                    s.to_der().as_bytes().to_vec()
                } else {
                    s.to_bytes().to_vec()
                }
            }
            Key::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign_prehash(digest).expect("sign");
                if der {
                    s.to_der().as_bytes().to_vec()
                } else {
                    s.to_bytes().to_vec()
                }
            }
            Key::Rsa(k) => {
                assert_eq!(hash, HashAlgorithm::Sha256);
                if pss {
                    let mut rng = rsa::rand_core::OsRng;
                    k.sign_with_rng(
                        &mut rng,
                        rsa::Pss::new_with_salt::<sha2::Sha256>(32),
                        digest,
                    )
                    .expect("sign")
                } else {
                    k.sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest)
                        .expect("sign")
                }
            }
        }
    }
}

pub const DATA_NAME: &str = "dokument ö.txt";
pub const DATA_URI: &str = "dokument%20%C3%B6.txt";
pub const DATA: &[u8] = b"Hello, knik!\nA document to sign.\n";
pub const DATA2_URI: &str = "second.bin";
pub const DATA2: &[u8] = &[0, 1, 2, 3, 255, 254];

pub fn data_objects() -> Vec<DataObject> {
    vec![
        DataObject {
            uri: DATA_URI.to_owned(),
            mime_type: "text/plain".to_owned(),
            digest_algorithm: HashAlgorithm::Sha256,
            digest: HashAlgorithm::Sha256.digest(DATA),
        },
        DataObject {
            uri: DATA2_URI.to_owned(),
            mime_type: "application/octet-stream".to_owned(),
            digest_algorithm: HashAlgorithm::Sha512,
            digest: HashAlgorithm::Sha512.digest(DATA2),
        },
    ]
}

pub fn resolver() -> BTreeMap<String, Vec<u8>> {
    BTreeMap::from([
        (DATA_URI.to_owned(), DATA.to_vec()),
        (DATA2_URI.to_owned(), DATA2.to_vec()),
    ])
}

pub fn fixed_time() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-22 08:00:00 UTC)
}

/// Prepares, signs and finishes a B-B signature.
pub fn sign_b(h: &Holder, options: &SignatureOptions) -> SignatureDocument {
    let prepared: PreparedSignature =
        xades::prepare(&h.cert_der, &data_objects(), options).expect("prepare");
    let value = h.sign(
        prepared.digest_to_sign(),
        prepared.hash_algorithm(),
        options.rsa_pss,
        false,
    );
    prepared.finish(&value).expect("finish")
}

fn openssl(args: &[&str], env: &[(&str, &Path)]) {
    let mut cmd = Command::new("openssl");
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "knik-xades-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A time-stamp token from the test TSA, made offline with `openssl ts -reply` (the same
/// configuration scripts/tsa_server.py serves), over `digest` of `hash`.
pub fn timestamp_token(digest: &[u8], hash: HashAlgorithm) -> Vec<u8> {
    let dir = temp_dir("ts");
    let serial = dir.join("serial");
    std::fs::write(&serial, "01\n").unwrap();
    let q = dir.join("q.tsq");
    let t = dir.join("t.der");
    let alg = match hash {
        HashAlgorithm::Sha384 => "-sha384",
        HashAlgorithm::Sha512 => "-sha512",
        _ => "-sha256",
    };
    let hex_digest = hex::encode(digest);
    openssl(
        &[
            "ts",
            "-query",
            "-digest",
            &hex_digest,
            alg,
            "-cert",
            "-out",
            q.to_str().unwrap(),
        ],
        &[],
    );
    let cnf = pki_dir().join("tsa.cnf");
    openssl(
        &[
            "ts",
            "-reply",
            "-config",
            cnf.to_str().unwrap(),
            "-queryfile",
            q.to_str().unwrap(),
            "-token_out",
            "-out",
            t.to_str().unwrap(),
        ],
        &[("KNIK_PKI_DIR", &pki_dir()), ("KNIK_TSA_SERIAL", &serial)],
    );
    let token = std::fs::read(&t).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    token
}

/// An OCSP response for a holder's signing certificate from its CA's responder, made offline.
pub fn ocsp_response(holder: &str, ca: &str) -> Vec<u8> {
    let dir = temp_dir("ocsp");
    let pki = pki_dir();
    let p = |s: &str| pki.join(s).to_str().unwrap().to_owned();
    let req = dir.join("req.der");
    let resp = dir.join("resp.der");
    let cert = pki.join("holders").join(holder).join("sign.pem");
    openssl(
        &[
            "ocsp",
            "-issuer",
            &p(&format!("{ca}.pem")),
            "-cert",
            cert.to_str().unwrap(),
            "-reqout",
            req.to_str().unwrap(),
        ],
        &[],
    );
    // Copy the index so the responder never touches the source tree.
    let index = dir.join("index.txt");
    std::fs::copy(pki.join("db").join(ca).join("index.txt"), &index).unwrap();
    std::fs::copy(
        pki.join("db").join(ca).join("index.txt.attr"),
        dir.join("index.txt.attr"),
    )
    .unwrap();
    openssl(
        &[
            "ocsp",
            "-index",
            index.to_str().unwrap(),
            "-rsigner",
            &p(&format!("{ca}-ocsp.pem")),
            "-rkey",
            &p(&format!("{ca}-ocsp.key")),
            "-CA",
            &p(&format!("{ca}.pem")),
            "-reqin",
            req.to_str().unwrap(),
            "-respout",
            resp.to_str().unwrap(),
        ],
        &[],
    );
    let der = std::fs::read(&resp).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    der
}

/// Extends a B-B document to B-LTA with offline services.
pub fn extend_to_lta(doc: &mut SignatureDocument, holder: &str, ca: &str) {
    let imprint = doc
        .signature_timestamp_imprint(HashAlgorithm::Sha256)
        .unwrap();
    doc.add_signature_timestamp(&timestamp_token(&imprint, HashAlgorithm::Sha256))
        .expect("add signature time-stamp");
    let pki = pki_dir();
    let certs = vec![
        std::fs::read(pki.join(format!("{ca}.der"))).unwrap(),
        std::fs::read(pki.join("root.der")).unwrap(),
        std::fs::read(pki.join("tsa.der")).unwrap(),
        std::fs::read(pki.join(format!("{ca}-ocsp.der"))).unwrap(),
    ];
    doc.add_validation_data(&certs, &[ocsp_response(holder, ca)])
        .expect("add validation data");
    let imprint = doc
        .archive_timestamp_imprint(HashAlgorithm::Sha384, &mut resolver())
        .unwrap();
    doc.add_archive_timestamp(
        &timestamp_token(&imprint, HashAlgorithm::Sha384),
        &mut resolver(),
    )
    .expect("add archive time-stamp");
}

/// Writes the data objects (by decoded name) and the signature into a fresh directory.
pub fn write_files(xml: &[u8]) -> PathBuf {
    let dir = temp_dir("files");
    std::fs::write(dir.join(DATA_NAME), DATA).unwrap();
    std::fs::write(dir.join(DATA2_URI), DATA2).unwrap();
    std::fs::write(dir.join("signatures0.xml"), xml).unwrap();
    dir
}
