//! Which certificate policy OID means which kind of document: configuration, not code.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The built-in mapping, `crates/knik-pki/policies.toml`.
const BUILT_IN: &str = include_str!("../policies.toml");

/// The kind of credential a certificate was issued on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// An Armenian citizen's ID card.
    CitizenIdCard,
    /// A foreign resident's residence card.
    ResidenceCard,
    /// Armenian mobile ID.
    MobileId,
    /// Another country's eID (e.g. an Estonian card, `PNOEE-…`).
    ForeignEid,
    /// Nothing in the certificate says.
    Unknown,
}

impl DocumentKind {
    /// The configuration name ("citizen-id-card", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::CitizenIdCard => "citizen-id-card",
            DocumentKind::ResidenceCard => "residence-card",
            DocumentKind::MobileId => "mobile-id",
            DocumentKind::ForeignEid => "foreign-eid",
            DocumentKind::Unknown => "unknown",
        }
    }

    /// What the holder calls it: "citizen ID card", "residence card", "mobile ID",
    /// "foreign eID card", or "eID" when nothing says.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::CitizenIdCard => "citizen ID card",
            DocumentKind::ResidenceCard => "residence card",
            DocumentKind::MobileId => "mobile ID",
            DocumentKind::ForeignEid => "foreign eID card",
            DocumentKind::Unknown => "eID",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Kinds a policy entry may name ("unknown" is what no entry means, so it cannot be mapped).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ConfiguredKind {
    CitizenIdCard,
    ResidenceCard,
    MobileId,
    ForeignEid,
}

impl From<ConfiguredKind> for DocumentKind {
    fn from(kind: ConfiguredKind) -> Self {
        match kind {
            ConfiguredKind::CitizenIdCard => DocumentKind::CitizenIdCard,
            ConfiguredKind::ResidenceCard => DocumentKind::ResidenceCard,
            ConfiguredKind::MobileId => DocumentKind::MobileId,
            ConfiguredKind::ForeignEid => DocumentKind::ForeignEid,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    policy: Vec<PolicyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyEntry {
    oid: String,
    kind: ConfiguredKind,
    #[serde(default)]
    #[allow(dead_code)] // read for validation and for people; not used by the code
    description: Option<String>,
}

/// Certificate policy OID → [`DocumentKind`].
///
/// The file format is TOML:
///
/// ```toml
/// [[policy]]
/// oid = "2.999.1.1"
/// kind = "citizen-id-card"        # or "residence-card", "mobile-id", "foreign-eid"
/// description = "optional, for people"
/// ```
///
/// [`PolicyMap::default()`] is the built-in file `crates/knik-pki/policies.toml`; production
/// OIDs are added there as data once the issuer publishes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyMap {
    entries: Vec<(String, DocumentKind)>,
}

impl PolicyMap {
    /// A map with no entries: every certificate comes out as foreign or unknown.
    pub fn empty() -> Self {
        PolicyMap {
            entries: Vec::new(),
        }
    }

    /// Reads a policy file.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let mut map = Self::empty();
        map.extend_from_toml(text)?;
        Ok(map)
    }

    /// Adds the entries of a policy file (e.g. a deployment's own OIDs) to this map.
    /// An OID already mapped to the same kind is accepted; to a different kind is an error.
    pub fn extend_from_toml(&mut self, text: &str) -> Result<(), Error> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| Error::PolicyConfig {
            reason: e.to_string(),
        })?;
        for entry in file.policy {
            self.insert(&entry.oid, entry.kind.into())?;
        }
        Ok(())
    }

    /// Maps `oid` (dotted form) to `kind`.
    pub fn insert(&mut self, oid: &str, kind: DocumentKind) -> Result<(), Error> {
        // Only the canonical dotted form, which is what certificates decode to, can match.
        if !crate::tlv::is_dotted_oid(oid) {
            return Err(Error::PolicyOid {
                oid: oid.to_owned(),
            });
        }
        let oid = oid.to_owned();
        match self.kind_of(&oid) {
            Some(existing) if existing != kind => Err(Error::PolicyConflict {
                oid,
                first: existing.as_str(),
                second: kind.as_str(),
            }),
            Some(_) => Ok(()),
            None => {
                self.entries.push((oid, kind));
                Ok(())
            }
        }
    }

    /// The kind `oid` is mapped to, if any.
    pub fn kind_of(&self, oid: &str) -> Option<DocumentKind> {
        self.entries
            .iter()
            .find(|(o, _)| o == oid)
            .map(|(_, kind)| *kind)
    }

    /// Every mapping, in the order it was added.
    pub fn entries(&self) -> impl Iterator<Item = (&str, DocumentKind)> {
        self.entries.iter().map(|(o, k)| (o.as_str(), *k))
    }
}

impl Default for PolicyMap {
    /// The built-in mapping (`crates/knik-pki/policies.toml`).
    fn default() -> Self {
        // The file is part of the crate and a unit test parses it; failing here means the
        // crate itself was built broken.
        Self::from_toml(BUILT_IN).expect("built-in policies.toml is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_map_has_the_test_arc() {
        let map = PolicyMap::default();
        assert_eq!(map.kind_of("2.999.1.1"), Some(DocumentKind::CitizenIdCard));
        assert_eq!(map.kind_of("2.999.1.2"), Some(DocumentKind::ResidenceCard));
        assert_eq!(map.kind_of("2.999.1.3"), Some(DocumentKind::MobileId));
        assert_eq!(map.kind_of("0.4.0.194112.1.2"), None);
    }

    #[test]
    fn the_committed_test_pki_configuration_matches_the_built_in_one() {
        let committed = include_str!("../../../test-vectors/pki/policies.toml");
        assert_eq!(
            PolicyMap::from_toml(committed).unwrap(),
            PolicyMap::default()
        );
    }

    #[test]
    fn configuration_errors_say_what_is_wrong() {
        let err = PolicyMap::from_toml("[[policy]]\noid = \"2.999.1.9\"\nkind = \"passport\"\n")
            .unwrap_err();
        assert!(
            matches!(&err, Error::PolicyConfig { reason } if reason.contains("passport")),
            "{err:?}"
        );
        let err = PolicyMap::from_toml("[[policy]]\noid = \"2.999.1.9\"\nkind = \"unknown\"\n")
            .unwrap_err();
        assert!(matches!(err, Error::PolicyConfig { .. }), "{err:?}");
        let err = PolicyMap::from_toml(
            "[[policy]]\noid = \"2.999.1.9\"\nkind = \"mobile-id\"\nkynd = 1\n",
        )
        .unwrap_err();
        assert!(matches!(err, Error::PolicyConfig { .. }), "{err:?}");
        assert_eq!(
            PolicyMap::from_toml("[[policy]]\noid = \"2.999.01\"\nkind = \"mobile-id\"\n"),
            Err(Error::PolicyOid {
                oid: "2.999.01".into()
            })
        );
        let conflict = "[[policy]]\noid = \"2.999.1.1\"\nkind = \"citizen-id-card\"\n\
                        [[policy]]\noid = \"2.999.1.1\"\nkind = \"mobile-id\"\n";
        assert_eq!(
            PolicyMap::from_toml(conflict),
            Err(Error::PolicyConflict {
                oid: "2.999.1.1".into(),
                first: "citizen-id-card",
                second: "mobile-id"
            })
        );
        assert!(matches!(
            PolicyMap::from_toml("policy = 3"),
            Err(Error::PolicyConfig { .. })
        ));
    }

    #[test]
    fn deployments_extend_the_built_in_map() {
        let mut map = PolicyMap::default();
        map.extend_from_toml(
            "[[policy]]\noid = \"1.3.6.1.4.1.99999.1\"\nkind = \"foreign-eid\"\n\
             [[policy]]\noid = \"2.999.1.1\"\nkind = \"citizen-id-card\"\n",
        )
        .unwrap();
        assert_eq!(
            map.kind_of("1.3.6.1.4.1.99999.1"),
            Some(DocumentKind::ForeignEid)
        );
        assert_eq!(map.entries().count(), 4);
        assert_eq!(PolicyMap::from_toml("").unwrap(), PolicyMap::empty());
    }
}
