//! `knik card …` end to end: the `knik` binary → libpcsclite → pcscd → vpcd → the virtual card
//! (knik-card-sim, served from this test process). Needs pcscd with the vpcd readers
//! (`scripts/services.sh up`); fails with a message when it is not running, unless
//! KNIK_SKIP_PCSCD=1 (then each test says it skipped).

mod common;

use common::*;
use serde_json::Value;
use std::process::Command;

#[test]
fn list_shows_the_virtual_readers_and_the_card() {
    let Some(_lock) = pcscd() else { return };
    let _sim = insert("citizen", 35963);
    let o = knik(&["--json", "card", "list"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let readers = v["readers"].as_array().unwrap();
    let r0 = readers
        .iter()
        .find(|r| r["reader"] == READER0)
        .expect("reader 0 listed");
    assert_eq!(r0["card_present"], true);
    assert_eq!(r0["profile"], "am-eid");
    assert!(
        readers.iter().any(|r| r["reader"] == READER1),
        "both vpcd slots are readers"
    );

    let text = knik(&["card", "list"], &[]);
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("Armenian eID card"), "{out}");
}

#[test]
fn info_shows_the_citizen_and_the_resident_from_two_readers_at_once() {
    let Some(_lock) = pcscd() else { return };
    let _a = insert("citizen", 35963);
    let _b = insert("resident", 35964);
    let o = knik(&["--json", "--reader", READER0, "card", "info"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["holder"]["surname"], "PETROSYAN");
    assert_eq!(v["holder"]["given_name"], "ANI");
    assert_eq!(v["holder"]["personal_number"], "2810770123");
    assert_eq!(v["holder"]["country"], "AM");
    assert_eq!(v["holder"]["document_kind"], "citizen-id-card");
    assert_eq!(v["personal_data"]["surname_native"], "ՊԵՏՐՈՍՅԱՆ");
    assert_eq!(v["pins"][0]["retries_left"], 3);
    assert_eq!(v["certificates"].as_array().unwrap().len(), 2);

    let o = knik(&["--json", "--reader", READER1, "card", "info"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["holder"]["surname"], "MÜLLER");
    assert_eq!(v["holder"]["document_kind"], "residence-card");

    // Two cards and no --reader: the citizen is asked to choose, not guessed for.
    let o = knik(&["card", "info"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--reader"), "{}", stderr(&o));

    // The human report names the holder in both scripts.
    let o = knik(&["--reader", READER0, "card", "info"], &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("ANI PETROSYAN (ԱՆԻ ՊԵՏՐՈՍՅԱՆ)"), "{text}");
    assert!(text.contains("citizen ID card"), "{text}");
}

#[test]
fn wrong_pins_count_down_block_and_the_puk_unblocks() {
    let Some(_lock) = pcscd() else { return };
    let _sim = insert("citizen", 35963);
    let env = |pin: &'static str| vec![("KNIK_PIN1", pin)];
    for left in [2, 1] {
        let o = knik(
            &[
                "--json",
                "--pin-source",
                "env",
                "card",
                "pin",
                "verify",
                "pin1",
            ],
            &env("9999"),
        );
        assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
        let v = json(&o);
        assert_eq!(v["error"]["code"], "CARD_WRONG_PIN");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} tries left"))
        );
        assert!(
            !o.stdout.windows(4).any(|w| w == b"9999"),
            "the PIN never appears"
        );
    }
    let o = knik(
        &["--pin-source", "env", "card", "pin", "verify", "pin1"],
        &env("9999"),
    );
    assert_eq!(
        o.status.code(),
        Some(6),
        "the last wrong try blocks: {}",
        stderr(&o)
    );
    // Blocked: even the right PIN is not sent.
    let o = knik(
        &[
            "--json",
            "--pin-source",
            "env",
            "card",
            "pin",
            "verify",
            "pin1",
        ],
        &env("1234"),
    );
    assert_eq!(o.status.code(), Some(6));
    assert_eq!(json(&o)["error"]["code"], "CARD_PIN_BLOCKED");

    let o = knik(
        &["--pin-source", "env", "card", "pin", "unblock", "pin1"],
        &[("KNIK_PUK", "12345678"), ("KNIK_NEW_PIN1", "4321")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = knik(
        &["--pin-source", "env", "card", "pin", "verify", "pin1"],
        &env("4321"),
    );
    assert!(o.status.success(), "the new PIN1 works: {}", stderr(&o));
    let v = json(&knik(&["--json", "card", "pin", "status"], &[]));
    assert_eq!(v["pins"][0]["retries_left"], 3);
}

#[test]
fn pin2_and_puk_change_and_change_back() {
    let Some(_lock) = pcscd() else { return };
    let _sim = insert("citizen", 35963);
    for (which, cur_var, new_var, cur, new) in [
        ("pin2", "KNIK_PIN2", "KNIK_NEW_PIN2", "12345", "54321"),
        ("puk", "KNIK_PUK", "KNIK_NEW_PUK", "12345678", "87654321"),
        ("pin1", "KNIK_PIN1", "KNIK_NEW_PIN1", "1234", "5678"),
    ] {
        let o = knik(
            &["--pin-source", "env", "card", "pin", "change", which],
            &[(cur_var, cur), (new_var, new)],
        );
        assert!(o.status.success(), "{which}: {}", stderr(&o));
        let o = knik(
            &["--pin-source", "env", "card", "pin", "verify", which],
            &[(cur_var, new)],
        );
        assert!(
            o.status.success(),
            "{which} new value works: {}",
            stderr(&o)
        );
        let o = knik(
            &["--pin-source", "env", "card", "pin", "verify", which],
            &[(cur_var, cur)],
        );
        assert_eq!(
            o.status.code(),
            Some(5),
            "{which} old value no longer works"
        );
    }
    // Too short: refused before anything reaches the card (the counter does not move).
    let pin2_left = |v: &Value| {
        v["pins"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["pin"] == "pin2")
            .unwrap()["retries_left"]
            .clone()
    };
    let before = pin2_left(&json(&knik(&["--json", "card", "pin", "status"], &[])));
    let o = knik(
        &[
            "--json",
            "--pin-source",
            "env",
            "card",
            "pin",
            "verify",
            "pin2",
        ],
        &[("KNIK_PIN2", "12")],
    );
    assert_eq!(json(&o)["error"]["code"], "CARD_PIN_FORMAT");
    assert_eq!(o.status.code(), Some(5));
    let after = pin2_left(&json(&knik(&["--json", "card", "pin", "status"], &[])));
    assert_eq!(before, after, "a malformed PIN never reaches the card");
}

#[test]
fn blocked_signing_pin_is_reported() {
    let Some(_lock) = pcscd() else { return };
    let _sim = insert("blocked", 35963);
    let v = json(&knik(&["--json", "card", "pin", "status"], &[]));
    let pin2 = v["pins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pin"] == "pin2")
        .unwrap();
    assert_eq!(pin2["blocked"], true);
    let o = knik(&["card", "info"], &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("ԳՐԻԳՈՐՅԱՆ"),
        "Armenian-script certificate names: {text}"
    );
    assert!(text.contains("BLOCKED"), "{text}");
}

#[test]
fn certificates_export_parses_in_openssl() {
    let Some(_lock) = pcscd() else { return };
    let _sim = insert("resident", 35963);
    let dir = tempfile::tempdir().unwrap();
    let o = knik(
        &["card", "certs", "--export", dir.path().to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["auth.pem", "sign.pem"] {
        let ossl = Command::new("openssl")
            .args([
                "x509",
                "-noout",
                "-subject",
                "-nameopt",
                "utf8,sep_comma_plus",
                "-in",
            ])
            .arg(dir.path().join(f))
            .output()
            .expect("openssl");
        let subject = String::from_utf8_lossy(&ossl.stdout);
        assert!(subject.contains("PNOAM-5210880456"), "{f}: {subject}");
    }
    let exported = std::fs::read(dir.path().join("sign.der")).unwrap();
    let committed =
        std::fs::read(repo().join("test-vectors/pki/holders/resident/sign.der")).unwrap();
    assert_eq!(
        exported, committed,
        "the card holds the resident's signing certificate"
    );
}

#[test]
fn authenticate_trace_shows_six_apdus_and_masks_the_pin() {
    let Some(_lock) = pcscd() else { return };
    let _sim = insert("citizen", 35963);
    let o = knik(
        &[
            "--json",
            "--trace",
            "--pin-source",
            "env",
            "card",
            "authenticate",
            "--challenge",
            "hi",
        ],
        &[("KNIK_PIN1", "1234")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["verified"], true);
    assert_eq!(v["apdus"], 6, "warm-cache authenticate");
    let trace = stderr(&o);
    assert!(trace.contains("-- authenticate: 6 APDUs"), "{trace}");
    assert!(trace.contains("**"), "PIN bytes masked: {trace}");
    assert!(
        !trace.contains("31 32 33 34"),
        "PIN1 in clear in the trace: {trace}"
    );
}

#[test]
fn no_card_and_unsupported_reader_names_are_clear_errors() {
    let Some(_lock) = pcscd() else { return };
    // No SimHandle: both readers are empty.
    let o = knik(&["--json", "card", "info"], &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(json(&o)["error"]["code"], "CARD_NO_CARD");
    let o = knik(
        &["--json", "--reader", "No Such Reader", "card", "info"],
        &[],
    );
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(json(&o)["error"]["code"], "CARD_READER_NOT_FOUND");
}

#[test]
fn watch_reports_a_card_coming_and_going() {
    use std::io::{BufRead, BufReader};
    let Some(_lock) = pcscd() else { return };
    wait_reader(READER0, false);
    let mut child = Command::new(env!("CARGO_BIN_EXE_knik"))
        .args(["--json", "card", "list", "--watch", "--timeout", "20"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The starting state comes first, one line per reader.
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["event"], "reader");
    let card = insert("citizen", 35963);
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        seen.push(v.clone());
        if v["event"] == "card-inserted" {
            assert_eq!(v["reader"], READER0);
            assert_eq!(v["atr"], "3BDB960080B1FE451F830012051A414D6549440F9000AD");
            break;
        }
    }
    drop(card);
    for line in lines.by_ref() {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        seen.push(v.clone());
        if v["event"] == "card-removed" {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.iter().any(|v| v["event"] == "card-removed"),
        "events: {seen:?}"
    );
}

#[test]
fn a_broken_profile_file_in_the_configuration_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("bad.toml");
    std::fs::write(
        &profile,
        "id = \"x\"\nname = \"broken\"\nstatus = \"assumed\"\n[applications]\nmain = \"zz\"\n",
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[card]\nprofiles = [{:?}]\n", profile.display().to_string()),
    )
    .unwrap();
    let o = knik(
        &[
            "--json",
            "--config",
            config.to_str().unwrap(),
            "card",
            "list",
        ],
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(json(&o)["error"]["code"], "CARD_PROFILE");
}
