//! Mobile ID through the facade, against the loopback simulator (`knik-mobile-id-sim`, real
//! MID-REST over TLS) with the client pinned to `test-vectors/mobile-id/sim-tls.pin`.
//!
//! What it proves:
//! - authentication returns the mobile holder's identity (PETROSYAN ANI, 2810770123, document
//!   kind `mobile-id` from the policy map) after checking the signature, the person and the
//!   chain to the test root; the code shown before the session equals the code on the phone;
//! - signing makes a B-B container whose signature value verifies with the certificate from
//!   `/certificate` and whose report names the mobile holder;
//! - every other session outcome comes back as its own code with its citizen sentence:
//!   NOT_MID_CLIENT (and NOT_FOUND for `/certificate`), USER_CANCELLED, TIMEOUT, PHONE_ABSENT,
//!   DELIVERY_ERROR, SIM_ERROR, SIGNATURE_HASH_MISMATCH; a wrong relying party is
//!   MID_UNAUTHORIZED;
//! - timing: a slow user is waited for over several long polls; a phone that never answers
//!   ends at the client's deadline (MID_DEADLINE_EXCEEDED); a session the client stopped
//!   polling expires on the server (MID_SESSION_NOT_FOUND);
//! - a signature made with another key than the certificate's is refused
//!   (MID_SIGNATURE_INVALID) for signing and for authentication, and no container is written;
//! - a server whose certificate is not pinned (the simulator with `impostor-tls`) is refused
//!   with MID_TLS_NOT_PINNED before any session starts;
//! - with the loopback TSA (8889) and the mobile ID CA's OCSP responder (8883), a container
//!   signed with mobile ID at B-LT verifies `valid` at B-LT in knik (document kind
//!   `mobile-id`) and in xmlsec1 against chain-mobile-id-ca.pem (skipped with a message when
//!   the services or xmlsec1 are missing, unless KNIK_REQUIRE_SERVICES=1).
#![cfg(feature = "mobile-id")]

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use knik::Level;
use knik::mobile_id::{
    AuthenticationOptions, MidRestClient, MobileIdSigner, Person, Pins, PollPolicy, RelyingParty,
    SessionDisplay, VerificationCode, authenticate,
};
use knik::online::Services;
use knik::report::Verdict;
use knik::services::Offline;
use knik::signer::Signer;
use knik_mobile_id::{MobileIdProvider, SessionRequest, SignableHash};
use knik_mobile_id_sim::{
    NATIONAL_IDENTITY_NUMBER, RELYING_PARTY_NAME, RELYING_PARTY_UUID, Scenario, SimConfig,
    SimHandle, Simulator,
};
use knik_pki::HashAlgorithm;
use knik_pki::trust::TrustStore;
use knik_xades::c14n::Algorithm;
use support::*;

const TSA: &str = "http://127.0.0.1:8889/";
const MOBILE_ID_OCSP: &str = "http://127.0.0.1:8883/";

fn vector(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/mobile-id")
        .join(name)
}

/// A simulator with test timings: the slow user confirms after 2.5 s.
fn simulator() -> SimHandle {
    simulator_with(SimConfig {
        slow_user_delay: Duration::from_millis(2_500),
        ..SimConfig::default()
    })
}

fn simulator_with(config: SimConfig) -> SimHandle {
    Simulator::start(config).expect("the simulator starts")
}

/// A client for `sim` pinned to the published pin of the simulator's certificate.
fn client(sim: &SimHandle) -> MidRestClient {
    MidRestClient::new(
        &sim.url(),
        RelyingParty::new(RELYING_PARTY_UUID, RELYING_PARTY_NAME).expect("relying party"),
        Pins::from_file(&vector("sim-tls.pin")).expect("sim-tls.pin"),
    )
    .expect("client")
}

fn person(scenario: Scenario) -> Person {
    Person::parse(scenario.phone_number(), NATIONAL_IDENTITY_NUMBER).expect("test person")
}

/// Short polls, so the tests do not wait for the default 30 s ones.
fn quick_polls() -> PollPolicy {
    PollPolicy {
        long_poll: Duration::from_secs(1),
        http_margin: Duration::from_millis(1_500),
        session_limit: Duration::from_secs(20),
    }
}

/// Records what the person was shown, in order.
#[derive(Default)]
struct Screen {
    events: Vec<String>,
    codes: Vec<VerificationCode>,
}

impl SessionDisplay for &mut Screen {
    fn show_code(&mut self, code: VerificationCode) {
        self.codes.push(code);
        self.events.push(format!("code {code}"));
    }
    fn waiting(&mut self) {
        self.events.push("waiting".into());
    }
    fn finished(&mut self) {
        self.events.push("finished".into());
    }
}

fn trust_root() -> TrustStore {
    let mut trust = TrustStore::new();
    trust
        .add_file(&pki_dir().join("root.pem"))
        .expect("the test root");
    trust
}

fn auth_options<'a>(
    trust: &'a TrustStore,
    intermediates: &'a [knik_pki::Certificate],
) -> AuthenticationOptions<'a> {
    let mut options = AuthenticationOptions::new(trust);
    options.intermediates = intermediates;
    options.policies =
        knik_pki::PolicyMap::from_toml(&pki_text("policies.toml")).expect("policies.toml");
    options.poll_policy = quick_polls();
    options
}

fn authenticate_as(sim: &SimHandle, scenario: Scenario) -> Result<knik_pki::Identity, knik::Error> {
    let trust = trust_root();
    let intermediates = [cert("mobile-id-ca.pem")];
    let mut screen = Screen::default();
    authenticate(
        &client(sim),
        &person(scenario),
        &mut &mut screen,
        &auth_options(&trust, &intermediates),
    )
}

fn signer_for<'a>(client: &'a MidRestClient, scenario: Scenario) -> MobileIdSigner<'a> {
    MobileIdSigner::new(client, person(scenario), |_: VerificationCode| {})
        .with_poll_policy(quick_polls())
}

/// Signs one digest as `scenario`'s person.
fn sign_digest_as(sim: &SimHandle, scenario: Scenario) -> Result<Vec<u8>, knik::Error> {
    let client = client(sim);
    let mut signer = signer_for(&client, scenario);
    signer.sign_digest(
        HashAlgorithm::Sha256,
        &HashAlgorithm::Sha256.digest(b"SignedInfo"),
    )
}

#[test]
fn authentication_returns_the_mobile_id_holder_and_the_code_on_the_phone() {
    let sim = simulator();
    let trust = trust_root();
    let intermediates = [cert("mobile-id-ca.pem")];
    let mut screen = Screen::default();
    let identity = authenticate(
        &client(&sim),
        &person(Scenario::Ok),
        &mut &mut screen,
        &auth_options(&trust, &intermediates),
    )
    .expect("authentication succeeds");
    assert_eq!(identity.personal_number, "2810770123");
    assert_eq!(identity.surname.as_deref(), Some("PETROSYAN"));
    assert_eq!(identity.given_name.as_deref(), Some("ANI"));
    assert_eq!(identity.document_kind.as_str(), "mobile-id");

    let prompts = sim.prompts();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].relying_party_name, RELYING_PARTY_NAME);
    assert_eq!(prompts[0].question(), "Enter?");
    assert_eq!(screen.codes, vec![prompts[0].verification_code]);
    let code = format!("code {}", screen.codes[0]);
    assert_eq!(screen.events, [code.as_str(), "waiting", "finished"]);
}

#[test]
fn authentication_that_does_not_chain_to_the_trust_store_is_refused() {
    let sim = simulator();
    let trust = TrustStore::new();
    let mut screen = Screen::default();
    let err = authenticate(
        &client(&sim),
        &person(Scenario::Ok),
        &mut &mut screen,
        &auth_options(&trust, &[]),
    )
    .unwrap_err();
    assert_eq!(err.code(), "CHAIN_NO_ANCHOR", "{err}");
}

#[test]
fn a_b_b_container_signed_with_mobile_id_carries_the_phones_signature() {
    let sim = simulator();
    let client = client(&sim);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mobile.asice");
    let mut screen = Screen::default();
    let mut signer = MobileIdSigner::new(&client, person(Scenario::Ok), &mut screen)
        .with_poll_policy(quick_polls());
    let signed = knik::sign::create_container(
        &input_files(dir.path()),
        &out,
        &mut signer,
        &mut Offline,
        &mut Offline,
        &sign_options(Level::B, Algorithm::Inclusive11),
        &mut knik::sign::NoProgress,
    )
    .expect("signed at B-B");
    drop(signer);
    assert!(signed.signer.contains("PETROSYAN"), "{}", signed.signer);
    let report = verify(&out);
    let sig = only_signature(&report);
    assert!(
        !report.codes().contains(&"SIGNATURE_VALUE_INVALID"),
        "{}",
        report.to_json()
    );
    let signer_report = sig.signer.as_ref().expect("signer");
    assert_eq!(signer_report.personal_number.as_deref(), Some("2810770123"));
    assert_eq!(
        signer_report.document_kind_code.as_deref(),
        Some("mobile-id")
    );
    let prompt = sim.prompts().pop().expect("a prompt");
    assert_eq!(prompt.question(), "Sign?");
    assert_eq!(screen.codes, vec![prompt.verification_code]);
}

#[test]
fn each_session_outcome_has_its_own_code_and_citizen_sentence() {
    let sim = simulator();
    let cases = [
        (Scenario::UserCancelled, "MID_USER_CANCELLED"),
        (Scenario::Timeout, "MID_TIMEOUT"),
        (Scenario::PhoneAbsent, "MID_PHONE_ABSENT"),
        (Scenario::DeliveryError, "MID_DELIVERY_ERROR"),
        (Scenario::SimError, "MID_SIM_ERROR"),
        (
            Scenario::SignatureHashMismatch,
            "MID_SIGNATURE_HASH_MISMATCH",
        ),
    ];
    let mut sentences = BTreeSet::new();
    for (scenario, code) in cases {
        for (flow, result) in [
            ("signing", sign_digest_as(&sim, scenario).map(|_| ())),
            (
                "authentication",
                authenticate_as(&sim, scenario).map(|_| ()),
            ),
        ] {
            let err = result.expect_err(code);
            let knik::Error::Signer {
                code: found,
                message,
            } = &err
            else {
                panic!("{flow} {scenario:?}: Signer error expected, got {err:?}")
            };
            assert_eq!(*found, code, "{flow} {scenario:?}");
            assert!(message.ends_with('.') && message.len() > 20, "{message}");
            sentences.insert(message.clone());
        }
    }
    // Six outcomes, six different sentences (signing and authentication share them).
    assert_eq!(sentences.len(), cases.len(), "{sentences:#?}");

    // Not a mobile ID client: signing stops at /certificate, authentication at the result.
    assert_eq!(
        sign_digest_as(&sim, Scenario::NotMidClient)
            .unwrap_err()
            .code(),
        "MID_CERTIFICATE_NOT_FOUND"
    );
    assert_eq!(
        authenticate_as(&sim, Scenario::NotMidClient)
            .unwrap_err()
            .code(),
        "MID_NOT_MID_CLIENT"
    );
}

#[test]
fn a_wrong_relying_party_is_unauthorized() {
    let sim = simulator();
    let client = MidRestClient::new(
        &sim.url(),
        RelyingParty::new("00000000-0000-4000-8000-0000000000ff", RELYING_PARTY_NAME).unwrap(),
        Pins::from_file(&vector("sim-tls.pin")).unwrap(),
    )
    .unwrap();
    let err = signer_for(&client, Scenario::Ok).certificate().unwrap_err();
    assert_eq!(err.code(), "MID_UNAUTHORIZED");
}

#[test]
fn a_slow_user_is_waited_for_over_several_long_polls() {
    let sim = simulator();
    let started = Instant::now();
    let value = sign_digest_as(&sim, Scenario::SlowUser).expect("the slow user confirms");
    assert_eq!(value.len(), 64);
    assert!(started.elapsed() >= Duration::from_millis(2_500));
}

#[test]
fn a_phone_that_never_answers_ends_at_the_client_deadline() {
    let sim = simulator();
    let client = client(&sim);
    let mut signer = MobileIdSigner::new(
        &client,
        person(Scenario::NeverAnswers),
        |_: VerificationCode| {},
    )
    .with_poll_policy(PollPolicy {
        long_poll: Duration::from_secs(1),
        http_margin: Duration::from_millis(1_500),
        session_limit: Duration::from_secs(3),
    });
    let started = Instant::now();
    let err = signer
        .sign_digest(HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap_err();
    assert_eq!(err.code(), "MID_DEADLINE_EXCEEDED");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(8),
        "{took:?}"
    );
}

#[test]
fn a_session_left_unpolled_expires_on_the_server() {
    let sim = simulator_with(SimConfig {
        session_expiry: Duration::from_millis(500),
        ..SimConfig::default()
    });
    let client = client(&sim);
    let request = SessionRequest {
        person: person(Scenario::NeverAnswers),
        hash: SignableHash::new(knik_mobile_id::HashType::Sha256, &[0x22; 32]).unwrap(),
        language: knik_mobile_id::Language::Eng,
        display_text: None,
    };
    let session = client.start_signing(&request).expect("started");
    std::thread::sleep(Duration::from_millis(1_200));
    let err = client.poll(&session, 1_000).unwrap_err();
    assert_eq!(err.code(), "MID_SESSION_NOT_FOUND");
    assert_eq!(
        knik::mobile_id::signer_error(err).to_string(),
        "The request has expired. Please start again."
    );
}

#[test]
fn a_signature_made_with_another_key_is_rejected() {
    let sim = simulator();
    let err = sign_digest_as(&sim, Scenario::WrongKey).unwrap_err();
    assert_eq!(err.code(), "MID_SIGNATURE_INVALID");
    let err = authenticate_as(&sim, Scenario::WrongKey).unwrap_err();
    assert_eq!(err.code(), "MID_SIGNATURE_INVALID");

    // Nothing is written when the signer's value is refused.
    let client = client(&sim);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("never.asice");
    let mut signer = signer_for(&client, Scenario::WrongKey);
    let err = knik::sign::create_container(
        &input_files(dir.path()),
        &out,
        &mut signer,
        &mut Offline,
        &mut Offline,
        &sign_options(Level::B, Algorithm::Inclusive11),
        &mut knik::sign::NoProgress,
    )
    .unwrap_err();
    assert_eq!(err.code(), "MID_SIGNATURE_INVALID");
    assert!(!out.exists());
}

#[test]
fn a_server_whose_certificate_is_not_pinned_is_refused() {
    let impostor = simulator_with(SimConfig {
        tls_cert: vector("impostor-tls.pem"),
        tls_key: vector("impostor-tls.key"),
        ..SimConfig::default()
    });
    let client = client(&impostor);
    let mut signer = signer_for(&client, Scenario::Ok);
    let err = signer.certificate().unwrap_err();
    assert_eq!(err.code(), "MID_TLS_NOT_PINNED", "{err}");
    let err = authenticate_as(&impostor, Scenario::Ok).unwrap_err();
    assert_eq!(err.code(), "MID_TLS_NOT_PINNED");
    assert!(
        impostor.prompts().is_empty(),
        "the impostor started a session"
    );
    assert_eq!(impostor.session_count(), 0);
}

#[test]
fn a_container_signed_with_mobile_id_at_b_lt_verifies_in_knik_and_xmlsec1() {
    if !services_up(&[8889, 8883]) {
        return;
    }
    let sim = simulator();
    let client = client(&sim);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mobile-lt.asice");
    let mut signer = signer_for(&client, Scenario::Ok);
    let mut services = Services::new(Some(TSA.into()), Some(MOBILE_ID_OCSP.into()));
    let (tsa, ocsp) = services.split();
    let signed = knik::sign::create_container(
        &input_files(dir.path()),
        &out,
        &mut signer,
        tsa,
        ocsp,
        &sign_options(Level::Lt, Algorithm::Inclusive11),
        &mut knik::sign::NoProgress,
    )
    .expect("signed at B-LT");
    assert_eq!(signed.level, Level::Lt);
    let report = verify(&out);
    assert_verdict(&report, Verdict::Valid);
    let sig = only_signature(&report);
    assert_eq!(sig.level, "B-LT", "{}", report.to_json());
    assert_eq!(
        sig.signer
            .as_ref()
            .and_then(|s| s.document_kind_code.as_deref()),
        Some("mobile-id")
    );

    if std::env::var("KNIK_SKIP_ORACLES").as_deref() == Ok("1") {
        eprintln!("SKIPPED: xmlsec1 (KNIK_SKIP_ORACLES=1)");
        return;
    }
    if Command::new("xmlsec1").arg("--version").output().is_err() {
        assert!(
            std::env::var("KNIK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "xmlsec1 is not installed"
        );
        eprintln!("SKIPPED: xmlsec1 is not installed");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let oracle = Command::new(repo.join("scripts/oracles/verify-xmlsec1.sh"))
        .arg(&out)
        .arg(repo.join("test-vectors/pki/chain-mobile-id-ca.pem"))
        .output()
        .expect("verify-xmlsec1.sh runs");
    assert!(
        oracle.status.success(),
        "xmlsec1 refused the mobile ID signature:\n{}{}",
        String::from_utf8_lossy(&oracle.stdout),
        String::from_utf8_lossy(&oracle.stderr)
    );
}
