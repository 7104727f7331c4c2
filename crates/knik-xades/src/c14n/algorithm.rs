//! The canonicalization methods and their W3C identifiers.

use crate::error::{Error, Result};

/// A canonicalization method of XMLDSig (`CanonicalizationMethod` / `Transform` `Algorithm`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Canonical XML 1.0 (W3C REC 2001-03-15), comments removed.
    Inclusive10,
    /// Canonical XML 1.0 with comments.
    Inclusive10WithComments,
    /// Canonical XML 1.1 (W3C REC 2008-05-02), comments removed.
    Inclusive11,
    /// Canonical XML 1.1 with comments.
    Inclusive11WithComments,
    /// Exclusive XML Canonicalization 1.0 (W3C REC 2002-07-18), comments removed.
    Exclusive10,
    /// Exclusive XML Canonicalization 1.0 with comments.
    Exclusive10WithComments,
}

/// Which rule set an [`Algorithm`] follows, comments aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    C10,
    C11,
    Exclusive,
}

impl Algorithm {
    /// Every algorithm, in a fixed order.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Inclusive10,
        Algorithm::Inclusive10WithComments,
        Algorithm::Inclusive11,
        Algorithm::Inclusive11WithComments,
        Algorithm::Exclusive10,
        Algorithm::Exclusive10WithComments,
    ];

    /// The W3C identifier.
    pub fn uri(self) -> &'static str {
        match self {
            Algorithm::Inclusive10 => "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
            Algorithm::Inclusive10WithComments => {
                "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
            }
            Algorithm::Inclusive11 => "http://www.w3.org/2006/12/xml-c14n11",
            Algorithm::Inclusive11WithComments => {
                "http://www.w3.org/2006/12/xml-c14n11#WithComments"
            }
            Algorithm::Exclusive10 => "http://www.w3.org/2001/10/xml-exc-c14n#",
            Algorithm::Exclusive10WithComments => {
                "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
            }
        }
    }

    /// The algorithm with this identifier (exact match, as XMLDSig compares URIs).
    ///
    /// # Errors
    /// [`Error::UnknownAlgorithm`] for any other URI.
    pub fn from_uri(uri: &str) -> Result<Algorithm> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.uri() == uri)
            .ok_or_else(|| Error::UnknownAlgorithm {
                uri: uri.to_owned(),
            })
    }

    /// Whether comments are kept.
    pub fn with_comments(self) -> bool {
        matches!(
            self,
            Algorithm::Inclusive10WithComments
                | Algorithm::Inclusive11WithComments
                | Algorithm::Exclusive10WithComments
        )
    }

    /// The same algorithm without comments. XMLDSig §4.3.3.3: a same-document reference
    /// (`URI="#id"` or `URI=""`) selects a node-set without comments, so even a
    /// `#WithComments` transform sees none.
    pub fn without_comments(self) -> Algorithm {
        match self {
            Algorithm::Inclusive10WithComments => Algorithm::Inclusive10,
            Algorithm::Inclusive11WithComments => Algorithm::Inclusive11,
            Algorithm::Exclusive10WithComments => Algorithm::Exclusive10,
            a => a,
        }
    }

    /// Whether this is Exclusive XML Canonicalization (which takes an InclusiveNamespaces
    /// PrefixList).
    pub fn is_exclusive(self) -> bool {
        self.family() == Family::Exclusive
    }

    pub(crate) fn family(self) -> Family {
        match self {
            Algorithm::Inclusive10 | Algorithm::Inclusive10WithComments => Family::C10,
            Algorithm::Inclusive11 | Algorithm::Inclusive11WithComments => Family::C11,
            Algorithm::Exclusive10 | Algorithm::Exclusive10WithComments => Family::Exclusive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::from_uri(a.uri()), Ok(a));
            assert!(!a.without_comments().with_comments());
        }
        assert_eq!(
            Algorithm::from_uri("http://www.w3.org/2001/10/xml-exc-c14n"),
            Err(Error::UnknownAlgorithm {
                uri: "http://www.w3.org/2001/10/xml-exc-c14n".to_owned()
            })
        );
    }
}
