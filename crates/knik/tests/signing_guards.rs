//! The guards around the facade's signing flows: what is refused before the signer is asked
//! (a PIN typed, a phone confirmed), what an OCSP answer must be before it is embedded, what a
//! replaced container keeps, and what never reaches an error message.
//!
//! What it proves:
//! - refused before `sign_digest` is called, with nothing written (no container, no temporary
//!   file; an existing container byte-identical), both when creating a container and when
//!   adding a signature: an authentication certificate (keyUsage without nonRepudiation) →
//!   `SIGNER_KEY_USAGE`; B-T/B-LTA without a TSA and B-LT without an OCSP responder →
//!   `SERVICE_NOT_CONFIGURED`; B-LT without the issuing CA → `ISSUER_NOT_FOUND`; no service is
//!   asked either;
//! - the CA certificates of a PKCS#12 file ([`Signer::chain`]) complete the chain at B-LT when
//!   the options know no CA;
//! - a signer whose value does not verify with its certificate → `SIGNATURE_VALUE_MISMATCH`;
//! - a 0600 container stays 0600 after a signature is added and after it is extended;
//! - extending a container whose data file was changed (`scripts/oracles/tamper.py`) →
//!   `EXTEND_BROKEN_SIGNATURE` naming the signature file, no service asked, file
//!   byte-identical; the untouched container gets as far as the TSA;
//! - the OCSP answer embedded at B-LT: status `unknown` → `OCSP_STATUS_UNKNOWN`; an answer
//!   about another certificate → `OCSP_CERT_MISMATCH`; one produced before the signature
//!   time-stamp is asked for once more, a second later, then refused with
//!   `OCSP_BEFORE_TIMESTAMP` (creating and extending), and accepted when the second answer is
//!   fresh;
//! - a new signature takes the lowest `S{n}` Id no existing signature has, even when a
//!   signature file was removed and counting them would repeat an Id;
//! - a service URL with `user:password@` never shows the password in an error.
//!
//! Tests that need the loopback services (TSA 8889, citizen OCSP 8881) print "SKIPPED" without
//! them (KNIK_REQUIRE_SERVICES=1 makes that a failure); the others run anywhere.
#![cfg(feature = "online")]

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use knik::Level;
use knik::online::{HttpRevocation, HttpTimeStamping, OcspClient, Services};
use knik::report::Verdict;
use knik::services::{Offline, Revocation, TimeStamping};
use knik::sign::{NoProgress, SignOptions, add_signature, create_container, extend_container};
use knik::signer::{Signer, SoftwareKey};
use knik_pki::{Certificate, HashAlgorithm};
use knik_xades::c14n::Algorithm;
use support::*;

/// A TSA and an OCSP responder that are configured but must never be asked: each request is
/// counted and fails.
#[derive(Default)]
struct NeverAsked {
    asked: usize,
}

impl NeverAsked {
    fn fail(&mut self) -> knik::Error {
        self.asked += 1;
        knik::Error::InvalidRequest {
            reason: "the test service was asked".into(),
        }
    }
}

impl TimeStamping for NeverAsked {
    fn timestamp(&mut self, _: HashAlgorithm, _: &[u8]) -> Result<Vec<u8>, knik::Error> {
        Err(self.fail())
    }
}

impl Revocation for NeverAsked {
    fn ocsp(&mut self, _: &Certificate, _: &Certificate) -> Result<Vec<u8>, knik::Error> {
        Err(self.fail())
    }
}

/// Options for `level` knowing the test CAs (C14N 1.1).
fn options(level: Level) -> SignOptions {
    sign_options(level, Algorithm::Inclusive11)
}

/// A citizen-signed B-B container in `dir`, made without any service.
fn offline_container(dir: &Path, name: &str) -> PathBuf {
    sign_into(
        dir,
        name,
        "citizen",
        &mut Offline,
        &mut Offline,
        &options(Level::B),
    )
    .unwrap_or_else(|e| panic!("signing at B-B: [{}] {e}", e.code()))
    .container
}

/// `dir`'s names after a refused flow: the inputs and `extra`.
fn expected_names(extra: &[&str]) -> std::collections::BTreeSet<String> {
    let mut names = input_names();
    names.extend(extra.iter().map(|n| (*n).to_owned()));
    names
}

/// One refusal case: who signs, at which level, with which services and CAs, and the code.
struct Refusal {
    what: &'static str,
    signer: fn() -> SoftwareKey,
    level: Level,
    tsa_configured: bool,
    ocsp_configured: bool,
    known_cas: bool,
    code: &'static str,
    says: &'static str,
}

/// A TSA or OCSP responder that is configured (or not) and counts the requests it gets.
struct Stub {
    configured: bool,
    inner: NeverAsked,
}

impl TimeStamping for Stub {
    fn timestamp(&mut self, h: HashAlgorithm, d: &[u8]) -> Result<Vec<u8>, knik::Error> {
        self.inner.timestamp(h, d)
    }
    fn is_configured(&self) -> bool {
        self.configured
    }
}

impl Revocation for Stub {
    fn ocsp(&mut self, c: &Certificate, i: &Certificate) -> Result<Vec<u8>, knik::Error> {
        self.inner.ocsp(c, i)
    }
    fn is_configured(&self) -> bool {
        self.configured
    }
}

fn citizen_auth_key() -> SoftwareKey {
    // The ID card's other certificate: keyUsage digitalSignature only.
    SoftwareKey::from_pem(
        &pki_text("holders/citizen/auth.key"),
        &pki_text("holders/citizen/auth.pem"),
    )
    .expect("the citizen's authentication key")
}

fn citizen_key() -> SoftwareKey {
    holder_key("citizen")
}

#[test]
fn refused_before_the_signer_is_asked_and_nothing_is_written() {
    let cases = [
        Refusal {
            what: "an authentication certificate",
            signer: citizen_auth_key,
            level: Level::B,
            tsa_configured: true,
            ocsp_configured: true,
            known_cas: true,
            code: "SIGNER_KEY_USAGE",
            says: "nonRepudiation",
        },
        Refusal {
            what: "B-T without a TSA",
            signer: citizen_key,
            level: Level::T,
            tsa_configured: false,
            ocsp_configured: true,
            known_cas: true,
            code: "SERVICE_NOT_CONFIGURED",
            says: "time-stamp authority",
        },
        Refusal {
            what: "B-LTA without a TSA",
            signer: citizen_key,
            level: Level::Lta,
            tsa_configured: false,
            ocsp_configured: true,
            known_cas: true,
            code: "SERVICE_NOT_CONFIGURED",
            says: "time-stamp authority",
        },
        Refusal {
            what: "B-LT without an OCSP responder",
            signer: citizen_key,
            level: Level::Lt,
            tsa_configured: true,
            ocsp_configured: false,
            known_cas: true,
            code: "SERVICE_NOT_CONFIGURED",
            says: "OCSP responder",
        },
        Refusal {
            what: "B-LT without the issuing CA",
            signer: citizen_key,
            level: Level::Lt,
            tsa_configured: true,
            ocsp_configured: true,
            known_cas: false,
            code: "ISSUER_NOT_FOUND",
            says: "--chain",
        },
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let files = input_files(dir.path());
    let container = offline_container(dir.path(), "existing.asice");
    let before = std::fs::read(&container).expect("read");
    for case in cases {
        let what = case.what;
        let mut opts = options(case.level);
        if !case.known_cas {
            opts.known_certificates.clear();
        }
        for adding in [false, true] {
            let mut signer = CountingSigner::with_key((case.signer)());
            let mut tsa = Stub {
                configured: case.tsa_configured,
                inner: NeverAsked::default(),
            };
            let mut ocsp = Stub {
                configured: case.ocsp_configured,
                inner: NeverAsked::default(),
            };
            let result = if adding {
                add_signature(
                    &container,
                    &mut signer,
                    &mut tsa,
                    &mut ocsp,
                    &opts,
                    &mut NoProgress,
                )
            } else {
                create_container(
                    &files,
                    &dir.path().join("new.asice"),
                    &mut signer,
                    &mut tsa,
                    &mut ocsp,
                    &opts,
                    &mut NoProgress,
                )
            };
            let err = result.expect_err(what);
            assert_eq!(err.code(), case.code, "{what} (adding: {adding}): {err}");
            assert!(err.to_string().contains(case.says), "{what}: {err}");
            assert_eq!(signer.asked, 0, "{what}: the signer was asked");
            assert_eq!(
                (tsa.inner.asked, ocsp.inner.asked),
                (0, 0),
                "{what}: a service was asked"
            );
            assert!(
                std::fs::read(&container).expect("read") == before,
                "{what}: the existing container changed"
            );
            assert_eq!(
                dir_names(dir.path()),
                expected_names(&["existing.asice"]),
                "{what}: something was written"
            );
        }
    }

    // The online services say the same when no TSA URL is given.
    let mut signer = CountingSigner::new("citizen");
    let mut services = Services::new(None, None);
    let (tsa, ocsp) = services.split();
    let err = create_container(
        &files,
        &dir.path().join("new.asice"),
        &mut signer,
        tsa,
        ocsp,
        &options(Level::T),
        &mut NoProgress,
    )
    .expect_err("B-T without a TSA URL");
    assert_eq!(err.code(), "SERVICE_NOT_CONFIGURED", "{err}");
    assert_eq!(signer.asked, 0);
    assert!(!HttpTimeStamping::new(None).is_configured());
    assert!(HttpTimeStamping::new(Some(TSA.into())).is_configured());
    assert!(
        HttpRevocation::new(None).is_configured(),
        "the certificate's own responder can be asked"
    );
}

#[test]
fn the_chain_of_a_pkcs12_file_completes_the_issuer_at_b_lt() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let p12 = dir.path().join("citizen.p12");
    let base = pki_dir();
    let status = Command::new("openssl")
        .args(["pkcs12", "-export", "-passout", "pass:pw", "-inkey"])
        .arg(base.join("holders/citizen/sign.key"))
        .arg("-in")
        .arg(base.join("holders/citizen/sign.pem"))
        .arg("-certfile")
        .arg(base.join("chain-citizen-ca.pem"))
        .arg("-out")
        .arg(&p12)
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl pkcs12 -export");
    let key = SoftwareKey::from_pkcs12(&std::fs::read(&p12).expect("read"), "pw")
        .expect("the PKCS#12 file opens");
    assert!(
        !key.chain().is_empty(),
        "the CA certificates came with the key"
    );

    // The options know no CA at all: the issuer can only come from the key's chain.
    let mut opts = options(Level::Lt);
    opts.known_certificates.clear();
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let signed = create_container(
        &input_files(dir.path()),
        &dir.path().join("p12.asice"),
        &mut CountingSigner::with_key(key),
        tsa,
        ocsp,
        &opts,
        &mut NoProgress,
    )
    .unwrap_or_else(|e| panic!("B-LT with the PKCS#12 chain: [{}] {e}", e.code()));
    assert_eq!(signed.level, Level::Lt);
    let report = verify(&signed.container);
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(only_signature(&report).level, "B-LT");
}

/// The citizen's certificate with the resident's key: every value it makes is wrong.
struct WrongKey {
    certificate: Vec<u8>,
    key: SoftwareKey,
    asked: usize,
}

impl Signer for WrongKey {
    fn certificate(&mut self) -> Result<Vec<u8>, knik::Error> {
        Ok(self.certificate.clone())
    }

    fn sign_digest(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, knik::Error> {
        self.asked += 1;
        self.key.sign_digest(hash, digest)
    }
}

#[test]
fn a_signature_value_that_does_not_match_the_certificate_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut signer = WrongKey {
        certificate: holder_key("citizen").certificate().expect("certificate"),
        key: holder_key("resident"),
        asked: 0,
    };
    let err = sign_into_with(dir.path(), "wrong.asice", &mut signer, Level::B)
        .expect_err("a value made with another key");
    assert_eq!(err.code(), "SIGNATURE_VALUE_MISMATCH", "{err}");
    assert!(
        matches!(err, knik::Error::SignatureValueMismatch { .. }),
        "{err:?}"
    );
    assert_eq!(signer.asked, 1);
    assert_eq!(dir_names(dir.path()), input_names(), "nothing is written");
}

/// Signs the input files into `dir/name` with any signer, offline (B-B only).
fn sign_into_with(
    dir: &Path,
    name: &str,
    signer: &mut dyn Signer,
    level: Level,
) -> Result<knik::sign::Signed, knik::Error> {
    create_container(
        &input_files(dir),
        &dir.join(name),
        signer,
        &mut Offline,
        &mut Offline,
        &options(level),
        &mut NoProgress,
    )
}

#[cfg(unix)]
#[test]
fn a_private_container_stays_private_after_adding_a_signature_and_extending() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;

    let dir = tempfile::tempdir().expect("temp dir");
    let container = offline_container(dir.path(), "private.asice");
    std::fs::set_permissions(&container, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    add_signature(
        &container,
        &mut holder_key("resident"),
        &mut Offline,
        &mut Offline,
        &options(Level::B),
        &mut NoProgress,
    )
    .unwrap_or_else(|e| panic!("second signature: [{}] {e}", e.code()));
    assert_eq!(mode(&container), 0o600, "after adding a signature");
    assert_eq!(dir_names(dir.path()), expected_names(&["private.asice"]));

    if !services_up(&[8889, 8881, 8882]) {
        return;
    }
    // Both signatures to B-LT: each holder's certificate names its own responder.
    let mut tsa = HttpTimeStamping::new(Some(TSA.into()));
    let done = extend_container(
        &container,
        Level::Lt,
        &mut tsa,
        &mut HttpRevocation::new(None),
        &known_certificates(),
        &mut NoProgress,
    )
    .unwrap_or_else(|e| panic!("extend: [{}] {e}", e.code()));
    assert_eq!(done.len(), 2);
    assert_eq!(mode(&container), 0o600, "after extending");
    assert_eq!(dir_names(dir.path()), expected_names(&["private.asice"]));
    assert_verdict(&verify(&container), Verdict::Valid);
}

#[test]
fn extending_a_container_with_a_changed_data_file_is_refused_before_any_service() {
    let dir = tempfile::tempdir().expect("temp dir");
    let intact = offline_container(dir.path(), "intact.asice");
    let tampered = dir.path().join("tampered.asice");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/oracles/tamper.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&intact)
        .arg(&tampered)
        .arg("contract.txt")
        .output()
        .expect("python3 runs tamper.py");
    assert!(
        out.status.success(),
        "tamper.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = std::fs::read(&tampered).expect("read");

    for target in [Level::T, Level::Lt, Level::Lta] {
        let mut services = NeverAsked::default();
        let mut ocsp = NeverAsked::default();
        let err = extend_container(
            &tampered,
            target,
            &mut services,
            &mut ocsp,
            &known_certificates(),
            &mut NoProgress,
        )
        .expect_err("a broken signature");
        assert_eq!(err.code(), "EXTEND_BROKEN_SIGNATURE", "to {target}: {err}");
        match &err {
            knik::Error::ExtendBrokenSignature { file, findings } => {
                assert_eq!(file, SIGNATURE);
                assert!(
                    findings.contains(knik_xades::xades::codes::DATA_DIGEST_MISMATCH),
                    "{findings}"
                );
            }
            other => panic!("to {target}: {other:?}"),
        }
        assert_eq!((services.asked, ocsp.asked), (0, 0), "to {target}");
        assert!(
            std::fs::read(&tampered).expect("read") == before,
            "to {target}: the container changed"
        );
    }
    assert_eq!(
        dir_names(dir.path()),
        expected_names(&["intact.asice", "tampered.asice"]),
        "no temporary file is left"
    );

    // The intact original passes the check and gets as far as the time-stamp authority.
    let mut tsa = NeverAsked::default();
    let err = extend_container(
        &intact,
        Level::Lt,
        &mut tsa,
        &mut NeverAsked::default(),
        &known_certificates(),
        &mut NoProgress,
    )
    .expect_err("the test TSA fails");
    assert_eq!(err.code(), "INVALID_REQUEST", "{err}");
    assert_eq!(tsa.asked, 1);
}

/// Generates a key and a signing certificate issued by the test citizen CA that its OCSP
/// responder has never heard of (not in its database): it answers `unknown`.
fn certificate_unknown_to_the_responder(dir: &Path) -> SoftwareKey {
    let config = dir.join("unknown.cnf");
    std::fs::write(
        &config,
        "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n\
         [dn]\nC = AM\nCN = UNKNOWN,HOLDER,0000000000\n\
         [ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,nonRepudiation\n\
         subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n\
         authorityInfoAccess = OCSP;URI:http://127.0.0.1:8881/\n",
    )
    .expect("write the openssl configuration");
    let (key, cert) = (dir.join("unknown.key"), dir.join("unknown.pem"));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-new", "-sha384", "-days", "30", "-nodes"])
        .args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        .arg("-config")
        .arg(&config)
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .arg("-CA")
        .arg(pki_dir().join("citizen-ca.pem"))
        .arg("-CAkey")
        .arg(pki_dir().join("citizen-ca.key"))
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl req: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |p: &Path| std::fs::read_to_string(p).expect("read a generated file");
    SoftwareKey::from_pem(&read(&key), &read(&cert)).expect("the generated key")
}

#[test]
fn a_certificate_unknown_to_the_responder_is_ocsp_status_unknown_and_nothing_is_written() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let key = certificate_unknown_to_the_responder(dir.path());
    let generated = dir_names(dir.path());
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let err = create_container(
        &input_files(dir.path()),
        &dir.path().join("unknown.asice"),
        &mut CountingSigner::with_key(key),
        tsa,
        ocsp,
        &options(Level::Lt),
        &mut NoProgress,
    )
    .expect_err("an unknown certificate");
    assert_eq!(err.code(), "OCSP_STATUS_UNKNOWN", "{err}");
    assert!(
        err.to_string().contains("unknown to the responder"),
        "{err}"
    );
    let mut expected = generated;
    expected.extend(input_names());
    assert_eq!(dir_names(dir.path()), expected, "nothing is written");
}

/// Asks the citizen responder about another certificate than the one it is given.
struct OcspAboutSomeoneElse;

impl Revocation for OcspAboutSomeoneElse {
    fn ocsp(&mut self, _: &Certificate, _: &Certificate) -> Result<Vec<u8>, knik::Error> {
        let other = cert("holders/blocked/sign.pem");
        Ok(OcspClient::new()
            .fetch(Some(CITIZEN_OCSP), &other, &cert("citizen-ca.pem"))?
            .der)
    }
}

#[test]
fn an_ocsp_answer_about_another_certificate_is_ocsp_cert_mismatch_and_nothing_is_written() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let err = sign_into(
        dir.path(),
        "other.asice",
        "citizen",
        &mut HttpTimeStamping::new(Some(TSA.into())),
        &mut OcspAboutSomeoneElse,
        &options(Level::Lt),
    )
    .expect_err("an answer that does not name the signer");
    assert_eq!(err.code(), "OCSP_CERT_MISMATCH", "{err}");
    assert!(err.to_string().contains("not named in its answer"), "{err}");
    assert_eq!(dir_names(dir.path()), input_names(), "nothing is written");
}

/// Hands out an answer fetched earlier, `stale_answers` times, then asks the responder.
struct StaleOcsp {
    stale: Vec<u8>,
    stale_answers: usize,
    asked: usize,
}

impl Revocation for StaleOcsp {
    fn ocsp(&mut self, c: &Certificate, i: &Certificate) -> Result<Vec<u8>, knik::Error> {
        self.asked += 1;
        if self.asked <= self.stale_answers {
            return Ok(self.stale.clone());
        }
        Ok(OcspClient::new().fetch(Some(CITIZEN_OCSP), c, i)?.der)
    }
}

#[test]
fn an_ocsp_answer_older_than_the_time_stamp_is_asked_for_once_more_then_refused() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // Genuine, good, fresh enough — but produced before the signature will be time-stamped.
    let stale = OcspClient::new()
        .fetch(
            Some(CITIZEN_OCSP),
            &cert("holders/citizen/sign.pem"),
            &cert("citizen-ca.pem"),
        )
        .expect("an OCSP response")
        .der;
    // producedAt has whole seconds: make sure the time-stamp falls in a later one.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tsa = HttpTimeStamping::new(Some(TSA.into()));

    // Always stale: asked twice (a second apart), then refused; nothing written.
    let mut ocsp = StaleOcsp {
        stale: stale.clone(),
        stale_answers: usize::MAX,
        asked: 0,
    };
    let err = sign_into(
        dir.path(),
        "stale.asice",
        "citizen",
        &mut tsa,
        &mut ocsp,
        &options(Level::Lt),
    )
    .expect_err("an OCSP answer from before the time-stamp");
    assert_eq!(err.code(), "OCSP_BEFORE_TIMESTAMP", "{err}");
    assert_eq!(ocsp.asked, 2, "asked once more before giving up");
    assert_eq!(dir_names(dir.path()), input_names(), "nothing is written");

    // Stale once, then fresh: the second answer is embedded and the signature verifies.
    let mut ocsp = StaleOcsp {
        stale: stale.clone(),
        stale_answers: 1,
        asked: 0,
    };
    let signed = sign_into(
        dir.path(),
        "retried.asice",
        "citizen",
        &mut tsa,
        &mut ocsp,
        &options(Level::Lt),
    )
    .unwrap_or_else(|e| panic!("the retry: [{}] {e}", e.code()));
    assert_eq!(ocsp.asked, 2);
    let report = verify(&signed.container);
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(only_signature(&report).level, "B-LT");

    // Extending a B-T signature is held to the same rule; the file stays as it was.
    let container = citizen_container(dir.path(), "t.asice", Level::T);
    let before = std::fs::read(&container).expect("read");
    let mut ocsp = StaleOcsp {
        stale,
        stale_answers: usize::MAX,
        asked: 0,
    };
    let err = extend_container(
        &container,
        Level::Lt,
        &mut tsa,
        &mut ocsp,
        &known_certificates(),
        &mut NoProgress,
    )
    .expect_err("an OCSP answer from before the time-stamp");
    assert_eq!(err.code(), "OCSP_BEFORE_TIMESTAMP", "{err}");
    assert_eq!(ocsp.asked, 2);
    assert!(std::fs::read(&container).expect("read") == before);
}

/// The container without `entry`, rewritten by python's zipfile (every other entry as it was).
fn remove_entry(container: &Path, entry: &str) {
    const SCRIPT: &str = r#"
import os, sys, zipfile
path, drop = sys.argv[1], sys.argv[2]
tmp = path + ".drop"
with zipfile.ZipFile(path) as zi, zipfile.ZipFile(tmp, "w") as zo:
    for info in zi.infolist():
        if info.filename != drop:
            zo.writestr(info, zi.read(info.filename))
os.replace(tmp, path)
"#;
    python(SCRIPT, &[container.to_str().expect("a UTF-8 path"), entry]);
}

#[test]
fn a_new_signature_takes_the_lowest_id_no_signature_has() {
    let dir = tempfile::tempdir().expect("temp dir");
    let container = offline_container(dir.path(), "ids.asice");
    let add = |holder: &str| {
        add_signature(
            &container,
            &mut holder_key(holder),
            &mut Offline,
            &mut Offline,
            &options(Level::B),
            &mut NoProgress,
        )
        .unwrap_or_else(|e| panic!("{holder}'s signature: [{}] {e}", e.code()))
    };
    let second = add("resident");
    assert_eq!(
        (second.signature_file.as_str(), second.signature_id.as_str()),
        ("META-INF/signatures1.xml", "S1")
    );
    // One signature left, with Id S1: counting would hand out S1 again.
    remove_entry(&container, SIGNATURE);
    let third = add("legacy");
    assert_eq!(third.signature_id, "S0");
    assert_eq!(third.signature_file, SIGNATURE);
    let fourth = add("citizen");
    assert_eq!(fourth.signature_id, "S2");
    assert_eq!(fourth.signature_file, "META-INF/signatures2.xml");

    let report = verify(&container);
    let mut ids: Vec<(&str, &str)> = report
        .signatures
        .iter()
        .map(|s| (s.file.as_str(), s.id.as_str()))
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            ("META-INF/signatures0.xml", "S0"),
            ("META-INF/signatures1.xml", "S1"),
            ("META-INF/signatures2.xml", "S2"),
        ],
        "{}",
        report.to_json()
    );
    assert_ne!(report.verdict, Verdict::Invalid, "{}", report.to_json());
}

/// Serves one HTTP request on loopback with `503 Service Unavailable`.
fn one_unavailable_answer() -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Headers, then the body announced by Content-Length.
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request);
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if request.len() >= end + 4 + length {
                    break;
                }
            }
        }
        let _ = stream.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    (format!("127.0.0.1:{port}"), server)
}

#[test]
fn a_password_in_a_service_url_never_shows_in_an_error() {
    const SECRET: &str = "s3cret-pw";
    let assert_hidden = |err: &dyn std::fmt::Debug, text: String, host: &str| {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!format!("{err:?}").contains(SECRET), "{err:?}");
        assert!(text.contains(&format!("http://{host}/")), "{text}");
    };

    // Nothing listens on port 1: the connection is refused.
    let url = format!("http://user:{SECRET}@127.0.0.1:1/");
    let err = knik::online::TsaClient::new()
        .timestamp(&url, HashAlgorithm::Sha256, &[0; 32])
        .expect_err("nothing listens");
    assert_eq!(err.code(), "TSA_UNREACHABLE", "{err}");
    assert_hidden(&err, err.to_string(), "127.0.0.1:1");
    let citizen = cert("holders/citizen/sign.pem");
    let err = OcspClient::new()
        .fetch(Some(&url), &citizen, &cert("citizen-ca.pem"))
        .expect_err("nothing listens");
    assert_eq!(err.code(), "OCSP_UNREACHABLE", "{err}");
    assert_hidden(&err, err.to_string(), "127.0.0.1:1");

    // Through the signing flow.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut services = Services::new(Some(url.clone()), None);
    let (tsa, ocsp) = services.split();
    let err = sign_into(
        dir.path(),
        "x.asice",
        "citizen",
        tsa,
        ocsp,
        &options(Level::T),
    )
    .expect_err("nothing listens");
    assert_eq!(err.code(), "TSA_UNREACHABLE", "{err}");
    assert_hidden(&err, err.to_string(), "127.0.0.1:1");

    // A server that answers, with an error status.
    let (host, server) = one_unavailable_answer();
    let err = knik::online::TsaClient::new()
        .timestamp(
            &format!("http://user:{SECRET}@{host}/"),
            HashAlgorithm::Sha256,
            &[0; 32],
        )
        .expect_err("503");
    server.join().expect("the test server");
    assert_eq!(err.code(), "HTTP_STATUS", "{err}");
    assert_hidden(&err, err.to_string(), &host);
}
