//! Reading the content of a TrustServiceStatusList (TS 119 612 §5.3–§5.6).

use knik_pki::Certificate;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::TrustListError;
use super::{HistoryEntry, TrustService, TrustServiceProvider};
use crate::dsig::decode_base64;
use crate::xml::Node;

/// The TS 119 612 namespace (its v2 XML schema, still in use by v2.x lists).
pub const TSL_NS: &str = "http://uri.etsi.org/02231/v2#";

/// Everything [`super::TrustList`] holds except the signer and warnings.
pub(super) struct Content {
    pub(super) version: u32,
    pub(super) sequence_number: u64,
    pub(super) tsl_type: String,
    pub(super) territory: String,
    pub(super) scheme_operator: String,
    pub(super) issue_date: OffsetDateTime,
    pub(super) next_update: Option<OffsetDateTime>,
    pub(super) providers: Vec<TrustServiceProvider>,
}

pub(super) fn check_root(root: Node<'_>) -> Result<(), TrustListError> {
    if root.is(Some(TSL_NS), "TrustServiceStatusList") {
        Ok(())
    } else {
        Err(TrustListError::NotATrustList {
            found: format!(
                "{} ({})",
                root.qualified_name(),
                root.namespace().unwrap_or("no namespace")
            ),
        })
    }
}

pub(super) fn content(root: Node<'_>) -> Result<Content, TrustListError> {
    let info = required(root, "SchemeInformation")?;
    let next_update =
        match required(info, "NextUpdate")?.first_child_named(Some(TSL_NS), "dateTime") {
            Some(t) => Some(date_time(t, "NextUpdate")?),
            None => None, // a closed list (TS 119 612 §5.3.15)
        };
    let mut providers = Vec::new();
    if let Some(list) = root.first_child_named(Some(TSL_NS), "TrustServiceProviderList") {
        for tsp in list.children_named(Some(TSL_NS), "TrustServiceProvider") {
            providers.push(provider(tsp)?);
        }
    }
    Ok(Content {
        version: number(
            required(info, "TSLVersionIdentifier")?,
            "TSLVersionIdentifier",
        )?,
        sequence_number: number(required(info, "TSLSequenceNumber")?, "TSLSequenceNumber")?,
        tsl_type: text(required(info, "TSLType")?),
        territory: text(required(info, "SchemeTerritory")?),
        scheme_operator: name(required(info, "SchemeOperatorName")?),
        issue_date: date_time(required(info, "ListIssueDateTime")?, "ListIssueDateTime")?,
        next_update,
        providers,
    })
}

fn provider(tsp: Node<'_>) -> Result<TrustServiceProvider, TrustListError> {
    let information = required(tsp, "TSPInformation")?;
    let mut services = Vec::new();
    if let Some(list) = tsp.first_child_named(Some(TSL_NS), "TSPServices") {
        for s in list.children_named(Some(TSL_NS), "TSPService") {
            services.push(service(s)?);
        }
    }
    Ok(TrustServiceProvider {
        name: name(required(information, "TSPName")?),
        services,
    })
}

fn service(node: Node<'_>) -> Result<TrustService, TrustListError> {
    let info = required(node, "ServiceInformation")?;
    let service_name = name(required(info, "ServiceName")?);
    let mut certificates = Vec::new();
    for id in required(info, "ServiceDigitalIdentity")?.children_named(Some(TSL_NS), "DigitalId") {
        for c in id.children_named(Some(TSL_NS), "X509Certificate") {
            let der =
                decode_base64(&c.text_content()).ok_or_else(|| TrustListError::Malformed {
                    element: "X509Certificate",
                    reason: format!("service \"{service_name}\": not base64"),
                })?;
            let certificate =
                Certificate::from_der(&der).map_err(|source| TrustListError::Certificate {
                    service: service_name.clone(),
                    source,
                })?;
            certificates.push(certificate);
        }
    }
    let mut history = Vec::new();
    if let Some(h) = node.first_child_named(Some(TSL_NS), "ServiceHistory") {
        for instance in h.children_named(Some(TSL_NS), "ServiceHistoryInstance") {
            history.push(HistoryEntry {
                service_type: text(required(instance, "ServiceTypeIdentifier")?),
                status: text(required(instance, "ServiceStatus")?),
                from: date_time(
                    required(instance, "StatusStartingTime")?,
                    "StatusStartingTime",
                )?,
            });
        }
    }
    Ok(TrustService {
        service_type: text(required(info, "ServiceTypeIdentifier")?),
        name: service_name,
        certificates,
        status: text(required(info, "ServiceStatus")?),
        status_starting_time: date_time(
            required(info, "StatusStartingTime")?,
            "StatusStartingTime",
        )?,
        history,
    })
}

fn required<'a>(parent: Node<'a>, element: &'static str) -> Result<Node<'a>, TrustListError> {
    parent
        .first_child_named(Some(TSL_NS), element)
        .ok_or_else(|| TrustListError::Malformed {
            element,
            reason: format!("missing in {}", parent.local_name()),
        })
}

fn text(node: Node<'_>) -> String {
    node.text_content().trim().to_owned()
}

/// A multilingual name (`tsl:Name` children with `xml:lang`): the English one, else the first.
fn name(node: Node<'_>) -> String {
    let names: Vec<Node<'_>> = node.children_named(Some(TSL_NS), "Name").collect();
    let english = names.iter().find(|n| {
        n.attributes()
            .iter()
            .any(|a| a.local_name() == "lang" && a.prefix() == Some("xml") && a.value() == "en")
    });
    english
        .or(names.first())
        .map(|n| text(*n))
        .unwrap_or_default()
}

fn number<T: core::str::FromStr>(
    node: Node<'_>,
    element: &'static str,
) -> Result<T, TrustListError> {
    let value = text(node);
    value.parse().map_err(|_| TrustListError::Malformed {
        element,
        reason: format!("\"{value}\" is not a number"),
    })
}

/// An xsd:dateTime; TS 119 612 requires UTC ("Z"), an offset is accepted too.
fn date_time(node: Node<'_>, element: &'static str) -> Result<OffsetDateTime, TrustListError> {
    let value = text(node);
    OffsetDateTime::parse(&value, &Rfc3339)
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .map_err(|e| TrustListError::Malformed {
            element,
            reason: format!("\"{value}\" is not a date and time ({e})"),
        })
}
