//! The depth-first search behind [`validate_path`](super::validate_path).

use time::OffsetDateTime;

use super::{PathOptions, ValidatedPath};
use crate::trust::{TrustAnchor, TrustStore};
use crate::{Certificate, Error};

pub(super) struct Builder<'a> {
    pub(super) candidates: &'a [Certificate],
    pub(super) store: &'a TrustStore,
    pub(super) at: OffsetDateTime,
    pub(super) options: PathOptions,
}

/// The failure kept while searching: the first specific one wins over "no anchor", and a
/// "no anchor" from deeper in the chain (it names the certificate whose issuer is missing)
/// wins over a shallower one.
#[derive(Default)]
struct Failure(Option<Error>);

impl Failure {
    fn record(&mut self, error: Error) {
        let replace = match &self.0 {
            None => true,
            Some(Error::ChainNoAnchor { .. }) => !matches!(error, Error::ChainNoAnchor { .. }),
            Some(_) => false,
        };
        if replace {
            self.0 = Some(error);
        }
    }
}

impl Builder<'_> {
    pub(super) fn build(&self, end_entity: &Certificate) -> Result<ValidatedPath, Error> {
        check_validity(end_entity, self.at)?;
        check_critical_extensions(end_entity)?;
        let mut failure = Failure::default();
        // The end entity itself may be trusted (e.g. a TSA certificate in a trusted list).
        for anchor in self
            .store
            .anchors()
            .iter()
            .filter(|a| a.matches(end_entity))
        {
            match self.check_anchor(anchor) {
                Ok(()) => {
                    return Ok(ValidatedPath {
                        chain: vec![end_entity.clone()],
                        anchor: anchor.clone(),
                    });
                }
                Err(e) => failure.record(e),
            }
        }
        let mut chain = vec![end_entity];
        match self.extend(&mut chain, &mut failure) {
            Some(anchor) => {
                let mut certificates: Vec<Certificate> = chain.into_iter().cloned().collect();
                certificates.push(anchor.certificate().clone());
                Ok(ValidatedPath {
                    chain: certificates,
                    anchor: anchor.clone(),
                })
            }
            None => Err(failure.0.unwrap_or_else(|| no_anchor(end_entity))),
        }
    }

    /// Finds an issuer for the last certificate of `chain`, recursively; on success `chain`
    /// holds the certificates below the returned anchor.
    fn extend<'s>(
        &'s self,
        chain: &mut Vec<&'s Certificate>,
        failure: &mut Failure,
    ) -> Option<&'s TrustAnchor> {
        let current = *chain.last()?;
        if chain.len() + 1 > self.options.max_depth {
            failure.record(Error::ChainTooLong {
                max_depth: self.options.max_depth,
            });
            return None;
        }
        // Anchors first: the shortest trusted path wins.
        for anchor in self.store.by_subject(current.issuer()) {
            let issuer = anchor.certificate();
            if !key_ids_compatible(current, issuer) {
                continue;
            }
            let link = self
                .check_anchor(anchor)
                .and_then(|()| self.check_link(current, issuer, chain))
                .and_then(|()| {
                    if self.options.check_anchor_validity {
                        check_validity(issuer, self.at)
                    } else {
                        Ok(())
                    }
                });
            match link {
                Ok(()) => return Some(anchor),
                Err(e) => failure.record(e),
            }
        }
        let mut found_any = false;
        for candidate in self.candidates {
            if candidate.subject().as_der() != current.issuer().as_der()
                || !key_ids_compatible(current, candidate)
            {
                continue;
            }
            // A self-signed certificate names itself as issuer: that is the end of the
            // candidates, not a loop.
            if candidate == current {
                continue;
            }
            found_any = true;
            if chain.contains(&candidate) {
                failure.record(Error::ChainLoop {
                    subject: candidate.subject().to_rfc4514(),
                });
                continue;
            }
            let link = self
                .check_link(current, candidate, chain)
                .and_then(|()| check_validity(candidate, self.at))
                .and_then(|()| check_critical_extensions(candidate));
            if let Err(e) = link {
                failure.record(e);
                continue;
            }
            chain.push(candidate);
            if let Some(anchor) = self.extend(chain, failure) {
                return Some(anchor);
            }
            chain.pop();
        }
        if !found_any {
            failure.record(no_anchor(current));
        }
        None
    }

    /// A trusted-list anchor must have been granted at the validation time.
    fn check_anchor(&self, anchor: &TrustAnchor) -> Result<(), Error> {
        if anchor.is_trusted_at(self.at) {
            return Ok(());
        }
        let status = anchor
            .service()
            .and_then(|s| s.status_at(self.at))
            .map_or_else(|| "none".to_owned(), |p| p.status.clone());
        Err(Error::AnchorNotGranted {
            subject: anchor.certificate().subject().to_rfc4514(),
            source_label: anchor.source().to_string(),
            status,
            at: self.at,
        })
    }

    /// `issuer` may have issued `issued`, the last certificate of `chain` (RFC 5280 §6.1.3
    /// (a)(1), §6.1.4 (k), (l), (m), (n)).
    fn check_link(
        &self,
        issued: &Certificate,
        issuer: &Certificate,
        chain: &[&Certificate],
    ) -> Result<(), Error> {
        let names = || (issuer.subject().to_rfc4514(), issued.subject().to_rfc4514());
        let Some(constraints) = issuer.basic_constraints().filter(|bc| bc.ca) else {
            let (subject, issued) = names();
            return Err(Error::ChainNotACa { subject, issued });
        };
        if issuer.key_usage().is_some_and(|ku| !ku.key_cert_sign()) {
            let (subject, issued) = names();
            return Err(Error::ChainKeyCertSign { subject, issued });
        }
        if let Some(path_len) = constraints.path_len {
            // Intermediate CAs between this issuer and the end entity; self-issued ones do
            // not count (RFC 5280 §6.1.4 (l)).
            let found = chain.iter().skip(1).filter(|c| !c.is_self_issued()).count();
            if found > usize::from(path_len) {
                return Err(Error::ChainPathLength {
                    subject: issuer.subject().to_rfc4514(),
                    path_len,
                    found,
                });
            }
        }
        issued
            .verify_issued_by(issuer)
            .map_err(|e| Error::ChainSignatureInvalid {
                subject: issued.subject().to_rfc4514(),
                issuer: issuer.subject().to_rfc4514(),
                reason: e.to_string(),
            })
    }
}

/// AKI/SKI, when both are present, must agree (RFC 5280 §4.2.1.1); otherwise names decide.
fn key_ids_compatible(issued: &Certificate, issuer: &Certificate) -> bool {
    match (
        issued.authority_key_identifier(),
        issuer.subject_key_identifier(),
    ) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

fn check_validity(certificate: &Certificate, at: OffsetDateTime) -> Result<(), Error> {
    if at < certificate.not_before() {
        return Err(Error::CertificateNotYetValid {
            subject: certificate.subject().to_rfc4514(),
            not_before: certificate.not_before(),
            at,
        });
    }
    if at > certificate.not_after() {
        return Err(Error::CertificateExpired {
            subject: certificate.subject().to_rfc4514(),
            not_after: certificate.not_after(),
            at,
        });
    }
    Ok(())
}

fn check_critical_extensions(certificate: &Certificate) -> Result<(), Error> {
    match certificate.unhandled_critical_extensions().first() {
        Some(oid) => Err(Error::ChainCriticalExtension {
            subject: certificate.subject().to_rfc4514(),
            oid: (*oid).to_owned(),
        }),
        None => Ok(()),
    }
}

fn no_anchor(certificate: &Certificate) -> Error {
    Error::ChainNoAnchor {
        subject: certificate.subject().to_rfc4514(),
        issuer: certificate.issuer().to_rfc4514(),
    }
}
