//! Strict reading of MID-REST JSON bodies: size limit first, then field by field with typed
//! errors naming the body and the field. Unknown fields are ignored (the provider may add
//! fields such as `time` or new diagnostics without breaking relying parties).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use crate::error::Error;

/// Largest body accepted (64 KiB). A MID-REST body holds at most one certificate (a few KiB in
/// base64); anything near this limit is hostile or broken.
pub const MAX_BODY_LEN: usize = 64 * 1024;

/// Longest value repeated inside an [`Error::UnknownCode`].
const MAX_ECHO: usize = 64;

/// Checks the size, then parses `body` as a JSON object.
pub(crate) fn parse_object(what: &'static str, body: &[u8]) -> Result<Map<String, Value>, Error> {
    if body.len() > MAX_BODY_LEN {
        return Err(Error::BodyTooLarge {
            what,
            size: body.len(),
            limit: MAX_BODY_LEN,
        });
    }
    // serde_json limits nesting to 128 levels and reports it as an error, not a stack overflow.
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::MalformedJson {
            what,
            reason: format!("expected an object, found {}", kind_of(&other)),
        }),
        Err(e) => Err(Error::MalformedJson {
            what,
            reason: e.to_string(),
        }),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The fields of one JSON object, read with errors that name the body and the field path.
pub(crate) struct Fields<'a> {
    what: &'static str,
    prefix: &'static str,
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(what: &'static str, map: &'a Map<String, Value>) -> Self {
        Fields {
            what,
            prefix: "",
            map,
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn invalid(&self, name: &str, reason: impl Into<String>) -> Error {
        Error::InvalidField {
            what: self.what,
            field: self.path(name),
            reason: reason.into(),
        }
    }

    fn missing(&self, name: &str) -> Error {
        Error::MissingField {
            what: self.what,
            field: self.path(name),
        }
    }

    /// The value of `name`, with `null` counted as absent.
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    pub(crate) fn optional_str(&self, name: &str) -> Result<Option<&'a str>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => {
                Err(self.invalid(name, format!("expected a string, found {}", kind_of(other))))
            }
        }
    }

    pub(crate) fn required_str(&self, name: &str) -> Result<&'a str, Error> {
        self.optional_str(name)?.ok_or_else(|| self.missing(name))
    }

    /// A required non-empty string of at most `max` characters.
    pub(crate) fn required_text(&self, name: &str, max: usize) -> Result<String, Error> {
        let s = self.required_str(name)?;
        self.check_text(name, s, max)
    }

    pub(crate) fn optional_text(&self, name: &str, max: usize) -> Result<Option<String>, Error> {
        self.optional_str(name)?
            .map(|s| self.check_text(name, s, max))
            .transpose()
    }

    fn check_text(&self, name: &str, s: &str, max: usize) -> Result<String, Error> {
        if s.is_empty() {
            return Err(self.invalid(name, "empty"));
        }
        let len = s.chars().count();
        if len > max {
            return Err(self.invalid(name, format!("{len} characters, at most {max} allowed")));
        }
        Ok(s.to_owned())
    }

    pub(crate) fn optional_base64(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let Some(s) = self.optional_str(name)? else {
            return Ok(None);
        };
        let bytes = STANDARD
            .decode(s)
            .map_err(|e| self.invalid(name, format!("not base64: {e}")))?;
        if bytes.is_empty() {
            return Err(self.invalid(name, "empty"));
        }
        Ok(Some(bytes))
    }

    pub(crate) fn required_base64(&self, name: &str) -> Result<Vec<u8>, Error> {
        self.optional_base64(name)?
            .ok_or_else(|| self.missing(name))
    }

    /// An optional enumerated value, read with `from_wire`.
    pub(crate) fn optional_code<T>(
        &self,
        name: &str,
        from_wire: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, Error> {
        let Some(s) = self.optional_str(name)? else {
            return Ok(None);
        };
        from_wire(s).map(Some).ok_or_else(|| Error::UnknownCode {
            what: self.what,
            field: self.path(name),
            value: s.chars().take(MAX_ECHO).collect(),
        })
    }

    pub(crate) fn required_code<T>(
        &self,
        name: &str,
        from_wire: impl Fn(&str) -> Option<T>,
    ) -> Result<T, Error> {
        self.optional_code(name, from_wire)?
            .ok_or_else(|| self.missing(name))
    }

    /// A nested object; `prefix` is its field path with a trailing dot (`"signature."`).
    pub(crate) fn optional_object(
        &self,
        name: &str,
        prefix: &'static str,
    ) -> Result<Option<Fields<'a>>, Error> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields {
                what: self.what,
                prefix,
                map,
            })),
            Some(other) => Err(self.invalid(
                name,
                format!("expected an object, found {}", kind_of(other)),
            )),
        }
    }
}

/// `serde(serialize_with)` helpers: bytes as standard base64.
pub(crate) mod base64_bytes {
    use super::{Engine, STANDARD};

    pub(crate) fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn serialize_option<S: serde::Serializer>(
        bytes: &Option<Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => serialize(b, s),
            None => s.serialize_none(),
        }
    }
}
