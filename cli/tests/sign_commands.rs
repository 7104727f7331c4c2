//! `knik sign`, `verify`, `extract` and `extend` end to end: the binary with a software key and
//! with the virtual citizen card behind pcscd, against the loopback OCSP responder and
//! time-stamp server (`scripts/services.sh up`). Without those services the tests skip with a
//! message, unless KNIK_REQUIRE_SERVICES=1 (CI), where their absence fails.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const TSA: &str = "http://127.0.0.1:8889/";
const OCSP_CITIZEN: &str = "http://127.0.0.1:8881/";

/// True when the TSA and the citizen CA's responder listen (checked with `ss`, without
/// connecting: the OpenSSL responder exits on anything but an OCSP request).
fn services() -> bool {
    let listening = std::process::Command::new("ss")
        .arg("-ltn")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let up = [":8889 ", ":8881 "].iter().all(|p| listening.contains(p));
    if !up {
        assert!(
            std::env::var("KNIK_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "the OCSP responder and the TSA are not running (scripts/services.sh up)"
        );
        eprintln!("SKIPPED: the OCSP responder and the TSA are not running");
    }
    up
}

fn holder(name: &str, file: &str) -> String {
    repo()
        .join("test-vectors/pki/holders")
        .join(name)
        .join(file)
        .display()
        .to_string()
}

fn pki(file: &str) -> String {
    repo()
        .join("test-vectors/pki")
        .join(file)
        .display()
        .to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Two files to sign, one with a space and Armenian letters in its name.
fn inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let a = dir.join("contract.txt");
    let b = dir.join("Պայմանագիր 2.txt");
    std::fs::write(&a, "Agreement between the parties.\n").unwrap();
    std::fs::write(&b, "Երկրորդ փաստաթուղթ\n").unwrap();
    (a, b)
}

fn verify_json(container: &Path) -> (Output, Value) {
    let o = knik(
        &[
            "verify",
            "--json",
            "--trust",
            &pki("root.pem"),
            s(container),
        ],
        &[],
    );
    let v = json(&o);
    (o, v)
}

fn codes(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |fs: &Value| {
        for f in fs.as_array().into_iter().flatten() {
            out.push(f["code"].as_str().unwrap_or_default().to_owned());
        }
    };
    push(&v["container"]["findings"]);
    for sig in v["signatures"].as_array().into_iter().flatten() {
        push(&sig["findings"]);
    }
    out
}

#[test]
fn software_key_sign_verify_extract_extend() {
    if !services() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = inputs(dir.path());
    let out = dir.path().join("signed.asice");
    let o = knik(
        &[
            "sign",
            s(&a),
            s(&b),
            "-o",
            s(&out),
            "--key",
            &holder("citizen", "sign.key"),
            "--cert",
            &holder("citizen", "sign.pem"),
            "--chain",
            &pki("citizen-ca.pem"),
            "--tsa",
            TSA,
            "--ocsp",
            OCSP_CITIZEN,
            "--quiet",
        ],
        &[],
    );
    assert!(o.status.success(), "sign: {}", stderr(&o));

    let (o, v) = verify_json(&out);
    assert!(o.status.success(), "verify: {v}");
    assert_eq!(v["verdict"], "valid", "{v}");
    let sig = &v["signatures"][0];
    assert_eq!(sig["level"], "B-LT");
    assert_eq!(sig["signer"]["personal_number"], "2810770123");
    assert_eq!(sig["signer"]["document_kind_code"], "citizen-id-card");
    assert_eq!(sig["revocation"]["status"], "good");
    assert_eq!(sig["signed_files"].as_array().unwrap().len(), 2);

    // The human report names the holder, the level and what proves the time.
    let o = knik(&["verify", "--trust", &pki("root.pem"), s(&out)], &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    for needle in ["VALID", "ANI PETROSYAN", "2810770123", "B-LT", "time-stamp"] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }

    // Extract gives back the files byte for byte, names included.
    let x = dir.path().join("x");
    let o = knik(&["extract", s(&out), "-d", s(&x)], &[]);
    assert!(o.status.success(), "extract: {}", stderr(&o));
    for f in [&a, &b] {
        let name = f.file_name().unwrap();
        assert_eq!(
            std::fs::read(x.join(name)).unwrap(),
            std::fs::read(f).unwrap()
        );
    }

    // Extend to LTA, then renew the archive time-stamp.
    for round in 0..2 {
        let o = knik(
            &[
                "extend",
                s(&out),
                "--level",
                "LTA",
                "--tsa",
                TSA,
                "--ocsp",
                OCSP_CITIZEN,
                "--chain",
                &pki("citizen-ca.pem"),
            ],
            &[],
        );
        assert!(o.status.success(), "extend round {round}: {}", stderr(&o));
        let (o, v) = verify_json(&out);
        assert!(o.status.success(), "verify after extend {round}: {v}");
        assert_eq!(v["signatures"][0]["level"], "B-LTA");
        let archive = v["signatures"][0]["timestamps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "archive" && t["intact"] == true)
            .count();
        assert_eq!(archive, round + 1, "{v}");
    }
}

/// Signs the first test input at B-T with the legacy RSA key into DIR/signed.asice.
fn sign_b_t(dir: &Path) -> PathBuf {
    let (a, _) = inputs(dir);
    let out = dir.join("signed.asice");
    let o = knik(
        &[
            "sign",
            s(&a),
            "-o",
            s(&out),
            "--level",
            "T",
            "--key",
            &holder("legacy", "sign.key"),
            "--cert",
            &holder("legacy", "sign.pem"),
            "--tsa",
            TSA,
            "--quiet",
        ],
        &[],
    );
    assert!(o.status.success(), "sign: {}", stderr(&o));
    out
}

#[test]
fn tampered_container_is_invalid_with_exit_9_and_a_code() {
    if !services() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = sign_b_t(dir.path());
    let bad = dir.path().join("tampered.asice");
    let t = std::process::Command::new("python3")
        .arg(repo().join("scripts/oracles/tamper.py"))
        .args([s(&out), s(&bad)])
        .output()
        .expect("python3");
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    let (o, v) = verify_json(&bad);
    assert_eq!(o.status.code(), Some(9), "{v}");
    assert_eq!(v["verdict"], "invalid");
    assert!(codes(&v).iter().any(|c| c == "DATA_DIGEST_MISMATCH"), "{v}");
    // Untrusted: the right verdict without --trust is indeterminate, not valid.
    let o = knik(&["verify", "--json", s(&out)], &[]);
    assert_eq!(
        o.status.code(),
        Some(10),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(codes(&json(&o)).iter().any(|c| c.ends_with("NOT_TRUSTED")));
}

#[test]
fn verify_at_a_time_before_the_time_stamp_is_indeterminate() {
    if !services() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = sign_b_t(dir.path());
    let verify_at = |at: &str| {
        let o = knik(
            &[
                "verify",
                "--json",
                "--trust",
                &pki("root.pem"),
                "--at",
                at,
                s(&out),
            ],
            &[],
        );
        let v = json(&o);
        (o.status.code(), v)
    };
    let (code, v) = verify_at("2020-01-01T00:00:00Z");
    assert_eq!(code, Some(10), "{v}");
    assert_eq!(v["validation_time"], "2020-01-01T00:00:00Z");
    assert!(
        codes(&v)
            .iter()
            .any(|c| c == "TIMESTAMP_AFTER_VALIDATION_TIME"),
        "{v}"
    );
    let (_, v) = verify_at("2070-01-01T00:00:00Z");
    assert!(
        !codes(&v)
            .iter()
            .any(|c| c == "TIMESTAMP_AFTER_VALIDATION_TIME"),
        "{v}"
    );
    // A time that is not RFC 3339 is a usage error (exit 2), not a verdict.
    let o = knik(&["verify", "--at", "yesterday", s(&out)], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--at"), "{}", stderr(&o));
}

#[test]
fn missing_service_is_a_clear_error_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = inputs(dir.path());
    let out = dir.path().join("signed.asice");
    let o = knik(
        &[
            "--json",
            "sign",
            s(&a),
            "-o",
            s(&out),
            "--level",
            "LT",
            "--key",
            &holder("citizen", "sign.key"),
            "--cert",
            &holder("citizen", "sign.pem"),
            "--quiet",
        ],
        &[],
    );
    assert!(!o.status.success());
    assert_eq!(
        json(&o)["error"]["code"],
        "SERVICE_NOT_CONFIGURED",
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "a failed signing must not leave a container");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "temporary files left: {leftovers:?}");
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = inputs(dir.path());
    let out = dir.path().join("signed.asice");
    std::fs::write(&out, b"precious").unwrap();
    let o = knik(
        &[
            "--json",
            "sign",
            s(&a),
            "-o",
            s(&out),
            "--level",
            "B",
            "--key",
            &holder("citizen", "sign.key"),
            "--cert",
            &holder("citizen", "sign.pem"),
        ],
        &[],
    );
    assert!(!o.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
}

#[test]
fn virtual_card_signs_at_lt_through_pcscd() {
    if !services() {
        return;
    }
    let Some(_lock) = pcscd() else { return };
    let _card = insert("citizen", 35963);
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = inputs(dir.path());
    let out = dir.path().join("card.asice");
    let o = knik(
        &[
            "--pin-source",
            "env",
            "--reader",
            READER0,
            "sign",
            s(&a),
            "-o",
            s(&out),
            "--chain",
            &pki("citizen-ca.pem"),
            "--tsa",
            TSA,
            "--ocsp",
            OCSP_CITIZEN,
            "--quiet",
        ],
        &[("KNIK_PIN2", "12345")],
    );
    assert!(o.status.success(), "sign: {}", stderr(&o));
    assert!(
        !stderr(&o).contains("12345"),
        "the PIN leaked: {}",
        stderr(&o)
    );
    let (o, v) = verify_json(&out);
    assert!(o.status.success(), "{v}");
    let sig = &v["signatures"][0];
    assert_eq!(sig["level"], "B-LT");
    assert_eq!(sig["signer"]["given_name"], "ANI");
    assert_eq!(sig["signer"]["document_kind_code"], "citizen-id-card");

    // A wrong PIN2 is the card's error, with the tries left, and writes nothing.
    let out2 = dir.path().join("wrong-pin.asice");
    let o = knik(
        &[
            "--json",
            "--pin-source",
            "env",
            "--reader",
            READER0,
            "sign",
            s(&a),
            "-o",
            s(&out2),
            "--level",
            "B",
        ],
        &[("KNIK_PIN2", "99999")],
    );
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let e = json(&o);
    assert_eq!(e["error"]["code"], "CARD_WRONG_PIN");
    assert!(!e.to_string().contains("99999"));
    assert!(!out2.exists());
}
