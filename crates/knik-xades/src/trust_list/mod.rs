//! ETSI TS 119 612 trusted lists: load a TrustServiceStatusList, check its signature against
//! the configured list signers, and turn its services into [`knik_pki`] trust anchors.
//!
//! Armenia is not in the EU list of trusted lists, so knik is configured like libdigidocpp's
//! `TSLUrl`/`TSLCerts`: a national list and the certificate(s) allowed to sign it. The
//! procedure of [`TrustList::load`]:
//!
//! 1. Parse with the hardened reader (no DTD, no entities, unique `Id`s).
//! 2. The root must be `tsl:TrustServiceStatusList` with exactly one enveloped `ds:Signature`
//!    whose KeyInfo certificate (when present) is a configured signer; the signature value
//!    and every reference digest must verify, and one reference must cover the whole list
//!    ([`crate::dsig`] does the XMLDSig work).
//! 3. The signer must have been valid at the list's ListIssueDateTime.
//! 4. The territory must be the one expected (when configured), and NextUpdate must not have
//!    passed at the loading time — an error, or a warning with [`ExpiredList::Warn`].
//!
//! Then [`TrustList::add_to_store`] adds the certificate of every service that was ever
//! granted (now or in its ServiceHistory) as a [`knik_pki::TrustAnchor`] that carries the
//! service's status history, so path validation asks "granted at the time that matters?".
//!
//! Not done: the XAdES properties TS 119 612 asks of the list signature (they are checked
//! as ordinary references, not interpreted), XSD validation, lists of lists (pointers to other
//! territories), and ServiceInformationExtensions (qualifiers such as QCForESig).
//!
//! ```no_run
//! use knik_pki::{Certificate, TrustStore};
//! use knik_xades::trust_list::{LoadOptions, TrustList};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let signer = Certificate::from_pem(&std::fs::read_to_string("tsl-signer.pem")?)?;
//! let signers = [signer];
//! let list = TrustList::load(
//!     &std::fs::read("am-tl.xml")?,
//!     &LoadOptions::new(&signers, time::OffsetDateTime::now_utc()).territory("AM"),
//! )?;
//! let mut store = TrustStore::new();
//! list.add_to_store(&mut store);
//! # Ok(())
//! # }
//! ```

mod error;
mod parse;
mod signature;

use knik_pki::trust::{StatusPeriod, TrustedService, service_status};
use knik_pki::{Certificate, TrustStore};
use time::OffsetDateTime;

pub use error::TrustListError;
pub use parse::TSL_NS;

use crate::xml::Document;

/// What to do with a list whose NextUpdate has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpiredList {
    /// Refuse it ([`TrustListError::Expired`]); the default.
    #[default]
    Refuse,
    /// Load it and add a `TSL_EXPIRED` warning (libdigidocpp's `TSLAllowExpired`).
    Warn,
}

/// How to load a list.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions<'a> {
    signers: &'a [Certificate],
    at: OffsetDateTime,
    expired: ExpiredList,
    territory: Option<&'a str>,
}

impl<'a> LoadOptions<'a> {
    /// The certificates allowed to sign the list, and the current time (for NextUpdate).
    pub fn new(signers: &'a [Certificate], at: OffsetDateTime) -> Self {
        LoadOptions {
            signers,
            at,
            expired: ExpiredList::Refuse,
            territory: None,
        }
    }

    /// What to do with an expired list.
    pub fn expired(mut self, expired: ExpiredList) -> Self {
        self.expired = expired;
        self
    }

    /// Requires SchemeTerritory to be `territory` (e.g. "AM").
    pub fn territory(mut self, territory: &'a str) -> Self {
        self.territory = Some(territory);
        self
    }
}

/// Something worth reporting about a list that was still accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustListWarning {
    /// A stable code: `TSL_EXPIRED` or `TSL_CLOSED`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

/// A past status of a service (ServiceHistoryInstance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// ServiceTypeIdentifier at the time.
    pub service_type: String,
    /// ServiceStatus.
    pub status: String,
    /// StatusStartingTime.
    pub from: OffsetDateTime,
}

/// A trust service (TSPService).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustService {
    /// ServiceTypeIdentifier (see [`knik_pki::trust::service_type`]).
    pub service_type: String,
    /// ServiceName (English when given, else the first).
    pub name: String,
    /// The X.509 certificates of ServiceDigitalIdentity.
    pub certificates: Vec<Certificate>,
    /// The current ServiceStatus.
    pub status: String,
    /// Its StatusStartingTime.
    pub status_starting_time: OffsetDateTime,
    /// ServiceHistory, as listed.
    pub history: Vec<HistoryEntry>,
}

impl TrustService {
    /// The status history as knik-pki keeps it: the current status and every earlier one.
    pub fn trusted_service(&self) -> TrustedService {
        let mut history = vec![StatusPeriod {
            status: self.status.clone(),
            from: self.status_starting_time,
        }];
        history.extend(self.history.iter().map(|h| StatusPeriod {
            status: h.status.clone(),
            from: h.from,
        }));
        TrustedService {
            service_type: self.service_type.clone(),
            name: self.name.clone(),
            history,
        }
    }

    /// Whether the service is granted now or was at some time in its history.
    pub fn ever_granted(&self) -> bool {
        core::iter::once(self.status.as_str())
            .chain(self.history.iter().map(|h| h.status.as_str()))
            .any(|s| service_status::TRUSTED.contains(&s))
    }
}

/// A trust service provider (TrustServiceProvider).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustServiceProvider {
    /// TSPName (English when given, else the first).
    pub name: String,
    /// Its services.
    pub services: Vec<TrustService>,
}

/// A trusted list whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    version: u32,
    sequence_number: u64,
    tsl_type: String,
    territory: String,
    scheme_operator: String,
    issue_date: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    providers: Vec<TrustServiceProvider>,
    signer: Certificate,
    warnings: Vec<TrustListWarning>,
}

impl TrustList {
    /// Parses `xml`, checks its signature against the configured signers and its freshness at
    /// the options' time (see the [module documentation](self)).
    pub fn load(xml: &[u8], options: &LoadOptions<'_>) -> Result<TrustList, TrustListError> {
        let doc = Document::parse(xml)?;
        let root = doc.root_element()?;
        parse::check_root(root)?;
        let signer = signature::verify(root, options.signers)?;
        let content = parse::content(root)?;
        if !signer.is_valid_at(content.issue_date) {
            return Err(TrustListError::SignerNotValid {
                subject: signer.subject().to_rfc4514(),
                issued: content.issue_date,
            });
        }
        if let Some(expected) = options.territory
            && !content.territory.eq_ignore_ascii_case(expected)
        {
            return Err(TrustListError::TerritoryMismatch {
                expected: expected.to_owned(),
                found: content.territory,
            });
        }
        let mut warnings = Vec::new();
        match content.next_update {
            Some(next_update) if next_update < options.at => match options.expired {
                ExpiredList::Refuse => {
                    return Err(TrustListError::Expired {
                        next_update,
                        at: options.at,
                    });
                }
                ExpiredList::Warn => warnings.push(TrustListWarning {
                    code: "TSL_EXPIRED",
                    message: TrustListError::Expired {
                        next_update,
                        at: options.at,
                    }
                    .to_string(),
                }),
            },
            Some(_) => {}
            None => warnings.push(TrustListWarning {
                code: "TSL_CLOSED",
                message: "the trusted list is closed (it has no next update)".to_owned(),
            }),
        }
        Ok(TrustList {
            version: content.version,
            sequence_number: content.sequence_number,
            tsl_type: content.tsl_type,
            territory: content.territory,
            scheme_operator: content.scheme_operator,
            issue_date: content.issue_date,
            next_update: content.next_update,
            providers: content.providers,
            signer,
            warnings,
        })
    }

    /// TSLVersionIdentifier.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// TSLSequenceNumber.
    pub fn sequence_number(&self) -> u64 {
        self.sequence_number
    }

    /// TSLType.
    pub fn tsl_type(&self) -> &str {
        &self.tsl_type
    }

    /// SchemeTerritory (e.g. "AM").
    pub fn territory(&self) -> &str {
        &self.territory
    }

    /// SchemeOperatorName (English when given).
    pub fn scheme_operator(&self) -> &str {
        &self.scheme_operator
    }

    /// ListIssueDateTime.
    pub fn issue_date(&self) -> OffsetDateTime {
        self.issue_date
    }

    /// NextUpdate; `None` for a closed list.
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }

    /// The trust service providers, in list order.
    pub fn providers(&self) -> &[TrustServiceProvider] {
        &self.providers
    }

    /// The configured signer whose key verified the list.
    pub fn signer(&self) -> &Certificate {
        &self.signer
    }

    /// Warnings about a list that was still accepted (expired with [`ExpiredList::Warn`],
    /// closed).
    pub fn warnings(&self) -> &[TrustListWarning] {
        &self.warnings
    }

    /// Adds the certificate of every service that was ever granted, of any type, as a trust
    /// anchor with the service's history; returns how many anchors were added.
    pub fn add_to_store(&self, store: &mut TrustStore) -> usize {
        self.add_services_to_store(store, &[])
    }

    /// As [`TrustList::add_to_store`], restricted to the service types listed (e.g.
    /// [`knik_pki::trust::service_type::CA_QC`]); an empty slice means every type.
    pub fn add_services_to_store(&self, store: &mut TrustStore, service_types: &[&str]) -> usize {
        let before = store.len();
        for provider in &self.providers {
            for service in &provider.services {
                if !service.ever_granted()
                    || !(service_types.is_empty()
                        || service_types.contains(&service.service_type.as_str()))
                {
                    continue;
                }
                for certificate in &service.certificates {
                    store.add_trust_list_service(
                        certificate.clone(),
                        &self.territory,
                        self.sequence_number,
                        &provider.name,
                        service.trusted_service(),
                    );
                }
            }
        }
        store.len() - before
    }
}
