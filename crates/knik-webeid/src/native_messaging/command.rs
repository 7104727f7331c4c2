//! The commands the extension sends: `{"command": "…", "arguments": {…}}`
//! (reference/web-eid.md §1.4).
//!
//! Parsing is strict: the envelope holds exactly `command` and `arguments`; `arguments` holds
//! exactly the command's required keys plus the optional `lang`. Anything else is refused with
//! an error that names the key — never guessed around (spec/browser.md "Commands"). Origins and
//! nonces are checked here, so a [`Command`] that exists is one the host may act on.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::algorithm::HashFunction;
use crate::nonce::check_nonce;
use crate::origin::{Origin, OriginPolicy};

/// `authenticate` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticateArguments {
    /// The challenge nonce, as text (44–128 characters of base64; signed as text).
    pub challenge_nonce: String,
    /// The origin the signature is bound to.
    pub origin: Origin,
    /// The page's language (ISO 639-1), if given.
    pub lang: Option<String>,
}

/// `get-signing-certificate` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetSigningCertificateArguments {
    /// The origin asking for the certificate (shown to the user).
    pub origin: Origin,
    /// The page's language (ISO 639-1), if given.
    pub lang: Option<String>,
}

/// `sign` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignArguments {
    /// The digest to sign, decoded; its length equals `hash_function`'s output length.
    pub hash: Vec<u8>,
    /// The hash function that made `hash`.
    pub hash_function: HashFunction,
    /// The signing certificate (DER) that `get-signing-certificate` returned; the host must
    /// sign with the card whose certificate is byte-identical.
    pub certificate: Vec<u8>,
    /// The origin asking for the signature (shown to the user).
    pub origin: Origin,
    /// The page's language (ISO 639-1), if given.
    pub lang: Option<String>,
}

/// One command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Sign hash(hash(origin) ‖ hash(nonce)) with the authentication key; answer with a token.
    Authenticate(AuthenticateArguments),
    /// Return the signing certificate and the algorithms the card supports (no PIN).
    GetSigningCertificate(GetSigningCertificateArguments),
    /// Sign a digest with the signing key.
    Sign(SignArguments),
    /// Answer with the host's version.
    Status,
    /// Answer `{}` and exit.
    Quit,
}

impl Command {
    /// The wire name of the command.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Authenticate(_) => "authenticate",
            Command::GetSigningCertificate(_) => "get-signing-certificate",
            Command::Sign(_) => "sign",
            Command::Status => "status",
            Command::Quit => "quit",
        }
    }

    /// Parses and checks one command from a frame's JSON text.
    pub fn from_json(text: &str, policy: OriginPolicy) -> Result<Command, Error> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::FrameInvalidJson {
            reason: e.to_string(),
        })?;
        let Value::Object(mut envelope) = value else {
            return Err(malformed("the message is not a JSON object"));
        };
        if let Some(field) = envelope
            .keys()
            .find(|k| *k != "command" && *k != "arguments")
        {
            return Err(Error::UnknownMessageField {
                field: field.clone(),
            });
        }
        let command = match envelope.remove("command") {
            Some(Value::String(c)) => c,
            Some(_) => return Err(malformed("`command` is not a string")),
            None => return Err(malformed("the message has no `command`")),
        };
        let arguments = match envelope.remove("arguments") {
            Some(Value::Object(a)) => Some(a),
            Some(_) => return Err(malformed("`arguments` is not an object")),
            None => None,
        };
        let name: &'static str = match command.as_str() {
            "authenticate" => "authenticate",
            "get-signing-certificate" => "get-signing-certificate",
            "sign" => "sign",
            "status" => "status",
            "quit" => "quit",
            _ => return Err(Error::UnknownCommand { command }),
        };
        // status (Safari) comes without `arguments`; quit with `{}`. The PKI commands need them.
        let Some(arguments) = arguments else {
            return match name {
                "status" => Ok(Command::Status),
                "quit" => Ok(Command::Quit),
                _ => Err(malformed("the message has no `arguments`")),
            };
        };
        let mut args = Arguments::new(name, arguments);
        match name {
            "authenticate" => {
                args.only(&["challengeNonce", "origin", "lang"])?;
                let challenge_nonce = args.string("challengeNonce")?;
                let origin = args.origin(policy)?;
                check_nonce(&challenge_nonce)?;
                Ok(Command::Authenticate(AuthenticateArguments {
                    challenge_nonce,
                    origin,
                    lang: args.lang()?,
                }))
            }
            "get-signing-certificate" => {
                args.only(&["origin", "lang"])?;
                Ok(Command::GetSigningCertificate(
                    GetSigningCertificateArguments {
                        origin: args.origin(policy)?,
                        lang: args.lang()?,
                    },
                ))
            }
            "sign" => {
                args.only(&["hash", "hashFunction", "certificate", "origin", "lang"])?;
                let hash = args.string("hash")?;
                let hash_function_name = args.string("hashFunction")?;
                let certificate = args.string("certificate")?;
                let origin = args.origin(policy)?;
                let hash_function = HashFunction::from_name(&hash_function_name)
                    .ok_or_else(|| args.invalid("hashFunction", "not a supported hash function"))?;
                let hash = STANDARD
                    .decode(&hash)
                    .map_err(|e| args.invalid("hash", &format!("not standard base64 ({e})")))?;
                if hash.len() != hash_function.output_len() {
                    return Err(args.invalid(
                        "hash",
                        &format!(
                            "{} bytes, but {} digests are {} bytes",
                            hash.len(),
                            hash_function,
                            hash_function.output_len()
                        ),
                    ));
                }
                let certificate = STANDARD.decode(&certificate).map_err(|e| {
                    args.invalid("certificate", &format!("not standard base64 ({e})"))
                })?;
                if certificate.is_empty() {
                    return Err(args.invalid("certificate", "empty"));
                }
                Ok(Command::Sign(SignArguments {
                    hash,
                    hash_function,
                    certificate,
                    origin,
                    lang: args.lang()?,
                }))
            }
            "status" => {
                args.only(&[])?;
                Ok(Command::Status)
            }
            _ => {
                args.only(&[])?;
                Ok(Command::Quit)
            }
        }
    }

    /// The command as the extension sends it (compact JSON).
    pub fn to_json(&self) -> String {
        fn with_lang(mut object: Value, lang: &Option<String>) -> Value {
            if let (Some(lang), Value::Object(map)) = (lang, &mut object) {
                map.insert("lang".to_owned(), Value::String(lang.clone()));
            }
            object
        }
        let arguments = match self {
            Command::Authenticate(a) => with_lang(
                json!({"challengeNonce": a.challenge_nonce, "origin": a.origin.as_str()}),
                &a.lang,
            ),
            Command::GetSigningCertificate(a) => {
                with_lang(json!({"origin": a.origin.as_str()}), &a.lang)
            }
            Command::Sign(a) => with_lang(
                json!({
                    "hash": STANDARD.encode(&a.hash),
                    "hashFunction": a.hash_function.name(),
                    "certificate": STANDARD.encode(&a.certificate),
                    "origin": a.origin.as_str(),
                }),
                &a.lang,
            ),
            Command::Status | Command::Quit => json!({}),
        };
        json!({"command": self.name(), "arguments": arguments}).to_string()
    }
}

fn malformed(reason: &str) -> Error {
    Error::MalformedMessage {
        reason: reason.to_owned(),
    }
}

/// The `arguments` object of one command, consumed key by key.
struct Arguments {
    command: &'static str,
    map: Map<String, Value>,
}

impl Arguments {
    fn new(command: &'static str, map: Map<String, Value>) -> Self {
        Arguments { command, map }
    }

    /// Refuses any key not in `allowed` (checked before anything is missing, so the error
    /// names the stray key).
    fn only(&self, allowed: &[&str]) -> Result<(), Error> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(stray) => Err(Error::UnknownArgument {
                command: self.command,
                argument: stray.clone(),
            }),
            None => Ok(()),
        }
    }

    fn string(&mut self, name: &'static str) -> Result<String, Error> {
        match self.map.remove(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(self.invalid(name, "not a string")),
            None => Err(Error::MissingArgument {
                command: self.command,
                argument: name,
            }),
        }
    }

    fn origin(&mut self, policy: OriginPolicy) -> Result<Origin, Error> {
        let text = self.string("origin")?;
        Origin::parse(&text, policy)
    }

    /// `lang`: optional, two ASCII letters (ISO 639-1).
    fn lang(&mut self) -> Result<Option<String>, Error> {
        match self.map.remove("lang") {
            None => Ok(None),
            Some(Value::String(s))
                if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) =>
            {
                Ok(Some(s.to_ascii_lowercase()))
            }
            Some(_) => Err(self.invalid("lang", "not a two-letter ISO 639-1 language code")),
        }
    }

    fn invalid(&self, argument: &'static str, reason: &str) -> Error {
        Error::InvalidArgument {
            command: self.command,
            argument,
            reason: reason.to_owned(),
        }
    }
}
