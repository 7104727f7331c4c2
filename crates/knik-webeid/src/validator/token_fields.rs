//! Step 1: the token's size, shape and fields (reference/web-eid.md §2.5 step 1, §2.4).
//!
//! [`AuthToken::parse`] applies the size limits and the per-format field rules but, like the
//! Java reference, ignores fields it does not know. The validator is stricter by default: a
//! field outside the `web-eid:1.0`/`1.1` vocabulary is refused. Since only those two exact
//! formats are accepted, a later minor version (the only legitimate source of new fields) is
//! refused by its `format` anyway, so strictness costs no compatibility.

use serde_json::Value;

use crate::Error;
use crate::error::clip;
use crate::token::AuthToken;

/// Every top-level field of `web-eid:1.0` and `web-eid:1.1`.
const TOKEN_FIELDS: &[&str] = &[
    "unverifiedCertificate",
    "algorithm",
    "signature",
    "format",
    "appVersion",
    "unverifiedIntermediateCertificates",
    "unverifiedSigningCertificates",
];

/// Every field of an `unverifiedSigningCertificates` entry.
const SIGNING_CERTIFICATE_FIELDS: &[&str] = &[
    "certificate",
    "intermediateCertificates",
    "supportedSignatureAlgorithms",
];

/// Reads the token; with `strict`, refuses fields outside the vocabulary.
pub(super) fn parse(text: &str, strict: bool) -> Result<AuthToken, Error> {
    // Size, JSON, format, algorithm, required fields and 1.0/1.1 rules, in that order.
    let token = AuthToken::parse(text)?;
    if strict {
        refuse_unknown_fields(text)?;
    }
    Ok(token)
}

fn refuse_unknown_fields(text: &str) -> Result<(), Error> {
    // `AuthToken::parse` accepted the text, so it is a JSON object of at most 64 KiB.
    let value: Value = serde_json::from_str(text).map_err(|e| Error::MalformedToken {
        reason: e.to_string(),
    })?;
    let Some(object) = value.as_object() else {
        return Err(Error::MalformedToken {
            reason: "the token is not a JSON object".to_owned(),
        });
    };
    if let Some(field) = object.keys().find(|k| !TOKEN_FIELDS.contains(&k.as_str())) {
        return Err(Error::TokenFieldUnknown {
            field: clip(field, 64),
        });
    }
    if let Some(Value::Array(entries)) = object.get("unverifiedSigningCertificates") {
        for (index, entry) in entries.iter().enumerate() {
            let Some(entry) = entry.as_object() else {
                continue;
            };
            if let Some(field) = entry
                .keys()
                .find(|k| !SIGNING_CERTIFICATE_FIELDS.contains(&k.as_str()))
            {
                return Err(Error::TokenFieldUnknown {
                    field: format!("unverifiedSigningCertificates[{index}].{}", clip(field, 64)),
                });
            }
        }
    }
    Ok(())
}
