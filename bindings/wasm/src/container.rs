//! `verifyContainer`: an ASiC-E container's bytes → the report of `knik verify --json`.

use std::io::Cursor;

use knik::report::Report;
use knik::verify::{VerifyOptions, verify};
use time::OffsetDateTime;
use wasm_bindgen::prelude::*;

use crate::error::{Failure, codes};
use crate::options::{certificate_inputs, read_certificates, trust_store, validation_time};

/// Verifies the container in `bytes` at `at` against the trust anchors and intermediates
/// (PEM or DER each). A bad container is a verdict in the report, never an error; only an
/// unreadable certificate option fails.
pub fn verify_bytes(
    bytes: &[u8],
    trust_anchors: &[Vec<u8>],
    intermediates: &[Vec<u8>],
    at: OffsetDateTime,
) -> Result<Report, Failure> {
    let options = VerifyOptions {
        trust: trust_store(trust_anchors, "trustAnchors")?,
        chain: read_certificates(intermediates, "intermediates")?,
        at: Some(at),
        ..VerifyOptions::default()
    };
    Ok(verify(Cursor::new(bytes), &options))
}

/// Verifies an ASiC-E container (JavaScript: `verifyContainer`; the ESM wrapper passes the
/// options one by one).
///
/// `trust_anchors` and `intermediates` are arrays of PEM strings or `Uint8Array`s (or
/// `undefined`); `validation_time` is a `Date`, an RFC 3339 string, milliseconds, or
/// `undefined` for now. Returns the report as a plain object, the JSON of
/// `knik verify --json`. Throws a `KnikError` only for bad options.
#[wasm_bindgen(js_name = verifyContainer)]
pub fn verify_container(
    bytes: &[u8],
    trust_anchors: JsValue,
    intermediates: JsValue,
    validation_time_value: JsValue,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue, Failure> {
        let anchors = certificate_inputs(&trust_anchors, "trustAnchors")?;
        let intermediates = certificate_inputs(&intermediates, "intermediates")?;
        let at = validation_time(&validation_time_value)?;
        let report = verify_bytes(bytes, &anchors, &intermediates, at)?;
        report_to_js(&report)
    };
    run().map_err(Failure::into_js)
}

/// The report as a plain JavaScript object, through its JSON (the serde shape of the CLI).
fn report_to_js(report: &Report) -> Result<JsValue, Failure> {
    let json =
        serde_json::to_string(report).map_err(|e| Failure::new(codes::INTERNAL, e.to_string()))?;
    js_sys::JSON::parse(&json)
        .map_err(|_| Failure::new(codes::INTERNAL, "the report's JSON did not parse"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use knik::Verdict;

    #[test]
    fn bytes_that_are_not_a_zip_are_a_verdict_not_an_error() {
        let at = OffsetDateTime::from_unix_timestamp(1_772_366_400).expect("a time");
        let report = verify_bytes(b"definitely not a zip", &[], &[], at).expect("a report");
        assert_eq!(report.verdict, Verdict::Invalid);
        assert_eq!(report.codes(), ["ZIP_NOT_ZIP"]);
        assert_eq!(report.validation_time, "2026-03-01T12:00:00Z");
    }

    #[test]
    fn an_unreadable_trust_anchor_is_an_error() {
        let at = OffsetDateTime::from_unix_timestamp(0).expect("a time");
        let failure = verify_bytes(b"PK", &[b"junk".to_vec()], &[], at).expect_err("junk anchor");
        assert_eq!(failure.code, "DER_MALFORMED");
    }
}
