//! The verification report: one verdict per signature, the signer's identity, the times
//! claimed and proven, the level reached, and findings with stable codes
//! (`docs/verification.md` lists them). Serialises to the JSON of `knik verify --json`.

use serde::Serialize;

/// The outcome for a signature or a container (EN 319 102-1's three indications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// Nothing is wrong with the signature, but something needed to call it valid is missing
    /// (no trust anchor, revocation unknown, no signatures at all).
    Indeterminate,
    /// Something is wrong: changed content, a bad signature, a revoked certificate, …
    Invalid,
}

impl Verdict {
    /// `valid`, `indeterminate` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Indeterminate => "indeterminate",
            Verdict::Invalid => "invalid",
        }
    }
}

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: what was checked and how.
    Info,
    /// Tolerated: a validator accepts it, a strict producer would not write it.
    Warning,
    /// Makes the verdict indeterminate at best.
    Indeterminate,
    /// Makes the verdict invalid.
    Error,
}

/// One observation, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable machine code (SCREAMING_SNAKE_CASE), never renamed.
    pub code: String,
    /// How much it weighs.
    pub severity: Severity,
    /// A sentence for people.
    pub message: String,
}

impl Finding {
    /// A finding from its parts.
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            code: code.into(),
            severity,
            message: message.into(),
        }
    }
}

/// The verdict that a list of findings leads to.
pub fn verdict_of(findings: &[Finding]) -> Verdict {
    match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Error) => Verdict::Invalid,
        Some(Severity::Indeterminate) => Verdict::Indeterminate,
        _ => Verdict::Valid,
    }
}

/// The person (or seal) who signed, as the signing certificate names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerReport {
    /// Given name(s), as in the certificate.
    pub given_name: Option<String>,
    /// Surname.
    pub surname: Option<String>,
    /// The certificate's common name.
    pub common_name: Option<String>,
    /// Personal number (PSN for Armenia), without the `PNOAM-` prefix.
    pub personal_number: Option<String>,
    /// Country of the personal number (ISO 3166 alpha-2).
    pub country: Option<String>,
    /// `citizen ID card`, `residence card`, `mobile ID`, … from the certificate policies.
    pub document_kind: Option<String>,
    /// Machine form of the document kind (`citizen-id-card`, …).
    pub document_kind_code: Option<String>,
    /// The certificate's subject DN.
    pub subject: String,
    /// The issuing CA's DN.
    pub issuer: String,
    /// The certificate serial number, hex.
    pub serial_number: String,
    /// Certificate validity, RFC 3339.
    pub valid_from: String,
    /// Certificate validity, RFC 3339.
    pub valid_until: String,
}

/// A time-stamp in a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimestampReport {
    /// `signature` (B-T) or `archive` (B-LTA).
    pub kind: &'static str,
    /// The time it proves, RFC 3339.
    pub time: String,
    /// The authority's name (certificate subject).
    pub authority: String,
    /// Whether its imprint and signature checked out.
    pub intact: bool,
}

/// The revocation status used for the signing certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevocationReport {
    /// `good`, `revoked` or `unknown`.
    pub status: String,
    /// When the responder produced the answer, RFC 3339.
    pub produced_at: String,
    /// The responder's certificate subject.
    pub responder: String,
    /// Revocation time, when revoked.
    pub revoked_at: Option<String>,
}

/// Everything about one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureReport {
    /// The signature's `Id` attribute.
    pub id: String,
    /// The container entry holding it (`META-INF/signatures0.xml`).
    pub file: String,
    /// valid / indeterminate / invalid.
    pub verdict: Verdict,
    /// The level the signature reaches once checked: `B-B`, `B-T`, `B-LT` or `B-LTA`.
    pub level: String,
    /// Who signed.
    pub signer: Option<SignerReport>,
    /// The signing time the signer's computer claimed (SigningTime), RFC 3339.
    pub claimed_signing_time: Option<String>,
    /// The earliest time proven by an intact signature time-stamp, RFC 3339.
    pub proven_signing_time: Option<String>,
    /// Time-stamps found.
    pub timestamps: Vec<TimestampReport>,
    /// Revocation information used.
    pub revocation: Option<RevocationReport>,
    /// The data files this signature covers.
    pub signed_files: Vec<String>,
    /// The SignatureMethod URI.
    pub signature_method: Option<String>,
    /// The SignedInfo canonicalization URI.
    pub canonicalization: Option<String>,
    /// What was found, worst first.
    pub findings: Vec<Finding>,
}

/// A data file of the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataFileReport {
    /// The name in the container.
    pub name: String,
    /// The manifest's media type.
    pub media_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
}

/// The container-level part of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerReport {
    /// `sound`, `tolerated` or `defective`.
    pub structure: &'static str,
    /// Data files.
    pub data_files: Vec<DataFileReport>,
    /// Findings about the container itself.
    pub findings: Vec<Finding>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Report format version.
    pub format: &'static str,
    /// The file verified, when it came from a path.
    pub file: Option<String>,
    /// valid only if the container is sound or tolerated and every signature is valid.
    pub verdict: Verdict,
    /// When the validation ran, RFC 3339.
    pub validation_time: String,
    /// The container.
    pub container: ContainerReport,
    /// One per signature, in container order.
    pub signatures: Vec<SignatureReport>,
}

impl Report {
    /// Every finding code of the report (container and signatures), for quick checks.
    pub fn codes(&self) -> Vec<&str> {
        self.container
            .findings
            .iter()
            .chain(self.signatures.iter().flat_map(|s| s.findings.iter()))
            .map(|f| f.code.as_str())
            .collect()
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_finding_decides() {
        let f = |s| Finding::new("X", s, "x");
        assert_eq!(verdict_of(&[]), Verdict::Valid);
        assert_eq!(
            verdict_of(&[f(Severity::Warning), f(Severity::Info)]),
            Verdict::Valid
        );
        assert_eq!(
            verdict_of(&[f(Severity::Warning), f(Severity::Indeterminate)]),
            Verdict::Indeterminate
        );
        assert_eq!(
            verdict_of(&[f(Severity::Indeterminate), f(Severity::Error)]),
            Verdict::Invalid
        );
    }
}
