//! Distinguished names (RFC 5280 §4.1.2.4): ordered attributes with their values as text.

use core::fmt;

use der::asn1::AnyRef;
use der::{Encode, Tag, Tagged};

use crate::{Error, oid, tlv};

/// One attribute of a distinguished name, e.g. `CN=PETROSYAN,ANI,2810770123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameAttribute {
    oid: String,
    value: String,
    /// False when the value is not a string type and `value` holds its `#hex` form.
    is_text: bool,
    rdn_index: usize,
}

impl NameAttribute {
    /// The attribute type as a dotted OID ("2.5.4.3").
    pub fn oid(&self) -> &str {
        &self.oid
    }

    /// The short name of the attribute type when it has a well-known one ("CN", "SN", "GN",
    /// "serialNumber", "C", "O", ...).
    pub fn short_name(&self) -> Option<&'static str> {
        oid::attribute_short_name(&self.oid)
    }

    /// The value as text. String types are decoded (UTF8String, PrintableString, IA5String,
    /// VisibleString, NumericString, BMPString as UTF-16, TeletexString as Latin-1); any other
    /// ASN.1 type is shown as `#` followed by the hex of its DER (RFC 4514 §2.4).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Position of the relative distinguished name this attribute belongs to (0 = first in the
    /// DER encoding). Attributes of a multi-valued RDN share it.
    pub fn rdn_index(&self) -> usize {
        self.rdn_index
    }
}

/// A subject or issuer name: its attributes in encoding order, plus the DER it came from.
///
/// The typed getters return the first attribute of that type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DistinguishedName {
    attributes: Vec<NameAttribute>,
    der: Vec<u8>,
}

impl DistinguishedName {
    /// Decodes a DER `Name` (`SEQUENCE OF SET OF AttributeTypeAndValue`).
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let fail = |reason: String| Error::Der {
            what: "name",
            reason,
        };
        let name = tlv::parse(der).map_err(fail)?;
        let mut attributes = Vec::new();
        for (rdn_index, rdn) in tlv::sequence(&name, "Name")
            .map_err(fail)?
            .iter()
            .enumerate()
        {
            let set = tlv::expect(rdn, Tag::Set, "RelativeDistinguishedName").map_err(fail)?;
            let atvs = tlv::elements(set).map_err(fail)?;
            if atvs.is_empty() {
                return Err(fail("empty RelativeDistinguishedName".to_owned()));
            }
            for atv in atvs {
                let parts = tlv::sequence(&atv, "AttributeTypeAndValue").map_err(fail)?;
                let [attr_type, attr_value] = parts.as_slice() else {
                    return Err(fail(format!(
                        "AttributeTypeAndValue has {} elements, expected 2",
                        parts.len()
                    )));
                };
                let oid = tlv::oid_to_string(attr_type).map_err(fail)?;
                let (value, is_text) =
                    decode_attribute_value(attr_value).map_err(|reason| Error::AttributeValue {
                        oid: oid.clone(),
                        reason,
                    })?;
                attributes.push(NameAttribute {
                    oid,
                    value,
                    is_text,
                    rdn_index,
                });
            }
        }
        Ok(DistinguishedName {
            attributes,
            der: der.to_vec(),
        })
    }

    /// All attributes, in the order they are encoded.
    pub fn attributes(&self) -> &[NameAttribute] {
        &self.attributes
    }

    /// The DER encoding exactly as it appeared in the certificate.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// Whether the name has no attributes at all.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// The first value of the attribute type `oid` (dotted form).
    pub fn get(&self, oid: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.oid == oid)
            .map(|a| a.value.as_str())
    }

    /// Every value of the attribute type `oid`, in encoding order.
    pub fn get_all<'a>(&'a self, oid: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes
            .iter()
            .filter(move |a| a.oid == oid)
            .map(|a| a.value.as_str())
    }

    /// commonName (2.5.4.3).
    pub fn common_name(&self) -> Option<&str> {
        self.get(oid::AT_COMMON_NAME)
    }

    /// surname (2.5.4.4).
    pub fn surname(&self) -> Option<&str> {
        self.get(oid::AT_SURNAME)
    }

    /// givenName (2.5.4.42).
    pub fn given_name(&self) -> Option<&str> {
        self.get(oid::AT_GIVEN_NAME)
    }

    /// serialNumber (2.5.4.5): for natural persons the ETSI semantics identifier
    /// (`PNOAM-2810770123`), not the certificate serial number.
    pub fn serial_number(&self) -> Option<&str> {
        self.get(oid::AT_SERIAL_NUMBER)
    }

    /// countryName (2.5.4.6).
    pub fn country(&self) -> Option<&str> {
        self.get(oid::AT_COUNTRY)
    }

    /// organizationName (2.5.4.10).
    pub fn organization(&self) -> Option<&str> {
        self.get(oid::AT_ORGANIZATION)
    }

    /// organizationalUnitName (2.5.4.11).
    pub fn organizational_unit(&self) -> Option<&str> {
        self.get(oid::AT_ORGANIZATIONAL_UNIT)
    }

    /// organizationIdentifier (2.5.4.97), e.g. `NTRAM-…` for legal persons.
    pub fn organization_identifier(&self) -> Option<&str> {
        self.get(oid::AT_ORGANIZATION_IDENTIFIER)
    }

    /// The RFC 4514 string form: RDNs last-to-first, `+` between the attributes of a
    /// multi-valued RDN, special characters escaped.
    pub fn to_rfc4514(&self) -> String {
        let mut out = String::new();
        let mut current_rdn: Option<usize> = None;
        for attr in self.attributes.iter().rev() {
            match current_rdn {
                None => {}
                Some(i) if i == attr.rdn_index => out.push('+'),
                Some(_) => out.push(','),
            }
            current_rdn = Some(attr.rdn_index);
            match attr.short_name() {
                Some(n) => out.push_str(n),
                None => out.push_str(&attr.oid),
            }
            out.push('=');
            if !attr.is_text {
                // Already the RFC 4514 §2.4 hex form of a non-string value.
                out.push_str(&attr.value);
            } else {
                escape_rfc4514(&attr.value, &mut out);
            }
        }
        out
    }
}

impl fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc4514())
    }
}

/// RFC 4514 §2.4 escaping of one attribute value.
fn escape_rfc4514(value: &str, out: &mut String) {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' | ' ' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            ' ' if i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
}

/// Reads an attribute value as text (X.520 DirectoryString and the ASCII string types).
///
/// Returns the text and whether it is a string value (false: the `#hex` form).
fn decode_attribute_value(value: &AnyRef<'_>) -> Result<(String, bool), String> {
    let bytes = value.value();
    let text = match value.tag() {
        Tag::Utf8String => String::from_utf8(bytes.to_vec())
            .map_err(|e| format!("UTF8String is not valid UTF-8 ({e})"))?,
        Tag::PrintableString | Tag::Ia5String | Tag::VisibleString | Tag::NumericString => {
            if !bytes.is_ascii() {
                return Err(format!("{} holds non-ASCII bytes", value.tag()));
            }
            // ASCII is valid UTF-8.
            String::from_utf8(bytes.to_vec()).map_err(|e| e.to_string())?
        }
        // T.61 proper is a shift-coded mess; in certificates TeletexString is Latin-1 in
        // practice, which is what every mainstream toolkit assumes too.
        Tag::TeletexString => bytes.iter().map(|&b| char::from(b)).collect(),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return Err(format!("BMPString has odd length {}", bytes.len()));
            }
            let units = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map_err(|e| format!("BMPString is not valid UTF-16 ({e})"))?
        }
        _ => {
            let der = value
                .to_der()
                .map_err(|e| format!("cannot re-encode value ({e})"))?;
            return Ok((format!("#{}", hex::encode(der)), false));
        }
    };
    // An embedded NUL is the classic trick to make "good\0.evil" read as "good" in C code
    // further down the line; no legitimate name carries one.
    if text.contains('\0') {
        return Err("value contains a NUL character".to_owned());
    }
    Ok((text, true))
}
