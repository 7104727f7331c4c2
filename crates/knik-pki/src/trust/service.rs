//! A trust service as an ETSI TS 119 612 trusted list describes it: its type, and its status
//! over time.

use time::OffsetDateTime;

/// Service type identifiers (TS 119 612 §5.5.1.1, the URIs of its Annex D) knik uses.
pub mod service_type {
    /// A CA issuing qualified certificates.
    pub const CA_QC: &str = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC";
    /// A CA issuing non-qualified certificates.
    pub const CA_PKC: &str = "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC";
    /// An OCSP responder for qualified certificates.
    pub const OCSP_QC: &str = "http://uri.etsi.org/TrstSvc/Svctype/Certstatus/OCSP/QC";
    /// An OCSP responder.
    pub const OCSP: &str = "http://uri.etsi.org/TrstSvc/Svctype/Certstatus/OCSP";
    /// A qualified time-stamping authority.
    pub const TSA_QTST: &str = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST";
    /// A time-stamping authority.
    pub const TSA: &str = "http://uri.etsi.org/TrstSvc/Svctype/TSA";
}

/// Service status identifiers (TS 119 612 §5.5.4).
pub mod service_status {
    /// Granted (TS 119 612 v2).
    pub const GRANTED: &str = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted";
    /// Withdrawn (TS 119 612 v2).
    pub const WITHDRAWN: &str = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn";
    /// Recognised at national level (TS 119 612 v2, non-qualified services).
    pub const RECOGNISED_AT_NATIONAL_LEVEL: &str =
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/recognisedatnationallevel";
    /// Deprecated at national level (TS 119 612 v2).
    pub const DEPRECATED_AT_NATIONAL_LEVEL: &str =
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/deprecatedatnationallevel";

    /// Statuses under which a service is trusted. The pre-eIDAS (TS 119 612 v1) statuses
    /// `undersupervision`, `supervisionincessation` and `accredited` count as granted, as
    /// DSS and libdigidocpp do for historical entries.
    pub const TRUSTED: &[&str] = &[
        GRANTED,
        RECOGNISED_AT_NATIONAL_LEVEL,
        "http://uri.etsi.org/TrstSvc/Svcstatus/undersupervision",
        "http://uri.etsi.org/TrstSvc/Svcstatus/supervisionincessation",
        "http://uri.etsi.org/TrstSvc/Svcstatus/accredited",
    ];
}

/// One entry of a service's status history: the status that held from `from` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPeriod {
    /// The status URI (see [`service_status`]).
    pub status: String,
    /// StatusStartingTime.
    pub from: OffsetDateTime,
}

/// A trust service of a trusted list, reduced to what trust decisions need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedService {
    /// ServiceTypeIdentifier (see [`service_type`]).
    pub service_type: String,
    /// ServiceName (the first one given, preferring English).
    pub name: String,
    /// The current status and every earlier one from ServiceHistory, in any order.
    pub history: Vec<StatusPeriod>,
}

impl TrustedService {
    /// The status in force at `at`: the period with the latest start not after `at`; `None`
    /// before the first one.
    pub fn status_at(&self, at: OffsetDateTime) -> Option<&StatusPeriod> {
        self.history
            .iter()
            .filter(|p| p.from <= at)
            .max_by_key(|p| p.from)
    }

    /// The current status (the period that started last).
    pub fn current_status(&self) -> Option<&StatusPeriod> {
        self.history.iter().max_by_key(|p| p.from)
    }

    /// Whether the service was trusted (granted or equivalent) at `at`.
    pub fn is_granted_at(&self, at: OffsetDateTime) -> bool {
        self.status_at(at)
            .is_some_and(|p| service_status::TRUSTED.contains(&p.status.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn service() -> TrustedService {
        TrustedService {
            service_type: service_type::CA_QC.into(),
            name: "CA".into(),
            history: vec![
                StatusPeriod {
                    status: service_status::WITHDRAWN.into(),
                    from: datetime!(2030-01-01 0:00 UTC),
                },
                StatusPeriod {
                    status: service_status::GRANTED.into(),
                    from: datetime!(2020-01-01 0:00 UTC),
                },
            ],
        }
    }

    #[test]
    fn history_answers_by_time() {
        let s = service();
        assert!(!s.is_granted_at(datetime!(2019-12-31 23:59 UTC)));
        assert!(s.is_granted_at(datetime!(2020-01-01 0:00 UTC)));
        assert!(s.is_granted_at(datetime!(2029-12-31 0:00 UTC)));
        assert!(!s.is_granted_at(datetime!(2030-01-01 0:00 UTC)));
        assert_eq!(
            s.current_status().map(|p| p.status.as_str()),
            Some(service_status::WITHDRAWN)
        );
    }
}
