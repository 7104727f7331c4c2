//! Replays the fuzz corpora through the fuzz target's own entry point
//! (`knik_native_host::fuzzing::session`): `fuzz/corpus/native_host_session/` (whole sessions,
//! regenerate with tests/data/make_session_corpus.py) and knik-webeid's
//! `fuzz/corpus/native_message/` (hostile frames). Every input must give the handshake and
//! exactly one well-formed answer, never a panic; key seeds must still reach the outcome they
//! were written for, so the corpus keeps pointing the fuzzer at those paths.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use knik_native_host::fuzzing::{StandIn, session};
use knik_native_host::log::Log;
use knik_native_host::session::{Outcome, SessionConfig, run};
use knik_webeid::native_messaging::ErrorCode;
use knik_webeid::origin::OriginPolicy;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(name)
}

#[test]
fn both_corpora_replay_without_panics() {
    for (dir, at_least) in [("native_host_session", 30), ("native_message", 60)] {
        let mut count = 0;
        for entry in std::fs::read_dir(corpus(dir)).expect("corpus directory") {
            let data = std::fs::read(entry.expect("entry").path()).expect("seed");
            session(&data);
            count += 1;
        }
        assert!(count >= at_least, "{dir} has only {count} files");
    }
}

fn outcome(seed: &str) -> Outcome {
    let data = std::fs::read(corpus("native_host_session").join(seed)).expect("seed");
    let config = SessionConfig {
        version: "0.1.0".into(),
        origin_policy: OriginPolicy::STRICT,
    };
    let mut ops = StandIn {
        fail: seed.ends_with("-card-fails"),
    };
    run(
        Cursor::new(data),
        Vec::new(),
        &mut ops,
        &config,
        &Log::discard(),
    )
}

#[test]
fn seeds_reach_their_intended_outcomes() {
    let ok = |command| Outcome::Answered {
        command: Some(command),
        error: None,
    };
    let refused = Outcome::Answered {
        command: None,
        error: Some(ErrorCode::NativeInvalidArgument),
    };
    let cases = [
        ("empty", Outcome::Closed),
        ("status", ok("status")),
        ("status-no-arguments", ok("status")),
        ("quit-then-status", ok("quit")),
        ("authenticate", ok("authenticate")),
        ("get-signing-certificate", ok("get-signing-certificate")),
        ("sign-sha384", ok("sign")),
        ("exactly-8192", ok("status")),
        (
            "authenticate-card-fails",
            Outcome::Answered {
                command: Some("authenticate"),
                error: Some(ErrorCode::NativeNoReader),
            },
        ),
        ("authenticate-localhost", refused.clone()),
        ("unknown-command", refused.clone()),
        ("extra-argument", refused.clone()),
        ("origin-path", refused.clone()),
        ("nonce-short", refused.clone()),
        ("prefix-8193", refused.clone()),
        ("prefix-max", refused.clone()),
        ("body-truncated", refused.clone()),
        ("not-utf8", refused.clone()),
        ("not-json", refused),
    ];
    for (seed, expected) in cases {
        assert_eq!(outcome(seed), expected, "{seed}");
    }
}
