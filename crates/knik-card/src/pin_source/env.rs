//! PINs from environment variables, for automation and CI.
//!
//! `KNIK_PIN1`, `KNIK_PIN2`, `KNIK_PUK` hold the current secrets; `KNIK_NEW_PIN1`,
//! `KNIK_NEW_PIN2`, `KNIK_NEW_PUK` the new ones for a change or an unblock. The environment is
//! visible to other processes of the same user (`/proc/PID/environ`): this source is for test
//! cards and pipelines, not for a citizen's real PIN.

use super::{PinRequest, PinSource};
use crate::error::{Error, Result};
use crate::pin::{Pin, PinKind};

/// Looks a variable up; `std::env::var` by default.
type Lookup = Box<dyn FnMut(&str) -> Option<String> + Send>;

/// Takes PINs from `KNIK_PIN1` / `KNIK_PIN2` / `KNIK_PUK` and `KNIK_NEW_*`.
pub struct EnvPinSource {
    lookup: Lookup,
}

impl EnvPinSource {
    /// Reads the process environment.
    pub fn new() -> EnvPinSource {
        EnvPinSource::with_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` (a map in tests, a configuration layer in a binding).
    pub fn with_lookup(
        lookup: impl FnMut(&str) -> Option<String> + Send + 'static,
    ) -> EnvPinSource {
        EnvPinSource {
            lookup: Box::new(lookup),
        }
    }

    /// The variable that holds the secret `request` asks for.
    pub fn variable(request: &PinRequest<'_>) -> &'static str {
        match (request.is_new(), request.secret_kind()) {
            (false, PinKind::Pin1) => "KNIK_PIN1",
            (false, PinKind::Pin2) => "KNIK_PIN2",
            (false, PinKind::Puk) => "KNIK_PUK",
            (true, PinKind::Pin1) => "KNIK_NEW_PIN1",
            (true, PinKind::Pin2) => "KNIK_NEW_PIN2",
            (true, PinKind::Puk) => "KNIK_NEW_PUK",
        }
    }
}

impl Default for EnvPinSource {
    fn default() -> Self {
        EnvPinSource::new()
    }
}

impl std::fmt::Debug for EnvPinSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnvPinSource")
    }
}

impl PinSource for EnvPinSource {
    fn pin(&mut self, request: &PinRequest<'_>) -> Result<Pin> {
        let name = EnvPinSource::variable(request);
        match (self.lookup)(name) {
            Some(value) if !value.is_empty() => Ok(Pin::new(value)),
            _ => Err(Error::PinSourceUnavailable {
                kind: request.secret_kind(),
                reason: format!("the environment variable {name} is not set"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin_source::PinPurpose;
    use std::collections::HashMap;

    fn source(vars: &[(&str, &str)]) -> EnvPinSource {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        EnvPinSource::with_lookup(move |name| map.get(name).cloned())
    }

    #[test]
    fn current_and_new_secrets_come_from_their_own_variables() {
        let mut src = source(&[
            ("KNIK_PIN2", "12345"),
            ("KNIK_PUK", "12345678"),
            ("KNIK_NEW_PIN2", "54321"),
        ]);
        let sign = PinRequest::new(PinKind::Pin2, PinPurpose::Sign, "X");
        assert_eq!(src.pin(&sign).unwrap().expose(), b"12345");
        let puk = PinRequest::new(PinKind::Pin2, PinPurpose::Unblock, "X");
        assert_eq!(src.pin(&puk).unwrap().expose(), b"12345678");
        let new = PinRequest::new(PinKind::Pin2, PinPurpose::UnblockNew, "X");
        assert_eq!(src.pin(&new).unwrap().expose(), b"54321");
    }

    #[test]
    fn a_missing_variable_is_named_and_no_value_leaks() {
        let mut src = source(&[("KNIK_PIN2", "12345")]);
        let auth = PinRequest::new(PinKind::Pin1, PinPurpose::Authenticate, "X");
        let err = src.pin(&auth).unwrap_err();
        assert_eq!(
            err,
            Error::PinSourceUnavailable {
                kind: PinKind::Pin1,
                reason: "the environment variable KNIK_PIN1 is not set".into()
            }
        );
        let new_puk = PinRequest::new(PinKind::Puk, PinPurpose::ChangeNew, "X");
        let msg = src.pin(&new_puk).unwrap_err().to_string();
        assert!(
            msg.contains("KNIK_NEW_PUK") && !msg.contains("12345"),
            "{msg}"
        );
    }
}
