//! Hostile input: truncated, mutated and garbage certificates produce errors, never panics, and
//! the fuzz corpus replays cleanly through the fuzz target's own entry point.

mod common;

use std::path::Path;

use common::{cert, pki_dir};
use knik_pki::{Certificate, Error, Identity, PolicyMap};

fn committed_der(rel: &str) -> Vec<u8> {
    std::fs::read(pki_dir().join(rel)).unwrap()
}

const SAMPLES: &[&str] = &[
    "holders/citizen/sign.der",
    "holders/legacy/auth.der",
    "holders/mobile/auth.der",
    "holders/blocked/sign.der",
    "tsa.der",
];

#[test]
fn every_truncation_is_an_error() {
    for rel in SAMPLES {
        let der = committed_der(rel);
        for len in 0..der.len() {
            assert!(
                Certificate::from_der(&der[..len]).is_err(),
                "{rel} truncated to {len} bytes parsed"
            );
        }
    }
}

/// Small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_certificates_never_panic() {
    let policies = PolicyMap::default();
    let issuer = cert("citizen-ca.pem");
    let mut rng = Rng(0x6b6e_696b);
    let mut parsed = 0usize;
    for rel in SAMPLES {
        let der = committed_der(rel);
        // Every byte inverted in turn: hits every tag, length and value once.
        for i in 0..der.len() {
            let mut m = der.clone();
            m[i] ^= 0xff;
            knik_pki::fuzzing::cert_identity(&m);
        }
        // Random multi-byte mutations, insertions and deletions.
        for _ in 0..2000 {
            let mut m = der.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(m.len());
                match rng.below(3) {
                    0 => m[at] = rng.next() as u8,
                    1 => m.insert(at, rng.next() as u8),
                    _ => {
                        m.remove(at);
                    }
                }
            }
            if let Ok(c) = Certificate::from_der(&m) {
                parsed += 1;
                let _ = Identity::from_certificate(&c, &policies);
                // A mutated certificate that still parses must not verify unless the mutation
                // left the signed bytes and the signature untouched.
                if c.verify_issued_by(&issuer).is_ok() {
                    assert_eq!(c.as_der().len(), der.len());
                }
            }
        }
    }
    // Mutations inside values (signature bytes, key identifiers) keep the structure: the loop
    // above did exercise the accessors, not only the first length check.
    assert!(parsed > 100, "only {parsed} mutants parsed");
}

#[test]
fn garbage_and_wrong_tags_are_errors() {
    let mut rng = Rng(42);
    for len in [0, 1, 2, 3, 16, 300, 4096] {
        let garbage: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert!(Certificate::from_der(&garbage).is_err());
        knik_pki::fuzzing::cert_identity(&garbage);
    }
    let der = committed_der("holders/citizen/auth.der");
    for tag in [0x31u8, 0x04, 0x02, 0xa0, 0x10] {
        let mut m = der.clone();
        m[0] = tag;
        let err = Certificate::from_der(&m).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Der {
                    what: "certificate",
                    ..
                }
            ),
            "{tag:#x}: {err:?}"
        );
    }
    // Indefinite length (BER, not DER).
    let mut ber = vec![0x30, 0x80];
    ber.extend_from_slice(&der[4..]);
    ber.extend_from_slice(&[0, 0]);
    assert!(Certificate::from_der(&ber).is_err());
    assert_eq!(
        Certificate::from_der_or_pem(
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"
        )
        .map_err(|e| matches!(e, Error::Pem { .. })),
        Err(true)
    );
}

#[test]
fn mutated_pem_text_never_panics() {
    let pem = std::fs::read_to_string(pki_dir().join("chain-citizen-ca.pem")).unwrap();
    // An empty label once made the END search land inside the BEGIN line.
    for text in [
        "-----BEGIN -----END -----",
        "-----BEGIN ",
        "-----BEGIN CERTIFICATE-----",
        "-----BEGIN X-----\n-----END Y-----",
    ] {
        assert!(
            Certificate::from_der_or_pem(text.as_bytes()).is_err(),
            "{text}"
        );
    }
    let alphabet = b"-\n BEGINDCRTFA:=/+0aZ\r\x00\xff";
    let mut rng = Rng(7);
    for _ in 0..3000 {
        let mut m = pem.as_bytes().to_vec();
        for _ in 0..1 + rng.below(6) {
            let at = rng.below(m.len());
            let byte = alphabet[rng.below(alphabet.len())];
            match rng.below(3) {
                0 => m[at] = byte,
                1 => m.insert(at, byte),
                _ => {
                    m.truncate(at);
                    if m.is_empty() {
                        m.push(b'-');
                    }
                }
            }
        }
        knik_pki::fuzzing::cert_identity(&m);
    }
}

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/cert_identity")
}

#[test]
fn fuzz_corpus_replays_without_panics() {
    let mut count = 0;
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        knik_pki::fuzzing::cert_identity(&data);
        count += 1;
    }
    assert!(count >= 50, "corpus has only {count} files");
}

/// The hostile seeds are what their names say: each is rejected (or, for the tolerated ones,
/// read) for the intended reason, so the corpus keeps pointing the fuzzer at those paths.
#[test]
fn hostile_seeds_fail_where_intended() {
    let read = |name: &str| {
        let data = std::fs::read(corpus_dir().join(name)).unwrap();
        Certificate::from_der_or_pem(&data)
    };
    let err = |name: &str| read(name).expect_err(name);
    assert!(
        matches!(err("name-invalid-utf8"), Error::AttributeValue { oid, .. } if oid == "2.5.4.3")
    );
    assert!(matches!(
        err("name-bmp-odd-length"),
        Error::AttributeValue { .. }
    ));
    assert!(matches!(
        err("name-bmp-lone-surrogate"),
        Error::AttributeValue { .. }
    ));
    assert!(
        matches!(err("name-nul-in-cn"), Error::AttributeValue { reason, .. } if reason.contains("NUL"))
    );
    assert!(matches!(
        err("name-printable-non-ascii"),
        Error::AttributeValue { .. }
    ));
    assert!(matches!(
        err("name-empty-rdn"),
        Error::Der { what: "name", .. }
    ));
    assert!(matches!(
        err("name-oid-non-minimal"),
        Error::Der { what: "name", .. }
    ));
    assert!(
        matches!(err("ext-duplicate"), Error::DuplicateExtension { oid } if oid == "2.5.29.19")
    );
    assert!(matches!(
        err("ext-keyusage-empty"),
        Error::Extension {
            name: "keyUsage",
            ..
        }
    ));
    assert!(matches!(
        err("ext-eku-not-oid"),
        Error::Extension {
            name: "extKeyUsage",
            ..
        }
    ));
    assert!(matches!(
        err("ext-policies-empty-info"),
        Error::Extension {
            name: "certificatePolicies",
            ..
        }
    ));
    assert!(matches!(
        err("ext-qctype-missing-info"),
        Error::Extension {
            name: "qcStatements",
            ..
        }
    ));
    assert!(matches!(
        err("key-ec-point-not-on-curve"),
        Error::InvalidPublicKey { .. }
    ));
    assert!(matches!(
        err("key-rsa-17000-bits"),
        Error::InvalidPublicKey { .. }
    ));
    assert!(matches!(
        err("alg-mismatch"),
        Error::SignatureAlgorithmMismatch { .. }
    ));
    assert!(matches!(
        err("version-5"),
        Error::Der {
            what: "tbsCertificate.version",
            ..
        }
    ));
    assert!(matches!(err("serial-octet-string"), Error::Der { .. }));
    assert!(matches!(
        err("trailing-data"),
        Error::TrailingData { trailing: 2 }
    ));
    assert!(matches!(err("pem-no-end"), Error::Pem { .. }));

    // Tolerated: read, with the oddity visible to the caller.
    assert_eq!(
        read("pem-single-line").unwrap(),
        vec![cert("holders/citizen/auth.pem")]
    );
    let c = read("name-teletex-latin1").unwrap().remove(0);
    assert_eq!(c.subject().common_name(), Some("MÜLLER,JONAS,5210880456"));
    let c = read("name-oid-2.999").unwrap().remove(0);
    assert_eq!(c.subject().get("2.999.5.5"), Some("x"));
    let c = read("name-integer-value").unwrap().remove(0);
    assert_eq!(c.subject().common_name(), Some("#02020102"));
    let c = read("ext-unknown-critical").unwrap().remove(0);
    assert_eq!(c.unhandled_critical_extensions(), ["2.999.77"]);
    let c = read("ext-policies-test-arc").unwrap().remove(0);
    assert_eq!(c.policies(), ["2.999.1.1", "2.999.1.3"]);
    let c = read("ext-aia-mixed").unwrap_err();
    assert!(
        matches!(
            c,
            Error::Extension {
                name: "authorityInfoAccess",
                ..
            }
        ),
        "{c:?}"
    );
    let c = read("key-ed25519").unwrap().remove(0);
    assert!(
        c.key_description()
            .starts_with("unsupported key 1.3.101.112")
    );
    let c = read("alg-pss-mgf-mismatch").unwrap().remove(0);
    let ca = cert("citizen-ca.pem");
    assert!(matches!(
        c.verify_issued_by(&ca),
        Err(Error::UnsupportedAlgorithm { .. })
    ));
    let c = read("identity-foreign-pno").unwrap().remove(0);
    // Its extensions are the citizen's (policy 2.999.1.1), so only without the map does the
    // foreign personal number decide.
    let id = Identity::from_certificate(&c, &PolicyMap::default()).unwrap();
    assert_eq!(id.document_kind, knik_pki::DocumentKind::CitizenIdCard);
    let id = Identity::from_certificate(&c, &PolicyMap::empty()).unwrap();
    assert_eq!(
        (id.country.as_deref(), id.personal_number.as_str()),
        (Some("LV"), "010101-12345")
    );
    assert_eq!(id.document_kind, knik_pki::DocumentKind::ForeignEid);
}
