//! TimeStampToken: a verified RFC 3161 token and what it asserts.

use time::OffsetDateTime;

use crate::asn1::reader::strip_leading_zeros;
use crate::ocsp::cert_id::serial_hex;
use crate::tsp::signed_data::SignedData;
use crate::tsp::tst_info::TstInfo;
use crate::tsp::{Accuracy, MessageImprint};
use crate::{Certificate, Error};

/// A time-stamp token whose signature, signed attributes and TSA certificate binding have
/// been verified (see the [module documentation](crate::tsp) for the full list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeStampToken {
    der: Vec<u8>,
    tst_info_der: Vec<u8>,
    info: TstInfo,
    tsa_certificate: Certificate,
    certificates: Vec<Certificate>,
}

impl TimeStampToken {
    /// Reads and verifies a DER token (CMS ContentInfo with SignedData over TSTInfo).
    /// `extra_certificates` are further candidates for the TSA certificate, for tokens
    /// requested without certReq.
    ///
    /// The imprint is not checked here (the caller knows what was time-stamped): follow with
    /// [`check_imprint`](Self::check_imprint) or [`check_data`](Self::check_data).
    pub fn from_der(der: &[u8], extra_certificates: &[Certificate]) -> Result<Self, Error> {
        let signed = SignedData::from_content_info(der)?;
        let info = TstInfo::from_der(&signed.e_content)?;
        let tsa_certificate = signed.verify(extra_certificates)?;
        check_tsa_certificate(&tsa_certificate, info.gen_time)?;
        Ok(TimeStampToken {
            der: der.to_vec(),
            tst_info_der: signed.e_content.clone(),
            info,
            tsa_certificate,
            certificates: signed.certificates,
        })
    }

    /// Fails unless the token's imprint is `expected` (same algorithm, same digest).
    pub fn check_imprint(&self, expected: &MessageImprint) -> Result<(), Error> {
        let found = &self.info.imprint;
        if found != expected {
            return Err(Error::TspImprintMismatch {
                expected_algorithm: expected.algorithm(),
                expected: hex::encode_upper(expected.digest()),
                found_algorithm: found.algorithm(),
                found: hex::encode_upper(found.digest()),
            });
        }
        Ok(())
    }

    /// Fails unless the token time-stamps `data` (hashed with the token's own algorithm).
    pub fn check_data(&self, data: &[u8]) -> Result<(), Error> {
        let algorithm = self.info.imprint.algorithm();
        self.check_imprint(&MessageImprint::of_data(algorithm, data)?)
    }

    /// Fails unless the token echoes `nonce` (compared as unsigned numbers).
    pub fn check_nonce(&self, nonce: &[u8]) -> Result<(), Error> {
        let sent = strip_leading_zeros(nonce);
        match self.info.nonce.as_deref() {
            Some(received) if received == sent => Ok(()),
            received => Err(Error::TspNonceMismatch {
                sent: hex::encode_upper(sent),
                received: received.map(hex::encode_upper),
            }),
        }
    }

    /// genTime, with the fraction of a second the TSA gave.
    pub fn gen_time(&self) -> OffsetDateTime {
        self.info.gen_time
    }

    /// The message imprint.
    pub fn imprint(&self) -> &MessageImprint {
        &self.info.imprint
    }

    /// The certificate that signed the token (verified, but not yet path-validated).
    pub fn tsa_certificate(&self) -> &Certificate {
        &self.tsa_certificate
    }

    /// The TSA policy OID.
    pub fn policy(&self) -> &str {
        &self.info.policy
    }

    /// The serial number as upper-case hex.
    pub fn serial_number_hex(&self) -> String {
        serial_hex(&self.info.serial)
    }

    /// The accuracy of genTime, if stated.
    pub fn accuracy(&self) -> Option<Accuracy> {
        self.info.accuracy
    }

    /// Whether the TSA claims ordering of its tokens by genTime alone.
    pub fn ordering(&self) -> bool {
        self.info.ordering
    }

    /// The nonce (big-endian magnitude), if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.info.nonce.as_deref()
    }

    /// The TSA's name from the TSTInfo `tsa` field, if present.
    pub fn tsa_name(&self) -> Option<&str> {
        self.info.tsa_name.as_deref()
    }

    /// Every certificate embedded in the token (in stored, DER-sorted order).
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The token's DER, as received (what XAdES `EncapsulatedTimeStamp` holds).
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// The DER TSTInfo the TSA signed.
    pub fn tst_info_der(&self) -> &[u8] {
        &self.tst_info_der
    }
}

/// RFC 3161 §2.3: the TSA certificate has exactly one extended key usage, id-kp-timeStamping,
/// and the extension is critical; and it must be valid when it signed (genTime).
fn check_tsa_certificate(cert: &Certificate, gen_time: OffsetDateTime) -> Result<(), Error> {
    let unsuitable = |reason: String| Error::TspCertificateUnsuitable {
        subject: cert.subject().to_rfc4514(),
        reason,
    };
    let eku = cert
        .extended_key_usage()
        .ok_or_else(|| unsuitable("no extended key usage extension".to_owned()))?;
    if !eku.is_time_stamping() || eku.oids().len() != 1 {
        return Err(unsuitable(format!(
            "extended key usage is {}, not timeStamping alone",
            eku.oids().join(", ")
        )));
    }
    if !eku.is_critical() {
        return Err(unsuitable("extended key usage is not critical".to_owned()));
    }
    if !cert.is_valid_at(gen_time) {
        return Err(unsuitable(format!(
            "not valid at genTime {}",
            crate::asn1::generalized_time::rfc3339(&gen_time)
        )));
    }
    Ok(())
}
