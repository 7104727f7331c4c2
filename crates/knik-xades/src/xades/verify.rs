//! Verifying XAdES signatures (EN 319 132-1; EN 319 102-1 §5.2.7 cryptographic checks): every
//! reference, the SignatureValue, the signed properties and the time-stamps. Trust in the
//! certificates (chains, revocation, TSA trust) is the caller's: this module hands over the
//! material.

use knik_pki::tsp::{MessageImprint, TimeStampToken};
use knik_pki::{Certificate, HashAlgorithm};
use time::OffsetDateTime;

use super::build::{ProductionPlace, decimal};
use super::codes;
use super::document::{DataResolver, Level, level_of, parts, top_signatures};
use super::imprint::{archive_timestamp_input, signature_timestamp_input};
use super::{SIGNED_PROPERTIES_TYPE, XADES_NS, XADES141_NS};
use crate::c14n::{Algorithm, Canonicalizer};
use crate::dsig::{
    self, DS, DigestWriter, Reference, SignatureMethod, canonicalizer_for, decode_base64,
    digest_method_from_uri, verify_signature_value,
};
use crate::error::{Error, Result};
use crate::xml::{Document, Limits, Node};

/// XAdES namespaces of versions before 1.3.2, which this verifier does not read.
const OLD_XADES: [&str; 2] = [
    "http://uri.etsi.org/01903/v1.1.1#",
    "http://uri.etsi.org/01903/v1.2.2#",
];

/// Options of [`verify`].
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Limits for reading the XML.
    pub limits: Limits,
}

/// How serious a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The signature is not intact or cannot be checked: invalid.
    Error,
    /// Tolerated, but a user should know.
    Warning,
    /// For the record.
    Info,
}

/// One thing the verifier has to say about a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable code from [`codes`].
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// A sentence for people.
    pub message: String,
}

/// The outcome of one reference's digest check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestStatus {
    /// The recomputed digest equals DigestValue.
    Ok,
    /// It differs.
    Mismatch {
        /// The DigestValue.
        expected: Vec<u8>,
        /// What the content hashes to.
        computed: Vec<u8>,
    },
    /// The target is not there.
    NotFound,
    /// The digest could not be computed (unknown algorithm or transform).
    NotChecked {
        /// Why.
        reason: String,
    },
}

/// One `ds:Reference` of SignedInfo and its check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceCheck {
    /// Its `Id`.
    pub id: Option<String>,
    /// Its `URI` as written.
    pub uri: Option<String>,
    /// For a data object: the URI percent-decoded (UTF-8; `+` stays `+`), to match against
    /// container entry names.
    pub decoded_name: Option<String>,
    /// Its `Type`.
    pub reference_type: Option<String>,
    /// The DigestMethod's hash, if known.
    pub digest_algorithm: Option<HashAlgorithm>,
    /// The digest check.
    pub status: DigestStatus,
    /// True for the reference covering SignedProperties.
    pub is_signed_properties: bool,
    /// True for a same-document reference (`#…` or `""`).
    pub is_same_document: bool,
    /// The media type of its DataObjectFormat, if any.
    pub mime_type: Option<String>,
}

/// A time-stamp (signature or archive) and its check.
#[derive(Debug, Clone)]
pub struct TimestampCheck {
    /// The time-stamp element's `Id`.
    pub id: Option<String>,
    /// The DER token.
    pub token_der: Vec<u8>,
    /// The token, when it reads and its CMS signature verifies.
    pub token: Option<TimeStampToken>,
    /// genTime of the token.
    pub gen_time: Option<OffsetDateTime>,
    /// The canonicalization used for the imprint.
    pub canonicalization: Algorithm,
    /// True when the token's imprint equals the recomputed one.
    pub imprint_ok: bool,
}

/// Which SigningCertificate form the signed properties use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningCertificateVersion {
    /// `SigningCertificate` (XAdES 1.3.2, with IssuerSerial).
    V1,
    /// `SigningCertificateV2` (EN 319 132-1).
    V2,
}

/// A `DataObjectFormat`: which reference has which media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataObjectFormat {
    /// `ObjectReference` (`#S0-RefId0`).
    pub object_reference: String,
    /// `MimeType`.
    pub mime_type: Option<String>,
}

/// Everything [`verify`] found about one `ds:Signature`.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    /// The signature's `Id`.
    pub id: Option<String>,
    /// The signer certificate: the first `X509Certificate` of KeyInfo, as DER.
    pub signer_certificate_der: Option<Vec<u8>>,
    /// It, parsed.
    pub signer_certificate: Option<Certificate>,
    /// The other certificates of KeyInfo (DER).
    pub other_key_info_certificates: Vec<Vec<u8>>,
    /// The SignedInfo canonicalization.
    pub canonicalization: Option<Algorithm>,
    /// The signature method.
    pub signature_method: Option<SignatureMethod>,
    /// True when SignatureValue verifies with the signer certificate's key.
    pub signature_value_ok: bool,
    /// The claimed SigningTime.
    pub claimed_signing_time: Option<OffsetDateTime>,
    /// Each reference of SignedInfo, in order.
    pub references: Vec<ReferenceCheck>,
    /// Index in `references` of the SignedProperties reference.
    pub signed_properties_reference: Option<usize>,
    /// The SigningCertificate form present.
    pub signing_certificate: Option<SigningCertificateVersion>,
    /// True when SigningCertificate(V2) names the signer certificate.
    pub signing_certificate_matches: bool,
    /// Signature time-stamps, in document order.
    pub signature_timestamps: Vec<TimestampCheck>,
    /// Archive time-stamps (v1.4.1), in document order.
    pub archive_timestamps: Vec<TimestampCheck>,
    /// Certificates of CertificateValues (and TimeStampValidationData), DER.
    pub certificate_values: Vec<Vec<u8>>,
    /// OCSP responses of RevocationValues (and TimeStampValidationData), DER.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// The structural level present.
    pub level: Option<Level>,
    /// The DataObjectFormats.
    pub data_object_formats: Vec<DataObjectFormat>,
    /// SignatureProductionPlace(V2).
    pub production_place: Option<ProductionPlace>,
    /// SignerRole(V2)/ClaimedRoles.
    pub claimed_roles: Vec<String>,
    /// What was found, errors first in the order checked.
    pub findings: Vec<Finding>,
}

impl SignatureCheck {
    fn new(id: Option<String>) -> Self {
        SignatureCheck {
            id,
            signer_certificate_der: None,
            signer_certificate: None,
            other_key_info_certificates: Vec::new(),
            canonicalization: None,
            signature_method: None,
            signature_value_ok: false,
            claimed_signing_time: None,
            references: Vec::new(),
            signed_properties_reference: None,
            signing_certificate: None,
            signing_certificate_matches: false,
            signature_timestamps: Vec::new(),
            archive_timestamps: Vec::new(),
            certificate_values: Vec::new(),
            ocsp_responses: Vec::new(),
            level: None,
            data_object_formats: Vec::new(),
            production_place: None,
            claimed_roles: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// True when no finding is an error: every reference, the SignatureValue, the signed
    /// properties and the time-stamps check out (trust not included).
    pub fn is_intact(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The findings with this code.
    pub fn findings_with(&self, code: &str) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// The references to data objects (not same-document ones such as SignedProperties).
    pub fn data_references(&self) -> impl Iterator<Item = &ReferenceCheck> {
        self.references.iter().filter(|r| !r.is_same_document)
    }

    /// Every certificate the signature carries that parses: KeyInfo (signer first),
    /// CertificateValues, and those inside the time-stamp tokens. Candidates for path
    /// building; none is trusted for being here.
    pub fn certificates(&self) -> Vec<Certificate> {
        let mut out: Vec<Certificate> = Vec::new();
        let mut push = |c: Certificate| {
            if !out.iter().any(|o| o.as_der() == c.as_der()) {
                out.push(c);
            }
        };
        let ders = self
            .signer_certificate_der
            .iter()
            .chain(&self.other_key_info_certificates)
            .chain(&self.certificate_values);
        for der in ders {
            if let Ok(c) = Certificate::from_der(der) {
                push(c);
            }
        }
        for ts in self
            .signature_timestamps
            .iter()
            .chain(&self.archive_timestamps)
        {
            if let Some(t) = &ts.token {
                push(t.tsa_certificate().clone());
                t.certificates().iter().cloned().for_each(&mut push);
            }
        }
        out
    }

    /// True when a finding has this code.
    pub fn has(&self, code: &str) -> bool {
        self.findings_with(code).next().is_some()
    }

    fn add(&mut self, code: &'static str, severity: Severity, message: impl Into<String>) {
        self.findings.push(Finding {
            code,
            severity,
            message: message.into(),
        });
    }
    fn error(&mut self, code: &'static str, message: impl Into<String>) {
        self.add(code, Severity::Error, message);
    }
    fn warning(&mut self, code: &'static str, message: impl Into<String>) {
        self.add(code, Severity::Warning, message);
    }
    fn info(&mut self, code: &'static str, message: impl Into<String>) {
        self.add(code, Severity::Info, message);
    }
}

/// Percent-decodes a reference URI (RFC 3986; `+` stays a plus) as UTF-8.
pub fn decode_uri(uri: &str) -> Option<String> {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            // libdigidocpp writes bytes below 0x10 with one hex digit (`%A`).
            let h1 = bytes.get(i + 1).copied().and_then(hex)?;
            match bytes.get(i + 2).copied().and_then(hex) {
                Some(h2) => {
                    out.push(u8::try_from(h1 * 16 + h2).ok()?);
                    i += 3;
                }
                None => {
                    out.push(u8::try_from(h1).ok()?);
                    i += 2;
                }
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Verifies every `ds:Signature` of a signature file (counter-signatures aside).
///
/// For each: reads the signer certificate (first `X509Certificate` of KeyInfo), checks the
/// SignatureValue over the canonical SignedInfo, recomputes every reference (data objects
/// streamed from `data`, same-document ones from the file), checks the XAdES structure
/// (one Object, one QualifyingProperties with the right Target, SignedProperties referenced),
/// that SigningCertificate(V2) names the signer certificate, and the imprints of the signature
/// and archive time-stamps (each with its own CanonicalizationMethod, inclusive C14N 1.0 when
/// absent). The result lists everything found; [`SignatureCheck::is_intact`] is the summary.
///
/// What remains for the caller: map URIs to container entries, validate the signer, TSA and
/// OCSP certificates against a trust store at the right times, and evaluate the OCSP
/// responses ([`SignatureCheck::ocsp_responses`]).
///
/// # Errors
/// Only when the file cannot be read as XML: the reader's errors (e.g.
/// [`Error::DtdNotAllowed`], [`Error::DuplicateId`] for signature wrapping, limits).
pub fn verify(
    xml: &[u8],
    data: &mut dyn DataResolver,
    options: &VerifyOptions,
) -> Result<Vec<SignatureCheck>> {
    let doc = Document::parse_with_limits(xml, &options.limits)?;
    Ok(top_signatures(&doc)
        .into_iter()
        .map(|s| verify_one(s, data))
        .collect())
}

fn verify_one(signature: Node<'_>, data: &mut dyn DataResolver) -> SignatureCheck {
    let id = signature.attribute(None, "Id").map(str::to_owned);
    let mut check = SignatureCheck::new(id.clone());
    if id.is_none() {
        check.error(
            codes::SIGNATURE_ID_MISSING,
            "the signature has no Id, so its qualifying properties cannot be bound to it",
        );
    }
    read_signer(signature, &mut check);
    let references = check_signed_info(signature, &mut check);
    let qp = check_qualifying_properties(signature, &mut check);
    check_references(signature, &references, qp, data, &mut check);
    if let Some(qp) = qp {
        check_signed_properties(qp, &mut check);
        check_unsigned_properties(signature, qp, data, &mut check);
    }
    check.level = level_of(&parts(signature));
    check
}

fn read_signer(signature: Node<'_>, check: &mut SignatureCheck) {
    let certs = match dsig::key_info_certificates(signature) {
        Ok(c) => c,
        Err(e) => {
            check.error(codes::SIGNATURE_MALFORMED, e.to_string());
            return;
        }
    };
    let mut it = certs.into_iter();
    let Some(first) = it.next() else {
        check.error(
            codes::SIGNER_CERTIFICATE_MISSING,
            "KeyInfo carries no X509Certificate",
        );
        return;
    };
    check.other_key_info_certificates = it.collect();
    if !check.other_key_info_certificates.is_empty() {
        check.info(
            codes::KEY_INFO_SEVERAL_CERTIFICATES,
            format!(
                "KeyInfo carries {} certificates; the first is the signer's",
                check.other_key_info_certificates.len() + 1
            ),
        );
    }
    match Certificate::from_der(&first) {
        Ok(c) => check.signer_certificate = Some(c),
        Err(e) => check.error(
            codes::SIGNER_CERTIFICATE_UNREADABLE,
            format!("the signer certificate cannot be read: {e}"),
        ),
    }
    check.signer_certificate_der = Some(first);
}

fn algorithm_code(e: &Error) -> &'static str {
    match e {
        Error::UnknownAlgorithm { .. } | Error::UnsupportedAlgorithm { .. } => {
            codes::UNSUPPORTED_ALGORITHM
        }
        _ => codes::SIGNATURE_MALFORMED,
    }
}

/// Checks SignatureValue and returns the references (read even when the signature method is
/// unknown, so that the data can still be reported on).
fn check_signed_info(signature: Node<'_>, check: &mut SignatureCheck) -> Vec<Reference> {
    let si = match dsig::canonical_signed_info(signature) {
        Ok(si) => si,
        Err(e) => {
            check.error(algorithm_code(&e), format!("SignedInfo: {e}"));
            let Ok(si) = dsig::signed_info_element(signature) else {
                return Vec::new();
            };
            let mut refs = Vec::new();
            for r in si.children_named(Some(DS), "Reference") {
                match Reference::from_element(r) {
                    Ok(r) => refs.push(r),
                    Err(e) => check.error(codes::SIGNATURE_MALFORMED, e.to_string()),
                }
            }
            return refs;
        }
    };
    check.canonicalization = Some(si.canonicalization);
    check.signature_method = Some(si.signature_method);
    if si.signature_method.hash() == HashAlgorithm::Sha1 {
        check.warning(
            codes::SIGNATURE_METHOD_WEAK,
            format!(
                "the signature method {} uses SHA-1",
                si.signature_method.uri()
            ),
        );
    }
    match (dsig::signature_value(signature), &check.signer_certificate) {
        (Err(e), _) => check.error(codes::SIGNATURE_MALFORMED, e.to_string()),
        (Ok(_), None) => {}
        (Ok(value), Some(cert)) => {
            match verify_signature_value(si.signature_method, cert.public_key(), &si.digest, &value)
            {
                Ok(()) => check.signature_value_ok = true,
                Err(e) => check.error(codes::SIGNATURE_VALUE_INVALID, e.to_string()),
            }
        }
    }
    si.references
}

/// Finds the one QualifyingProperties and checks the structure around it.
fn check_qualifying_properties<'a>(
    signature: Node<'a>,
    check: &mut SignatureCheck,
) -> Option<Node<'a>> {
    let objects: Vec<Node<'a>> = signature.children_named(Some(DS), "Object").collect();
    if objects.len() > 1 {
        check.error(
            codes::OBJECT_NOT_UNIQUE,
            format!(
                "the signature has {} ds:Object elements; one is allowed",
                objects.len()
            ),
        );
    }
    let qps: Vec<Node<'a>> = objects
        .iter()
        .flat_map(|o| o.child_elements().collect::<Vec<_>>())
        .filter(|n| n.local_name() == "QualifyingProperties")
        .collect();
    let Some(&qp) = qps.first() else {
        check.error(
            codes::QUALIFYING_PROPERTIES_MISSING,
            "the signature has no XAdES QualifyingProperties",
        );
        return None;
    };
    if qps.len() > 1 {
        check.error(
            codes::QUALIFYING_PROPERTIES_NOT_UNIQUE,
            format!(
                "{} QualifyingProperties elements; one is allowed",
                qps.len()
            ),
        );
    }
    let ns = qp.namespace().unwrap_or_default();
    if OLD_XADES.contains(&ns) || ns != XADES_NS {
        check.error(
            codes::XADES_NAMESPACE_UNSUPPORTED,
            format!("QualifyingProperties in namespace {ns:?}; only {XADES_NS} is read"),
        );
        return None;
    }
    let target = qp.attribute(None, "Target").unwrap_or_default();
    let expected = check.id.as_deref().map(|id| format!("#{id}"));
    if expected.as_deref() != Some(target) {
        check.error(
            codes::QUALIFYING_PROPERTIES_TARGET_MISMATCH,
            format!(
                "QualifyingProperties Target is {target:?}, not {:?}",
                expected.unwrap_or_default()
            ),
        );
    }
    let sps: Vec<Node<'a>> = qp
        .children_named(Some(XADES_NS), "SignedProperties")
        .collect();
    if sps.is_empty() {
        check.error(
            codes::QUALIFYING_PROPERTIES_MISSING,
            "QualifyingProperties has no SignedProperties",
        );
    }
    if sps.len() > 1 {
        check.error(
            codes::SIGNED_PROPERTIES_NOT_UNIQUE,
            format!("{} SignedProperties elements; one is allowed", sps.len()),
        );
    }
    Some(qp)
}

fn check_references(
    signature: Node<'_>,
    references: &[Reference],
    qp: Option<Node<'_>>,
    data: &mut dyn DataResolver,
    check: &mut SignatureCheck,
) {
    let sp = qp.and_then(|q| q.first_child_named(Some(XADES_NS), "SignedProperties"));
    let sp_id = sp.and_then(|s| s.attribute(None, "Id"));
    for r in references {
        let is_sp = r.is_same_document()
            && (r.target_id().is_some_and(|t| Some(t) == sp_id)
                || (sp_id.is_none()
                    && r.reference_type.as_deref() == Some(SIGNED_PROPERTIES_TYPE)));
        if r.digest_method == Some(HashAlgorithm::Sha1) {
            check.warning(
                codes::DIGEST_WEAK,
                format!(
                    "reference {:?} is digested with SHA-1",
                    r.uri.as_deref().unwrap_or("")
                ),
            );
        }
        let status = reference_status(signature, r, data);
        let uri = r.uri.clone().unwrap_or_default();
        match &status {
            DigestStatus::Ok => {}
            DigestStatus::NotFound => check.error(
                codes::REFERENCE_NOT_FOUND,
                format!("reference {uri:?} does not resolve"),
            ),
            DigestStatus::NotChecked { reason } => check.error(
                codes::UNSUPPORTED_ALGORITHM,
                format!("reference {uri:?} cannot be checked: {reason}"),
            ),
            DigestStatus::Mismatch { .. } if is_sp => check.error(
                codes::SIGNED_PROPERTIES_DIGEST_MISMATCH,
                "the signed properties were changed after signing",
            ),
            DigestStatus::Mismatch { .. } if r.is_same_document() => check.error(
                codes::REFERENCE_DIGEST_MISMATCH,
                format!("the signed element {uri:?} was changed after signing"),
            ),
            DigestStatus::Mismatch { .. } => check.error(
                codes::DATA_DIGEST_MISMATCH,
                format!("data object {uri:?} differs from what was signed"),
            ),
        }
        if is_sp {
            check.signed_properties_reference = Some(check.references.len());
            if r.transforms.is_empty() {
                check.warning(
                    codes::SIGNED_PROPERTIES_TRANSFORM_MISSING,
                    "the SignedProperties reference has no Transform; inclusive C14N 1.0 was used",
                );
            }
            if r.reference_type.as_deref() != Some(SIGNED_PROPERTIES_TYPE) {
                check.warning(
                    codes::SIGNED_PROPERTIES_REFERENCE_TYPE_MISSING,
                    format!(
                        "the SignedProperties reference's Type is not {SIGNED_PROPERTIES_TYPE}"
                    ),
                );
            }
        }
        check.references.push(ReferenceCheck {
            id: r.id.clone(),
            uri: r.uri.clone(),
            decoded_name: (!r.is_same_document())
                .then(|| r.uri.as_deref().and_then(decode_uri))
                .flatten(),
            reference_type: r.reference_type.clone(),
            digest_algorithm: r.digest_method,
            status,
            is_signed_properties: is_sp,
            is_same_document: r.is_same_document(),
            mime_type: None,
        });
    }
    if sp.is_some() && check.signed_properties_reference.is_none() {
        check.error(
            codes::SIGNED_PROPERTIES_NOT_REFERENCED,
            "no reference of SignedInfo covers the SignedProperties",
        );
    }
}

fn reference_status(
    signature: Node<'_>,
    r: &Reference,
    data: &mut dyn DataResolver,
) -> DigestStatus {
    let mismatch_or_ok = |computed: Vec<u8>| {
        if computed == r.digest_value {
            DigestStatus::Ok
        } else {
            DigestStatus::Mismatch {
                expected: r.digest_value.clone(),
                computed,
            }
        }
    };
    let hash = match r.hash() {
        Ok(h) => h,
        Err(e) => {
            return DigestStatus::NotChecked {
                reason: e.to_string(),
            };
        }
    };
    if r.is_same_document() {
        return match r.same_document_digest(signature) {
            Ok(d) => mismatch_or_ok(d),
            Err(Error::ReferenceNotFound { .. }) => DigestStatus::NotFound,
            Err(e) => DigestStatus::NotChecked {
                reason: e.to_string(),
            },
        };
    }
    let Some(uri) = r.uri.as_deref() else {
        return DigestStatus::NotFound;
    };
    if let Some(t) = r.transforms.first() {
        return DigestStatus::NotChecked {
            reason: format!("transform {} on a data object", t.uri()),
        };
    }
    let mut out = DigestWriter::new(hash);
    match data.write_data(uri, &mut out) {
        Ok(true) => mismatch_or_ok(out.finish()),
        Ok(false) => DigestStatus::NotFound,
        Err(e) => DigestStatus::NotChecked {
            reason: format!("reading the data failed: {e}"),
        },
    }
}

fn check_signed_properties(qp: Node<'_>, check: &mut SignatureCheck) {
    let x = Some(XADES_NS);
    let Some(sp) = qp.first_child_named(x, "SignedProperties") else {
        return;
    };
    if let Some(ssp) = sp.first_child_named(x, "SignedSignatureProperties") {
        match ssp.first_child_named(x, "SigningTime") {
            None => check.warning(codes::SIGNING_TIME_MISSING, "no SigningTime"),
            Some(t) => {
                let text = t.text_content();
                match OffsetDateTime::parse(
                    text.trim(),
                    &time::format_description::well_known::Rfc3339,
                ) {
                    Ok(t) => check.claimed_signing_time = Some(t),
                    Err(_) => check.warning(
                        codes::SIGNING_TIME_MALFORMED,
                        format!("SigningTime {text:?} is not an RFC 3339 date-time"),
                    ),
                }
            }
        }
        check_signing_certificate(ssp, check);
        if ssp
            .first_child_named(x, "SignaturePolicyIdentifier")
            .is_some()
        {
            check.info(
                codes::SIGNATURE_POLICY_NOT_EVALUATED,
                "a signature policy is named; it is not evaluated",
            );
        }
        let place = ssp
            .first_child_named(x, "SignatureProductionPlaceV2")
            .or_else(|| ssp.first_child_named(x, "SignatureProductionPlace"));
        if let Some(place) = place {
            let field = |name: &str| place.first_child_named(x, name).map(|n| n.text_content());
            check.production_place = Some(ProductionPlace {
                city: field("City"),
                street_address: field("StreetAddress"),
                state_or_province: field("StateOrProvince"),
                postal_code: field("PostalCode"),
                country_name: field("CountryName"),
            });
        }
        let role = ssp
            .first_child_named(x, "SignerRoleV2")
            .or_else(|| ssp.first_child_named(x, "SignerRole"));
        if let Some(roles) = role.and_then(|r| r.first_child_named(x, "ClaimedRoles")) {
            check.claimed_roles = roles
                .children_named(x, "ClaimedRole")
                .map(|r| r.text_content())
                .collect();
        }
    } else {
        check.error(
            codes::SIGNING_CERTIFICATE_MISSING,
            "the signed properties have no SignedSignatureProperties",
        );
    }
    if let Some(sdop) = sp.first_child_named(x, "SignedDataObjectProperties") {
        for dof in sdop.children_named(x, "DataObjectFormat") {
            let object_reference = dof.attribute(None, "ObjectReference").unwrap_or_default();
            let mime_type = dof
                .first_child_named(x, "MimeType")
                .map(|m| m.text_content());
            if let Some(r) = check.references.iter_mut().find(|r| {
                r.id.as_deref()
                    .is_some_and(|id| object_reference == format!("#{id}"))
            }) {
                r.mime_type.clone_from(&mime_type);
            }
            check.data_object_formats.push(DataObjectFormat {
                object_reference: object_reference.to_owned(),
                mime_type,
            });
        }
        for name in ["AllDataObjectsTimeStamp", "IndividualDataObjectsTimeStamp"] {
            if sdop.first_child_named(x, name).is_some() {
                check.warning(
                    codes::CONTENT_TIMESTAMP_NOT_CHECKED,
                    format!("a content time-stamp ({name}) is present and was not checked"),
                );
            }
        }
    }
    let missing: Vec<String> = check
        .references
        .iter()
        .filter(|r| !r.is_same_document && r.mime_type.is_none())
        .map(|r| r.uri.clone().unwrap_or_default())
        .collect();
    for uri in missing {
        check.warning(
            codes::DATA_OBJECT_FORMAT_MISSING,
            format!("data object {uri:?} has no DataObjectFormat"),
        );
    }
}

fn check_signing_certificate(ssp: Node<'_>, check: &mut SignatureCheck) {
    let x = Some(XADES_NS);
    let (element, version) = match ssp.first_child_named(x, "SigningCertificateV2") {
        Some(e) => (e, SigningCertificateVersion::V2),
        None => match ssp.first_child_named(x, "SigningCertificate") {
            Some(e) => (e, SigningCertificateVersion::V1),
            None => {
                check.error(
                    codes::SIGNING_CERTIFICATE_MISSING,
                    "the signed properties do not name the signing certificate",
                );
                return;
            }
        },
    };
    check.signing_certificate = Some(version);
    let Some(der) = check.signer_certificate_der.clone() else {
        return;
    };
    let mut matched: Option<Node<'_>> = None;
    let mut weak = false;
    for cert in element.children_named(x, "Cert") {
        let Some(cd) = cert.first_child_named(x, "CertDigest") else {
            continue;
        };
        let uri = cd
            .first_child_named(Some(DS), "DigestMethod")
            .and_then(|m| m.attribute(None, "Algorithm"))
            .unwrap_or_default();
        let Ok(hash) = digest_method_from_uri(uri) else {
            check.warning(
                codes::UNSUPPORTED_ALGORITHM,
                format!("SigningCertificate digest method {uri:?} is not supported"),
            );
            continue;
        };
        let value = cd
            .first_child_named(Some(DS), "DigestValue")
            .and_then(|v| decode_base64(&v.text_content()));
        if value.as_deref() == Some(hash.digest(&der).as_slice()) {
            weak = hash == HashAlgorithm::Sha1;
            matched = Some(cert);
            break;
        }
    }
    let Some(cert) = matched else {
        check.error(
            codes::SIGNING_CERTIFICATE_MISMATCH,
            "the certificate in KeyInfo is not the signing certificate named in the signed properties",
        );
        return;
    };
    check.signing_certificate_matches = true;
    if weak {
        check.warning(
            codes::DIGEST_WEAK,
            "the signing certificate digest uses SHA-1",
        );
    }
    if let (Some(serial), Some(signer)) = (
        cert.first_child_named(x, "IssuerSerial")
            .and_then(|i| i.first_child_named(Some(DS), "X509SerialNumber"))
            .map(|s| s.text_content()),
        &check.signer_certificate,
    ) {
        let actual = decimal(signer.serial_number_bytes());
        if serial.trim().trim_start_matches('0') != actual.trim_start_matches('0') {
            check.warning(
                codes::SIGNING_CERTIFICATE_ISSUER_SERIAL_MISMATCH,
                format!(
                    "IssuerSerial names serial {} but the signer certificate has {actual}",
                    serial.trim()
                ),
            );
        }
    }
}

/// The canonicalization of a time-stamp element (its own `CanonicalizationMethod`; absent
/// means inclusive C14N 1.0).
fn timestamp_c14n(ts: Node<'_>, check: &mut SignatureCheck) -> Option<Canonicalizer> {
    let method = ts.first_child_named(Some(DS), "CanonicalizationMethod");
    if method.is_none() {
        check.info(
            codes::TIMESTAMP_CANONICALIZATION_DEFAULTED,
            "a time-stamp names no CanonicalizationMethod; inclusive C14N 1.0 was used",
        );
    }
    match canonicalizer_for(method) {
        Ok(c) => Some(c),
        Err(e) => {
            check.error(codes::UNSUPPORTED_ALGORITHM, format!("time-stamp: {e}"));
            None
        }
    }
}

/// Reads the first EncapsulatedTimeStamp of a time-stamp element.
fn read_timestamp(
    ts: Node<'_>,
    extra: &[Certificate],
    invalid_code: &'static str,
    check: &mut SignatureCheck,
) -> Option<(Vec<u8>, Option<TimeStampToken>)> {
    let Some(enc) = ts.first_child_named(Some(XADES_NS), "EncapsulatedTimeStamp") else {
        check.error(invalid_code, "a time-stamp has no EncapsulatedTimeStamp");
        return None;
    };
    let Some(der) = decode_base64(&enc.text_content()) else {
        check.error(invalid_code, "a time-stamp token is not base64");
        return None;
    };
    match TimeStampToken::from_der(&der, extra) {
        Ok(t) => Some((der, Some(t))),
        Err(e) => {
            check.error(
                invalid_code,
                format!("the time-stamp token does not verify: {e}"),
            );
            Some((der, None))
        }
    }
}

fn imprint_matches(token: &TimeStampToken, digest: Vec<u8>) -> bool {
    MessageImprint::new(token.imprint().algorithm(), &digest)
        .is_ok_and(|m| token.check_imprint(&m).is_ok())
}

fn check_unsigned_properties(
    signature: Node<'_>,
    qp: Node<'_>,
    data: &mut dyn DataResolver,
    check: &mut SignatureCheck,
) {
    let x = Some(XADES_NS);
    let Some(up) = qp.first_child_named(x, "UnsignedProperties") else {
        return;
    };
    if up
        .first_child_named(x, "UnsignedDataObjectProperties")
        .is_some()
    {
        check.error(
            codes::UNSUPPORTED_PROPERTY,
            "UnsignedDataObjectProperties are present and cannot be checked",
        );
    }
    let Some(usp) = up.first_child_named(x, "UnsignedSignatureProperties") else {
        return;
    };
    // Validation material first: time-stamp tokens may need its certificates.
    for child in usp.child_elements() {
        let ns = child.namespace();
        let wanted = (ns == x
            && matches!(child.local_name(), "CertificateValues" | "RevocationValues"))
            || (ns == Some(XADES141_NS) && child.local_name() == "TimeStampValidationData");
        if wanted {
            collect_values(child, check);
        }
    }
    let extra: Vec<Certificate> = check
        .certificate_values
        .iter()
        .filter_map(|d| Certificate::from_der(d).ok())
        .collect();
    let mut signature_timestamps = 0;
    for child in usp.child_elements() {
        let name = child.local_name();
        match (child.namespace(), name) {
            (n, "SignatureTimeStamp") if n == x => {
                signature_timestamps += 1;
                let Some(c14n) = timestamp_c14n(child, check) else {
                    continue;
                };
                let Some((der, token)) =
                    read_timestamp(child, &extra, codes::TIMESTAMP_INVALID, check)
                else {
                    continue;
                };
                let mut imprint_ok = false;
                if let Some(t) = &token {
                    let mut out = DigestWriter::new(t.imprint().algorithm());
                    if signature_timestamp_input(signature, &c14n, &mut out).is_ok() {
                        imprint_ok = imprint_matches(t, out.finish());
                    }
                    if !imprint_ok {
                        check.error(
                            codes::TIMESTAMP_IMPRINT_MISMATCH,
                            "the signature time-stamp does not cover this SignatureValue",
                        );
                    }
                }
                check.signature_timestamps.push(TimestampCheck {
                    id: child.attribute(None, "Id").map(str::to_owned),
                    gen_time: token.as_ref().map(TimeStampToken::gen_time),
                    token_der: der,
                    token,
                    canonicalization: c14n.algorithm(),
                    imprint_ok,
                });
            }
            (Some(XADES141_NS), "ArchiveTimeStamp") => {
                let Some(c14n) = timestamp_c14n(child, check) else {
                    continue;
                };
                let Some((der, token)) =
                    read_timestamp(child, &extra, codes::ARCHIVE_TIMESTAMP_INVALID, check)
                else {
                    continue;
                };
                let mut imprint_ok = false;
                if let Some(t) = &token {
                    let mut out = DigestWriter::new(t.imprint().algorithm());
                    match archive_timestamp_input(
                        signature,
                        Some(usp),
                        Some(child),
                        &c14n,
                        data,
                        &mut out,
                    ) {
                        Ok(()) => {
                            imprint_ok = imprint_matches(t, out.finish());
                            if !imprint_ok {
                                check.error(
                                    codes::ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH,
                                    "the archive time-stamp does not cover this signature and its data",
                                );
                            }
                        }
                        Err(e) => check.warning(
                            codes::ARCHIVE_TIMESTAMP_NOT_CHECKED,
                            format!("the archive time-stamp could not be checked: {e}"),
                        ),
                    }
                }
                check.archive_timestamps.push(TimestampCheck {
                    id: child.attribute(None, "Id").map(str::to_owned),
                    gen_time: token.as_ref().map(TimeStampToken::gen_time),
                    token_der: der,
                    token,
                    canonicalization: c14n.algorithm(),
                    imprint_ok,
                });
            }
            (n, "ArchiveTimeStamp") if n == x => check.error(
                codes::ARCHIVE_TIMESTAMP_V132_UNSUPPORTED,
                "an ArchiveTimeStamp in the v1.3.2 namespace cannot be checked",
            ),
            (_, "CounterSignature") => check.error(
                codes::COUNTER_SIGNATURE_UNSUPPORTED,
                "the signature has a counter-signature, which is not checked",
            ),
            (
                _,
                "AttributeCertificateRefs"
                | "AttributeRevocationRefs"
                | "RefsOnlyTimeStamp"
                | "RefsOnlyTimeStampV2"
                | "AttrAuthoritiesCertValues"
                | "AttributeRevocationValues"
                | "AttributeCertificateRefsV2"
                | "CompleteCertificateRefsV2"
                | "SigAndRefsTimeStampV2",
            ) => check.error(
                codes::UNSUPPORTED_PROPERTY,
                format!("the unsigned property {name} cannot be checked"),
            ),
            _ => {}
        }
    }
    if signature_timestamps > 1 {
        check.info(
            codes::SEVERAL_SIGNATURE_TIMESTAMPS,
            format!("{signature_timestamps} signature time-stamps; each was checked"),
        );
    }
}

/// Collects CertificateValues / RevocationValues (directly, or inside TimeStampValidationData).
fn collect_values(element: Node<'_>, check: &mut SignatureCheck) {
    let x = Some(XADES_NS);
    let mut targets = vec![element];
    if element.local_name() == "TimeStampValidationData" {
        targets = element.child_elements().collect();
    }
    for t in targets {
        match t.local_name() {
            "CertificateValues" => {
                for c in t.children_named(x, "EncapsulatedX509Certificate") {
                    match decode_base64(&c.text_content()) {
                        Some(d) => check.certificate_values.push(d),
                        None => check.error(
                            codes::ENCAPSULATED_VALUE_MALFORMED,
                            "an EncapsulatedX509Certificate is not base64",
                        ),
                    }
                }
            }
            "RevocationValues" => {
                if let Some(ocsp) = t.first_child_named(x, "OCSPValues") {
                    for v in ocsp.children_named(x, "EncapsulatedOCSPValue") {
                        match decode_base64(&v.text_content()) {
                            Some(d) => check.ocsp_responses.push(d),
                            None => check.error(
                                codes::ENCAPSULATED_VALUE_MALFORMED,
                                "an EncapsulatedOCSPValue is not base64",
                            ),
                        }
                    }
                }
                if t.first_child_named(x, "CRLValues").is_some() {
                    check.warning(
                        codes::CRL_VALUES_PRESENT,
                        "revocation data is given as CRLs, which are not accepted here",
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_decode() {
        assert_eq!(decode_uri("a%20b+c.txt").as_deref(), Some("a b+c.txt"));
        assert_eq!(decode_uri("%C3%B6.pdf").as_deref(), Some("ö.pdf"));
        assert_eq!(decode_uri("x%A").as_deref(), Some("x\n"));
        assert_eq!(decode_uri("%zz"), None);
        assert_eq!(decode_uri("%FF"), None);
    }

    #[test]
    fn codes_are_unique_screaming_snake() {
        let mut seen = std::collections::HashSet::new();
        for c in codes::ALL {
            assert!(seen.insert(*c), "{c} twice");
            assert!(
                c.chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_'),
                "{c}"
            );
        }
    }
}
