//! The TLS pins of the mobile ID service: base64(SHA-256(SubjectPublicKeyInfo DER)) of the keys
//! its server may present (reference/mobile-id.md §1.7 and §6.4: several pins at once, current
//! and next, replaceable from configuration without a release).

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use knik_pki::{Certificate, HashAlgorithm};

use crate::error::Error;

/// The most pins accepted: a service has a current key and a next one, a few more at most.
const MAX_PINS: usize = 16;

/// The largest pin file read (a few lines of base64 and comments).
const MAX_PIN_FILE: u64 = 64 * 1024;

/// A non-empty set of SPKI SHA-256 pins.
#[derive(Clone, PartialEq, Eq)]
pub struct Pins {
    pins: Vec<[u8; 32]>,
}

impl Pins {
    /// Pins from a list of base64 values (`"5NOeo4mL…="`). At least one is required.
    pub fn new<S: AsRef<str>>(pins: impl IntoIterator<Item = S>) -> Result<Self, Error> {
        let mut out = Vec::new();
        for (i, pin) in pins.into_iter().enumerate() {
            let value = decode(pin.as_ref())
                .map_err(|reason| invalid(format!("pin {}: {reason}", i + 1)))?;
            push(&mut out, value)?;
        }
        Self::non_empty(out)
    }

    /// Pins from text with one base64 pin per line; `#` starts a comment, blank lines are
    /// skipped (the format of `test-vectors/mobile-id/*.pin` and of a deployment's pin file).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let value =
                decode(line).map_err(|reason| invalid(format!("line {}: {reason}", n + 1)))?;
            push(&mut out, value)?;
        }
        Self::non_empty(out)
    }

    /// Pins from a file in the [`parse`](Self::parse) format, so an operator can replace them
    /// when the service's certificate is renewed.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let io = |e: std::io::Error| invalid(format!("{}: {e}", path.display()));
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_PIN_FILE {
            return Err(invalid(format!(
                "{}: {len} bytes, a pin file has at most {MAX_PIN_FILE}",
                path.display()
            )));
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::parse(&text).map_err(|e| match e {
            Error::InvalidPins { reason } => invalid(format!("{}: {reason}", path.display())),
            other => other,
        })
    }

    /// These pins and `other`'s (e.g. a list from the configuration and a pin file).
    pub fn merged(mut self, other: &Pins) -> Result<Self, Error> {
        for pin in &other.pins {
            push(&mut self.pins, *pin)?;
        }
        Ok(self)
    }

    /// The pin of a certificate (DER or PEM): what an operator writes into the pin file.
    pub fn pin_of_certificate(certificate: &[u8]) -> Result<String, Error> {
        let certificate = Certificate::from_der_or_pem(certificate)?
            .into_iter()
            .next()
            .ok_or_else(|| invalid("no certificate given"))?;
        Ok(STANDARD.encode(spki_sha256(certificate.subject_public_key_info_der())))
    }

    /// Whether the key with this SubjectPublicKeyInfo (DER) is pinned.
    pub fn contains_spki(&self, spki_der: &[u8]) -> bool {
        let digest = spki_sha256(spki_der);
        self.pins.contains(&digest)
    }

    /// The pins, base64.
    pub fn to_base64(&self) -> Vec<String> {
        self.pins.iter().map(|p| STANDARD.encode(p)).collect()
    }

    /// How many pins there are (at least one).
    pub fn len(&self) -> usize {
        self.pins.len()
    }

    /// Always false: a pin set is never empty.
    pub fn is_empty(&self) -> bool {
        self.pins.is_empty()
    }

    fn non_empty(pins: Vec<[u8; 32]>) -> Result<Self, Error> {
        if pins.is_empty() {
            return Err(invalid(
                "no pins given: without one no server can be trusted",
            ));
        }
        Ok(Pins { pins })
    }
}

impl core::fmt::Debug for Pins {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Pins").field(&self.to_base64()).finish()
    }
}

/// base64(SHA-256(SPKI DER)) of `spki_der`.
pub(crate) fn pin_of_spki(spki_der: &[u8]) -> String {
    STANDARD.encode(spki_sha256(spki_der))
}

fn spki_sha256(spki_der: &[u8]) -> [u8; 32] {
    let digest = HashAlgorithm::Sha256.digest(spki_der);
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest);
    out
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidPins {
        reason: reason.into(),
    }
}

fn decode(pin: &str) -> Result<[u8; 32], String> {
    let pin = pin.trim();
    let bytes = STANDARD
        .decode(pin)
        .map_err(|e| format!("not base64 ({e})"))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "{} bytes; a pin is the 32-byte SHA-256 of the SubjectPublicKeyInfo",
            bytes.len()
        )
    })
}

fn push(pins: &mut Vec<[u8; 32]>, value: [u8; 32]) -> Result<(), Error> {
    if pins.contains(&value) {
        return Ok(());
    }
    if pins.len() == MAX_PINS {
        return Err(invalid(format!("more than {MAX_PINS} pins")));
    }
    pins.push(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIM_PIN: &str = "5NOeo4mLSzsv1r9LHBNc35vXkCGwG94p8d26gYPe7hI=";

    fn vector(name: &str) -> String {
        let path = format!(
            "{}/../../test-vectors/mobile-id/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_pin_of_the_simulator_certificate_is_the_published_one() {
        let pin = Pins::pin_of_certificate(vector("sim-tls.pem").as_bytes()).unwrap();
        assert_eq!(pin, vector("sim-tls.pin").trim());
        let pins = Pins::parse(&vector("sim-tls.pin")).unwrap();
        let cert = Certificate::from_pem(&vector("sim-tls.pem")).unwrap();
        assert!(pins.contains_spki(cert.subject_public_key_info_der()));
        let impostor = Certificate::from_pem(&vector("impostor-tls.pem")).unwrap();
        assert!(!pins.contains_spki(impostor.subject_public_key_info_der()));
    }

    #[test]
    fn a_pin_file_takes_comments_blank_lines_and_several_pins() {
        let text = format!(
            "# mobile ID service, current key\n{SIM_PIN}\n\n  {}  # next key, from 2027\n",
            vector("impostor-tls.pin").trim()
        );
        let pins = Pins::parse(&text).unwrap();
        assert_eq!(pins.len(), 2);
        assert_eq!(pins.to_base64()[0], SIM_PIN);
    }

    #[test]
    fn malformed_or_missing_pins_are_refused_with_the_line() {
        let err = Pins::parse("# only a comment\n\n").unwrap_err();
        assert_eq!(err.code(), "MID_INVALID_PINS");
        let Error::InvalidPins { reason } =
            Pins::parse(&format!("{SIM_PIN}\nnot-base64!\n")).unwrap_err()
        else {
            panic!("InvalidPins expected")
        };
        assert!(reason.starts_with("line 2:"), "{reason}");
        // A SHA-1 sized value is not a SHA-256 pin.
        let Error::InvalidPins { reason } =
            Pins::new(["AAAAAAAAAAAAAAAAAAAAAAAAAAA="]).unwrap_err()
        else {
            panic!("InvalidPins expected")
        };
        assert!(reason.contains("20 bytes"), "{reason}");
        assert!(Pins::new(Vec::<String>::new()).is_err());
    }

    #[test]
    fn a_pin_file_is_read_and_its_errors_name_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mid.pins");
        std::fs::write(&path, format!("{SIM_PIN}\n")).unwrap();
        assert_eq!(Pins::from_file(&path).unwrap().len(), 1);
        std::fs::write(&path, "xyz\n").unwrap();
        let err = Pins::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("mid.pins") && err.contains("line 1"), "{err}");
        let err = Pins::from_file(&dir.path().join("missing")).unwrap_err();
        assert_eq!(err.code(), "MID_INVALID_PINS");
    }

    #[test]
    fn merging_keeps_each_pin_once() {
        let a = Pins::new([SIM_PIN]).unwrap();
        let b = Pins::parse(&format!("{SIM_PIN}\n{}", vector("impostor-tls.pin"))).unwrap();
        assert_eq!(a.merged(&b).unwrap().len(), 2);
    }
}
