//! MID-REST request bodies (reference/mobile-id.md §1.3): `POST /certificate`,
//! `POST /authentication`, `POST /signature`.
//!
//! Built from our own validated types by the client, and read strictly by the simulator.

use core::fmt;

use serde::Serialize;

use super::json::{Fields, base64_bytes, parse_object};
use crate::codes::{DisplayTextFormat, HashType, Language};
use crate::display_text::DisplayText;
use crate::error::Error;
use crate::hash::SignableHash;
use crate::person::Person;
use crate::provider::SessionRequest;

/// Longest `relyingPartyName` accepted (the name is shown on the phone).
const MAX_RP_NAME: usize = 100;
/// Longest phone number or identity number accepted when reading a request.
const MAX_ID_LEN: usize = 32;
/// Longest display text read from a request (100 GSM-7 characters).
const MAX_DISPLAY_TEXT: usize = 100;

/// The relying party: its name (shown on the phone, case-insensitive) and its UUID (a shared
/// secret, case-sensitive lower-case 8-4-4-4-12; reference §1.2).
///
/// `Debug` never shows the UUID: it must not reach logs or a mobile app.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RelyingParty {
    #[serde(rename = "relyingPartyUUID")]
    uuid: String,
    #[serde(rename = "relyingPartyName")]
    name: String,
}

impl RelyingParty {
    /// Checks the UUID's canonical lower-case form and that the name is non-empty.
    pub fn new(uuid: &str, name: &str) -> Result<Self, Error> {
        if !is_canonical_uuid(uuid) {
            return Err(Error::InvalidRelyingParty {
                reason: "UUID must be lower-case hexadecimal in 8-4-4-4-12 form",
            });
        }
        if name.trim().is_empty() || name.chars().count() > MAX_RP_NAME {
            return Err(Error::InvalidRelyingParty {
                reason: "name must be 1 to 100 characters",
            });
        }
        Ok(RelyingParty {
            uuid: uuid.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The UUID (a secret: keep it on the server).
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// The name shown on the phone.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a request's credentials are this relying party's: UUID exact, name
    /// case-insensitive (reference §1.2). For the simulator's authorisation check.
    pub fn matches(&self, uuid: &str, name: &str) -> bool {
        self.uuid == uuid && self.name.to_lowercase() == name.to_lowercase()
    }
}

impl fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RelyingParty")
            .field("uuid", &"<redacted>")
            .field("name", &self.name)
            .finish()
    }
}

fn is_canonical_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, len)| {
            g.len() == len && g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        })
}

/// Body of `POST /certificate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateRequest {
    /// Relying party name and UUID.
    #[serde(flatten)]
    pub relying_party: RelyingParty,
    /// `phoneNumber`, international form.
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
    /// `nationalIdentityNumber`.
    #[serde(rename = "nationalIdentityNumber")]
    pub national_identity_number: String,
}

impl CertificateRequest {
    /// The request for `person`'s signing certificate.
    pub fn new(relying_party: &RelyingParty, person: &Person) -> Self {
        CertificateRequest {
            relying_party: relying_party.clone(),
            phone_number: person.phone().as_str().to_owned(),
            national_identity_number: person.national_identity_number().as_str().to_owned(),
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain strings always serialise")
    }
}

/// Body of `POST /authentication` and `POST /signature` (the same fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStartRequest {
    /// Relying party name and UUID.
    #[serde(flatten)]
    pub relying_party: RelyingParty,
    /// `phoneNumber`.
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
    /// `nationalIdentityNumber`.
    #[serde(rename = "nationalIdentityNumber")]
    pub national_identity_number: String,
    /// `hash`: the raw digest, sent as base64.
    #[serde(rename = "hash", serialize_with = "base64_bytes::serialize")]
    pub hash: Vec<u8>,
    /// `hashType`.
    #[serde(rename = "hashType")]
    pub hash_type: HashType,
    /// `language` of the prompt.
    #[serde(rename = "language")]
    pub language: Language,
    /// Optional `displayText`.
    #[serde(rename = "displayText", skip_serializing_if = "Option::is_none")]
    pub display_text: Option<String>,
    /// Optional `displayTextFormat` (default GSM-7).
    #[serde(rename = "displayTextFormat", skip_serializing_if = "Option::is_none")]
    pub display_text_format: Option<DisplayTextFormat>,
}

impl SessionStartRequest {
    /// The wire body for one of our [`SessionRequest`]s.
    pub fn new(relying_party: &RelyingParty, request: &SessionRequest) -> Self {
        SessionStartRequest {
            relying_party: relying_party.clone(),
            phone_number: request.person.phone().as_str().to_owned(),
            national_identity_number: request
                .person
                .national_identity_number()
                .as_str()
                .to_owned(),
            hash: request.hash.digest().to_vec(),
            hash_type: request.hash.hash_type(),
            language: request.language,
            display_text: request.display_text.as_ref().map(|t| t.text().to_owned()),
            display_text_format: request.display_text.as_ref().map(DisplayText::format),
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain strings always serialise")
    }

    /// The hash with its type, lengths checked.
    pub fn signable_hash(&self) -> Result<SignableHash, Error> {
        SignableHash::new(self.hash_type, &self.hash)
    }
}

fn read_relying_party(f: &Fields<'_>) -> Result<RelyingParty, Error> {
    // Read as text, not validated as a UUID: a wrong UUID is the simulator's 401, not a 400.
    Ok(RelyingParty {
        uuid: f.required_text("relyingPartyUUID", 64)?,
        name: f.required_text("relyingPartyName", MAX_RP_NAME)?,
    })
}

/// Reads a `POST /certificate` body strictly (for the simulator).
pub fn parse_certificate_request(body: &[u8]) -> Result<CertificateRequest, Error> {
    const WHAT: &str = "certificate request";
    let map = parse_object(WHAT, body)?;
    let f = Fields::new(WHAT, &map);
    Ok(CertificateRequest {
        relying_party: read_relying_party(&f)?,
        phone_number: f.required_text("phoneNumber", MAX_ID_LEN)?,
        national_identity_number: f.required_text("nationalIdentityNumber", MAX_ID_LEN)?,
    })
}

/// Reads a `POST /authentication` or `POST /signature` body strictly (for the simulator),
/// including the check that the hash has the length of its `hashType`.
pub fn parse_session_start_request(body: &[u8]) -> Result<SessionStartRequest, Error> {
    const WHAT: &str = "session start request";
    let map = parse_object(WHAT, body)?;
    let f = Fields::new(WHAT, &map);
    let request = SessionStartRequest {
        relying_party: read_relying_party(&f)?,
        phone_number: f.required_text("phoneNumber", MAX_ID_LEN)?,
        national_identity_number: f.required_text("nationalIdentityNumber", MAX_ID_LEN)?,
        hash: f.required_base64("hash")?,
        hash_type: f.required_code("hashType", HashType::from_wire)?,
        language: f.required_code("language", Language::from_wire)?,
        display_text: f.optional_text("displayText", MAX_DISPLAY_TEXT)?,
        display_text_format: f.optional_code("displayTextFormat", DisplayTextFormat::from_wire)?,
    };
    request.signable_hash()?;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relying_party_uuid_is_canonical_and_never_printed() {
        let rp = RelyingParty::new("00000000-0000-0000-0000-000000000000", "DEMO").unwrap();
        assert!(!format!("{rp:?}").contains("0000-0000"));
        assert!(rp.matches("00000000-0000-0000-0000-000000000000", "demo"));
        assert!(!rp.matches("00000000-0000-0000-0000-000000000001", "DEMO"));
        for bad in [
            "00000000-0000-0000-0000-00000000000A",
            "00000000000000000000000000000000",
            "00000000-0000-0000-0000-0000000000000",
        ] {
            assert!(RelyingParty::new(bad, "DEMO").is_err(), "{bad}");
        }
        assert!(RelyingParty::new("00000000-0000-0000-0000-000000000000", " ").is_err());
    }
}
