//! Who is asked: a phone number plus a national identity number, both required by MID-REST
//! (reference/mobile-id.md §1.1: "phone alone or ID code alone is not enough").

use core::fmt;

use crate::error::Error;

/// Armenia's country calling code.
const ARMENIA: &str = "374";

/// A phone number in international form, `+` and digits only (E.164: at most 15 digits).
///
/// Armenian numbers (`+374`) must have exactly 8 national digits (`+374 XX XXXXXX`). Other
/// countries are accepted in plain E.164 form so that cross-border providers and the SK demo
/// numbers (`+372…`) still work.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Reads a phone number, ignoring spaces and hyphens (`+374 91 234567`).
    pub fn parse(input: &str) -> Result<Self, Error> {
        let invalid = |reason| Error::InvalidPhoneNumber { reason };
        let compact: String = input.chars().filter(|c| *c != ' ' && *c != '-').collect();
        let digits = compact
            .strip_prefix('+')
            .ok_or(invalid("must start with + and the country code"))?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("must contain only digits after +"));
        }
        if digits.starts_with('0') {
            return Err(invalid("a country code never starts with 0"));
        }
        if let Some(national) = digits.strip_prefix(ARMENIA) {
            if national.len() != 8 {
                return Err(invalid("an Armenian number has 8 digits after +374"));
            }
        } else if !(8..=15).contains(&digits.len()) {
            return Err(invalid("an international number has 8 to 15 digits"));
        }
        Ok(PhoneNumber(compact))
    }

    /// The number as sent to the provider (`+37491234567`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is an Armenian (`+374`) number.
    pub fn is_armenian(&self) -> bool {
        self.0[1..].starts_with(ARMENIA)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The national identity number MID-REST pairs with the phone number.
///
/// For Armenia this is the public service number (PSN, "ՀԾՀ"): exactly 10 digits; it has no
/// check digit, so nothing more can be verified (reference §6.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NationalIdentityNumber(String);

impl NationalIdentityNumber {
    /// An Armenian public service number: 10 ASCII digits.
    pub fn armenian_psn(input: &str) -> Result<Self, Error> {
        let input = input.trim();
        if input.len() != 10 || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidNationalIdentityNumber {
                reason: "an Armenian public service number has exactly 10 digits",
            });
        }
        Ok(NationalIdentityNumber(input.to_owned()))
    }

    /// Another country's identity code: 1 to 20 ASCII letters and digits (Estonian and
    /// Lithuanian codes are 11 digits).
    pub fn foreign(input: &str) -> Result<Self, Error> {
        let input = input.trim();
        if input.is_empty() || input.len() > 20 || !input.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Error::InvalidNationalIdentityNumber {
                reason: "an identity code has 1 to 20 letters and digits",
            });
        }
        Ok(NationalIdentityNumber(input.to_owned()))
    }

    /// The number as sent to the provider.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NationalIdentityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mobile ID user: phone number and national identity number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Person {
    phone: PhoneNumber,
    national_identity_number: NationalIdentityNumber,
}

impl Person {
    /// Reads both identifiers; an Armenian phone number requires a 10-digit PSN.
    pub fn parse(phone: &str, national_identity_number: &str) -> Result<Self, Error> {
        let phone = PhoneNumber::parse(phone)?;
        let national_identity_number = if phone.is_armenian() {
            NationalIdentityNumber::armenian_psn(national_identity_number)?
        } else {
            NationalIdentityNumber::foreign(national_identity_number)?
        };
        Ok(Person {
            phone,
            national_identity_number,
        })
    }

    /// Pairs identifiers that were validated separately.
    pub fn new(phone: PhoneNumber, national_identity_number: NationalIdentityNumber) -> Self {
        Person {
            phone,
            national_identity_number,
        }
    }

    /// The phone number.
    pub fn phone(&self) -> &PhoneNumber {
        &self.phone
    }

    /// The national identity number.
    pub fn national_identity_number(&self) -> &NationalIdentityNumber {
        &self.national_identity_number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armenian_numbers_need_eight_national_digits() {
        let p = PhoneNumber::parse("+374 91 234-567").unwrap();
        assert_eq!(p.as_str(), "+37491234567");
        assert!(p.is_armenian());
        for bad in [
            "+3749123456",
            "+374912345678",
            "37491234567",
            "+374 91 23456a",
            "",
            "+",
        ] {
            assert!(
                matches!(
                    PhoneNumber::parse(bad),
                    Err(Error::InvalidPhoneNumber { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(PhoneNumber::parse("+0123456789").is_err());
    }

    #[test]
    fn foreign_numbers_follow_e164() {
        assert!(!PhoneNumber::parse("+37200000766").unwrap().is_armenian());
        assert!(PhoneNumber::parse("+1234567").is_err());
        assert!(PhoneNumber::parse("+1234567890123456").is_err());
    }

    #[test]
    fn armenian_phones_require_a_ten_digit_psn() {
        let person = Person::parse("+37491234567", "2810770123").unwrap();
        assert_eq!(person.national_identity_number().as_str(), "2810770123");
        assert!(matches!(
            Person::parse("+37491234567", "60001019906"),
            Err(Error::InvalidNationalIdentityNumber { .. })
        ));
        assert!(Person::parse("+374912345678", "2810770123").is_err());
        // An Estonian demo pair: 11-digit isikukood.
        assert!(Person::parse("+37200000766", "60001019906").is_ok());
        assert!(Person::parse("+37200000766", "6000-1019906").is_err());
    }
}
