//! `knik --pkcs11 …` against a SoftHSM2 token personalised with the `legacy` holder of the test
//! PKI (RSA-2048), the way a 2012–2023 ID card is reached through its PKCS#11 module.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const SOFTHSM: &str = "/usr/lib/softhsm/libsofthsm2.so";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh token in a temporary directory; returns the SOFTHSM2_CONF path.
fn token(dir: &Path) -> String {
    let o = Command::new(repo().join("scripts/softhsm-token.sh"))
        .arg(dir)
        .output()
        .expect("script");
    assert!(
        o.status.success(),
        "softhsm-token.sh: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    out.lines()
        .find_map(|l| l.strip_prefix("export SOFTHSM2_CONF="))
        .expect("SOFTHSM2_CONF printed")
        .trim_matches('\'')
        .trim_matches('"')
        .to_string()
}

fn knik(conf: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_knik"));
    c.arg("--pkcs11")
        .arg(SOFTHSM)
        .args(args)
        .env("SOFTHSM2_CONF", conf);
    c.env("XDG_CONFIG_HOME", repo().join("target/knik-test-no-config"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("knik runs")
}

#[test]
fn legacy_card_through_pkcs11_info_and_authenticate() {
    let dir = tempfile::tempdir().unwrap();
    let conf = token(dir.path());
    let o = knik(&conf, &["--json", "card", "info"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["holder"]["surname"], "KARAPETYAN");
    assert_eq!(v["holder"]["personal_number"], "6011750987");
    assert_eq!(v["card"]["profile"], "am-legacy");
    assert!(
        v["certificates"][0]["key"]
            .as_str()
            .unwrap()
            .contains("RSA")
    );

    let o = knik(
        &conf,
        &["--json", "--pin-source", "env", "card", "authenticate"],
        &[("KNIK_PIN1", "1234")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verified"], true);

    let o = knik(
        &conf,
        &["--json", "--pin-source", "env", "card", "authenticate"],
        &[("KNIK_PIN1", "0000")],
    );
    assert_eq!(
        o.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn missing_module_lists_where_it_looked() {
    let o = Command::new(env!("CARGO_BIN_EXE_knik"))
        .args([
            "--json",
            "--pkcs11",
            "/nonexistent/libccpkip11.so",
            "card",
            "info",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "CARD_PKCS11_MODULE");
}

#[test]
fn legacy_card_through_pkcs11_signs_a_container_at_lt() {
    let listening = Command::new("ss")
        .arg("-ltn")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !listening.contains(":8889 ") || !listening.contains(":8881 ") {
        assert!(
            std::env::var("KNIK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "the OCSP responder and the TSA are not running (scripts/services.sh up)"
        );
        eprintln!("SKIPPED: the OCSP responder and the TSA are not running");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = token(dir.path());
    let doc = dir.path().join("letter.txt");
    std::fs::write(&doc, "Signed through PKCS#11.\n").unwrap();
    let out = dir.path().join("letter.asice");
    let pki = repo().join("test-vectors/pki");
    let o = knik(
        &conf,
        &[
            "--pin-source",
            "env",
            "sign",
            doc.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--chain",
            pki.join("citizen-ca.pem").to_str().unwrap(),
            "--tsa",
            "http://127.0.0.1:8889/",
            "--quiet",
        ],
        // One user PIN guards both keys of the SoftHSM token, as on the legacy cards' module.
        &[("KNIK_PIN2", "1234")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The responder comes from the certificate's authorityInfoAccess (no --ocsp).
    let o = Command::new(env!("CARGO_BIN_EXE_knik"))
        .args(["verify", "--json", "--trust"])
        .arg(pki.join("root.pem"))
        .arg(&out)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(o.status.success(), "{v}");
    assert_eq!(v["signatures"][0]["level"], "B-LT");
    assert_eq!(v["signatures"][0]["signer"]["surname"], "KARAPETYAN");
    assert!(
        v["signatures"][0]["signature_method"]
            .as_str()
            .unwrap()
            .contains("rsa-sha256")
    );
}
