//! Resource limits applied while reading untrusted XML.

/// Upper bounds for a document read by [`Document::parse_with_limits`](super::Document::parse_with_limits).
///
/// The defaults fit every XAdES signature file seen in practice (the largest, B-LTA with long
/// chains and several OCSP responses, are a few hundred kilobytes) with a wide margin, while
/// keeping memory and time bounded for hostile input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum input size in bytes (default 32 MiB).
    pub max_bytes: usize,
    /// Maximum element nesting depth; the document element is depth 1 (default 256).
    pub max_depth: usize,
    /// Maximum number of nodes: elements, text runs, comments and processing instructions
    /// (default 1 000 000).
    pub max_nodes: usize,
    /// Maximum number of attributes on one element, namespace declarations included
    /// (default 256).
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 32 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 1_000_000,
            max_attributes: 256,
        }
    }
}
