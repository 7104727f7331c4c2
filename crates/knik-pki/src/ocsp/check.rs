//! Verifying an OCSP response (RFC 6960 §3.2, §4.2.2.2; RFC 8954).

use time::{Duration, OffsetDateTime};

use crate::ocsp::cert_id::{serial_hex, subject_public_key_bits};
use crate::ocsp::response::{CertStatus, OcspResponse, ResponderId, SingleResponse};
use crate::ocsp::{CertId, OID_OCSP_NOCHECK};
use crate::signature_algorithm::SignatureAlgorithm;
use crate::{Certificate, Error, HashAlgorithm};

/// What an OCSP response is checked against.
///
/// Defaults: clock skew 15 minutes (libdigidocpp's), maximum age 15 minutes for thisUpdate
/// and producedAt, no nonce, no extra certificates.
#[derive(Debug, Clone)]
pub struct OcspCheck<'a> {
    certificate: &'a Certificate,
    issuer: &'a Certificate,
    at: OffsetDateTime,
    nonce: Option<&'a [u8]>,
    max_clock_skew: Duration,
    max_age: Option<Duration>,
    extra_certificates: &'a [Certificate],
    trusted_responder: Option<&'a Certificate>,
}

impl<'a> OcspCheck<'a> {
    /// Checks a response about `certificate` (issued by `issuer`) as of time `at`: the time of
    /// signing when fetching, or the time that matters when validating (e.g. the signature
    /// time-stamp's genTime).
    pub fn new(certificate: &'a Certificate, issuer: &'a Certificate, at: OffsetDateTime) -> Self {
        OcspCheck {
            certificate,
            issuer,
            at,
            nonce: None,
            max_clock_skew: Duration::minutes(15),
            max_age: Some(Duration::minutes(15)),
            extra_certificates: &[],
            trusted_responder: None,
        }
    }

    /// Requires the response to echo `nonce` (the one sent with the request).
    pub fn nonce(mut self, nonce: &'a [u8]) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// How far producedAt / thisUpdate may lie after `at`, and nextUpdate before it.
    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_clock_skew = skew;
        self
    }

    /// How much older than `at` thisUpdate and producedAt may be; `None` disables the check
    /// (validating an archived response whose freshness was judged when it was embedded).
    pub fn max_age(mut self, max_age: Option<Duration>) -> Self {
        self.max_age = max_age;
        self
    }

    /// Further certificates that may be the responder's (from a trust list, or from the
    /// signature's CertificateValues when the response embeds none).
    pub fn extra_certificates(mut self, certificates: &'a [Certificate]) -> Self {
        self.extra_certificates = certificates;
        self
    }

    /// A responder trusted by local configuration (RFC 6960 §4.2.2.2, first case: "matches a
    /// local configuration of OCSP signing authority"), e.g. Web eID's designated OCSP
    /// service: a response signed with this very certificate is authorised even when the
    /// issuing CA did not issue it. It is also a candidate responder certificate.
    pub fn trusted_responder(mut self, responder: &'a Certificate) -> Self {
        self.trusted_responder = Some(responder);
        self
    }
}

/// A response that passed [`OcspResponse::verify`]: what a validation report shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedOcspResponse {
    status: CertStatus,
    produced_at: OffsetDateTime,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    responder: Certificate,
    responder_is_issuer: bool,
    responder_nocheck: bool,
    nonce_checked: bool,
}

impl VerifiedOcspResponse {
    /// The certificate's status.
    pub fn status(&self) -> CertStatus {
        self.status
    }

    /// producedAt of the response.
    pub fn produced_at(&self) -> OffsetDateTime {
        self.produced_at
    }

    /// thisUpdate of the SingleResponse used.
    pub fn this_update(&self) -> OffsetDateTime {
        self.this_update
    }

    /// nextUpdate of the SingleResponse used, if any.
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }

    /// The certificate whose key signed the response.
    pub fn responder(&self) -> &Certificate {
        &self.responder
    }

    /// Whether the issuing CA signed the response itself (rather than a delegated responder).
    pub fn responder_is_issuer(&self) -> bool {
        self.responder_is_issuer
    }

    /// Whether the delegated responder certificate carries id-pkix-ocsp-nocheck, i.e. its own
    /// revocation status is not to be checked (RFC 6960 §4.2.2.2.1).
    pub fn responder_nocheck(&self) -> bool {
        self.responder_nocheck
    }

    /// Whether a nonce was required and echoed.
    pub fn nonce_checked(&self) -> bool {
        self.nonce_checked
    }
}

impl OcspResponse {
    /// Verifies the response for the certificate of `check`, in this order:
    ///
    /// 1. the responder certificate is found by responderID among the embedded certificates,
    ///    the issuer and [`OcspCheck::extra_certificates`], and the signature over
    ///    tbsResponseData verifies with its key ([`Error::OcspResponderNotFound`],
    ///    [`Error::OcspSignatureInvalid`]);
    /// 2. the responder is the issuing CA, or a certificate the CA issued with
    ///    id-kp-OCSPSigning, or the [`OcspCheck::trusted_responder`]; a responder other than
    ///    the CA must be valid at producedAt ([`Error::OcspResponderNotAuthorised`]);
    /// 3. a SingleResponse has the certificate's CertID ([`Error::OcspCertIdMismatch`]);
    /// 4. the nonce is echoed when one is required ([`Error::OcspNonceMissing`],
    ///    [`Error::OcspNonceMismatch`]);
    /// 5. no critical extension is left unhandled ([`Error::OcspCriticalExtension`]);
    /// 6. producedAt and thisUpdate are neither after `at` + skew nor older than the maximum
    ///    age, and nextUpdate, if present, is not before `at` − skew ([`Error::OcspFromFuture`],
    ///    [`Error::OcspTooOld`], [`Error::OcspExpired`]).
    ///
    /// A `Revoked` or `Unknown` status is a successful verification: the caller decides what
    /// the status means for the signature.
    pub fn verify(&self, check: &OcspCheck<'_>) -> Result<VerifiedOcspResponse, Error> {
        let responder = self.verify_signature(check)?;
        let (responder_is_issuer, responder_nocheck) = self.authorise(&responder, check)?;
        let single = self.find_single_response(check)?;
        let nonce_checked = self.check_nonce(check)?;
        if let Some(oid) = self
            .critical_extensions
            .iter()
            .chain(&single.critical_extensions)
            .next()
        {
            return Err(Error::OcspCriticalExtension { oid: oid.clone() });
        }
        self.check_times(single, check)?;
        Ok(VerifiedOcspResponse {
            status: single.status(),
            produced_at: self.produced_at(),
            this_update: single.this_update(),
            next_update: single.next_update(),
            responder,
            responder_is_issuer,
            responder_nocheck,
            nonce_checked,
        })
    }

    /// Finds the responder certificate and checks the signature with it.
    fn verify_signature(&self, check: &OcspCheck<'_>) -> Result<Certificate, Error> {
        let candidates: Vec<&Certificate> = self
            .certificates()
            .iter()
            .chain(check.extra_certificates)
            .chain(check.trusted_responder)
            .chain(core::iter::once(check.issuer))
            .filter(|c| self.responder_id_matches(c))
            .collect();
        let Some(first) = candidates.first() else {
            return Err(Error::OcspResponderNotFound {
                responder: self.responder_id().to_string(),
            });
        };
        let algorithm = SignatureAlgorithm::from_der(&self.signature_algorithm)?;
        // Several certificates may carry the responder's name (a renewed key); the one whose
        // key verifies is the responder.
        for candidate in &candidates {
            match candidate
                .public_key()
                .verify_message(algorithm, &self.tbs, &self.signature)
            {
                Ok(()) => return Ok((*candidate).clone()),
                Err(Error::SignatureInvalid { .. } | Error::SignatureEncoding { .. }) => {}
                Err(Error::AlgorithmKeyMismatch { .. }) if candidates.len() > 1 => {}
                Err(other) => return Err(other),
            }
        }
        Err(Error::OcspSignatureInvalid {
            responder: first.subject().to_rfc4514(),
        })
    }

    fn responder_id_matches(&self, candidate: &Certificate) -> bool {
        match self.responder_id() {
            ResponderId::ByName(name) => candidate.subject().as_der() == name.as_der(),
            ResponderId::ByKeyHash(hash) => subject_public_key_bits(candidate)
                .is_ok_and(|bits| HashAlgorithm::Sha1.digest(bits) == *hash),
        }
    }

    /// RFC 6960 §4.2.2.2: returns (responder is the CA, responder has ocsp-nocheck).
    fn authorise(
        &self,
        responder: &Certificate,
        check: &OcspCheck<'_>,
    ) -> Result<(bool, bool), Error> {
        let issuer = check.issuer;
        if responder.subject().as_der() == issuer.subject().as_der()
            && responder.subject_public_key_info_der() == issuer.subject_public_key_info_der()
        {
            return Ok((true, false));
        }
        let refuse = |reason: String| Error::OcspResponderNotAuthorised {
            responder: responder.subject().to_rfc4514(),
            issuer: issuer.subject().to_rfc4514(),
            reason,
        };
        // A locally configured responder is authorised by that configuration alone.
        if check.trusted_responder != Some(responder) {
            responder
                .verify_issued_by(issuer)
                .map_err(|e| refuse(format!("not issued by the CA ({e})")))?;
            if !responder
                .extended_key_usage()
                .is_some_and(|eku| eku.is_ocsp_signing())
            {
                return Err(refuse("no id-kp-OCSPSigning extended key usage".to_owned()));
            }
        }
        if !responder.is_valid_at(self.produced_at()) {
            return Err(refuse(format!(
                "certificate not valid at producedAt {}",
                crate::asn1::generalized_time::rfc3339(&self.produced_at())
            )));
        }
        let nocheck = responder
            .extensions()
            .iter()
            .any(|e| e.oid() == OID_OCSP_NOCHECK);
        Ok((false, nocheck))
    }

    /// The SingleResponse for our certificate; a mismatch names the first differing field.
    fn find_single_response(&self, check: &OcspCheck<'_>) -> Result<&SingleResponse, Error> {
        let ours_for = |hash| CertId::new(check.certificate, check.issuer, hash);
        let mut closest: Option<(CertId, &SingleResponse)> = None;
        for single in self.responses() {
            let ours = ours_for(single.cert_id().hash_algorithm())?;
            if ours == *single.cert_id() {
                return Ok(single);
            }
            if closest.is_none()
                && ours.serial_number_bytes() == single.cert_id().serial_number_bytes()
            {
                closest = Some((ours, single));
            }
        }
        if let Some((ours, single)) = closest {
            let theirs = single.cert_id();
            let (field, expected, found) = if ours.issuer_name_hash() != theirs.issuer_name_hash() {
                (
                    "issuerNameHash",
                    ours.issuer_name_hash(),
                    theirs.issuer_name_hash(),
                )
            } else {
                (
                    "issuerKeyHash",
                    ours.issuer_key_hash(),
                    theirs.issuer_key_hash(),
                )
            };
            return Err(Error::OcspCertIdMismatch {
                field,
                expected: hex::encode_upper(expected),
                found: hex::encode_upper(found),
            });
        }
        Err(Error::OcspCertIdMismatch {
            field: "serialNumber",
            expected: serial_hex(check.certificate.serial_number_bytes()),
            found: self
                .responses()
                .iter()
                .map(|s| s.cert_id().serial_number_hex())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    fn check_nonce(&self, check: &OcspCheck<'_>) -> Result<bool, Error> {
        let Some(sent) = check.nonce else {
            return Ok(false);
        };
        match self.nonce() {
            None => Err(Error::OcspNonceMissing),
            Some(received) if received == sent => Ok(true),
            Some(received) => Err(Error::OcspNonceMismatch {
                sent: hex::encode_upper(sent),
                received: hex::encode_upper(received),
            }),
        }
    }

    fn check_times(&self, single: &SingleResponse, check: &OcspCheck<'_>) -> Result<(), Error> {
        let at = check.at;
        let skew = check.max_clock_skew;
        for (field, time) in [
            ("producedAt", self.produced_at()),
            ("thisUpdate", single.this_update()),
        ] {
            // A limit past the end of time (a validation time near year 9999) excludes nothing.
            if at.checked_add(skew).is_some_and(|limit| time > limit) {
                return Err(Error::OcspFromFuture {
                    field,
                    time,
                    at,
                    skew_seconds: skew.whole_seconds(),
                });
            }
            if let Some(max_age) = check.max_age
                && at - time > max_age
            {
                return Err(Error::OcspTooOld {
                    field,
                    time,
                    at,
                    max_age_seconds: max_age.whole_seconds(),
                });
            }
        }
        if let Some(next_update) = single.next_update()
            && next_update.checked_add(skew).is_some_and(|end| end < at)
        {
            return Err(Error::OcspExpired { next_update, at });
        }
        Ok(())
    }
}
