//! The verification report as typed records: the same content as `knik verify --json`, with
//! the same stable finding codes (docs/verification.md).

use knik::report as r;

/// EN 319 102-1's three outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// Nothing is wrong, but something needed to call it valid is missing.
    Indeterminate,
    /// Something is wrong.
    Invalid,
}

impl From<r::Verdict> for Verdict {
    fn from(v: r::Verdict) -> Self {
        match v {
            r::Verdict::Valid => Verdict::Valid,
            r::Verdict::Indeterminate => Verdict::Indeterminate,
            r::Verdict::Invalid => Verdict::Invalid,
        }
    }
}

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Severity {
    /// What was checked and how.
    Info,
    /// Tolerated.
    Warning,
    /// Makes the verdict indeterminate at best.
    Indeterminate,
    /// Makes the verdict invalid.
    Error,
}

impl From<r::Severity> for Severity {
    fn from(s: r::Severity) -> Self {
        match s {
            r::Severity::Info => Severity::Info,
            r::Severity::Warning => Severity::Warning,
            r::Severity::Indeterminate => Severity::Indeterminate,
            r::Severity::Error => Severity::Error,
        }
    }
}

/// One observation with its stable code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// Stable code (`DATA_DIGEST_MISMATCH`, …).
    pub code: String,
    /// How much it weighs.
    pub severity: Severity,
    /// A sentence for people.
    pub message: String,
}

fn findings(list: Vec<r::Finding>) -> Vec<Finding> {
    list.into_iter()
        .map(|f| Finding {
            code: f.code,
            severity: f.severity.into(),
            message: f.message,
        })
        .collect()
}

/// Who signed, as the signing certificate names them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Signer {
    /// Given name(s).
    pub given_name: Option<String>,
    /// Surname.
    pub surname: Option<String>,
    /// The certificate's common name.
    pub common_name: Option<String>,
    /// Personal number, without the `PNOAM-` prefix.
    pub personal_number: Option<String>,
    /// Country of the personal number.
    pub country: Option<String>,
    /// `citizen-id-card`, `residence-card`, `mobile-id`, …
    pub document_kind: Option<String>,
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number, hex.
    pub serial_number: String,
    /// Validity start, RFC 3339.
    pub valid_from: String,
    /// Validity end, RFC 3339.
    pub valid_until: String,
}

/// A time-stamp in a signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Timestamp {
    /// `signature` (B-T) or `archive` (B-LTA).
    pub kind: String,
    /// The time it proves, RFC 3339.
    pub time: String,
    /// The authority (certificate subject).
    pub authority: String,
    /// Imprint and signature checked out.
    pub intact: bool,
}

/// The revocation status used for the signing certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Revocation {
    /// `good`, `revoked` or `unknown`.
    pub status: String,
    /// When the responder answered, RFC 3339.
    pub produced_at: String,
    /// The responder (certificate subject).
    pub responder: String,
    /// When revoked, RFC 3339.
    pub revoked_at: Option<String>,
}

/// One signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureReport {
    /// The signature's Id.
    pub id: String,
    /// The entry holding it (`META-INF/signatures0.xml`).
    pub file: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// Level reached: `B-B`, `B-T`, `B-LT`, `B-LTA`.
    pub level: String,
    /// Who signed.
    pub signer: Option<Signer>,
    /// SigningTime as claimed, RFC 3339.
    pub claimed_signing_time: Option<String>,
    /// The earliest time proven by a time-stamp, RFC 3339.
    pub proven_signing_time: Option<String>,
    /// Time-stamps.
    pub timestamps: Vec<Timestamp>,
    /// Revocation information used.
    pub revocation: Option<Revocation>,
    /// The data files it covers.
    pub signed_files: Vec<String>,
    /// Findings, worst first.
    pub findings: Vec<Finding>,
}

/// A data file of the container.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DataFileInfo {
    /// Name in the container.
    pub name: String,
    /// Media type from the manifest.
    pub media_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerificationReport {
    /// Valid only if the container is sound or tolerated and every signature is valid.
    pub verdict: Verdict,
    /// When the validation ran, RFC 3339.
    pub validation_time: String,
    /// `sound`, `tolerated` or `defective`.
    pub structure: String,
    /// Data files.
    pub data_files: Vec<DataFileInfo>,
    /// Findings about the container itself.
    pub container_findings: Vec<Finding>,
    /// One per signature, in container order.
    pub signatures: Vec<SignatureReport>,
    /// Every finding code (container and signatures), for quick checks.
    pub codes: Vec<String>,
    /// The report as `knik verify --json` prints it.
    pub json: String,
}

impl From<r::Report> for VerificationReport {
    fn from(report: r::Report) -> Self {
        let codes = report.codes().into_iter().map(str::to_owned).collect();
        let json = report.to_json();
        VerificationReport {
            verdict: report.verdict.into(),
            validation_time: report.validation_time,
            structure: report.container.structure.to_owned(),
            data_files: report
                .container
                .data_files
                .into_iter()
                .map(|d| DataFileInfo {
                    name: d.name,
                    media_type: d.media_type,
                    size: d.size,
                })
                .collect(),
            container_findings: findings(report.container.findings),
            signatures: report.signatures.into_iter().map(signature).collect(),
            codes,
            json,
        }
    }
}

fn signature(s: r::SignatureReport) -> SignatureReport {
    SignatureReport {
        id: s.id,
        file: s.file,
        verdict: s.verdict.into(),
        level: s.level,
        signer: s.signer.map(|p| Signer {
            given_name: p.given_name,
            surname: p.surname,
            common_name: p.common_name,
            personal_number: p.personal_number,
            country: p.country,
            document_kind: p.document_kind_code,
            subject: p.subject,
            issuer: p.issuer,
            serial_number: p.serial_number,
            valid_from: p.valid_from,
            valid_until: p.valid_until,
        }),
        claimed_signing_time: s.claimed_signing_time,
        proven_signing_time: s.proven_signing_time,
        timestamps: s
            .timestamps
            .into_iter()
            .map(|t| Timestamp {
                kind: t.kind.to_owned(),
                time: t.time,
                authority: t.authority,
                intact: t.intact,
            })
            .collect(),
        revocation: s.revocation.map(|v| Revocation {
            status: v.status,
            produced_at: v.produced_at,
            responder: v.responder,
            revoked_at: v.revoked_at,
        }),
        signed_files: s.signed_files,
        findings: findings(s.findings),
    }
}
