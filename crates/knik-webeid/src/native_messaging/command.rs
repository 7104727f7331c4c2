//! The commands the extension sends: `{"command": "…", "arguments": {…}}`
//! (reference/web-eid.md §1.4).
//!
//! Parsing is strict: the envelope holds exactly `command` and `arguments`; `arguments` holds
//! exactly the command's required keys plus the optional `lang`. Anything else is refused with
//! an error that names the key — never guessed around (spec/browser.md "Commands"). Origins and
//! nonces are checked here, so a [`Command`] that exists is one the host may act on.
//!
//! A key repeated in the same object (`{"command": "status", "command": "authenticate"}`) is
//! refused too: JSON parsers disagree on which copy wins (RFC 8259 §4), so taking either one
//! would be a guess. Names the page sent are kept in errors escaped and cut to
//! [`SHOWN_CHARS`] characters, so an error message can go to a log line as it is.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
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
        let value = parse_unique_keys(text)?;
        let Value::Object(mut envelope) = value else {
            return Err(malformed("the message is not a JSON object"));
        };
        if let Some(field) = envelope
            .keys()
            .find(|k| *k != "command" && *k != "arguments")
        {
            return Err(Error::UnknownMessageField {
                field: shown(field),
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
            _ => {
                return Err(Error::UnknownCommand {
                    command: shown(&command),
                });
            }
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

/// How many characters of a name the page sent an error keeps.
pub const SHOWN_CHARS: usize = 64;

/// `text` as an error may show it: control characters, quotes and backslashes escaped
/// (`escape_debug`), cut after [`SHOWN_CHARS`] characters with an ellipsis.
fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(SHOWN_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().nth(SHOWN_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// Parses `text` as JSON, refusing any object in which a key appears twice.
fn parse_unique_keys(text: &str) -> Result<Value, Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = UniqueKeys::deserialize(&mut deserializer).and_then(|v| {
        deserializer.end()?;
        Ok(v.0)
    });
    parsed.map_err(|e| match e.classify() {
        // Syntax, EOF and I/O errors come from the parser; Data only from the visitor below.
        serde_json::error::Category::Data => Error::MalformedMessage {
            reason: e.to_string(),
        },
        _ => Error::FrameInvalidJson {
            reason: e.to_string(),
        },
    })
}

/// A JSON value whose objects, at every depth, hold each key once.
struct UniqueKeys(Value);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UniqueKeysVisitor)
            .map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key `{}` appears more than once",
                    shown(&key)
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
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
                argument: shown(stray),
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

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://login.example.am";

    #[test]
    fn a_repeated_key_is_refused_at_every_depth() {
        for text in [
            r#"{"command":"status","command":"authenticate"}"#,
            r#"{"command":"status","arguments":{},"arguments":{}}"#,
            r#"{"command":"get-signing-certificate","arguments":{"origin":"https://a.am","origin":"https://b.am"}}"#,
            r#"{"command":"status","arguments":{"x":{"y":1,"y":2}}}"#,
        ] {
            match Command::from_json(text, OriginPolicy::STRICT) {
                Err(Error::MalformedMessage { reason }) => {
                    assert!(
                        reason.contains("appears more than once"),
                        "{text}: {reason}"
                    )
                }
                other => panic!("{text}: a repeated key was not refused: {other:?}"),
            }
        }
        // The same keys once each still parse; broken JSON stays a JSON error.
        let once = format!(
            r#"{{"command":"get-signing-certificate","arguments":{{"origin":"{ORIGIN}"}}}}"#
        );
        assert!(matches!(
            Command::from_json(&once, OriginPolicy::STRICT),
            Ok(Command::GetSigningCertificate(_))
        ));
        assert!(matches!(
            Command::from_json(r#"{"command":"status""#, OriginPolicy::STRICT),
            Err(Error::FrameInvalidJson { .. })
        ));
        assert!(matches!(
            Command::from_json(r#"{"command":"status"} {}"#, OriginPolicy::STRICT),
            Err(Error::FrameInvalidJson { .. })
        ));
    }

    #[test]
    fn names_from_the_page_are_escaped_and_cut_in_errors() {
        let forged = format!(
            "x\n2026-01-01T00:00:00Z [1] answer sign: ok{}",
            "y".repeat(500)
        );
        let text = json!({"command": forged, "arguments": {}}).to_string();
        let Err(Error::UnknownCommand { command }) =
            Command::from_json(&text, OriginPolicy::STRICT)
        else {
            panic!("unknown command accepted");
        };
        assert!(command.starts_with("x\\n2026"), "{command}");
        assert!(!command.contains('\n'), "{command}");
        assert_eq!(command.chars().count(), SHOWN_CHARS + 1 + 1, "{command}");
        assert!(command.ends_with('…'));

        let text = json!({"command": "status", "arguments": {}, "a\u{1b}[2J": 1}).to_string();
        assert_eq!(
            Command::from_json(&text, OriginPolicy::STRICT),
            Err(Error::UnknownMessageField {
                field: "a\\u{1b}[2J".to_owned()
            })
        );
        let text = json!({"command": "get-signing-certificate",
            "arguments": {"origin": ORIGIN, "b\r": 1}})
        .to_string();
        assert_eq!(
            Command::from_json(&text, OriginPolicy::STRICT),
            Err(Error::UnknownArgument {
                command: "get-signing-certificate",
                argument: "b\\r".to_owned()
            })
        );
    }
}
