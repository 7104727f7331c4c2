//! `knik mobile-id auth` and `knik sign --mobile-id` end to end: the binary against the
//! loopback mobile ID simulator (`knik-mobile-id-sim`, started in the test), configured through
//! a `[mobile_id]` section and the --mid-* options, pinned to
//! `test-vectors/mobile-id/sim-tls.pin`.
//!
//! What it proves:
//! - `mobile-id auth` prints the verification code (the one the phone showed), then a waiting
//!   line on stderr, then the holder (text and --json: personal number, document kind
//!   `mobile-id`), with the service, relying party and pins from the configuration;
//! - session outcomes exit 1 with their own code and the citizen sentence in --json
//!   (USER_CANCELLED, PHONE_ABSENT, TIMEOUT, NOT_MID_CLIENT, a signature by another key);
//! - a simulator serving the impostor certificate is refused with MID_TLS_NOT_PINNED, and a
//!   --mid-pin for it replaces the configured pins;
//! - configuration mistakes (no URL, a malformed pin, a malformed UUID) exit 2 with
//!   CLI_CONFIG and never print the UUID; --phone without --mobile-id and --mobile-id with
//!   --key are usage errors;
//! - `sign --mobile-id` makes a B-B container the verifier attributes to the mobile ID holder,
//!   and with the loopback TSA and the mobile ID CA's OCSP responder a B-LT container that
//!   `knik verify` finds valid (skipped without the services unless KNIK_REQUIRE_SERVICES=1).

mod common;

use common::*;
use knik_mobile_id_sim::{
    NATIONAL_IDENTITY_NUMBER, RELYING_PARTY_NAME, RELYING_PARTY_UUID, Scenario, SimConfig,
    SimHandle, Simulator,
};
use std::path::{Path, PathBuf};
use std::process::Output;

const TSA: &str = "http://127.0.0.1:8889/";
const OCSP_MOBILE_ID: &str = "http://127.0.0.1:8883/";

fn vector(name: &str) -> String {
    repo().join("test-vectors").join(name).display().to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn simulator() -> SimHandle {
    Simulator::start(SimConfig::default()).expect("the simulator starts")
}

/// A configuration file for `sim`: service, relying party, pin file and English prompts.
fn config(dir: &Path, sim: &SimHandle) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[mobile_id]\nurl = \"{}\"\nrelying_party_name = \"{RELYING_PARTY_NAME}\"\n\
             relying_party_uuid = \"{RELYING_PARTY_UUID}\"\npins_file = \"{}\"\nlanguage = \"ENG\"\n",
            sim.url(),
            vector("mobile-id/sim-tls.pin")
        ),
    )
    .expect("config written");
    path
}

/// `knik mobile-id auth` as `scenario`'s person, trusting the test root with the mobile ID CA
/// as intermediate.
fn auth(config: &Path, scenario: Scenario, extra: &[&str]) -> Output {
    let mut args = vec![
        "--config",
        s(config),
        "mobile-id",
        "auth",
        "--phone",
        scenario.phone_number(),
        "--id",
        NATIONAL_IDENTITY_NUMBER,
        "--trust",
    ];
    let root = vector("pki/root.pem");
    let ca = vector("pki/mobile-id-ca.pem");
    args.push(&root);
    args.extend(["--chain", &ca]);
    args.extend(extra);
    knik(&args, &[])
}

/// The code after "Verification code: " on stderr.
fn printed_code(o: &Output) -> String {
    let err = stderr(o);
    let at = err
        .find("Verification code: ")
        .unwrap_or_else(|| panic!("no verification code on stderr:\n{err}"));
    err[at + 19..at + 23].to_owned()
}

#[test]
fn auth_prints_the_code_then_waits_then_the_holder() {
    let sim = simulator();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path(), &sim);
    let o = auth(&config, Scenario::Ok, &[]);
    assert!(o.status.success(), "auth: {}", stderr(&o));
    let prompt = sim.prompts().pop().expect("the phone was asked");
    assert_eq!(printed_code(&o), prompt.verification_code.to_string());
    assert_eq!(
        prompt.language.as_wire(),
        "ENG",
        "language from [mobile_id]"
    );
    let err = stderr(&o);
    let code_at = err.find("Verification code").unwrap();
    let wait_at = err
        .find("Waiting for your confirmation")
        .expect("a waiting line");
    assert!(code_at < wait_at, "{err}");
    let text = String::from_utf8_lossy(&o.stdout);
    for needle in ["ANI PETROSYAN", "2810770123", "mobile-id"] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }

    let o = auth(&config, Scenario::Ok, &["--json", "--mid-language", "hye"]);
    assert!(o.status.success(), "auth --json: {}", stderr(&o));
    let v = json(&o);
    let prompt = sim.prompts().pop().expect("the phone was asked");
    assert_eq!(prompt.language.as_wire(), "HYE", "--mid-language overrides");
    assert_eq!(v["authenticated"], true);
    assert_eq!(v["verification_code"], prompt.verification_code.to_string());
    assert_eq!(v["identity"]["personal_number"], "2810770123");
    assert_eq!(v["identity"]["surname"], "PETROSYAN");
    assert_eq!(v["identity"]["document_kind"], "mobile-id");
}

#[test]
fn session_outcomes_exit_with_their_code_and_a_citizen_sentence() {
    let sim = simulator();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path(), &sim);
    for (scenario, code, sentence) in [
        (
            Scenario::UserCancelled,
            "MID_USER_CANCELLED",
            "You cancelled the request on your phone.",
        ),
        (
            Scenario::PhoneAbsent,
            "MID_PHONE_ABSENT",
            "could not be reached",
        ),
        (Scenario::Timeout, "MID_TIMEOUT", "in time"),
        (
            Scenario::NotMidClient,
            "MID_NOT_MID_CLIENT",
            "no active mobile ID",
        ),
        (
            Scenario::WrongKey,
            "MID_SIGNATURE_INVALID",
            "could not be verified",
        ),
    ] {
        let o = auth(&config, scenario, &["--json"]);
        // Cancelling is exit 7, as at the card's PIN prompt; the other outcomes are 1.
        let exit = if code == "MID_USER_CANCELLED" { 7 } else { 1 };
        assert_eq!(o.status.code(), Some(exit), "{scenario:?}: {}", stderr(&o));
        let v = json(&o);
        assert_eq!(v["error"]["code"], code, "{scenario:?}: {v}");
        let message = v["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(sentence), "{scenario:?}: {message}");
    }
}

#[test]
fn an_unpinned_server_is_refused_and_a_pin_option_replaces_the_configured_ones() {
    let impostor = Simulator::start(SimConfig {
        tls_cert: vector("mobile-id/impostor-tls.pem").into(),
        tls_key: vector("mobile-id/impostor-tls.key").into(),
        ..SimConfig::default()
    })
    .expect("the impostor starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path(), &impostor);
    let o = auth(&config, Scenario::Ok, &["--json"]);
    assert_eq!(o.status.code(), Some(11), "{}", stderr(&o));
    assert_eq!(json(&o)["error"]["code"], "MID_TLS_NOT_PINNED");
    assert!(impostor.prompts().is_empty(), "no session at the impostor");

    // An operator who pins the new key on the command line reaches it.
    let pin = std::fs::read_to_string(vector("mobile-id/impostor-tls.pin")).unwrap();
    let o = auth(&config, Scenario::Ok, &["--json", "--mid-pin", pin.trim()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn configuration_mistakes_exit_2_without_printing_the_uuid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let secret = "00000000-0000-4000-8000-00000000BEEF";
    let cases = [
        (
            write("no-url.toml", "[mobile_id]\nrelying_party_name = \"n\"\n"),
            "--mid-url",
        ),
        (
            write(
                "bad-pin.toml",
                &format!(
                    "[mobile_id]\nurl = \"https://127.0.0.1:1/mid-api\"\nrelying_party_name = \
                     \"n\"\nrelying_party_uuid = \"{RELYING_PARTY_UUID}\"\npins = [\"abc\"]\n"
                ),
            ),
            "pin 1",
        ),
        (
            write(
                "bad-uuid.toml",
                &format!(
                    "[mobile_id]\nurl = \"https://127.0.0.1:1/mid-api\"\nrelying_party_name = \
                     \"n\"\nrelying_party_uuid = \"{secret}\"\npins = [\"abc\"]\n"
                ),
            ),
            "lower-case",
        ),
        (
            write(
                "http.toml",
                &format!(
                    "[mobile_id]\nurl = \"http://127.0.0.1:1/mid-api\"\nrelying_party_name = \
                     \"n\"\nrelying_party_uuid = \"{RELYING_PARTY_UUID}\"\npins_file = \"{}\"\n",
                    vector("mobile-id/sim-tls.pin")
                ),
            ),
            "https://",
        ),
    ];
    for (config, needle) in cases {
        let o = auth(&config, Scenario::Ok, &["--json"]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            config.display(),
            stderr(&o)
        );
        let v = json(&o);
        assert_eq!(v["error"]["code"], "CLI_CONFIG", "{v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(needle),
            "{needle:?} missing from {message}"
        );
        assert!(!message.contains(secret), "the UUID leaked: {message}");
    }
}

#[test]
fn mobile_id_options_are_checked_on_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a.txt");
    std::fs::write(&file, "x").unwrap();
    let out = dir.path().join("a.asice");
    let o = knik(
        &[
            "sign",
            s(&file),
            "-o",
            s(&out),
            "--phone",
            "+37400000001",
            "--id",
            "2810770123",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--mobile-id"), "{}", stderr(&o));
    let key = vector("pki/holders/mobile/sign.key");
    let o = knik(
        &[
            "sign",
            s(&file),
            "-o",
            s(&out),
            "--mobile-id",
            "--key",
            &key,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!out.exists());
}

/// `knik sign --mobile-id` of two files at `level` with `extra` options.
fn sign(config: &Path, dir: &Path, level: &str, extra: &[&str]) -> (Output, PathBuf) {
    let a = dir.join("contract.txt");
    let b = dir.join("Պայմանագիր.txt");
    std::fs::write(&a, "Agreement between the parties.\n").unwrap();
    std::fs::write(&b, "Երկրորդ փաստաթուղթ\n").unwrap();
    let out = dir.join(format!("mobile-{level}.asice"));
    let mut args = vec![
        "--config",
        s(config),
        "sign",
        s(&a),
        s(&b),
        "-o",
        s(&out),
        "--level",
        level,
        "--mobile-id",
        "--phone",
        Scenario::Ok.phone_number(),
        "--id",
        NATIONAL_IDENTITY_NUMBER,
        "--quiet",
    ];
    args.extend(extra);
    (knik(&args, &[]), out)
}

fn verify_json(container: &Path) -> serde_json::Value {
    let o = knik(
        &[
            "verify",
            "--json",
            "--trust",
            &vector("pki/root.pem"),
            s(container),
        ],
        &[],
    );
    json(&o)
}

#[test]
fn sign_with_mobile_id_makes_a_container_of_the_mobile_id_holder() {
    let sim = simulator();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path(), &sim);
    let (o, out) = sign(
        &config,
        dir.path(),
        "B",
        &["--chain", &vector("pki/mobile-id-ca.pem")],
    );
    assert!(o.status.success(), "sign: {}", stderr(&o));
    let prompt = sim.prompts().pop().expect("the phone was asked");
    assert_eq!(prompt.question(), "Sign?");
    assert_eq!(printed_code(&o), prompt.verification_code.to_string());
    let v = verify_json(&out);
    let sig = &v["signatures"][0];
    assert_eq!(sig["level"], "B-B", "{v}");
    assert_eq!(sig["signer"]["personal_number"], "2810770123");
    assert_eq!(sig["signer"]["document_kind_code"], "mobile-id");
    let codes: Vec<&str> = sig["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(!codes.contains(&"SIGNATURE_VALUE_INVALID"), "{v}");
}

#[test]
fn sign_with_mobile_id_at_b_lt_verifies_valid() {
    let listening = std::process::Command::new("ss")
        .arg("-ltn")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let skip = std::env::var("KNIK_SKIP_SERVICES").as_deref() == Ok("1");
    if skip || ![":8889 ", ":8883 "].iter().all(|p| listening.contains(p)) {
        assert!(
            std::env::var("KNIK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "the TSA and the mobile ID CA's OCSP responder are not running (scripts/services.sh up)"
        );
        eprintln!("SKIPPED: the TSA (8889) or the mobile ID OCSP responder (8883) is not running");
        return;
    }
    let sim = simulator();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path(), &sim);
    let ca = vector("pki/mobile-id-ca.pem");
    let (o, out) = sign(
        &config,
        dir.path(),
        "LT",
        &[
            "--chain",
            &ca,
            "--tsa",
            TSA,
            "--ocsp",
            OCSP_MOBILE_ID,
            "--json",
        ],
    );
    assert!(o.status.success(), "sign: {}", stderr(&o));
    assert_eq!(json(&o)["level"], "B-LT");
    let v = verify_json(&out);
    assert_eq!(v["verdict"], "valid", "{v}");
    let sig = &v["signatures"][0];
    assert_eq!(sig["level"], "B-LT");
    assert_eq!(sig["signer"]["document_kind_code"], "mobile-id");
    assert_eq!(sig["revocation"]["status"], "good");
}
