//! Certification path validation over the committed test PKI, plus a few certificates made
//! here with the openssl CLI for what the PKI does not hold (a CA without keyCertSign, an EE
//! issued by a non-CA, a too-long chain under a pathLen 0 CA, an unknown critical extension).

use std::path::{Path, PathBuf};
use std::process::Command;

use knik_pki::trust::{StatusPeriod, TrustedService, service_status, service_type};
use knik_pki::{
    AnchorSource, Certificate, Error, PathOptions, TrustStore, ValidatedPath, validate_path,
};
use time::OffsetDateTime;
use time::macros::datetime;

const AT: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

fn pki() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/pki")
}

fn cert(relative: &str) -> Certificate {
    let path = pki().join(relative);
    Certificate::from_pem(&std::fs::read_to_string(&path).expect("read")).expect("certificate")
}

fn root_store() -> TrustStore {
    let mut store = TrustStore::new();
    store
        .add_pem_or_der(&std::fs::read(pki().join("root.der")).unwrap(), "test root")
        .expect("root");
    store
}

fn intermediates() -> Vec<Certificate> {
    ["citizen-ca.pem", "resident-ca.pem", "mobile-id-ca.pem"]
        .iter()
        .map(|c| cert(c))
        .collect()
}

fn validate(
    holder_cert: &str,
    store: &TrustStore,
    at: OffsetDateTime,
) -> Result<ValidatedPath, Error> {
    validate_path(
        &cert(holder_cert),
        &intermediates(),
        store,
        at,
        PathOptions::default(),
    )
}

fn subjects(path: &ValidatedPath) -> Vec<String> {
    path.chain()
        .iter()
        .map(|c| c.subject().common_name().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn every_am_holder_chains_to_the_root() {
    let store = root_store();
    for (holder, ca) in [
        ("citizen", "Test Citizen CA"),
        ("resident", "Test Resident CA"),
        ("mobile", "Test Mobile-ID CA"),
        ("legacy", "Test Citizen CA"),
        ("revoked", "Test Citizen CA"),
        ("blocked", "Test Citizen CA"),
    ] {
        for kind in ["auth", "sign"] {
            let path = validate(&format!("holders/{holder}/{kind}.pem"), &store, AT)
                .unwrap_or_else(|e| panic!("{holder}/{kind}: {e}"));
            let names = subjects(&path);
            assert_eq!(names.len(), 3, "{holder}: {names:?}");
            assert_eq!(names[1], ca, "{holder}");
            assert_eq!(names[2], "Test AM Root CA");
            assert_eq!(path.intermediates().len(), 1);
            assert_eq!(path.anchor().certificate(), &cert("root.pem"));
            assert_eq!(
                path.anchor().source(),
                &AnchorSource::Supplied {
                    label: "test root".into()
                }
            );
        }
    }
}

#[test]
fn expired_holder_fails_now_and_passes_in_its_lifetime() {
    let store = root_store();
    let err = validate("holders/expired/sign.pem", &store, AT).unwrap_err();
    assert_eq!(err.code(), "CERT_EXPIRED");
    match err {
        Error::CertificateExpired { not_after, at, .. } => {
            assert_eq!(not_after, datetime!(2021-01-01 0:00 UTC));
            assert_eq!(at, AT);
        }
        other => panic!("{other:?}"),
    }
    validate(
        "holders/expired/sign.pem",
        &store,
        datetime!(2020-06-01 0:00 UTC),
    )
    .expect("valid in 2020");
}

#[test]
fn holder_before_its_validity_is_not_yet_valid() {
    let err = validate(
        "holders/citizen/sign.pem",
        &root_store(),
        datetime!(2024-12-31 23:59 UTC),
    )
    .unwrap_err();
    assert_eq!(err.code(), "CERT_NOT_YET_VALID");
}

#[test]
fn another_root_has_no_anchor() {
    let err = validate("holders/ee/sign.pem", &root_store(), AT).unwrap_err();
    assert_eq!(err.code(), "CHAIN_NO_ANCHOR");
    match err {
        Error::ChainNoAnchor { issuer, .. } => {
            assert!(issuer.contains("Test EE Root CA"), "{issuer}")
        }
        other => panic!("{other:?}"),
    }
    // A self-signed root among the candidates is no anchor either (and no loop).
    let err = validate_path(
        &cert("holders/ee/sign.pem"),
        &[cert("ee-root.pem")],
        &root_store(),
        AT,
        PathOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "CHAIN_NO_ANCHOR", "{err}");
    assert!(err.to_string().contains("Test EE Root CA"), "{err}");
}

#[test]
fn missing_intermediate_names_the_missing_issuer() {
    let err = validate_path(
        &cert("holders/citizen/sign.pem"),
        &[],
        &root_store(),
        AT,
        PathOptions::default(),
    )
    .unwrap_err();
    match err {
        Error::ChainNoAnchor { issuer, .. } => assert!(issuer.contains("Test Citizen CA")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_intermediate_can_be_the_anchor() {
    let mut store = TrustStore::new();
    store.add_certificate(cert("citizen-ca.pem"), "citizen CA only");
    let path = validate_path(
        &cert("holders/citizen/sign.pem"),
        &[],
        &store,
        AT,
        PathOptions::default(),
    )
    .expect("path");
    assert_eq!(
        subjects(&path),
        ["PETROSYAN,ANI,2810770123", "Test Citizen CA"]
    );
    assert!(path.intermediates().is_empty());
    // Resident holders do not chain to the citizen CA.
    let err = validate("holders/resident/sign.pem", &store, AT).unwrap_err();
    assert_eq!(err.code(), "CHAIN_NO_ANCHOR");
}

#[test]
fn a_trusted_end_entity_is_its_own_path() {
    let mut store = TrustStore::new();
    store.add_certificate(cert("tsa.pem"), "TSA");
    let path =
        validate_path(&cert("tsa.pem"), &[], &store, AT, PathOptions::default()).expect("path");
    assert_eq!(path.chain().len(), 1);
    assert_eq!(path.end_entity(), &cert("tsa.pem"));
}

#[test]
fn a_tampered_intermediate_signature_is_reported() {
    let mut der = cert("citizen-ca.pem").as_der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let forged = Certificate::from_der(&der).expect("still parses");
    let err = validate_path(
        &cert("holders/citizen/sign.pem"),
        &[forged],
        &root_store(),
        AT,
        PathOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "CHAIN_SIGNATURE_INVALID", "{err}");
    // With the genuine one among the candidates as well, the path is found.
    let mut candidates = vec![Certificate::from_der(&der).unwrap()];
    candidates.extend(intermediates());
    validate_path(
        &cert("holders/citizen/sign.pem"),
        &candidates,
        &root_store(),
        AT,
        PathOptions::default(),
    )
    .expect("genuine candidate wins");
}

#[test]
fn depth_limit() {
    let err = validate_path(
        &cert("holders/citizen/sign.pem"),
        &intermediates(),
        &root_store(),
        AT,
        PathOptions {
            max_depth: 2,
            ..PathOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err, Error::ChainTooLong { max_depth: 2 });
}

fn root_service(history: &[(&str, OffsetDateTime)]) -> TrustedService {
    TrustedService {
        service_type: service_type::CA_QC.into(),
        name: "Test AM Root CA".into(),
        history: history
            .iter()
            .map(|(status, from)| StatusPeriod {
                status: (*status).into(),
                from: *from,
            })
            .collect(),
    }
}

#[test]
fn trust_list_anchor_needs_its_service_granted_at_the_time() {
    let mut store = TrustStore::new();
    store.add_trust_list_service(
        cert("root.pem"),
        "AM",
        7,
        "Test TSP",
        root_service(&[
            (service_status::GRANTED, datetime!(2025-01-01 0:00 UTC)),
            (service_status::WITHDRAWN, datetime!(2027-01-01 0:00 UTC)),
        ]),
    );
    let path = validate("holders/citizen/sign.pem", &store, AT).expect("granted in 2026");
    let source = path.anchor().source().to_string();
    assert_eq!(source, "trusted list AM #7, Test TSP / Test AM Root CA");
    let err = validate(
        "holders/citizen/sign.pem",
        &store,
        datetime!(2027-06-01 0:00 UTC),
    )
    .unwrap_err();
    assert_eq!(err.code(), "CHAIN_ANCHOR_NOT_GRANTED");
    match err {
        Error::AnchorNotGranted { status, .. } => assert_eq!(status, service_status::WITHDRAWN),
        other => panic!("{other:?}"),
    }
}

#[test]
fn directory_and_file_sources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(pki().join("root.pem"), dir.path().join("root.pem")).unwrap();
    std::fs::copy(pki().join("ee-root.der"), dir.path().join("ee.DER")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a certificate").unwrap();
    let mut store = TrustStore::new();
    assert_eq!(store.add_directory(dir.path()).unwrap(), 2);
    assert_eq!(store.len(), 2);
    let path = validate("holders/citizen/sign.pem", &store, AT).unwrap();
    match path.anchor().source() {
        AnchorSource::File { path } => assert!(path.ends_with("root.pem"), "{path}"),
        other => panic!("{other:?}"),
    }
    validate("holders/ee/sign.pem", &store, AT).expect("ee-root now trusted");

    std::fs::write(
        dir.path().join("broken.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let err = TrustStore::new().add_directory(dir.path()).unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("pem") || err.code() == "DER_MALFORMED",
        "{err}"
    );
    let err = TrustStore::new()
        .add_file(&dir.path().join("missing.pem"))
        .unwrap_err();
    assert_eq!(err.code(), "TRUST_STORE_IO");
}

// ---- certificates made here ----

struct Made {
    dir: tempfile::TempDir,
}

impl Made {
    fn new() -> Self {
        Made {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }

    /// Issues `name` (key `name.key`, certificate `name.pem`) with the extensions `v3`,
    /// signed by `issuer` (a path without extension: `<issuer>.pem` / `<issuer>.key`).
    fn issue(&self, name: &str, cn: &str, v3: &str, issuer: &str) -> Certificate {
        let cnf = self.path(&format!("{name}.cnf"));
        std::fs::write(&cnf, format!("[v3]\n{v3}\n")).unwrap();
        run(&[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &self.path(&format!("{name}.key")),
            "-subj",
            &format!("/C=AM/O=knik path test/CN={cn}"),
            "-out",
            &self.path(&format!("{name}.csr")),
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            &self.path(&format!("{name}.csr")),
            "-CA",
            &format!("{issuer}.pem"),
            "-CAkey",
            &format!("{issuer}.key"),
            "-extfile",
            &cnf,
            "-extensions",
            "v3",
            "-days",
            "30",
            "-set_serial",
            "4242",
            "-out",
            &self.path(&format!("{name}.pem")),
        ]);
        Certificate::from_pem(&std::fs::read_to_string(self.path(&format!("{name}.pem"))).unwrap())
            .unwrap()
    }
}

fn run(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl CLI makes the extra certificates");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn now_path(ee: &Certificate, candidates: &[Certificate]) -> Result<ValidatedPath, Error> {
    validate_path(
        ee,
        candidates,
        &root_store(),
        OffsetDateTime::now_utc(),
        PathOptions::default(),
    )
}

#[test]
fn made_chain_is_accepted_as_a_control() {
    let made = Made::new();
    let root = pki().join("root");
    let ca = made.issue(
        "ca",
        "Made CA",
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign",
        root.to_str().unwrap(),
    );
    let ee = made.issue(
        "ee",
        "Made EE",
        "basicConstraints=critical,CA:FALSE",
        &made.path("ca"),
    );
    let path = now_path(&ee, &[ca]).expect("control path");
    assert_eq!(path.chain().len(), 3);
}

#[test]
fn a_non_ca_cannot_issue() {
    let made = Made::new();
    let tsa = pki().join("tsa");
    let ee = made.issue(
        "ee",
        "Issued by TSA",
        "basicConstraints=critical,CA:FALSE",
        tsa.to_str().unwrap(),
    );
    let err = now_path(&ee, &[cert("tsa.pem")]).unwrap_err();
    assert_eq!(err.code(), "CHAIN_NOT_A_CA", "{err}");
}

#[test]
fn a_ca_without_key_cert_sign_cannot_issue() {
    let made = Made::new();
    let root = pki().join("root");
    let ca = made.issue(
        "ca",
        "CA without keyCertSign",
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign",
        root.to_str().unwrap(),
    );
    let ee = made.issue(
        "ee",
        "EE",
        "basicConstraints=critical,CA:FALSE",
        &made.path("ca"),
    );
    let err = now_path(&ee, &[ca]).unwrap_err();
    assert_eq!(err.code(), "CHAIN_NO_KEY_CERT_SIGN", "{err}");
}

#[test]
fn path_length_zero_allows_no_sub_ca() {
    let made = Made::new();
    let citizen_ca = pki().join("citizen-ca");
    let sub = made.issue(
        "sub",
        "Sub CA under pathlen 0",
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign",
        citizen_ca.to_str().unwrap(),
    );
    let ee = made.issue(
        "ee",
        "EE",
        "basicConstraints=critical,CA:FALSE",
        &made.path("sub"),
    );
    let err = now_path(&ee, &[sub, cert("citizen-ca.pem")]).unwrap_err();
    assert_eq!(
        err,
        Error::ChainPathLength {
            subject: cert("citizen-ca.pem").subject().to_rfc4514(),
            path_len: 0,
            found: 1
        }
    );
}

#[test]
fn an_unknown_critical_extension_is_refused() {
    let made = Made::new();
    let root = pki().join("root");
    let ee = made.issue(
        "ee",
        "EE with odd extension",
        "basicConstraints=critical,CA:FALSE\n1.3.6.1.4.1.99999.1=critical,DER:05:00",
        root.to_str().unwrap(),
    );
    let err = now_path(&ee, &[]).unwrap_err();
    assert_eq!(
        err,
        Error::ChainCriticalExtension {
            subject: ee.subject().to_rfc4514(),
            oid: "1.3.6.1.4.1.99999.1".into()
        }
    );
}
