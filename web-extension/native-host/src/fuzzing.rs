//! Entry point shared by the fuzz target `fuzz/fuzz_targets/native_host_session.rs` and the
//! corpus replay test, so what the fuzzer exercises is exactly what `cargo test` replays.
//!
//! Arbitrary bytes are what the browser writes to the host's stdin. The session runs with
//! stand-in card operations (a fixed token, certificate and signature, or a card error,
//! depending on the input), and what it wrote is checked the way the extension reads it.

use std::io::Cursor;

use knik_webeid::algorithm::{CryptoAlgorithm, HashFunction, PaddingScheme, SignatureAlgorithm};
use knik_webeid::native_messaging::{
    AuthenticateArguments, ErrorCode, FrameReader, GetSigningCertificateArguments, Handshake,
    SignArguments, SignResponse, SigningCertificateResponse,
};
use knik_webeid::origin::OriginPolicy;
use knik_webeid::token::{AuthToken, TokenAlgorithm};

use crate::error::HostError;
use crate::log::Log;
use crate::session::{self, Operations, Outcome, SessionConfig};

/// Card operations that answer without a card: success, or `ERR_WEBEID_NATIVE_NO_READER`.
pub struct StandIn {
    /// Answer every card command with this error instead of a result.
    pub fail: bool,
}

impl Operations for StandIn {
    fn authenticate(&mut self, args: &AuthenticateArguments) -> Result<AuthToken, HostError> {
        self.result()?;
        Ok(AuthToken::create(
            args.origin.as_str().as_bytes(),
            TokenAlgorithm::Es384,
            &[0x5A; 96],
            &crate::app_version(),
        ))
    }

    fn signing_certificate(
        &mut self,
        _: &GetSigningCertificateArguments,
    ) -> Result<SigningCertificateResponse, HostError> {
        self.result()?;
        Ok(SigningCertificateResponse {
            certificate: vec![0x30, 0x03, 0x02, 0x01, 0x01],
            supported_signature_algorithms: vec![SignatureAlgorithm {
                crypto_algorithm: CryptoAlgorithm::Ecc,
                hash_function: HashFunction::Sha384,
                padding_scheme: PaddingScheme::None,
            }],
        })
    }

    fn sign(&mut self, args: &SignArguments) -> Result<SignResponse, HostError> {
        self.result()?;
        Ok(SignResponse {
            signature: args.hash.clone(),
            signature_algorithm: SignatureAlgorithm {
                crypto_algorithm: CryptoAlgorithm::Ecc,
                hash_function: args.hash_function,
                padding_scheme: PaddingScheme::None,
            },
        })
    }
}

impl StandIn {
    fn result(&self) -> Result<(), HostError> {
        if self.fail {
            Err(HostError::Card(knik_card::Error::NoReaders))
        } else {
            Ok(())
        }
    }
}

/// Runs a session on `data` and checks what the extension would receive: the handshake, then
/// exactly one answer that is a JSON object, either a success or `{"error": {"code", "message"}}`
/// with a known code; nothing after it. Panics (for the fuzzer) when that does not hold.
pub fn session(data: &[u8]) {
    let config = SessionConfig {
        version: crate::VERSION.to_owned(),
        origin_policy: if data.first().is_some_and(|b| b & 1 == 1) {
            OriginPolicy::DEVELOPER
        } else {
            OriginPolicy::STRICT
        },
    };
    let mut ops = StandIn {
        fail: data.last().is_some_and(|b| b & 1 == 1),
    };
    let mut out = Vec::new();
    let outcome = session::run(
        Cursor::new(data),
        &mut out,
        &mut ops,
        &config,
        &Log::discard(),
    );

    let mut frames = FrameReader::for_host_output(Cursor::new(&out));
    let handshake = frames
        .read_frame()
        .expect("the handshake frame comes first");
    assert_eq!(
        Handshake::from_json(&handshake)
            .expect("handshake shape")
            .version,
        crate::VERSION
    );
    match outcome {
        Outcome::Closed => {
            assert!(data.is_empty(), "closed only when nothing arrived");
        }
        Outcome::Answered { error, .. } => {
            let text = frames.read_frame().expect("one answer frame");
            let value: serde_json::Value = serde_json::from_str(&text).expect("answer is JSON");
            let object = value.as_object().expect("answer is an object");
            if let Some(e) = object.get("error") {
                let code = e["code"].as_str().expect("error code is a string");
                let parsed = ErrorCode::from_code(code).expect("a known ERR_WEBEID code");
                assert_eq!(Some(parsed), error, "outcome and answer agree");
                assert!(
                    e["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "every error has a message"
                );
                assert_eq!(object.len(), 1, "an error answer holds only `error`");
            } else {
                assert_eq!(error, None, "a success answer is not an error");
            }
        }
        Outcome::OutputFailed(e) => panic!("writing to a Vec failed: {e}"),
    }
    assert!(
        matches!(frames.read_frame(), Err(knik_webeid::Error::EndOfStream)),
        "nothing after the one answer"
    );
}
