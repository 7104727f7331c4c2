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
