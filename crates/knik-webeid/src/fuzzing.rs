//! Entry point shared by the fuzz target `fuzz/fuzz_targets/native_message.rs` and the corpus
//! replay test, so what the fuzzer exercises is exactly what `cargo test` replays.

use std::io::Cursor;

use crate::native_messaging::{Command, FrameReader, Handshake};
use crate::origin::{Origin, OriginPolicy};
use crate::token::{AuthToken, verify_token_signature};

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
