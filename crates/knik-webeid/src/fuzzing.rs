//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/native_message.rs`,
//! `fuzz/fuzz_targets/webeid_token.rs`) and the corpus replay tests, so what the fuzzer
//! exercises is exactly what `cargo test` replays.

use std::io::Cursor;

use crate::Error;
use crate::native_messaging::{Command, FrameReader, Handshake};
use crate::origin::{Origin, OriginPolicy};
use crate::token::{AuthToken, verify_token_signature};
use crate::validator::{AuthTokenValidator, ValidatedUser};

/// Reads `data` as a stream of inbound native-messaging frames and parses every frame as a
/// command under both origin policies; also feeds the raw bytes to the handshake, token and
/// origin parsers. Must never panic; errors are the expected outcome for most inputs.
pub fn native_message(data: &[u8]) {
    let mut reader = FrameReader::new(Cursor::new(data));
    // Each frame needs at least 4 bytes of input, so this ends.
    while let Ok(frame) = reader.read_frame() {
        for policy in [OriginPolicy::STRICT, OriginPolicy::DEVELOPER] {
            if let Ok(command) = Command::from_json(&frame, policy) {
                // What parsed must re-encode to something that parses to the same command.
                let again = Command::from_json(&command.to_json(), policy);
                assert_eq!(again.as_ref(), Ok(&command), "command round trip");
            }
        }
    }
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let _ = Command::from_json(text, OriginPolicy::STRICT);
    let _ = Handshake::from_json(text);
    let _ = Origin::parse(text, OriginPolicy::DEVELOPER);
    let _ = crate::nonce::check_nonce(text);
    if let Ok(token) = AuthToken::parse(text) {
        let _ = verify_token_signature(&token, "https://example.am", text);
        // Unknown fields are dropped on re-encoding, which may take the text under the minimum.
        let json = token.to_json();
        if json.len() >= crate::token::MIN_TOKEN_LEN {
            assert_eq!(
                AuthToken::parse(&json).as_ref(),
                Ok(&token),
                "token round trip"
            );
        }
    }
}

/// The origin the `webeid_token` corpus's tokens are signed for.
pub const TOKEN_ORIGIN: &str = "https://login.example.am";
/// The challenge nonce the `webeid_token` corpus's tokens are signed over.
pub const TOKEN_NONCE: &str = "qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y=";

/// The validators [`webeid_token`] runs: strict and lenient about unknown fields, both for
/// [`TOKEN_ORIGIN`], trusting the certificates in `trusted_pem`, OCSP off, at
/// 2030-01-01T00:00:00Z (within every test holder's validity but the expired one's).
pub fn token_validators(trusted_pem: &[u8]) -> Result<[AuthTokenValidator; 2], Error> {
    let mut trust = knik_pki::TrustStore::new();
    trust
        .add_pem_or_der(trusted_pem, "fuzz trust")
        .map_err(Error::TokenCertificate)?;
    let at = time::OffsetDateTime::from_unix_timestamp(1_893_456_000).map_err(|e| {
        Error::ValidatorConfig {
            option: "clock",
            reason: e.to_string(),
        }
    })?;
    let builder = || {
        AuthTokenValidator::builder()
            .site_origin(TOKEN_ORIGIN)
            .trusted_certificate_authorities(trust.clone())
            .without_ocsp()
            .clock(std::sync::Arc::new(move || at))
    };
    Ok([
        builder().build()?,
        builder().allow_unknown_token_fields().build()?,
    ])
}

/// Validates `data` as an authentication token for [`TOKEN_NONCE`] with the strict validator
/// of [`token_validators`] and returns its verdict. Must never panic. Checks on the way:
/// whatever the strict validator accepts, the lenient one accepts alike; an accepted token
/// parses, its signature verifies for the origin and nonce, and the returned certificate is
/// the token's; every refusal has a `WEBEID_` code. Bytes that are not UTF-8 are refused as
/// a malformed token (an HTTP layer would not hand them over as text).
pub fn webeid_token(
    validators: &[AuthTokenValidator; 2],
    data: &[u8],
) -> Result<ValidatedUser, Error> {
    let [strict, lenient] = validators;
    let text = core::str::from_utf8(data).map_err(|e| Error::MalformedToken {
        reason: e.to_string(),
    })?;
    let verdict = strict.validate(text, TOKEN_NONCE);
    match &verdict {
        Ok(user) => {
            assert_eq!(
                lenient.validate(text, TOKEN_NONCE).as_ref(),
                Ok(user),
                "lenient validator disagrees"
            );
            let token = AuthToken::parse(text).expect("an accepted token parses");
            assert_eq!(
                verify_token_signature(&token, TOKEN_ORIGIN, TOKEN_NONCE),
                Ok(())
            );
            assert_eq!(user.certificate.as_der(), token.unverified_certificate);
        }
        Err(e) => {
            assert!(e.code().starts_with("WEBEID_"), "code {}", e.code());
            assert!(!e.to_string().is_empty());
            // Leniency only ever forgives unknown fields, and what they hold: the strict
            // pass reads the whole text as JSON values, so it also refuses an unknown field
            // whose content the token parser skipped unread (a lone surrogate escape).
            let strict_pass_only = matches!(e, Error::TokenFieldUnknown { .. })
                || (matches!(e, Error::MalformedToken { .. }) && AuthToken::parse(text).is_ok());
            if !strict_pass_only {
                assert_eq!(
                    lenient.validate(text, TOKEN_NONCE).as_ref(),
                    Err(e),
                    "lenient validator disagrees"
                );
            }
        }
    }
    verdict
}
