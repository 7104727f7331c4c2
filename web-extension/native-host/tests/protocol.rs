//! The native messaging protocol of the `knik-native-host` binary, driven as a browser drives
//! it (reference/web-eid.md §1.2–§1.6): the version handshake first; one answer per run;
//! `status` and `quit`; every malformed frame (wrong length, over 8 KiB, truncated, bad UTF-8,
//! bad JSON) answered with an `ERR_WEBEID_NATIVE_INVALID_ARGUMENT` error and a clean exit;
//! unknown commands and arguments, bad origins and nonces refused with Web eID's code;
//! developer mode for http://localhost; no reader → knik's finer code; nothing but frames on
//! stdout. None of these needs a card: they run without pcscd's lock.

mod common;

use common::*;
use serde_json::json;

const INVALID: &str = "ERR_WEBEID_NATIVE_INVALID_ARGUMENT";

#[test]
fn handshake_then_status_answers_the_version_and_exits_zero() {
    let env = Env::new();
    let run = env.run(&json!({"command": "status", "arguments": {}}));
    assert_eq!(run.answer(), &json!({"version": env!("CARGO_PKG_VERSION")}));
    // Safari-style status without arguments is the same command.
    let run = env.run(&json!({"command": "status"}));
    assert_eq!(run.answer(), &json!({"version": env!("CARGO_PKG_VERSION")}));
}

#[test]
fn quit_answers_an_empty_object() {
    let env = Env::new();
    let run = env.run(&json!({"command": "quit", "arguments": {}}));
    assert_eq!(run.answer(), &json!({}));
}

#[test]
fn one_command_per_run_even_when_more_frames_arrive() {
    let env = Env::new();
    let mut input = frame(&json!({"command": "status", "arguments": {}}).to_string());
    input.extend(frame(
        &json!({"command": "quit", "arguments": {}}).to_string(),
    ));
    let run = env.run_raw(input);
    assert_eq!(run.answer(), &json!({"version": env!("CARGO_PKG_VERSION")}));
}

#[test]
fn browser_closing_before_a_command_gets_only_the_handshake() {
    let env = Env::new();
    let run = env.run_raw(Vec::new());
    assert!(run.status.success(), "{}", run.stderr);
    assert_eq!(run.frames, [json!({"version": env!("CARGO_PKG_VERSION")})]);
    assert!(env.log().contains("without a command"), "{}", env.log());
}

#[test]
fn malformed_frames_are_answered_with_an_error_and_a_clean_exit() {
    let env = Env::new();
    let status = br#"{"command":"status","arguments":{}}"#;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "over 8 KiB: refused from the length prefix alone",
            raw_frame(8193, &[b' '; 16]),
            "8193 bytes refused",
        ),
        (
            "a 4 GiB length prefix",
            raw_frame(u32::MAX, b"{}"),
            "refused",
        ),
        (
            "shorter than any command",
            raw_frame(2, b"{}"),
            "minimum is 5",
        ),
        (
            "the body ends early",
            raw_frame(100, &status[..20]),
            "expected 100 bytes of the body, received 20",
        ),
        (
            "the length prefix ends early",
            vec![0x10, 0x00],
            "length prefix",
        ),
        (
            "not UTF-8",
            raw_frame(8, b"{\"a\":\"\xff\"}"[..8].as_ref()),
            "not UTF-8",
        ),
        ("not JSON", raw_frame(9, b"command=1"), "not valid JSON"),
        (
            "JSON but not an object",
            raw_frame(7, b"[1,2,3]"),
            "not a JSON object",
        ),
    ];
    for (what, input, says) in cases {
        let run = env.run_raw(input);
        assert_eq!(run.error_code(), INVALID, "{what}");
        assert!(
            run.error_message().contains(says),
            "{what}: {}",
            run.error_message()
        );
        assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
    }
}

#[test]
fn exactly_8_kib_is_still_read() {
    let env = Env::new();
    // A status command padded with spaces to exactly 8192 bytes: read, parsed, answered.
    let mut body = br#"{"command":"status","arguments":{}}"#.to_vec();
    body.resize(8192, b' ');
    let run = env.run_raw(raw_frame(8192, &body));
    assert_eq!(run.answer(), &json!({"version": env!("CARGO_PKG_VERSION")}));
}

#[test]
fn unknown_commands_and_arguments_are_refused_not_guessed() {
    let env = Env::new();
    let cases = [
        (
            json!({"command": "sign-everything", "arguments": {}}),
            "unknown command `sign-everything`",
        ),
        (
            json!({"command": "authenticate", "arguments": {"challengeNonce": NONCE, "origin": ORIGIN, "user": "x"}}),
            "does not take the argument `user`",
        ),
        (
            json!({"command": "authenticate", "arguments": {"origin": ORIGIN}}),
            "missing the argument `challengeNonce`",
        ),
        (
            json!({"command": "get-signing-certificate", "arguments": {}}),
            "missing the argument `origin`",
        ),
        (
            json!({"command": "sign", "arguments": {"hash": "AA==", "hashFunction": "SHA-384", "certificate": "MAA=", "origin": ORIGIN}}),
            "1 bytes, but SHA-384 digests are 48 bytes",
        ),
        (
            json!({"command": "sign", "arguments": {"hash": "AA==", "hashFunction": "MD5", "certificate": "MAA=", "origin": ORIGIN}}),
            "not a supported hash function",
        ),
        (
            json!({"command": "status", "arguments": {}, "extra": 1}),
            "unknown field `extra`",
        ),
        (
            json!({"command": "authenticate", "arguments": {"challengeNonce": NONCE, "origin": ORIGIN, "lang": "english"}}),
            "two-letter",
        ),
    ];
    for (command, says) in cases {
        let run = env.run(&command);
        assert_eq!(run.error_code(), INVALID, "{command}");
        assert!(
            run.error_message()
                .to_lowercase()
                .contains(&says.to_lowercase()),
            "{command}: {}",
            run.error_message()
        );
    }
}

#[test]
fn a_key_given_twice_is_an_error_not_a_guess() {
    let env = Env::new();
    for text in [
        r#"{"command":"status","command":"authenticate"}"#.to_owned(),
        r#"{"command":"status","arguments":{},"arguments":{}}"#.to_owned(),
        format!(
            r#"{{"command":"get-signing-certificate","arguments":{{"origin":"{ORIGIN}","origin":"https://evil.example"}}}}"#
        ),
    ] {
        let run = env.run_raw(frame(&text));
        assert_eq!(run.error_code(), INVALID, "{text}");
        assert!(
            run.error_message().contains("appears more than once"),
            "{text}: {}",
            run.error_message()
        );
    }
    assert_eq!(env.dialogs_answered(), 0, "nothing reached the card layer");
}

#[test]
fn text_from_the_page_cannot_forge_or_flood_log_lines() {
    let env = Env::new();
    let forged = "2026-01-01T00:00:00+00:00 [1] answer sign: ok";
    let cases = [
        json!({"command": format!("x\n{forged}\n{}", "y".repeat(5000)), "arguments": {}}),
        json!({"command": "status", "arguments": {}, format!("k\r\n{forged}"): 1}),
        json!({"command": "get-signing-certificate",
               "arguments": {"origin": ORIGIN, format!("a\n{forged}"): 1}}),
        json!({"command": "get-signing-certificate",
               "arguments": {"origin": format!("https://a.am\n{forged}")}}),
    ];
    for command in cases {
        let before = env.log().lines().count();
        let run = env.run(&command);
        assert_eq!(run.error_code(), INVALID, "{command}");
        let log = env.log();
        let new: Vec<&str> = log.lines().skip(before).collect();
        for line in &new {
            assert!(!line.starts_with(forged), "forged line in the log: {log}");
            assert!(line.chars().count() < 400, "a line of {} chars", line.len());
        }
        assert!(
            new.iter().any(|l| l.contains("\\n2026-01-01")),
            "the newline is shown escaped: {log}"
        );
    }
}

#[test]
fn origins_must_be_https_or_wss_without_path_and_at_most_255_characters() {
    let env = Env::new();
    let long = format!("https://{}.am", "a".repeat(250));
    for (origin, says) in [
        ("http://login.example.am", "not https or wss"),
        ("https://login.example.am/", "path"),
        ("https://login.example.am/login", "path"),
        ("https://login.example.am?x=1", "query"),
        ("https://login.example.am#top", "fragment"),
        ("https://user@login.example.am", "user information"),
        ("https://Login.Example.am", "lower-case"),
        ("https://մուտք.am", "punycode"),
        ("login.example.am", "no scheme"),
        ("", "empty"),
        (long.as_str(), "at most 255"),
        ("http://localhost:8080", "developer mode"),
    ] {
        let run = env.run(&authenticate(origin, NONCE));
        assert_eq!(run.error_code(), INVALID, "{origin}");
        assert!(
            run.error_message().contains(says),
            "{origin}: {}",
            run.error_message()
        );
    }
    assert_eq!(env.dialogs_answered(), 0, "no dialog for a refused origin");
}

#[test]
fn nonces_must_be_44_to_128_characters_of_base64() {
    let env = Env::new();
    let short = &NONCE[..40];
    let long = "A".repeat(132);
    for (nonce, says) in [
        (short, "at least 44"),
        (long.as_str(), "at most 128"),
        ("pZ1K0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4!", "not base64"),
        ("pZ1K0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4=====", "base64"),
    ] {
        let run = env.run(&authenticate(ORIGIN, nonce));
        assert_eq!(run.error_code(), INVALID, "{nonce}");
        assert!(
            run.error_message().contains(says),
            "{nonce}: {}",
            run.error_message()
        );
    }
}

#[test]
fn developer_mode_lets_http_localhost_through_to_the_card_layer() {
    let mut env = Env::new();
    env.config("allow_http_localhost = true\n");
    // No smart-card service at this socket: the origin passed, the card layer answers.
    env.set("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm");
    let run = env.run(&authenticate("http://localhost:8080", NONCE));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_NO_READER");
    // http on another host is never allowed.
    let run = env.run(&authenticate("http://example.am", NONCE));
    assert_eq!(run.error_code(), INVALID);
}

#[test]
fn no_smart_card_service_is_no_reader_with_a_sentence_to_act_on() {
    let mut env = Env::new();
    env.set("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm");
    for command in [
        authenticate(ORIGIN, NONCE),
        json!({"command": "get-signing-certificate", "arguments": {"origin": ORIGIN, "lang": "hy"}}),
    ] {
        let run = env.run(&command);
        assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_NO_READER", "{command}");
        assert_eq!(
            run.error_message(),
            "The smart-card service (pcscd) is not running. Start it and try again."
        );
    }
    assert_eq!(env.dialogs_answered(), 0, "no dialog without a card");
}

#[test]
fn a_broken_configuration_file_fails_card_commands_but_not_status() {
    let env = Env::new();
    env.config("reader = 7\n");
    let run = env.run(&authenticate(ORIGIN, NONCE));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_FATAL");
    // The page learns that the configuration is wrong, not where it is or what it holds.
    assert_eq!(
        run.error_message(),
        "The configuration file of the knik native host is invalid. See the host's log for \
         the details, then correct the file."
    );
    let log = env.log();
    assert!(log.contains("native-host.toml"), "{log}");
    assert!(log.contains("reader"), "{log}");
    let run = env.run(&json!({"command": "status", "arguments": {}}));
    assert_eq!(run.answer(), &json!({"version": env!("CARGO_PKG_VERSION")}));
}

#[test]
fn the_log_names_command_and_origin_but_never_the_nonce() {
    let mut env = Env::new();
    env.set("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm");
    let run = env.run(&authenticate(ORIGIN, NONCE));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_NO_READER");
    let log = env.log();
    assert!(
        log.contains("started by chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/"),
        "{log}"
    );
    assert!(
        log.contains("authenticate for https://login.example.am"),
        "{log}"
    );
    assert!(log.contains("ERR_WEBEID_NATIVE_NO_READER"), "{log}");
    assert!(!log.contains(NONCE), "{log}");
    assert!(
        run.stderr.is_empty(),
        "the log went to its file: {}",
        run.stderr
    );
}

#[test]
fn a_sandboxed_browser_starts_the_host_without_arguments() {
    let env = Env::new();
    let mut child = env
        .command(&[])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&frame(r#"{"command":"quit","arguments":{}}"#))
        .expect("write");
    let out = child.wait_with_output().expect("ends");
    assert!(out.status.success());
    let mut reader = knik_webeid::native_messaging::FrameReader::for_host_output(
        std::io::Cursor::new(&out.stdout),
    );
    assert_eq!(
        reader.read_frame().expect("handshake"),
        format!("{{\"version\":\"{}\"}}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(reader.read_frame().expect("answer"), "{}");
}
