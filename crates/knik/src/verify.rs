//! Verifying a container: structure (`knik-asic`) → every signature's XML and cryptography
//! (`knik-xades`) → trust, revocation and time (`knik-pki`) → one [`Report`].
//!
//! Verification never fails with an error for a bad container: whatever is wrong becomes a
//! finding with a stable code and the verdict says how bad it is. Only reading the file at
//! all can fail ([`verify_file`]).

use std::io::{Read, Seek};

use knik_asic::{Container, StructureVerdict};
use knik_pki::ocsp::{CertStatus, OcspCheck, OcspResponse};
use knik_pki::path::{PathOptions, ValidatedPath, validate_path};
use knik_pki::trust::TrustStore;
use knik_pki::tsp::TimeStampToken;
use knik_pki::{Certificate, DocumentKind, Identity, PolicyMap, timing};
use knik_xades::xades::{self, SignatureCheck};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::level::Level;
use crate::report::{
    ContainerReport, DataFileReport, Finding, Report, RevocationReport, Severity, SignatureReport,
    SignerReport, TimestampReport, Verdict, verdict_of,
};
use crate::resolver::{ContainerResolver, find_issuer};

/// What to verify against.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Trust anchors (files, directories, trust lists).
    pub trust: TrustStore,
    /// Intermediate CA certificates that may complete a chain (not trusted by themselves):
    /// B-B and B-T signatures carry only the signer's certificate.
    pub chain: Vec<Certificate>,
    /// Certificate policy → document kind.
    pub policies: PolicyMap,
    /// The validation time (default: now).
    pub at: Option<OffsetDateTime>,
}

/// The stable codes the facade adds to those of the layers below (documented in
/// `docs/verification.md`).
pub mod codes {
    /// The container has no signature.
    pub const NO_SIGNATURES: &str = "NO_SIGNATURES";
    /// A data file is covered by no signature.
    pub const DATA_FILE_NOT_SIGNED: &str = "DATA_FILE_NOT_SIGNED";
    /// A signature reference names a file that is not a data file of the container.
    pub const REFERENCE_NOT_IN_CONTAINER: &str = "REFERENCE_NOT_IN_CONTAINER";
    /// A data file's media type in the signature (DataObjectFormat) differs from the
    /// manifest's (a warning, as DSS says).
    pub const MEDIA_TYPE_MISMATCH: &str = "MEDIA_TYPE_MISMATCH";
    /// The signing certificate does not chain to a trust anchor.
    pub const SIGNER_NOT_TRUSTED: &str = "SIGNER_NOT_TRUSTED";
    /// The signing certificate was not valid at the signing time that matters.
    pub const SIGNER_CERT_NOT_VALID: &str = "SIGNER_CERT_NOT_VALID";
    /// The signing certificate was revoked before the proven signing time.
    pub const SIGNER_REVOKED: &str = "SIGNER_REVOKED";
    /// The signing certificate lacks the non-repudiation key usage.
    pub const SIGNER_KEY_USAGE: &str = "SIGNER_KEY_USAGE";
    /// No usable revocation information: the signature cannot be called valid.
    pub const REVOCATION_UNKNOWN: &str = "REVOCATION_UNKNOWN";
    /// The OCSP responder said "unknown" for the signing certificate.
    pub const OCSP_STATUS_UNKNOWN: &str = "OCSP_STATUS_UNKNOWN";
    /// An embedded OCSP response is not for the signing certificate.
    pub const OCSP_CERT_MISMATCH: &str = "OCSP_CERT_MISMATCH";
    /// Embedded OCSP responses about other certificates (the TSA's, a CA's) were left aside.
    pub const OCSP_OTHER_CERTIFICATE: &str = "OCSP_OTHER_CERTIFICATE";
    /// A signature file holds no signature at all.
    pub const SIGNATURE_FILE_EMPTY: &str = "SIGNATURE_FILE_EMPTY";
    /// A signature covers no data file of the container.
    pub const NO_SIGNED_DATA: &str = "NO_SIGNED_DATA";
    /// An embedded OCSP response does not check out (signature, syntax, times, algorithm).
    pub const OCSP_INVALID: &str = "OCSP_INVALID";
    /// The OCSP responder's certificate does not chain to a trust anchor, or the responder is
    /// neither the CA nor designated by it (RFC 6960 §4.2.2.2) and no trust anchor names it.
    pub const OCSP_RESPONDER_NOT_TRUSTED: &str = "OCSP_RESPONDER_NOT_TRUSTED";
    /// A time-stamp's TSA certificate does not chain to a trust anchor.
    pub const TIMESTAMP_NOT_TRUSTED: &str = "TIMESTAMP_NOT_TRUSTED";
    /// A time-stamp token does not check out (signature, syntax).
    pub const TIMESTAMP_INVALID: &str = "TIMESTAMP_INVALID";
    /// A B-B signature: no time-stamp proves when it was made.
    pub const NO_TIMESTAMP: &str = "NO_TIMESTAMP";
    /// A time-stamp is dated after the validation time: at that time the signature was not
    /// proven to exist yet, so it cannot be judged then.
    pub const TIMESTAMP_AFTER_VALIDATION_TIME: &str = "TIMESTAMP_AFTER_VALIDATION_TIME";
    /// Every code above, for documentation and tests.
    pub const ALL: &[&str] = &[
        NO_SIGNATURES,
        OCSP_OTHER_CERTIFICATE,
        SIGNATURE_FILE_EMPTY,
        NO_SIGNED_DATA,
        DATA_FILE_NOT_SIGNED,
        REFERENCE_NOT_IN_CONTAINER,
        MEDIA_TYPE_MISMATCH,
        SIGNER_NOT_TRUSTED,
        SIGNER_CERT_NOT_VALID,
        SIGNER_REVOKED,
        SIGNER_KEY_USAGE,
        REVOCATION_UNKNOWN,
        OCSP_STATUS_UNKNOWN,
        OCSP_CERT_MISMATCH,
        OCSP_INVALID,
        OCSP_RESPONDER_NOT_TRUSTED,
        TIMESTAMP_NOT_TRUSTED,
        TIMESTAMP_INVALID,
        NO_TIMESTAMP,
        TIMESTAMP_AFTER_VALIDATION_TIME,
    ];
}

/// How far a time-stamp may be dated after the validation time before it is a finding: the
/// verifier's clock may be behind the authority's.
const VALIDATION_CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Verifies the container at `path`.
pub fn verify_file(
    path: &std::path::Path,
    options: &VerifyOptions,
) -> Result<Report, crate::Error> {
    let f = std::fs::File::open(path).map_err(crate::Error::io("opening the container", path))?;
    let mut report = verify(std::io::BufReader::with_capacity(1 << 16, f), options);
    report.file = Some(path.display().to_string());
    Ok(report)
}

/// Verifies a container from any `Read + Seek` (a file, `Cursor<Vec<u8>>` in wasm).
pub fn verify<R: Read + Seek>(reader: R, options: &VerifyOptions) -> Report {
    let at = options.at.unwrap_or_else(OffsetDateTime::now_utc);
    let mut report = Report {
        format: "knik-verification-report/1",
        file: None,
        verdict: Verdict::Invalid,
        validation_time: rfc3339(at),
        container: ContainerReport {
            structure: "rejected",
            data_files: Vec::new(),
            findings: Vec::new(),
        },
        signatures: Vec::new(),
    };
    let mut container = match Container::open(reader) {
        Ok(c) => c,
        Err(e) => {
            report.container.findings.push(Finding::new(
                e.code(),
                Severity::Error,
                format!("the container cannot be opened: {e}"),
            ));
            return report;
        }
    };
    report.container.structure = match container.verdict() {
        StructureVerdict::Sound => "sound",
        StructureVerdict::Tolerated => "tolerated",
        _ => "defective",
    };
    for f in container.findings() {
        let severity = match f.severity {
            knik_asic::Severity::Warning => Severity::Warning,
            _ => Severity::Error,
        };
        report
            .container
            .findings
            .push(Finding::new(f.code, severity, f.message.clone()));
    }
    let data_files = container.data_files();
    report.container.data_files = data_files
        .iter()
        .map(|f| DataFileReport {
            name: f.name.clone(),
            media_type: f.media_type.clone(),
            size: f.size,
        })
        .collect();
    let signature_files = match container.signature_files() {
        Ok(s) => s,
        Err(e) => {
            report.container.findings.push(Finding::new(
                e.code(),
                Severity::Error,
                format!("a signature file cannot be read: {e}"),
            ));
            report.verdict = Verdict::Invalid;
            return report;
        }
    };
    let mut resolver = ContainerResolver { container };
    let mut covered = std::collections::HashSet::new();
    for sf in &signature_files {
        match xades::verify(&sf.bytes, &mut resolver, &xades::VerifyOptions::default()) {
            Ok(checks) if checks.is_empty() => report.container.findings.push(Finding::new(
                codes::SIGNATURE_FILE_EMPTY,
                Severity::Error,
                format!("{} holds no signature", sf.name),
            )),
            Ok(checks) => {
                for check in checks {
                    let sig = judge_signature(&sf.name, &check, &mut resolver, options, at);
                    covered.extend(sig.signed_files.iter().cloned());
                    report.signatures.push(sig);
                }
            }
            Err(e) => report.signatures.push(SignatureReport {
                id: String::new(),
                file: sf.name.clone(),
                verdict: Verdict::Invalid,
                level: "none".into(),
                signer: None,
                claimed_signing_time: None,
                proven_signing_time: None,
                timestamps: Vec::new(),
                revocation: None,
                signed_files: Vec::new(),
                signature_method: None,
                canonicalization: None,
                findings: vec![Finding::new(
                    e.code(),
                    Severity::Error,
                    format!("{}: the signature file cannot be read: {e}", sf.name),
                )],
            }),
        }
    }
    if report.signatures.is_empty() {
        report.container.findings.push(Finding::new(
            codes::NO_SIGNATURES,
            Severity::Indeterminate,
            "the container has no signatures",
        ));
    }
    for f in &data_files {
        if !report.signatures.is_empty() && !covered.contains(&f.name) {
            report.container.findings.push(Finding::new(
                codes::DATA_FILE_NOT_SIGNED,
                Severity::Warning,
                format!("{} is not covered by any signature", f.name),
            ));
        }
    }
    let container_verdict = verdict_of(&report.container.findings);
    report.verdict = report
        .signatures
        .iter()
        .map(|s| s.verdict)
        .chain([container_verdict])
        .max()
        .unwrap_or(Verdict::Invalid);
    report
}

fn map_severity(s: xades::Severity) -> Severity {
    match s {
        xades::Severity::Error => Severity::Error,
        xades::Severity::Warning => Severity::Warning,
        _ => Severity::Info,
    }
}

fn signer_report(cert: &Certificate, policies: &PolicyMap) -> SignerReport {
    let identity = Identity::from_certificate(cert, policies).ok();
    SignerReport {
        given_name: identity.as_ref().and_then(|i| i.given_name.clone()),
        surname: identity.as_ref().and_then(|i| i.surname.clone()),
        common_name: cert.subject().common_name().map(str::to_owned),
        personal_number: identity.as_ref().map(|i| i.personal_number.clone()),
        country: identity.as_ref().and_then(|i| i.country.clone()),
        document_kind: identity
            .as_ref()
            .map(|i| document_kind_label(i.document_kind).to_owned()),
        document_kind_code: identity
            .as_ref()
            .map(|i| i.document_kind.as_str().to_owned()),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial_number: cert.serial_number_hex(),
        valid_from: rfc3339(cert.not_before()),
        valid_until: rfc3339(cert.not_after()),
    }
}

/// Trust, time and revocation for one signature whose XML and cryptography `check` holds.
fn judge_signature<R: Read + Seek>(
    file: &str,
    check: &SignatureCheck,
    resolver: &mut ContainerResolver<R>,
    options: &VerifyOptions,
    at: OffsetDateTime,
) -> SignatureReport {
    let mut findings: Vec<Finding> = check
        .findings
        .iter()
        .map(|f| Finding::new(f.code, map_severity(f.severity), f.message.clone()))
        .collect();
    // References → data files of this container.
    let mut signed_files = Vec::new();
    let manifest_types: std::collections::HashMap<String, Option<String>> = resolver
        .container
        .data_files()
        .into_iter()
        .map(|f| (f.name, f.media_type))
        .collect();
    for r in check.data_references() {
        match resolver
            .container
            .data_file_for_uri(r.uri.as_deref().unwrap_or(""))
        {
            Ok(Some(name)) => {
                let listed = manifest_types.get(name).cloned().flatten();
                if let (Some(signed), Some(listed)) = (r.mime_type.as_deref(), listed.as_deref())
                    && !signed.eq_ignore_ascii_case(listed)
                {
                    findings.push(Finding::new(
                        codes::MEDIA_TYPE_MISMATCH,
                        Severity::Warning,
                        format!("{name}: the signature says {signed:?}, the manifest {listed:?}"),
                    ));
                }
                signed_files.push(name.to_owned());
            }
            _ => findings.push(Finding::new(
                codes::REFERENCE_NOT_IN_CONTAINER,
                Severity::Error,
                format!(
                    "the signature refers to {:?}, which the container does not have",
                    r.uri
                ),
            )),
        }
    }
    if check.data_references().next().is_none() {
        findings.push(Finding::new(
            codes::NO_SIGNED_DATA,
            Severity::Error,
            "the signature covers no data file",
        ));
    }
    let signer = check.signer_certificate.clone();
    // Every certificate the signature carries may help build paths.
    let mut candidates: Vec<Certificate> = check.certificates();
    candidates.extend(options.chain.iter().cloned());
    // Time-stamps: tokens are re-read with the candidates so the TSA certificate is found.
    let mut timestamps = Vec::new();
    let mut proven: Option<OffsetDateTime> = None;
    let mut intact_signature_ts = false;
    let mut intact_archive_ts = false;
    for (kind, list) in [
        ("signature", &check.signature_timestamps),
        ("archive", &check.archive_timestamps),
    ] {
        for ts in list {
            let token = match TimeStampToken::from_der(&ts.token_der, &candidates) {
                Ok(t) => t,
                Err(e) => {
                    findings.push(Finding::new(
                        codes::TIMESTAMP_INVALID,
                        Severity::Error,
                        format!("a {kind} time-stamp cannot be used: {e}"),
                    ));
                    continue;
                }
            };
            candidates.extend(token.certificates().iter().cloned());
            // Clocks differ: a verifier slightly behind the authority is not a finding.
            if at
                .checked_add(VALIDATION_CLOCK_SKEW)
                .is_some_and(|limit| token.gen_time() > limit)
            {
                findings.push(Finding::new(
                    codes::TIMESTAMP_AFTER_VALIDATION_TIME,
                    Severity::Indeterminate,
                    format!(
                        "the {kind} time-stamp is dated {}, after the validation time {}",
                        rfc3339(token.gen_time()),
                        rfc3339(at)
                    ),
                ));
            }
            let tsa = token.tsa_certificate().clone();
            let mut intact = ts.imprint_ok;
            match validate_path(
                &tsa,
                &candidates,
                &options.trust,
                token.gen_time(),
                PathOptions::default(),
            ) {
                Ok(_) => {}
                Err(e) => {
                    intact = false;
                    findings.push(Finding::new(
                        codes::TIMESTAMP_NOT_TRUSTED,
                        Severity::Indeterminate,
                        format!(
                            "the {kind} time-stamp's authority ({}) is not trusted: {e}",
                            tsa.subject()
                        ),
                    ));
                }
            }
            if intact && ts.imprint_ok {
                if kind == "signature" {
                    intact_signature_ts = true;
                    proven = Some(proven.map_or(token.gen_time(), |p| p.min(token.gen_time())));
                } else {
                    intact_archive_ts = true;
                }
            }
            timestamps.push(TimestampReport {
                kind,
                time: rfc3339(token.gen_time()),
                authority: tsa.subject().to_string(),
                intact: intact && ts.imprint_ok,
            });
        }
    }
    let Some(signer) = signer else {
        // knik-xades has said why already when the certificate is there but unreadable.
        if !check.has(xades::codes::SIGNER_CERTIFICATE_UNREADABLE)
            && !check.has(xades::codes::SIGNER_CERTIFICATE_MISSING)
        {
            findings.push(Finding::new(
                xades::codes::SIGNER_CERTIFICATE_MISSING,
                Severity::Error,
                "the signature carries no signing certificate",
            ));
        }
        return finish(
            file,
            check,
            findings,
            None,
            None,
            timestamps,
            None,
            signed_files,
            Level::B,
        );
    };
    let signer_report = signer_report(&signer, &options.policies);
    // The time that matters: proven by a time-stamp, else now.
    let signing_time = proven.unwrap_or(at);
    if let Some(ku) = signer.key_usage()
        && !ku.non_repudiation()
    {
        // A key without non-repudiation (an authentication key, PIN1) makes no signature in
        // law; libdigidocpp and DSS reject it too.
        findings.push(Finding::new(
            codes::SIGNER_KEY_USAGE,
            Severity::Error,
            "the signing certificate is not meant for signatures (no non-repudiation key usage)",
        ));
    }
    let path: Option<ValidatedPath> = match validate_path(
        &signer,
        &candidates,
        &options.trust,
        signing_time,
        PathOptions::default(),
    ) {
        Ok(p) => Some(p),
        Err(e) => {
            let expired = matches!(
                e,
                knik_pki::Error::CertificateExpired { .. }
                    | knik_pki::Error::CertificateNotYetValid { .. }
            );
            if expired {
                findings.push(Finding::new(
                    codes::SIGNER_CERT_NOT_VALID,
                    if proven.is_some() {
                        Severity::Error
                    } else {
                        Severity::Indeterminate
                    },
                    format!(
                        "the signing certificate was not valid at {} ({}): {e}",
                        rfc3339(signing_time),
                        if proven.is_some() {
                            "proven by a time-stamp"
                        } else {
                            "now; no time-stamp proves an earlier time"
                        }
                    ),
                ));
            } else {
                findings.push(Finding::new(
                    codes::SIGNER_NOT_TRUSTED,
                    Severity::Indeterminate,
                    format!("the signing certificate does not chain to a trusted authority: {e}"),
                ));
            }
            None
        }
    };
    if let Some(ts) = proven
        && let Some(f) = timing::check_certificate_at_timestamp(&signer, ts)
    {
        findings.push(Finding::new(f.code, timing_severity(f.severity), f.message));
    }
    // Revocation from the embedded OCSP responses.
    let issuer = path
        .as_ref()
        .and_then(|p| p.chain().get(1).cloned())
        .or_else(|| find_issuer(&signer, &candidates).cloned());
    let mut revocation = None;
    let mut revocation_ok = false;
    // Only the responses about this signer are judged: a B-LT signature may also carry OCSP
    // responses for its TSA or CA certificates (DSS does so), and anyone can add unsigned
    // ones; they must not decide the signer's status.
    let mut about_signer = Vec::new();
    let mut about_others = 0;
    for der in &check.ocsp_responses {
        let response = match OcspResponse::from_der(der) {
            Ok(r) => r,
            Err(e) => {
                findings.push(Finding::new(
                    codes::OCSP_INVALID,
                    Severity::Error,
                    format!("an OCSP response cannot be read: {e}"),
                ));
                continue;
            }
        };
        match issuer.as_ref() {
            Some(issuer)
                if !response
                    .responses()
                    .iter()
                    .any(|r| r.cert_id().matches(&signer, issuer)) =>
            {
                about_others += 1;
            }
            _ => about_signer.push(response),
        }
    }
    if about_others > 0 {
        if about_signer.is_empty() {
            findings.push(Finding::new(
                codes::OCSP_CERT_MISMATCH,
                Severity::Error,
                "the embedded OCSP response is about another certificate, not the signer's",
            ));
        } else {
            findings.push(Finding::new(
                codes::OCSP_OTHER_CERTIFICATE,
                Severity::Info,
                format!(
                    "{about_others} embedded OCSP response(s) about other certificates \
                     (e.g. the time-stamp authority's) were not used for the signer"
                ),
            ));
        }
    }
    for response in about_signer {
        let Some(issuer) = issuer.as_ref() else { break };
        let verified = match response.verify(
            &OcspCheck::new(&signer, issuer, response.produced_at())
                .max_age(None)
                .extra_certificates(&candidates),
        ) {
            Ok(v) => v,
            Err(e) => {
                let (code, severity) = match e {
                    knik_pki::Error::OcspCertIdMismatch { .. } => {
                        (codes::OCSP_CERT_MISMATCH, Severity::Error)
                    }
                    // The response's signature verified, but its responder is neither the CA
                    // nor a responder the CA designated: RFC 6960 §4.2.2.2 leaves such a
                    // "trusted responder" to local configuration (SK's responders are issued by
                    // the root), which we do not have. Unconfirmed, not proven wrong.
                    knik_pki::Error::OcspResponderNotAuthorised { .. } => {
                        (codes::OCSP_RESPONDER_NOT_TRUSTED, Severity::Indeterminate)
                    }
                    _ => (codes::OCSP_INVALID, Severity::Error),
                };
                findings.push(Finding::new(
                    code,
                    severity,
                    format!("the OCSP response does not check out: {e}"),
                ));
                continue;
            }
        };
        let mut responder_trusted = true;
        if !verified.responder_is_issuer() {
            let responder = verified.responder().clone();
            if let Err(e) = validate_path(
                &responder,
                &candidates,
                &options.trust,
                verified.produced_at(),
                PathOptions::default(),
            ) {
                responder_trusted = false;
                findings.push(Finding::new(
                    codes::OCSP_RESPONDER_NOT_TRUSTED,
                    Severity::Indeterminate,
                    format!(
                        "the OCSP responder {} is not trusted: {e}",
                        responder.subject()
                    ),
                ));
            }
        }
        // producedAt has whole seconds (as responders write it) while genTime may carry a
        // fraction: compare at the second, or an OCSP response fetched in the same second as
        // the time-stamp would count as earlier.
        if let Some(ts) = proven
            && let Some(f) = timing::check_ocsp_after_timestamp(
                ts.replace_nanosecond(0).unwrap_or(ts),
                verified.produced_at(),
            )
        {
            findings.push(Finding::new(f.code, timing_severity(f.severity), f.message));
        }
        let (status, revoked_at) = match verified.status() {
            CertStatus::Good => {
                revocation_ok = responder_trusted;
                ("good", None)
            }
            CertStatus::Revoked { time, .. } => {
                if time <= signing_time {
                    findings.push(Finding::new(
                        codes::SIGNER_REVOKED,
                        Severity::Error,
                        format!("the signing certificate was revoked on {}", rfc3339(time)),
                    ));
                } else {
                    revocation_ok = responder_trusted;
                }
                ("revoked", Some(rfc3339(time)))
            }
            _ => {
                findings.push(Finding::new(
                    codes::OCSP_STATUS_UNKNOWN,
                    Severity::Indeterminate,
                    "the OCSP responder does not know the signing certificate",
                ));
                ("unknown", None)
            }
        };
        revocation = Some(RevocationReport {
            status: status.into(),
            produced_at: rfc3339(verified.produced_at()),
            responder: verified.responder().subject().to_string(),
            revoked_at,
        });
        break;
    }
    if revocation.is_none()
        && !findings
            .iter()
            .any(|f| f.code == codes::OCSP_CERT_MISMATCH || f.code == codes::OCSP_INVALID)
    {
        let why = if check.ocsp_responses.is_empty() {
            "the signature carries no OCSP response"
        } else if issuer.is_none() {
            "the signature's OCSP response cannot be checked without the certificate of the \
             signer's issuing CA, which neither the signature nor the trust anchors provide"
        } else {
            "the signature's OCSP response cannot be used"
        };
        findings.push(Finding::new(
            codes::REVOCATION_UNKNOWN,
            Severity::Indeterminate,
            format!("{why}, so whether the certificate was revoked is unknown"),
        ));
    }
    if !intact_signature_ts && check.signature_timestamps.is_empty() {
        findings.push(Finding::new(
            codes::NO_TIMESTAMP,
            Severity::Indeterminate,
            "no time-stamp proves when the signature was made",
        ));
    }
    // The level the signature reaches, checked.
    let crypto_ok = !findings.iter().any(|f| f.severity == Severity::Error);
    let level = if !crypto_ok {
        Level::B
    } else if intact_signature_ts && revocation_ok && intact_archive_ts {
        Level::Lta
    } else if intact_signature_ts && revocation_ok {
        Level::Lt
    } else if intact_signature_ts {
        Level::T
    } else {
        Level::B
    };
    finish(
        file,
        check,
        findings,
        Some(signer_report),
        proven,
        timestamps,
        revocation,
        signed_files,
        level,
    )
}

fn timing_severity(s: timing::Severity) -> Severity {
    match s {
        timing::Severity::Error => Severity::Error,
        _ => Severity::Warning,
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(
    file: &str,
    check: &SignatureCheck,
    mut findings: Vec<Finding>,
    signer: Option<SignerReport>,
    proven: Option<OffsetDateTime>,
    timestamps: Vec<TimestampReport>,
    revocation: Option<RevocationReport>,
    signed_files: Vec<String>,
    level: Level,
) -> SignatureReport {
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    SignatureReport {
        id: check.id.clone().unwrap_or_default(),
        file: file.to_owned(),
        verdict: verdict_of(&findings),
        level: level.name().into(),
        signer,
        claimed_signing_time: check.claimed_signing_time.map(rfc3339),
        proven_signing_time: proven.map(rfc3339),
        timestamps,
        revocation,
        signed_files,
        signature_method: check.signature_method.map(|m| m.uri().to_owned()),
        canonicalization: check.canonicalization.map(|a| a.uri().to_owned()),
        findings,
    }
}

/// The document kind as a citizen reads it.
fn document_kind_label(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::CitizenIdCard => "Armenian ID card",
        DocumentKind::ResidenceCard => "Armenian residence card",
        DocumentKind::MobileId => "Armenian mobile ID",
        DocumentKind::ForeignEid => "foreign eID",
        _ => "unknown document",
    }
}
