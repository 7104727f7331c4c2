//! Commands as the Web eID extension sends them, origins and nonces: what is accepted and the
//! specific error for everything else (reference/web-eid.md §1.4, §1.6; spec/browser.md).

use knik_webeid::Error;
use knik_webeid::algorithm::{CryptoAlgorithm, HashFunction, PaddingScheme, SignatureAlgorithm};
use knik_webeid::native_messaging::{
    Command, ErrorCode, ErrorResponse, Response, SignResponse, SigningCertificateResponse,
};
use knik_webeid::nonce::{NonceProblem, check_nonce};
use knik_webeid::origin::{Origin, OriginPolicy, OriginProblem};

const NONCE: &str = "12345678901234567890123456789012345678901234";
const SHA256_OF_EMPTY: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

fn parse(json: &str) -> Result<Command, Error> {
    Command::from_json(json, OriginPolicy::STRICT)
}

#[test]
fn authenticate_as_the_extension_sends_it() {
    let json = format!(
        r#"{{"command":"authenticate","arguments":{{"challengeNonce":"{NONCE}","origin":"https://xn--pike-loa.ee:8443","lang":"hy"}}}}"#
    );
    let Command::Authenticate(args) = parse(&json).unwrap() else {
        panic!("not authenticate")
    };
    assert_eq!(args.challenge_nonce, NONCE);
    assert_eq!(args.origin.as_str(), "https://xn--pike-loa.ee:8443");
    assert_eq!(args.origin.host_and_port(), "xn--pike-loa.ee:8443");
    assert_eq!(args.lang.as_deref(), Some("hy"));
    // And back: the same command comes out of its own encoding.
    assert_eq!(
        parse(&Command::Authenticate(args.clone()).to_json()).unwrap(),
        Command::Authenticate(args)
    );
}

#[test]
fn sign_and_get_signing_certificate_and_quit_and_status() {
    let json = format!(
        r#"{{"command":"sign","arguments":{{"hash":"{SHA256_OF_EMPTY}","hashFunction":"SHA-256","certificate":"MIIB","origin":"https://sign.example.am"}}}}"#
    );
    let Command::Sign(args) = parse(&json).unwrap() else {
        panic!("not sign")
    };
    assert_eq!(args.hash.len(), 32);
    assert_eq!(args.hash_function, HashFunction::Sha256);
    assert_eq!(args.certificate, vec![0x30, 0x82, 0x01]);
    assert_eq!(args.lang, None);

    let json = r#"{"command":"get-signing-certificate","arguments":{"origin":"wss://x.am"}}"#;
    assert!(matches!(
        parse(json).unwrap(),
        Command::GetSigningCertificate(_)
    ));
    assert_eq!(
        parse(r#"{"command":"quit","arguments":{}}"#).unwrap(),
        Command::Quit
    );
    assert_eq!(parse(r#"{"command":"status"}"#).unwrap(), Command::Status);
}

#[test]
fn unknown_command_is_refused_by_name() {
    assert_eq!(
        parse(r#"{"command":"sign-raw","arguments":{}}"#),
        Err(Error::UnknownCommand {
            command: "sign-raw".into()
        })
    );
}

#[test]
fn extra_argument_and_extra_envelope_field_are_refused_by_name() {
    let json = format!(
        r#"{{"command":"authenticate","arguments":{{"challengeNonce":"{NONCE}","origin":"https://a.am","user":"x"}}}}"#
    );
    assert_eq!(
        parse(&json),
        Err(Error::UnknownArgument {
            command: "authenticate",
            argument: "user".into()
        })
    );
    assert_eq!(
        parse(r#"{"command":"quit","arguments":{"now":true}}"#),
        Err(Error::UnknownArgument {
            command: "quit",
            argument: "now".into()
        })
    );
    assert_eq!(
        parse(r#"{"command":"status","arguments":{},"origin":"https://a.am"}"#),
        Err(Error::UnknownMessageField {
            field: "origin".into()
        })
    );
}

#[test]
fn missing_argument_is_refused_by_name() {
    assert_eq!(
        parse(r#"{"command":"authenticate","arguments":{"origin":"https://a.am"}}"#),
        Err(Error::MissingArgument {
            command: "authenticate",
            argument: "challengeNonce"
        })
    );
    let json = format!(
        r#"{{"command":"sign","arguments":{{"hash":"{SHA256_OF_EMPTY}","hashFunction":"SHA-256","origin":"https://a.am"}}}}"#
    );
    assert_eq!(
        parse(&json),
        Err(Error::MissingArgument {
            command: "sign",
            argument: "certificate"
        })
    );
    assert!(matches!(
        parse(r#"{"command":"authenticate"}"#),
        Err(Error::MalformedMessage { .. })
    ));
}

#[test]
fn invalid_argument_values() {
    // Hash of the wrong length for its function.
    let json = format!(
        r#"{{"command":"sign","arguments":{{"hash":"{SHA256_OF_EMPTY}","hashFunction":"SHA-384","certificate":"MIIB","origin":"https://a.am"}}}}"#
    );
    assert!(matches!(
        parse(&json),
        Err(Error::InvalidArgument {
            command: "sign",
            argument: "hash",
            ..
        })
    ));
    let json = r#"{"command":"sign","arguments":{"hash":"AA==","hashFunction":"MD5","certificate":"MIIB","origin":"https://a.am"}}"#;
    assert!(matches!(
        parse(json),
        Err(Error::InvalidArgument {
            argument: "hashFunction",
            ..
        })
    ));
    let json = r#"{"command":"get-signing-certificate","arguments":{"origin":"https://a.am","lang":"armenian"}}"#;
    assert!(matches!(
        parse(json),
        Err(Error::InvalidArgument {
            argument: "lang",
            ..
        })
    ));
    let json = r#"{"command":"get-signing-certificate","arguments":{"origin":42}}"#;
    assert!(matches!(
        parse(json),
        Err(Error::InvalidArgument {
            argument: "origin",
            ..
        })
    ));
}

#[test]
fn bad_origin_inside_a_command() {
    let json = format!(
        r#"{{"command":"authenticate","arguments":{{"challengeNonce":"{NONCE}","origin":"https://a.am/login"}}}}"#
    );
    let err = parse(&json).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidOrigin {
            origin: "https://a.am/login".into(),
            problem: OriginProblem::Path
        }
    );
    assert_eq!(err.wire_code(), ErrorCode::NativeInvalidArgument);
}

#[test]
fn bad_nonce_inside_a_command() {
    let json = r#"{"command":"authenticate","arguments":{"challengeNonce":"c2hvcnQ=","origin":"https://a.am"}}"#;
    assert_eq!(
        parse(json),
        Err(Error::InvalidNonce {
            problem: NonceProblem::TooShort { length: 8 }
        })
    );
}

fn origin_problem(text: &str, policy: OriginPolicy) -> Option<OriginProblem> {
    match Origin::parse(text, policy) {
        Ok(_) => None,
        Err(Error::InvalidOrigin { problem, .. }) => Some(problem),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

#[test]
fn origins_accepted_and_refused() {
    let strict = OriginPolicy::STRICT;
    for good in [
        "https://example.am",
        "https://e-gov.am:8443",
        "wss://socket.example.am",
        "https://xn--e1afmkfd.xn--p1ai",
        "https://127.0.0.1:4443",
        "https://[::1]:8443",
    ] {
        assert_eq!(origin_problem(good, strict), None, "{good}");
    }
    let long = format!("https://{}.am", "a.".repeat(130));
    let cases: Vec<(&str, OriginProblem)> = vec![
        ("", OriginProblem::Empty),
        (&long, OriginProblem::TooLong { length: long.len() }),
        ("https://пример.рф", OriginProblem::NotAscii { position: 8 }),
        ("https://a.am ", OriginProblem::NotAscii { position: 12 }),
        ("example.am", OriginProblem::MissingScheme),
        (
            "ftp://example.am",
            OriginProblem::UnsupportedScheme {
                scheme: "ftp".into(),
            },
        ),
        (
            "http://example.am",
            OriginProblem::UnsupportedScheme {
                scheme: "http".into(),
            },
        ),
        (
            "http://localhost:3000",
            OriginProblem::HttpNeedsDeveloperMode,
        ),
        ("http://127.0.0.1", OriginProblem::HttpNeedsDeveloperMode),
        ("https://user:pw@example.am", OriginProblem::UserInfo),
        ("https://example.am/", OriginProblem::Path),
        ("https://example.am?x=1", OriginProblem::Query),
        ("https://example.am#top", OriginProblem::Fragment),
        ("https://example.am:0", OriginProblem::InvalidPort),
        ("https://example.am:65536", OriginProblem::InvalidPort),
        ("https://example.am:", OriginProblem::InvalidPort),
        (
            "https://:443",
            OriginProblem::InvalidHost { reason: "empty" },
        ),
    ];
    for (text, problem) in cases {
        assert_eq!(origin_problem(text, strict), Some(problem), "{text}");
    }
    assert!(matches!(
        origin_problem("https://Example.am", strict),
        Some(OriginProblem::InvalidHost { .. })
    ));
    // Developer mode opens exactly http://localhost and http://127.0.0.1.
    let dev = OriginPolicy::DEVELOPER;
    assert_eq!(origin_problem("http://localhost:3000", dev), None);
    assert_eq!(origin_problem("http://127.0.0.1", dev), None);
    assert!(origin_problem("http://example.am", dev).is_some());
    assert!(origin_problem("http://127.0.0.2", dev).is_some());
    // Exactly 255 characters is the longest accepted.
    let max = format!(
        "https://{}.am",
        "a".repeat(63) + "." + &"b".repeat(63) + "." + &"c".repeat(63) + "." + &"d".repeat(52)
    );
    assert_eq!(max.len(), 255);
    assert_eq!(origin_problem(&max, strict), None);
}

#[test]
fn nonce_form() {
    assert_eq!(check_nonce(NONCE), Ok(()));
    assert_eq!(check_nonce(&"A".repeat(128)), Ok(()));
    let problem = |n: &str| match check_nonce(n) {
        Err(Error::InvalidNonce { problem }) => problem,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        problem(&"A".repeat(40)),
        NonceProblem::TooShort { length: 40 }
    );
    assert_eq!(
        problem(&"A".repeat(132)),
        NonceProblem::TooLong { length: 132 }
    );
    let url_safe = format!("{}-_", "A".repeat(42));
    assert_eq!(
        problem(&url_safe),
        NonceProblem::InvalidCharacter { position: 42 }
    );
    // Right alphabet, wrong padding or length.
    assert!(matches!(
        problem(&format!("{}=A", "A".repeat(43))),
        NonceProblem::NotBase64 { .. }
    ));
    assert!(matches!(
        problem(&"A".repeat(45)),
        NonceProblem::NotBase64 { .. }
    ));
}

#[test]
fn responses_have_web_eid_field_names() {
    let alg = SignatureAlgorithm {
        crypto_algorithm: CryptoAlgorithm::Ecc,
        hash_function: HashFunction::Sha384,
        padding_scheme: PaddingScheme::None,
    };
    let cert = Response::SigningCertificate(SigningCertificateResponse {
        certificate: vec![0x30, 0x82],
        supported_signature_algorithms: vec![alg],
    });
    assert_eq!(
        cert.to_json(),
        r#"{"certificate":"MII=","supportedSignatureAlgorithms":[{"cryptoAlgorithm":"ECC","hashFunction":"SHA-384","paddingScheme":"NONE"}]}"#
    );
    let sign = Response::Sign(SignResponse {
        signature: vec![1, 2, 3],
        signature_algorithm: SignatureAlgorithm {
            crypto_algorithm: CryptoAlgorithm::Rsa,
            hash_function: HashFunction::Sha256,
            padding_scheme: PaddingScheme::Pkcs1v15,
        },
    });
    assert_eq!(
        sign.to_json(),
        r#"{"signature":"AQID","signatureAlgorithm":{"cryptoAlgorithm":"RSA","hashFunction":"SHA-256","paddingScheme":"PKCS1.5"}}"#
    );
    assert_eq!(Response::Quit.to_json(), "{}");
    assert_eq!(
        Response::Error(ErrorResponse::new(ErrorCode::UserCancelled)).to_json(),
        r#"{"error":{"code":"ERR_WEBEID_USER_CANCELLED","message":"User cancelled"}}"#
    );
    let from_error = ErrorResponse::from_error(&Error::UnknownCommand {
        command: "x".into(),
    });
    assert_eq!(from_error.code.code(), "ERR_WEBEID_NATIVE_INVALID_ARGUMENT");
}

#[test]
fn error_codes_are_unique_and_knik_codes_fall_back_to_native_fatal() {
    let mut seen = std::collections::HashSet::new();
    for code in ErrorCode::ALL {
        assert!(code.code().starts_with("ERR_WEBEID_"));
        assert!(seen.insert(code.code()), "duplicate {code}");
        assert_eq!(ErrorCode::from_code(code.code()), Some(code));
    }
    assert_eq!(
        ErrorCode::NativePinBlocked.code(),
        "ERR_WEBEID_NATIVE_PIN_BLOCKED"
    );
    assert_eq!(
        ErrorCode::NativeCardRemoved.web_eid_equivalent(),
        ErrorCode::NativeFatal
    );
    assert_eq!(
        ErrorCode::UserCancelled.web_eid_equivalent(),
        ErrorCode::UserCancelled
    );
}
