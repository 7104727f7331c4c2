//! Object identifiers this crate reads, in dotted form (our public API speaks strings).

// X.520 attribute types (RFC 5280 §4.1.2.4, ETSI EN 319 412-1 §5.1).
pub(crate) const AT_COMMON_NAME: &str = "2.5.4.3";
pub(crate) const AT_SURNAME: &str = "2.5.4.4";
pub(crate) const AT_SERIAL_NUMBER: &str = "2.5.4.5";
pub(crate) const AT_COUNTRY: &str = "2.5.4.6";
pub(crate) const AT_ORGANIZATION: &str = "2.5.4.10";
pub(crate) const AT_ORGANIZATIONAL_UNIT: &str = "2.5.4.11";
pub(crate) const AT_GIVEN_NAME: &str = "2.5.4.42";
pub(crate) const AT_ORGANIZATION_IDENTIFIER: &str = "2.5.4.97";

/// Short names as OpenSSL prints them, which is what people in this field recognise.
pub(crate) fn attribute_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        AT_COMMON_NAME => "CN",
        AT_SURNAME => "SN",
        AT_SERIAL_NUMBER => "serialNumber",
        AT_COUNTRY => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        AT_ORGANIZATION => "O",
        AT_ORGANIZATIONAL_UNIT => "OU",
        "2.5.4.12" => "title",
        AT_GIVEN_NAME => "GN",
        "2.5.4.65" => "pseudonym",
        AT_ORGANIZATION_IDENTIFIER => "organizationIdentifier",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        _ => return None,
    })
}

// Certificate extensions (RFC 5280 §4.2, RFC 3739 / ETSI EN 319 412-5 for qcStatements).
pub(crate) const EXT_SUBJECT_KEY_IDENTIFIER: &str = "2.5.29.14";
pub(crate) const EXT_KEY_USAGE: &str = "2.5.29.15";
pub(crate) const EXT_BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub(crate) const EXT_CERTIFICATE_POLICIES: &str = "2.5.29.32";
pub(crate) const EXT_AUTHORITY_KEY_IDENTIFIER: &str = "2.5.29.35";
pub(crate) const EXT_EXTENDED_KEY_USAGE: &str = "2.5.29.37";
pub(crate) const EXT_AUTHORITY_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.1";
pub(crate) const EXT_QC_STATEMENTS: &str = "1.3.6.1.5.5.7.1.3";

// Access methods (RFC 5280 §4.2.2.1).
pub(crate) const AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
pub(crate) const AD_CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

// Extended key usages (RFC 5280 §4.2.1.12).
pub(crate) const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
pub(crate) const EKU_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
pub(crate) const EKU_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

// ETSI EN 319 412-5 §4.2 / §4.2.3 QC statements and QcType values.
pub(crate) const QC_COMPLIANCE: &str = "0.4.0.1862.1.1";
pub(crate) const QC_SSCD: &str = "0.4.0.1862.1.4";
pub(crate) const QC_TYPE: &str = "0.4.0.1862.1.6";

// Public key algorithms (RFC 5480, RFC 8017).
pub(crate) const KEY_EC: &str = "1.2.840.10045.2.1";
pub(crate) const KEY_RSA: &str = "1.2.840.113549.1.1.1";
pub(crate) const CURVE_P256: &str = "1.2.840.10045.3.1.7";
pub(crate) const CURVE_P384: &str = "1.3.132.0.34";

// Signature algorithms (RFC 5758 §3.2, RFC 8017 App. C, RFC 4055 §3).
pub(crate) const SIG_ECDSA_SHA1: &str = "1.2.840.10045.4.1";
pub(crate) const SIG_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
pub(crate) const SIG_ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
pub(crate) const SIG_ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
pub(crate) const SIG_RSA_SHA1: &str = "1.2.840.113549.1.1.5";
pub(crate) const SIG_RSA_SHA256: &str = "1.2.840.113549.1.1.11";
pub(crate) const SIG_RSA_SHA384: &str = "1.2.840.113549.1.1.12";
pub(crate) const SIG_RSA_SHA512: &str = "1.2.840.113549.1.1.13";
pub(crate) const SIG_RSA_PSS: &str = "1.2.840.113549.1.1.10";
pub(crate) const MGF1: &str = "1.2.840.113549.1.1.8";
