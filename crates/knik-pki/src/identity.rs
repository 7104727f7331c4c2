//! Who a certificate belongs to: the `Identity` every knik flow hands back.

use core::fmt;

use serde::{Serialize, Serializer};

use crate::Error;
use crate::certificate::Certificate;
use crate::policy::{DocumentKind, PolicyMap};

/// The country whose personal numbers and policies knik knows natively.
const HOME_COUNTRY: &str = "AM";

/// Length of the Armenian public service number (PSN, «ՀԾՀ»).
const PSN_LEN: usize = 10;

/// The type of a natural-person identifier (ETSI EN 319 412-1 §5.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentifierType {
    /// `PNO`: national personal number (the Armenian PSN, the Estonian isikukood, ...).
    PersonalNumber,
    /// `IDC`: identity card number.
    IdentityCard,
    /// `PAS`: passport number.
    Passport,
    /// Any other type reference: three letters, or two characters and `:` for a national
    /// scheme.
    Other(String),
}

impl IdentifierType {
    fn from_prefix(prefix: &str) -> Self {
        match prefix {
            "PNO" => IdentifierType::PersonalNumber,
            "IDC" => IdentifierType::IdentityCard,
            "PAS" => IdentifierType::Passport,
            other => IdentifierType::Other(other.to_owned()),
        }
    }

    /// The three-character type reference ("PNO", "IDC", "PAS", ...).
    pub fn as_str(&self) -> &str {
        match self {
            IdentifierType::PersonalNumber => "PNO",
            IdentifierType::IdentityCard => "IDC",
            IdentifierType::Passport => "PAS",
            IdentifierType::Other(s) => s,
        }
    }
}

impl fmt::Display for IdentifierType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for IdentifierType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Something odd about a certificate's identity that does not stop it from being read.
///
/// Why warnings and not errors: the certificate was issued (and signed) by the CA, so it *is*
/// the person's credential; refusing to read it because a number has an unexpected shape would
/// lock real people out the day a format assumption turns out wrong. The relying party sees the
/// warning and decides.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "warning", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IdentityWarning {
    /// An Armenian personal number (PSN) that is not exactly 10 ASCII digits.
    MalformedPersonalNumber {
        /// The identifier found.
        found: String,
    },
    /// The country in the semantics identifier differs from the subject's countryName.
    CountryMismatch {
        /// Country of the `PNOxx-` prefix.
        identifier_country: String,
        /// The subject's `C`.
        subject_country: String,
    },
    /// The number in the common name (`SURNAME,GIVENNAME,NUMBER`) differs from the
    /// serialNumber identifier.
    CommonNameMismatch {
        /// The number in the common name.
        common_name_number: String,
        /// The identifier from serialNumber.
        identifier: String,
    },
    /// The certificate carries policies mapped to different document kinds; the first one
    /// (in certificate order) was taken.
    ConflictingDocumentPolicies {
        /// The kind taken.
        chosen: DocumentKind,
        /// The kind ignored.
        ignored: DocumentKind,
    },
}

/// A natural person as a certificate names them (architecture.md §Identity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Identity {
    /// Given name(s) (`GN`, or the second part of the common name).
    pub given_name: Option<String>,
    /// Surname (`SN`, or the first part of the common name).
    pub surname: Option<String>,
    /// The national identifier after the semantics prefix, e.g. "2810770123".
    pub personal_number: String,
    /// The identifier type ("PNO", "IDC", "PAS"); `None` for a legacy bare number.
    pub identifier_type: Option<IdentifierType>,
    /// ISO 3166 country of the identifier (from the `PNOAM-` prefix, else the subject's `C`).
    pub country: Option<String>,
    /// The kind of document, from the certificate policies.
    pub document_kind: DocumentKind,
    /// The subject common name as written.
    pub common_name: Option<String>,
    /// The subject serialNumber as written (`PNOAM-2810770123`), if present.
    pub semantics_identifier: Option<String>,
    /// Anything unusual noticed while reading; empty for a well-formed certificate.
    pub warnings: Vec<IdentityWarning>,
}

/// A parsed subject serialNumber.
struct SemanticsIdentifier<'a> {
    identifier_type: Option<IdentifierType>,
    country: Option<&'a str>,
    identifier: &'a str,
}

/// ETSI EN 319 412-1 §5.1.3: three letters of type reference (or two characters and `:`),
/// two letters of ISO 3166 country, `-`, the identifier. Anything else is a legacy bare value.
fn parse_semantics_identifier(value: &str) -> Result<SemanticsIdentifier<'_>, Error> {
    let bytes = value.as_bytes();
    let is_prefixed = bytes.len() >= 6
        && (bytes[..3].iter().all(u8::is_ascii_uppercase)
            || (bytes[..2].iter().all(u8::is_ascii_alphanumeric) && bytes[2] == b':'))
        && bytes[3..5].iter().all(u8::is_ascii_uppercase)
        && bytes[5] == b'-';
    if !is_prefixed {
        return Ok(SemanticsIdentifier {
            identifier_type: None,
            country: None,
            identifier: value,
        });
    }
    // The first six bytes are ASCII, so these are char boundaries.
    let identifier = &value[6..];
    if identifier.is_empty() {
        return Err(Error::EmptyIdentifier {
            found: value.to_owned(),
        });
    }
    Ok(SemanticsIdentifier {
        identifier_type: Some(IdentifierType::from_prefix(&value[..3])),
        country: Some(&value[3..5]),
        identifier,
    })
}

/// The parts of a `SURNAME,GIVENNAME[,NUMBER]` common name.
struct CommonNameParts<'a> {
    surname: &'a str,
    given_name: &'a str,
    number: Option<&'a str>,
}

fn split_common_name(cn: &str) -> Option<CommonNameParts<'_>> {
    let parts: Vec<&str> = cn.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [surname, given_name] if !surname.is_empty() && !given_name.is_empty() => {
            Some(CommonNameParts {
                surname,
                given_name,
                number: None,
            })
        }
        [surname, given_name, number]
            if !surname.is_empty() && !given_name.is_empty() && !number.is_empty() =>
        {
            Some(CommonNameParts {
                surname,
                given_name,
                number: Some(number),
            })
        }
        _ => None,
    }
}

impl Identity {
    /// Whose document, as the holder recognises it in a PIN dialog: "PETROSYAN ANI, citizen ID
    /// card" (surname and given names, else the common name, else the personal number).
    pub fn holder_label(&self) -> String {
        let name = [self.surname.as_deref(), self.given_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let name = if name.is_empty() {
            self.common_name
                .clone()
                .unwrap_or_else(|| self.personal_number.clone())
        } else {
            name
        };
        format!("{name}, {}", self.document_kind.label())
    }

    /// Reads the identity of the certificate's subject.
    ///
    /// * Personal number: the subject `serialNumber` as an ETSI semantics identifier
    ///   (`PNOAM-2810770123` → "2810770123", type PNO, country AM); a value without the prefix
    ///   is taken whole as a legacy number with no type; without a serialNumber, the number
    ///   in a `SURNAME,GIVENNAME,NUMBER` common name.
    /// * Names: the `GN` and `SN` attributes, else the parts of such a common name.
    /// * Country: the identifier's, else the subject's `C`.
    /// * Document kind: the first certificate policy `policies` maps; failing that
    ///   [`DocumentKind::ForeignEid`] for a personal number (PNO) of another country than
    ///   Armenia, else [`DocumentKind::Unknown`].
    ///
    /// An Armenian personal number that is not 10 digits, and other inconsistencies, are
    /// reported in [`Identity::warnings`] rather than refused (see [`IdentityWarning`]).
    ///
    /// This only reads; it does not say the certificate is trustworthy. Validate the chain,
    /// validity and revocation first.
    pub fn from_certificate(cert: &Certificate, policies: &PolicyMap) -> Result<Self, Error> {
        let subject = cert.subject();
        let common_name = subject.common_name().map(str::to_owned);
        let cn_parts = subject.common_name().and_then(split_common_name);
        let semantics_identifier = subject.serial_number().map(str::to_owned);
        let mut warnings = Vec::new();

        let (identifier_type, id_country, personal_number) = match subject.serial_number() {
            Some(value) => {
                let parsed = parse_semantics_identifier(value)?;
                (
                    parsed.identifier_type,
                    parsed.country.map(str::to_owned),
                    parsed.identifier.to_owned(),
                )
            }
            None => match cn_parts.as_ref().and_then(|p| p.number) {
                Some(number) => (None, None, number.to_owned()),
                None => {
                    return Err(Error::MissingIdentifier {
                        subject: subject.to_rfc4514(),
                    });
                }
            },
        };

        let subject_country = subject.country().map(str::to_owned);
        if let (Some(id), Some(subj)) = (&id_country, &subject_country)
            && id != subj
        {
            warnings.push(IdentityWarning::CountryMismatch {
                identifier_country: id.clone(),
                subject_country: subj.clone(),
            });
        }
        let country = id_country.or(subject_country);

        if let Some(number) = cn_parts.as_ref().and_then(|p| p.number)
            && number != personal_number
        {
            warnings.push(IdentityWarning::CommonNameMismatch {
                common_name_number: number.to_owned(),
                identifier: personal_number.clone(),
            });
        }

        let is_armenian_psn = country.as_deref() == Some(HOME_COUNTRY)
            && matches!(identifier_type, None | Some(IdentifierType::PersonalNumber));
        if is_armenian_psn
            && !(personal_number.len() == PSN_LEN
                && personal_number.bytes().all(|b| b.is_ascii_digit()))
        {
            warnings.push(IdentityWarning::MalformedPersonalNumber {
                found: personal_number.clone(),
            });
        }

        let document_kind = document_kind(
            cert.policies(),
            policies,
            identifier_type.as_ref(),
            country.as_deref(),
            &mut warnings,
        );

        Ok(Identity {
            given_name: subject
                .given_name()
                .or(cn_parts.as_ref().map(|p| p.given_name))
                .map(str::to_owned),
            surname: subject
                .surname()
                .or(cn_parts.as_ref().map(|p| p.surname))
                .map(str::to_owned),
            personal_number,
            identifier_type,
            country,
            document_kind,
            common_name,
            semantics_identifier,
            warnings,
        })
    }
}

fn document_kind(
    cert_policies: &[String],
    policies: &PolicyMap,
    identifier_type: Option<&IdentifierType>,
    country: Option<&str>,
    warnings: &mut Vec<IdentityWarning>,
) -> DocumentKind {
    let mut mapped = cert_policies.iter().filter_map(|p| policies.kind_of(p));
    if let Some(chosen) = mapped.next() {
        if let Some(ignored) = mapped.find(|k| *k != chosen) {
            warnings.push(IdentityWarning::ConflictingDocumentPolicies { chosen, ignored });
        }
        return chosen;
    }
    let is_foreign_pno = identifier_type == Some(&IdentifierType::PersonalNumber)
        && country.is_some_and(|c| c != HOME_COUNTRY);
    if is_foreign_pno {
        DocumentKind::ForeignEid
    } else {
        DocumentKind::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semantics_identifier_forms() {
        let p = parse_semantics_identifier("PNOAM-2810770123").unwrap();
        assert_eq!(p.identifier_type, Some(IdentifierType::PersonalNumber));
        assert_eq!(p.country, Some("AM"));
        assert_eq!(p.identifier, "2810770123");

        let p = parse_semantics_identifier("PASAM-AR1234567").unwrap();
        assert_eq!(p.identifier_type, Some(IdentifierType::Passport));
        assert_eq!(p.identifier, "AR1234567");

        // National scheme: two characters and a colon (EN 319 412-1 §5.1.3).
        let p = parse_semantics_identifier("AM:AM-42").unwrap();
        assert_eq!(p.identifier_type, Some(IdentifierType::Other("AM:".into())));
        assert_eq!(p.identifier, "42");

        // Legacy bare number, and lower-case or short prefixes are not ETSI form.
        for bare in ["2810770123", "pnoam-2810770123", "PNOAM2810770123", "PNO-1"] {
            let p = parse_semantics_identifier(bare).unwrap();
            assert_eq!(p.identifier_type, None, "{bare}");
            assert_eq!(p.identifier, bare);
        }

        assert_eq!(
            parse_semantics_identifier("PNOAM-").err(),
            Some(Error::EmptyIdentifier {
                found: "PNOAM-".into()
            })
        );
        // Multi-byte text after a would-be prefix must not split a character.
        assert!(parse_semantics_identifier("PNOԱ-1").is_ok());
    }

    #[test]
    fn common_name_split() {
        let p = split_common_name("PETROSYAN,ANI,2810770123").unwrap();
        assert_eq!(
            (p.surname, p.given_name, p.number),
            ("PETROSYAN", "ANI", Some("2810770123"))
        );
        let p = split_common_name("MÄNNIK,MARI-LIIS").unwrap();
        assert_eq!(
            (p.surname, p.given_name, p.number),
            ("MÄNNIK", "MARI-LIIS", None)
        );
        assert!(split_common_name("Test AM Root CA").is_none());
        assert!(split_common_name("A,,1").is_none());
        assert!(split_common_name("A,B,C,D").is_none());
    }
}
