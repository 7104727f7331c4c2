//! Time rules between the parts of a B-LT signature: the signature time-stamp, the OCSP
//! response and the signing certificate.
//!
//! The rules libdigidocpp and digidoc4j apply (shared/reference/signing.md §1.2, §2.9, §4
//! item 11), which knik follows so that its signatures validate there too:
//!
//! * the OCSP response must be produced at or after the signature time-stamp's genTime
//!   (eIDAS art. 32: the certificate status is proven *after* the time the signature
//!   existed) — otherwise an error, [`OCSP_BEFORE_TIMESTAMP`];
//! * more than 15 minutes between the two is only a warning, [`OCSP_LATE`]
//!   (libdigidocpp's limit; digidoc4j warns from 24 hours on);
//! * the signing certificate must be valid at the time-stamp's genTime, the earliest proven
//!   time of the signature ([`CERT_NOT_VALID_AT_TIMESTAMP`]).
//!
//! The checks return [`TimingFinding`]s that a report turns into lines with a code, a
//! severity and a sentence.

use core::fmt;

use time::{Duration, OffsetDateTime};

use crate::Certificate;
use crate::asn1::generalized_time::rfc3339;

/// Code: the OCSP response was produced before the signature time-stamp.
pub const OCSP_BEFORE_TIMESTAMP: &str = "OCSP_BEFORE_TIMESTAMP";
/// Code: the OCSP response was produced long after the signature time-stamp.
pub const OCSP_LATE: &str = "OCSP_LATE";
/// Code: the signing certificate was not valid at the time-stamp's time.
pub const CERT_NOT_VALID_AT_TIMESTAMP: &str = "CERT_NOT_VALID_AT_TIMESTAMP";

/// The gap after which an OCSP response is reported as late (libdigidocpp's 15 minutes).
pub const OCSP_LATE_AFTER: Duration = Duration::minutes(15);

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; the signature stays valid.
    Warning,
    /// The signature fails this rule.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding of a timing rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimingFinding {
    /// A stable code (one of this module's constants).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// A sentence for people.
    pub message: String,
}

/// Checks the OCSP `producedAt` against the signature time-stamp's `genTime`, with the
/// default 15-minute limit ([`OCSP_LATE_AFTER`]). `None` when both rules hold.
pub fn check_ocsp_after_timestamp(
    timestamp_time: OffsetDateTime,
    ocsp_produced_at: OffsetDateTime,
) -> Option<TimingFinding> {
    check_ocsp_after_timestamp_within(timestamp_time, ocsp_produced_at, OCSP_LATE_AFTER)
}

/// [`check_ocsp_after_timestamp`] with a chosen limit for the warning (digidoc4j uses 24 h).
pub fn check_ocsp_after_timestamp_within(
    timestamp_time: OffsetDateTime,
    ocsp_produced_at: OffsetDateTime,
    late_after: Duration,
) -> Option<TimingFinding> {
    let gap = ocsp_produced_at - timestamp_time;
    if gap.is_negative() {
        return Some(TimingFinding {
            code: OCSP_BEFORE_TIMESTAMP,
            severity: Severity::Error,
            message: format!(
                "the OCSP response was produced at {}, before the signature time-stamp ({}): \
                 it does not prove the certificate's status after the signature was made",
                rfc3339(&ocsp_produced_at),
                rfc3339(&timestamp_time)
            ),
        });
    }
    if gap > late_after {
        return Some(TimingFinding {
            code: OCSP_LATE,
            severity: Severity::Warning,
            message: format!(
                "the OCSP response was produced {} after the signature time-stamp (more than {})",
                human(gap),
                human(late_after)
            ),
        });
    }
    None
}

/// Checks that the signing certificate was valid at the time-stamp's `genTime`. `None` when
/// it was.
pub fn check_certificate_at_timestamp(
    certificate: &Certificate,
    timestamp_time: OffsetDateTime,
) -> Option<TimingFinding> {
    if certificate.is_valid_at(timestamp_time) {
        return None;
    }
    let when = if timestamp_time < certificate.not_before() {
        format!("valid only from {}", rfc3339(&certificate.not_before()))
    } else {
        format!("expired at {}", rfc3339(&certificate.not_after()))
    };
    Some(TimingFinding {
        code: CERT_NOT_VALID_AT_TIMESTAMP,
        severity: Severity::Error,
        message: format!(
            "the signing certificate \"{}\" is {when}, but the signature was time-stamped at {}",
            certificate.subject(),
            rfc3339(&timestamp_time)
        ),
    })
}

/// "2 h 5 min 3 s" style durations for the messages.
fn human(d: Duration) -> String {
    let total = d.whole_seconds().unsigned_abs();
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const TS: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);

    #[test]
    fn ocsp_at_or_shortly_after_the_timestamp_is_fine() {
        assert_eq!(check_ocsp_after_timestamp(TS, TS), None);
        assert_eq!(
            check_ocsp_after_timestamp(TS, TS + Duration::minutes(15)),
            None
        );
    }

    #[test]
    fn ocsp_before_the_timestamp_is_an_error() {
        let f = check_ocsp_after_timestamp(TS, TS - Duration::seconds(1)).expect("finding");
        assert_eq!(f.code, OCSP_BEFORE_TIMESTAMP);
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.contains("2026-01-01T11:59:59Z"), "{}", f.message);
    }

    #[test]
    fn ocsp_long_after_is_a_warning() {
        let f = check_ocsp_after_timestamp(TS, TS + Duration::minutes(15) + Duration::seconds(1))
            .expect("finding");
        assert_eq!(f.code, OCSP_LATE);
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.contains("15 min 1 s"), "{}", f.message);
        assert_eq!(
            check_ocsp_after_timestamp_within(TS, TS + Duration::hours(23), Duration::hours(24)),
            None
        );
    }
}
