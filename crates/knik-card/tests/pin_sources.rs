//! PIN sources as a user meets them: a pinentry dialog (driven by a scripted fake pinentry
//! that logs the Assuan commands it receives), standard input and the environment.

use std::path::{Path, PathBuf};

use knik_card::Error;
use knik_card::pin::PinKind;
use knik_card::pin_source::{
    EnvPinSource, PinPurpose, PinRequest, PinSource, PinentrySource, StdinPinSource,
};

fn fake(log: &Path, mode: &str, pins: &[&str]) -> PinentrySource {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fake-pinentry.sh");
    let mut src = PinentrySource::with_program("sh")
        .arg(script)
        .arg(log)
        .arg(mode);
    for p in pins {
        src = src.arg(*p);
    }
    src
}

/// The commands the fake pinentry received, without the OPTION lines (they depend on the
/// terminal and locale of whoever runs the tests).
fn commands(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with("OPTION "))
        .map(str::to_string)
        .collect()
}

#[test]
fn pinentry_dialog_shows_holder_and_tries_and_decodes_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    // "12%2534" on the wire is the PIN "12%34".
    let mut src = fake(&log, "pin", &["12%2534"]);
    let req = PinRequest::new(
        PinKind::Pin2,
        PinPurpose::Sign,
        "PETROSYAN ANI\ncitizen ID card",
    )
    .retries(2, 3)
    .lengths(5, 12);
    let pin = src.pin(&req).unwrap();
    assert_eq!(pin.expose(), b"12%34");
    assert_eq!(
        commands(&log),
        [
            "SETTITLE Signing",
            "SETDESC Enter PIN2 to sign as PETROSYAN ANI%0Acitizen ID card (2 tries left)",
            "SETPROMPT PIN2:",
            "SETERROR 2 tries left",
            "GETPIN",
            "BYE",
        ]
    );
    let all = std::fs::read_to_string(&log).unwrap();
    assert!(all.lines().filter(|l| l.starts_with("OPTION ")).all(|l| {
        l.starts_with("OPTION ttyname=")
            || l.starts_with("OPTION ttytype=")
            || l.starts_with("OPTION lc-ctype=")
    }));
}

#[test]
fn pinentry_full_counter_sends_no_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let req =
        PinRequest::new(PinKind::Pin1, PinPurpose::Authenticate, "MÜLLER JONAS").retries(3, 3);
    assert_eq!(
        fake(&log, "pin", &["1234"]).pin(&req).unwrap().expose(),
        b"1234"
    );
    let cmds = commands(&log);
    assert!(cmds.contains(&"SETDESC Enter PIN1 to authenticate as MÜLLER JONAS".to_string()));
    assert!(!cmds.iter().any(|c| c.starts_with("SETERROR")), "{cmds:?}");
}

#[test]
fn pinentry_cancel_and_failure_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let req = PinRequest::new(PinKind::Pin1, PinPurpose::Authenticate, "X");
    assert_eq!(
        fake(&log, "cancel", &[]).pin(&req),
        Err(Error::PinEntryCancelled)
    );
    assert_eq!(commands(&log).last().map(String::as_str), Some("BYE"));

    match fake(&log, "fail", &[]).pin(&req) {
        Err(Error::PinSourceUnavailable {
            kind: PinKind::Pin1,
            reason,
        }) => {
            assert!(reason.contains("83886081"), "{reason}")
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
    // OK without a D line: the user confirmed an empty field.
    assert_eq!(
        fake(&log, "pin", &[]).pin(&req),
        Err(Error::PinEntryCancelled)
    );
}

#[test]
fn pinentry_new_pin_uses_setrepeat() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let req = PinRequest::new(PinKind::Pin1, PinPurpose::ChangeNew, "X").lengths(4, 12);
    assert_eq!(
        fake(&log, "pin", &["4321"]).pin(&req).unwrap().expose(),
        b"4321"
    );
    assert_eq!(
        commands(&log),
        [
            "SETTITLE Change PIN1",
            "SETDESC Choose a new PIN1 for X (4 to 12 digits)",
            "SETPROMPT New PIN1:",
            "SETREPEAT Repeat PIN1:",
            "SETREPEATERROR The two entries differ",
            "GETPIN",
            "BYE",
        ]
    );
}

#[test]
fn pinentry_without_setrepeat_is_asked_twice_and_a_mismatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let req = PinRequest::new(PinKind::Pin2, PinPurpose::UnblockNew, "X");
    assert_eq!(
        fake(&log, "norepeat", &["54321", "54321"])
            .pin(&req)
            .unwrap()
            .expose(),
        b"54321"
    );
    let cmds = commands(&log);
    assert_eq!(
        cmds.iter().filter(|c| *c == "GETPIN").count(),
        2,
        "{cmds:?}"
    );
    assert!(cmds.contains(&"SETDESC Enter the new PIN2 again".to_string()));

    let err = fake(&log, "norepeat", &["54321", "11111"])
        .pin(&req)
        .unwrap_err();
    assert_eq!(
        err,
        Error::PinNotAccepted {
            kind: PinKind::Pin2,
            reason: "the two entries differ".into()
        }
    );
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("54321") && !shown.contains("11111"),
        "{shown}"
    );
}

#[test]
fn missing_pinentry_program_is_unavailable() {
    let mut src = PinentrySource::with_program("/nonexistent/pinentry-knik-test");
    let req = PinRequest::new(PinKind::Pin2, PinPurpose::Sign, "X");
    match src.pin(&req) {
        Err(Error::PinSourceUnavailable {
            kind: PinKind::Pin2,
            reason,
        }) => {
            assert!(
                reason.contains("/nonexistent/pinentry-knik-test"),
                "{reason}"
            )
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
}

#[test]
fn stdin_gives_pins_in_the_order_asked() {
    // What `printf '12345\n54321\n' | knik pin change pin2` feeds the CLI.
    let mut src = StdinPinSource::new(std::io::Cursor::new(b"12345\n54321\n".to_vec()));
    let cur = PinRequest::new(PinKind::Pin2, PinPurpose::ChangeCurrent, "X");
    let new = PinRequest::new(PinKind::Pin2, PinPurpose::ChangeNew, "X");
    assert_eq!(src.pin(&cur).unwrap().expose(), b"12345");
    assert_eq!(src.pin(&new).unwrap().expose(), b"54321");
    assert!(matches!(
        src.pin(&cur),
        Err(Error::PinSourceUnavailable { .. })
    ));
}

#[test]
fn env_source_names_the_missing_variable() {
    let mut src = EnvPinSource::with_lookup(|name| (name == "KNIK_PUK").then(|| "12345678".into()));
    let puk = PinRequest::new(PinKind::Pin1, PinPurpose::Unblock, "X");
    assert_eq!(src.pin(&puk).unwrap().expose(), b"12345678");
    let new = PinRequest::new(PinKind::Pin1, PinPurpose::UnblockNew, "X");
    let err = src.pin(&new).unwrap_err();
    assert!(err.to_string().contains("KNIK_NEW_PIN1"), "{err}");
}
