//! Reading the options JavaScript passes: certificate lists (PEM text or DER bytes) and the
//! validation time.
//!
//! The JS-facing readers only unpack `JsValue`s; the checks live in plain functions that the
//! native unit tests exercise.

use js_sys::{Array, Uint8Array};
use knik_pki::{Certificate, TrustStore};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Failure;

/// Unpacks an optional array of certificates, each a PEM string (one or more blocks) or a
/// `Uint8Array` of DER or PEM, into the raw inputs. `undefined` and `null` are no certificates.
pub fn certificate_inputs(value: &JsValue, option: &str) -> Result<Vec<Vec<u8>>, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let Some(array) = value.dyn_ref::<Array>() else {
        return Err(Failure::option(
            option,
            "expected an array of PEM strings or Uint8Arrays",
        ));
    };
    array
        .iter()
        .enumerate()
        .map(|(index, item)| {
            if let Some(text) = item.as_string() {
                Ok(text.into_bytes())
            } else if let Some(bytes) = item.dyn_ref::<Uint8Array>() {
                Ok(bytes.to_vec())
            } else {
                Err(Failure::option(
                    &format!("{option}[{index}]"),
                    "expected a PEM string or a Uint8Array",
                ))
            }
        })
        .collect()
}

/// Reads every certificate of `inputs` (PEM blocks or one DER certificate each). A failure
/// carries knik-pki's code (`CERT_PEM_INVALID`, `DER_MALFORMED`, …).
pub fn read_certificates(inputs: &[Vec<u8>], option: &str) -> Result<Vec<Certificate>, Failure> {
    let mut certificates = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let read = Certificate::from_der_or_pem(input)
            .map_err(|e| Failure::new(e.code(), format!("option `{option}[{index}]`: {e}")))?;
        certificates.extend(read);
    }
    Ok(certificates)
}

/// The certificates of `inputs` as a trust store.
pub fn trust_store(inputs: &[Vec<u8>], option: &str) -> Result<TrustStore, Failure> {
    let mut store = TrustStore::new();
    for (index, certificate) in read_certificates(inputs, option)?.into_iter().enumerate() {
        store.add_certificate(certificate, &format!("{option}[{index}]"));
    }
    Ok(store)
}

/// The validation time: `undefined`/`null` for now (JavaScript's clock: `std` has none on
/// `wasm32-unknown-unknown`, where `OffsetDateTime::now_utc` panics), a `Date`, milliseconds
/// since the epoch, or an RFC 3339 string.
pub fn validation_time(value: &JsValue) -> Result<OffsetDateTime, Failure> {
    const OPTION: &str = "validationTime";
    if value.is_undefined() || value.is_null() {
        return time_from_millis(js_sys::Date::now(), OPTION);
    }
    let time = if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        time_from_millis(date.get_time(), OPTION)?
    } else if let Some(millis) = value.as_f64() {
        time_from_millis(millis, OPTION)?
    } else if let Some(text) = value.as_string() {
        time_from_rfc3339(&text, OPTION)?
    } else {
        return Err(Failure::option(
            OPTION,
            "expected a Date, an RFC 3339 string or milliseconds since 1970",
        ));
    };
    in_range(time, OPTION)
}

/// Validation times are years 1 to 9998: the report writes times in RFC 3339 (four-digit
/// years), and the checks add clock skews and grace periods to them.
pub fn in_range(time: OffsetDateTime, option: &str) -> Result<OffsetDateTime, Failure> {
    if (1..=9998).contains(&time.year()) {
        Ok(time)
    } else {
        Err(Failure::option(
            option,
            format!("year {} is outside 1..9998", time.year()),
        ))
    }
}

/// Milliseconds since 1970 (JavaScript's time value) as a UTC time.
pub fn time_from_millis(millis: f64, option: &str) -> Result<OffsetDateTime, Failure> {
    if !millis.is_finite() {
        return Err(Failure::option(option, "not a valid date"));
    }
    // JavaScript dates span ±8.64e15 ms, well inside i128 nanoseconds. Whole milliseconds
    // times 10^6 in integers: a Date is exact, without f64 noise in the nanoseconds.
    let nanos = (millis.round() as i128) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|e| Failure::option(option, e))
}

/// An RFC 3339 date-time (`2026-03-01T12:00:00Z`).
pub fn time_from_rfc3339(text: &str, option: &str) -> Result<OffsetDateTime, Failure> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
        Failure::option(
            option,
            format!("`{text}` is not an RFC 3339 date-time ({e})"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;

    fn pki(relative: &str) -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/pki/");
        std::fs::read(format!("{path}{relative}")).expect("a test PKI file")
    }

    #[test]
    fn pem_chains_and_der_both_read() {
        let chain = read_certificates(&[pki("chain-citizen-ca.pem")], "trustAnchors")
            .expect("the citizen chain");
        assert_eq!(chain.len(), 2);
        let der = read_certificates(&[pki("root.der")], "trustAnchors").expect("the root");
        assert_eq!(der.len(), 1);
        assert_eq!(der[0], chain[1]);
    }

    #[test]
    fn unreadable_certificates_keep_knik_pki_codes() {
        let junk =
            read_certificates(&[b"not a certificate".to_vec()], "trustAnchors").expect_err("junk");
        assert_eq!(junk.code, "DER_MALFORMED");
        assert!(junk.message.contains("trustAnchors[0]"), "{}", junk.message);
        let broken_pem = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let pem = read_certificates(&[broken_pem.to_vec()], "x").expect_err("broken PEM");
        assert_ne!(pem.code, codes::OPTIONS_INVALID);
    }

    #[test]
    fn times_read_from_millis_and_rfc3339_agree() {
        let from_text = time_from_rfc3339("2026-03-01T12:00:00Z", "t").expect("RFC 3339");
        let from_millis = time_from_millis(1_772_366_400_000.0, "t").expect("millis");
        assert_eq!(from_text, from_millis);
        let bad = time_from_rfc3339("yesterday", "validationTime").expect_err("not a date");
        assert_eq!(bad.code, codes::OPTIONS_INVALID);
        assert_eq!(
            time_from_millis(f64::NAN, "t").expect_err("NaN").code,
            codes::OPTIONS_INVALID
        );
        let exact = time_from_millis(1_772_366_400_123.0, "t").expect("millis");
        assert_eq!(exact.nanosecond(), 123_000_000, "no floating-point noise");
        for year in ["0000-06-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
            let t = time_from_rfc3339(year, "t").expect("parses");
            assert_eq!(
                in_range(t, "t").expect_err(year).code,
                codes::OPTIONS_INVALID
            );
        }
        let t = time_from_rfc3339("9998-12-31T23:59:59Z", "t").expect("parses");
        assert!(in_range(t, "t").is_ok());
    }
}
