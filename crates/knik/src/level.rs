//! Signature levels (ETSI EN 319 132-1 baseline).

use serde::Serialize;

/// How much a signature carries with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// B-B: the signature and its signed properties.
    #[serde(rename = "B-B")]
    B,
    /// B-T: plus a time-stamp over the signature value — proof of when it existed.
    #[serde(rename = "B-T")]
    T,
    /// B-LT: plus the certificates and an OCSP response — verifiable after the CA is gone.
    #[serde(rename = "B-LT")]
    Lt,
    /// B-LTA: plus an archive time-stamp over all of it — renewable protection.
    #[serde(rename = "B-LTA")]
    Lta,
}

impl Level {
    /// `B-B`, `B-T`, `B-LT`, `B-LTA`.
    pub fn name(self) -> &'static str {
        match self {
            Level::B => "B-B",
            Level::T => "B-T",
            Level::Lt => "B-LT",
            Level::Lta => "B-LTA",
        }
    }

    /// Parses `B`, `T`, `LT`, `LTA` with or without the `B-` prefix, any case.
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim().to_ascii_uppercase();
        let s = s.strip_prefix("B-").unwrap_or(&s);
        match s {
            "B" | "BES" => Some(Level::B),
            "T" => Some(Level::T),
            "LT" => Some(Level::Lt),
            "LTA" => Some(Level::Lta),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        assert_eq!(Level::parse("lt"), Some(Level::Lt));
        assert_eq!(Level::parse("B-LTA"), Some(Level::Lta));
        assert_eq!(Level::parse("b"), Some(Level::B));
        assert_eq!(Level::parse("X"), None);
        assert!(Level::B < Level::T && Level::Lt < Level::Lta);
    }
}
