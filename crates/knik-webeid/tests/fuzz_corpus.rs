//! Replays `fuzz/corpus/native_message/` through the fuzz target's own entry point, and checks
//! that key seeds still reach the path they were written for (so the corpus keeps pointing the
//! fuzzer at it). Regenerate the corpus with `tests/data/make_native_message_corpus.py`.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use knik_webeid::Error;
use knik_webeid::native_messaging::{Command, FrameReader};
use knik_webeid::origin::OriginPolicy;
use knik_webeid::token::{AuthToken, verify_token_signature};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/native_message")
}

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(name)).unwrap()
}

#[test]
fn fuzz_corpus_replays_without_panics() {
    let mut count = 0;
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        knik_webeid::fuzzing::native_message(&data);
        count += 1;
    }
    assert!(count >= 60, "corpus has only {count} files");
}

fn first_command(name: &str) -> Result<Command, Error> {
    let mut reader = FrameReader::new(Cursor::new(seed(name)));
    let frame = reader.read_frame()?;
    Command::from_json(&frame, OriginPolicy::STRICT)
}

#[test]
fn seeds_reach_their_intended_paths() {
    for ok in [
        "ok-authenticate",
        "ok-sign",
        "ok-status",
        "ok-quit",
        "ok-get-signing-certificate",
        "two-frames",
        "origin-09",
        "origin-10",
        "nonce-44",
        "nonce-128",
    ] {
        assert!(first_command(ok).is_ok(), "{ok}: {:?}", first_command(ok));
    }
    let expect = |name: &str, check: fn(&Error) -> bool| {
        let result = first_command(name);
        assert!(matches!(&result, Err(e) if check(e)), "{name}: {result:?}");
    };
    expect("prefix-max", |e| matches!(e, Error::FrameTooLarge { .. }));
    expect("prefix-8193", |e| matches!(e, Error::FrameTooLarge { .. }));
    expect("prefix-big-endian", |e| {
        matches!(e, Error::FrameTooLarge { .. })
    });
    expect("prefix-truncated", |e| {
        matches!(e, Error::FrameTruncated { .. })
    });
    expect("body-truncated", |e| {
        matches!(e, Error::FrameTruncated { .. })
    });
    expect("too-short-4", |e| matches!(e, Error::FrameTooShort { .. }));
    expect("not-utf8", |e| matches!(e, Error::FrameNotUtf8 { .. }));
    expect("invalid-json", |e| {
        matches!(e, Error::FrameInvalidJson { .. })
    });
    expect("deep-nesting", |e| {
        matches!(e, Error::FrameInvalidJson { .. })
    });
    expect("unknown-command", |e| {
        matches!(e, Error::UnknownCommand { .. })
    });
    expect("extra-argument", |e| {
        matches!(e, Error::UnknownArgument { .. })
    });
    expect("missing-argument", |e| {
        matches!(e, Error::MissingArgument { .. })
    });
    expect("origin-05", |e| matches!(e, Error::InvalidOrigin { .. }));
    expect("nonce-43", |e| matches!(e, Error::InvalidNonce { .. }));
    expect("nonce-129", |e| matches!(e, Error::InvalidNonce { .. }));

    let token = AuthToken::parse(std::str::from_utf8(&seed("token-1.0")).unwrap()).unwrap();
    assert_eq!(
        verify_token_signature(
            &token,
            "https://login.example.am",
            "qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y="
        ),
        Ok(())
    );
    assert!(AuthToken::parse(std::str::from_utf8(&seed("token-1.1")).unwrap()).is_ok());
    assert!(matches!(
        AuthToken::parse(std::str::from_utf8(&seed("token-huge")).unwrap()),
        Err(Error::TokenSize { .. })
    ));
}
