//! Step 8, `web-eid:1.1` only: the signing certificates the token announces
//! (reference/web-eid.md §2.4).
//!
//! Each must name the same person as the authentication certificate, come from the same CA
//! (authorityKeyIdentifier equal, both present), be for signatures (nonRepudiation) and chain
//! to a configured CA now through its own intermediates. They are not OCSP-checked here and
//! play no part in the token's signature: they are what a later signing step may use.

use knik_pki::{Certificate, DistinguishedName, PathOptions, TrustStore, validate_path};
use time::OffsetDateTime;

use crate::Error;
use crate::token::AuthToken;

/// The token's signing certificates, each checked against `authentication`.
pub(super) fn validate(
    token: &AuthToken,
    authentication: &Certificate,
    trust: &TrustStore,
    now: OffsetDateTime,
) -> Result<Vec<Certificate>, Error> {
    let mut validated = Vec::with_capacity(token.unverified_signing_certificates.len());
    for (index, announced) in token.unverified_signing_certificates.iter().enumerate() {
        let parse = |der: &[u8]| {
            Certificate::from_der(der)
                .map_err(|cause| Error::SigningCertificateParse { index, cause })
        };
        let certificate = parse(&announced.certificate)?;
        let intermediates = announced
            .intermediate_certificates
            .iter()
            .map(|der| parse(der))
            .collect::<Result<Vec<_>, _>>()?;

        if !same_name(authentication.subject(), certificate.subject()) {
            return Err(Error::SigningCertificateSubject {
                index,
                expected: authentication.subject().to_rfc4514(),
                found: certificate.subject().to_rfc4514(),
            });
        }
        match (
            authentication.authority_key_identifier(),
            certificate.authority_key_identifier(),
        ) {
            (Some(a), Some(s)) if a == s => {}
            (Some(_), Some(_)) => {
                return Err(Error::SigningCertificateIssuer {
                    index,
                    reason: "the authorityKeyIdentifiers differ".to_owned(),
                });
            }
            _ => {
                return Err(Error::SigningCertificateIssuer {
                    index,
                    reason: "both certificates need an authorityKeyIdentifier".to_owned(),
                });
            }
        }
        let usage = certificate.key_usage();
        if !usage.is_some_and(|u| u.non_repudiation()) {
            return Err(Error::SigningCertificatePurpose {
                index,
                key_usage: usage.map(|u| u.names()).unwrap_or_default(),
            });
        }
        validate_path(
            &certificate,
            &intermediates,
            trust,
            now,
            PathOptions::default(),
        )
        .map_err(|cause| Error::SigningCertificateNotTrusted { index, cause })?;
        validated.push(certificate);
    }
    Ok(validated)
}

/// X.500 names compared attribute by attribute, ignoring the string type, case and runs of
/// white space: close to RFC 4518 preparation, which the reference applies (RFC 4519
/// canonical form), without its Unicode mapping tables.
fn same_name(a: &DistinguishedName, b: &DistinguishedName) -> bool {
    let prepare = |value: &str| {
        value
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    a.attributes().len() == b.attributes().len()
        && a.attributes().iter().zip(b.attributes()).all(|(x, y)| {
            x.oid() == y.oid()
                && x.rdn_index() == y.rdn_index()
                && prepare(x.value()) == prepare(y.value())
        })
}
