//! Producing a XAdES baseline B-B signature in two phases (EN 319 132-1 §4, §5.2; layout of
//! libdigidocpp, reference/signing.md §2.5): [`prepare`] builds `SignedProperties` and
//! `SignedInfo` and returns the digest to sign; [`PreparedSignature::finish`] (or
//! [`PreparedState::finish`] in another process) inserts the signature value.

use knik_pki::{Certificate, HashAlgorithm, PublicKey};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::document::SignatureDocument;
use super::splice::{element_span, escape_attribute, escape_text, insert_at};
use super::{ASIC_NS, SIGNED_PROPERTIES_TYPE, XADES_NS};
use crate::c14n::{Algorithm, Canonicalizer};
use crate::dsig::{
    self, DS, SignatureMethod, digest_method_uri, ecdsa_field_len, ecdsa_to_raw, encode_base64,
    verify_signature_value,
};
use crate::error::{Error, Result};
use crate::xml::Document;

/// One data object (a file of the container) to sign, digested by the caller while streaming
/// the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataObject {
    /// The reference URI: the file name percent-encoded per RFC 3986 (space → `%20`).
    pub uri: String,
    /// Its media type, written to `DataObjectFormat/MimeType` (equal to the manifest's).
    pub mime_type: String,
    /// The hash used for `digest`.
    pub digest_algorithm: HashAlgorithm,
    /// The digest of the file's raw bytes.
    pub digest: Vec<u8>,
}

/// `SignatureProductionPlaceV2` (EN 319 132-1 §5.2.5): where the signer says they signed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductionPlace {
    /// City.
    pub city: Option<String>,
    /// Street address.
    pub street_address: Option<String>,
    /// State or province.
    pub state_or_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country name.
    pub country_name: Option<String>,
}

impl ProductionPlace {
    fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, v)| v.is_none())
    }

    fn fields(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("City", &self.city),
            ("StreetAddress", &self.street_address),
            ("StateOrProvince", &self.state_or_province),
            ("PostalCode", &self.postal_code),
            ("CountryName", &self.country_name),
        ]
    }
}

/// Choices for a new signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureOptions {
    /// The `ds:Signature` Id; the other ids derive from it (`S0-RefId0`, `S0-SignedProperties`,
    /// `S0-SIG`). Default `S0`.
    pub id: String,
    /// The canonicalization of SignedInfo, SignedProperties and the time-stamps. Default
    /// C14N 1.1 (libdigidocpp's); use exclusive C14N for xadesjs compatibility.
    pub c14n: Algorithm,
    /// `SigningCertificateV2` (default) or the V1 `SigningCertificate` with IssuerSerial.
    pub signing_certificate_v2: bool,
    /// The claimed signing time; `None` takes the current time (not available on
    /// `wasm32-unknown-unknown`: pass it there).
    pub signing_time: Option<OffsetDateTime>,
    /// RSA keys: RSASSA-PSS instead of PKCS#1 v1.5.
    pub rsa_pss: bool,
    /// `SignatureProductionPlaceV2`, when given.
    pub production_place: Option<ProductionPlace>,
    /// `SignerRoleV2/ClaimedRoles`, when not empty.
    pub claimed_roles: Vec<String>,
}

impl Default for SignatureOptions {
    fn default() -> Self {
        SignatureOptions {
            id: "S0".to_owned(),
            c14n: Algorithm::Inclusive11,
            signing_certificate_v2: true,
            signing_time: None,
            rsa_pss: false,
            production_place: None,
            claimed_roles: Vec::new(),
        }
    }
}

/// The state between the two phases: plain data (serde) so that another process can finish
/// the signature. [`PreparedState::finish`] re-derives everything from the XML it carries and
/// checks the value against the certificate in it, so a tampered state cannot yield a
/// signature that does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedState {
    /// Format version of this state (1).
    version: u32,
    /// The `ds:Signature` Id.
    signature_id: String,
    /// The signature method URI.
    signature_method: String,
    /// Base64 of the digest to sign.
    digest_to_sign: String,
    /// The signature file with an empty `SignatureValue`.
    xml: String,
}

/// Phase 1's result: the digest to sign and the state to finish with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedSignature {
    state: PreparedState,
    method: SignatureMethod,
    digest: Vec<u8>,
}

/// Checks an identifier value we will write (an NCName without colons, as XML `Id`s need).
fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.chars().enumerate().all(|(i, c)| match c {
            'a'..='z' | 'A'..='Z' | '_' => true,
            '0'..='9' | '-' | '.' => i > 0,
            _ => false,
        });
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidSignatureInput {
            what: "id",
            reason: format!("{id:?} is not an XML identifier (letters, digits, '-', '_', '.')"),
        })
    }
}

fn check_text(what: &'static str, value: &str) -> Result<()> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n'))
    {
        return Err(Error::InvalidSignatureInput {
            what,
            reason: format!("{value:?} contains a control character"),
        });
    }
    Ok(())
}

fn check_data_object(d: &DataObject) -> Result<()> {
    if d.uri.is_empty()
        || d.uri.starts_with('#')
        || d.uri.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::InvalidSignatureInput {
            what: "data object URI",
            reason: format!(
                "{:?} must be a non-empty percent-encoded name (no spaces, not starting with '#')",
                d.uri
            ),
        });
    }
    let mime_ok = d
        .mime_type
        .split_once('/')
        .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
        && !d
            .mime_type
            .chars()
            .any(|c| c.is_whitespace() || c.is_control());
    if !mime_ok {
        return Err(Error::InvalidSignatureInput {
            what: "data object media type",
            reason: format!("{:?} is not type/subtype", d.mime_type),
        });
    }
    if d.digest.len() != d.digest_algorithm.output_len() {
        return Err(Error::InvalidSignatureInput {
            what: "data object digest",
            reason: format!(
                "{} bytes given for {}, which has {}",
                d.digest.len(),
                d.digest_algorithm,
                d.digest_algorithm.output_len()
            ),
        });
    }
    Ok(())
}

/// `YYYY-MM-DDThh:mm:ssZ` in UTC, no fraction (what libdigidocpp writes and every validator
/// reads).
pub(crate) fn format_signing_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A big-endian unsigned integer in decimal (X509SerialNumber is an xsd:integer).
pub(crate) fn decimal(bytes: &[u8]) -> String {
    let mut num: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    if num.is_empty() {
        return "0".to_owned();
    }
    let mut digits = Vec::new();
    while !num.is_empty() {
        let mut rem = 0u32;
        for b in num.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = u8::try_from(cur / 10).unwrap_or(0);
            rem = cur % 10;
        }
        digits.push(b'0' + u8::try_from(rem).unwrap_or(0));
        let lead = num.iter().take_while(|&&b| b == 0).count();
        num.drain(..lead);
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// The signature method and hash for the signer's key.
fn method_for(key: &PublicKey, rsa_pss: bool) -> Result<SignatureMethod> {
    match key {
        PublicKey::EcP256(_) => Ok(SignatureMethod::EcdsaSha256),
        PublicKey::EcP384(_) => Ok(SignatureMethod::EcdsaSha384),
        PublicKey::Rsa(_) => Ok(SignatureMethod::rsa(HashAlgorithm::Sha256, rsa_pss)),
        other => Err(Error::InvalidSignatureInput {
            what: "signer certificate",
            reason: format!("cannot sign with a {} key", other.key_description()),
        }),
    }
}

/// The pieces of the signature file, rendered twice (before and after the SignedProperties
/// digest is known).
struct Template<'a> {
    id: &'a str,
    c14n: Algorithm,
    method: SignatureMethod,
    data: &'a [DataObject],
    certificate_b64: String,
    signed_properties: String,
}

impl Template<'_> {
    fn render(&self, signed_properties_digest: &str) -> String {
        let id = self.id;
        let mut x = String::with_capacity(4096 + self.certificate_b64.len());
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str(&format!(
            "<asic:XAdESSignatures xmlns:asic=\"{ASIC_NS}\" xmlns:ds=\"{DS}\" xmlns:xades=\"{XADES_NS}\">"
        ));
        x.push_str(&format!("<ds:Signature Id=\"{id}\"><ds:SignedInfo>"));
        x.push_str(&format!(
            "<ds:CanonicalizationMethod Algorithm=\"{}\"/><ds:SignatureMethod Algorithm=\"{}\"/>",
            self.c14n.uri(),
            self.method.uri()
        ));
        for (i, d) in self.data.iter().enumerate() {
            x.push_str(&format!(
                "<ds:Reference Id=\"{id}-RefId{i}\" URI=\"{}\"><ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{}</ds:DigestValue></ds:Reference>",
                escape_attribute(&d.uri),
                digest_method_uri(d.digest_algorithm),
                encode_base64(&d.digest)
            ));
        }
        x.push_str(&format!(
            "<ds:Reference Id=\"{id}-RefId{n}\" Type=\"{SIGNED_PROPERTIES_TYPE}\" URI=\"#{id}-SignedProperties\"><ds:Transforms><ds:Transform Algorithm=\"{c14n}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{dm}\"/><ds:DigestValue>{signed_properties_digest}</ds:DigestValue></ds:Reference>",
            n = self.data.len(),
            c14n = self.c14n.uri(),
            dm = digest_method_uri(HashAlgorithm::Sha256),
        ));
        x.push_str("</ds:SignedInfo>");
        x.push_str(&format!(
            "<ds:SignatureValue Id=\"{id}-SIG\"></ds:SignatureValue>"
        ));
        x.push_str(&format!(
            "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>",
            self.certificate_b64
        ));
        x.push_str(&format!(
            "<ds:Object><xades:QualifyingProperties Target=\"#{id}\">{}</xades:QualifyingProperties></ds:Object>",
            self.signed_properties
        ));
        x.push_str("</ds:Signature></asic:XAdESSignatures>");
        x
    }
}

fn signed_properties(
    id: &str,
    cert: &Certificate,
    data: &[DataObject],
    options: &SignatureOptions,
    signing_time: OffsetDateTime,
) -> String {
    let mut x = format!(
        "<xades:SignedProperties Id=\"{id}-SignedProperties\"><xades:SignedSignatureProperties><xades:SigningTime>{}</xades:SigningTime>",
        format_signing_time(signing_time)
    );
    let cert_digest = format!(
        "<xades:CertDigest><ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{}</ds:DigestValue></xades:CertDigest>",
        digest_method_uri(HashAlgorithm::Sha256),
        encode_base64(&cert.fingerprint_sha256())
    );
    if options.signing_certificate_v2 {
        x.push_str(&format!(
            "<xades:SigningCertificateV2><xades:Cert>{cert_digest}</xades:Cert></xades:SigningCertificateV2>"
        ));
    } else {
        x.push_str(&format!(
            "<xades:SigningCertificate><xades:Cert>{cert_digest}<xades:IssuerSerial><ds:X509IssuerName>{}</ds:X509IssuerName><ds:X509SerialNumber>{}</ds:X509SerialNumber></xades:IssuerSerial></xades:Cert></xades:SigningCertificate>",
            escape_text(&cert.issuer().to_rfc4514()),
            decimal(cert.serial_number_bytes())
        ));
    }
    if let Some(place) = options.production_place.as_ref().filter(|p| !p.is_empty()) {
        x.push_str("<xades:SignatureProductionPlaceV2>");
        for (name, value) in place.fields() {
            if let Some(v) = value {
                x.push_str(&format!("<xades:{name}>{}</xades:{name}>", escape_text(v)));
            }
        }
        x.push_str("</xades:SignatureProductionPlaceV2>");
    }
    if !options.claimed_roles.is_empty() {
        x.push_str("<xades:SignerRoleV2><xades:ClaimedRoles>");
        for role in &options.claimed_roles {
            x.push_str(&format!(
                "<xades:ClaimedRole>{}</xades:ClaimedRole>",
                escape_text(role)
            ));
        }
        x.push_str("</xades:ClaimedRoles></xades:SignerRoleV2>");
    }
    x.push_str("</xades:SignedSignatureProperties><xades:SignedDataObjectProperties>");
    for (i, d) in data.iter().enumerate() {
        x.push_str(&format!(
            "<xades:DataObjectFormat ObjectReference=\"#{id}-RefId{i}\"><xades:MimeType>{}</xades:MimeType></xades:DataObjectFormat>",
            escape_text(&d.mime_type)
        ));
    }
    x.push_str("</xades:SignedDataObjectProperties></xades:SignedProperties>");
    x
}

/// Phase 1: builds the signature over `data` for the signer certificate and returns the
/// digest to sign (hash of the canonical SignedInfo) with the state for phase 2.
///
/// The hash follows the key: P-256 → SHA-256, P-384 → SHA-384, RSA → SHA-256 (PKCS#1 v1.5, or
/// PSS with `options.rsa_pss`). The signing time is fixed here.
///
/// # Errors
/// [`Error::InvalidSignatureInput`] for no data objects, a bad id, URI, media type, digest
/// length, role or place, or a key that cannot sign; [`Error::Pki`] for an unreadable
/// certificate.
pub fn prepare(
    signer_certificate_der: &[u8],
    data: &[DataObject],
    options: &SignatureOptions,
) -> Result<PreparedSignature> {
    let cert = Certificate::from_der(signer_certificate_der).map_err(|source| Error::Pki {
        context: "signer certificate",
        source,
    })?;
    check_id(&options.id)?;
    if data.is_empty() {
        return Err(Error::InvalidSignatureInput {
            what: "data objects",
            reason: "nothing to sign".to_owned(),
        });
    }
    data.iter().try_for_each(check_data_object)?;
    for role in &options.claimed_roles {
        check_text("claimed role", role)?;
    }
    if let Some(place) = &options.production_place {
        for (_, v) in place.fields() {
            if let Some(v) = v {
                check_text("production place", v)?;
            }
        }
    }
    let method = method_for(cert.public_key(), options.rsa_pss)?;
    let signing_time = options.signing_time.unwrap_or_else(OffsetDateTime::now_utc);
    let c14n = options.c14n.without_comments();
    let id = options.id.as_str();
    let template = Template {
        id,
        c14n,
        method,
        data,
        certificate_b64: encode_base64(cert.as_der()),
        signed_properties: signed_properties(id, &cert, data, options, signing_time),
    };

    // SignedProperties canonicalised in place (inclusive c14n sees the root's namespaces).
    let draft = template.render("");
    let doc = Document::parse(draft.as_bytes())?;
    let sp = doc
        .element_by_id(&format!("{id}-SignedProperties"))
        .ok_or_else(|| Error::MalformedSignature {
            element: "xades:SignedProperties",
            reason: "not found in the built signature".to_owned(),
        })?;
    let sp_digest = HashAlgorithm::Sha256.digest(&Canonicalizer::new(c14n).subtree_to_vec(sp)?);
    let xml = template.render(&encode_base64(&sp_digest));

    let doc = Document::parse(xml.as_bytes())?;
    let signature = doc
        .element_by_id(id)
        .ok_or_else(|| Error::SignatureNotFound {
            reason: format!("built signature {id:?} is missing"),
        })?;
    let si = dsig::canonical_signed_info(signature)?;
    Ok(PreparedSignature {
        state: PreparedState {
            version: 1,
            signature_id: id.to_owned(),
            signature_method: method.uri().to_owned(),
            digest_to_sign: encode_base64(&si.digest),
            xml,
        },
        method,
        digest: si.digest,
    })
}

impl PreparedSignature {
    /// The digest the signer signs: the hash of the canonical SignedInfo with
    /// [`hash_algorithm`](Self::hash_algorithm). A card signs it as is (ECDSA, or RSA with the
    /// DigestInfo prepended by the token or the caller).
    pub fn digest_to_sign(&self) -> &[u8] {
        &self.digest
    }

    /// The hash of [`digest_to_sign`](Self::digest_to_sign).
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.method.hash()
    }

    /// The signature method written in SignedInfo.
    pub fn signature_method(&self) -> SignatureMethod {
        self.method
    }

    /// The serializable state for [`PreparedState::finish`].
    pub fn state(&self) -> &PreparedState {
        &self.state
    }

    /// The state, by value.
    pub fn into_state(self) -> PreparedState {
        self.state
    }

    /// Phase 2: see [`PreparedState::finish`].
    ///
    /// # Errors
    /// As [`PreparedState::finish`].
    pub fn finish(self, signature_value: &[u8]) -> Result<SignatureDocument> {
        self.state.finish(signature_value)
    }
}

impl PreparedState {
    /// The `ds:Signature` Id.
    pub fn signature_id(&self) -> &str {
        &self.signature_id
    }

    /// The digest to sign, decoded.
    ///
    /// # Errors
    /// [`Error::InvalidSignatureInput`] when the state was altered.
    pub fn digest_to_sign(&self) -> Result<Vec<u8>> {
        dsig::decode_base64(&self.digest_to_sign).ok_or_else(|| altered("digest is not base64"))
    }

    /// Phase 2: checks `signature_value` against the signer certificate's key over the
    /// canonical SignedInfo **first**, then writes it into `SignatureValue`. ECDSA values may
    /// be raw `r ‖ s` or DER; they are written raw, each half left-padded to the curve size.
    /// RSA values are written as given.
    ///
    /// # Errors
    /// [`Error::SignatureValueInvalid`] when the value does not verify (wrong key, wrong
    /// digest, wrong padding); [`Error::InvalidSignatureInput`] for a state that was altered.
    pub fn finish(self, signature_value: &[u8]) -> Result<SignatureDocument> {
        if self.version != 1 {
            return Err(altered("unknown state version"));
        }
        let doc = Document::parse(self.xml.as_bytes())?;
        let signature = doc
            .element_by_id(&self.signature_id)
            .filter(|n| n.is(Some(DS), "Signature"))
            .ok_or_else(|| altered("the signature element is missing"))?;
        let si = dsig::canonical_signed_info(signature)?;
        if si.signature_method.uri() != self.signature_method
            || Some(&si.digest) != self.digest_to_sign().ok().as_ref()
        {
            return Err(altered("SignedInfo differs from the digest handed out"));
        }
        for r in si.references.iter().filter(|r| r.is_same_document()) {
            if r.same_document_digest(signature)? != r.digest_value {
                return Err(altered("the signed properties differ from their digest"));
            }
        }
        let certs = dsig::key_info_certificates(signature)?;
        let cert_der = certs
            .first()
            .ok_or_else(|| altered("no signer certificate"))?;
        let cert = Certificate::from_der(cert_der).map_err(|source| Error::Pki {
            context: "signer certificate",
            source,
        })?;
        let key = cert.public_key();
        verify_signature_value(si.signature_method, key, &si.digest, signature_value)?;
        let value = match ecdsa_field_len(key) {
            Some(field) => ecdsa_to_raw(signature_value, field)?,
            None => signature_value.to_vec(),
        };
        let sv = signature
            .first_child_named(Some(DS), "SignatureValue")
            .ok_or_else(|| altered("no SignatureValue"))?;
        let start = sv.position().map_or(0, |p| p.offset);
        let span = element_span(&self.xml, start)?;
        if span.empty || span.content_start != span.content_end {
            return Err(altered("SignatureValue is not empty"));
        }
        let xml = insert_at(&self.xml, span.content_start, &encode_base64(&value));
        SignatureDocument::from_xml(xml.into_bytes(), Some(&self.signature_id))
    }
}

fn altered(reason: &str) -> Error {
    Error::InvalidSignatureInput {
        what: "prepared state",
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_serials() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0, 0]), "0");
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0x00, 0xff, 0xff, 0xff, 0xff]), "4294967295");
        assert_eq!(
            decimal(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
            "18446744073709551616"
        );
    }

    #[test]
    fn signing_time_is_utc_seconds() {
        let t = time::macros::datetime!(2026-03-01 01:02:03.456 +04:00);
        assert_eq!(format_signing_time(t), "2026-02-28T21:02:03Z");
    }
}
