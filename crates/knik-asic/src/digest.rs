//! Digests computed while bytes stream past, so no data file is ever held in memory
//! (`design/architecture.md`, "Signing with a card" step 1).

use std::io::Read;

use sha2::Digest as _;

use crate::error::Error;

/// A hash algorithm for data-file references (XMLDSig / XAdES).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlgorithm {
    /// The XML algorithm identifier used in `ds:DigestMethod`.
    pub fn xml_uri(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
            DigestAlgorithm::Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
            DigestAlgorithm::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        }
    }

    /// Length of the digest in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }
}

/// Something that consumes the bytes of a data file as they stream past: a hasher, several
/// hashers, a progress counter. Implement it to plug in an algorithm this crate does not offer.
pub trait DigestSink {
    /// Feeds the next chunk of the entry's uncompressed bytes.
    fn update(&mut self, bytes: &[u8]);
}

/// A sink that ignores everything (for callers that need no digest).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDigest;

impl DigestSink for NoDigest {
    fn update(&mut self, _bytes: &[u8]) {}
}

/// A running SHA-2 hash.
#[derive(Clone)]
pub struct Hasher {
    state: State,
}

#[derive(Clone)]
enum State {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

impl Hasher {
    /// Starts a hash.
    pub fn new(algorithm: DigestAlgorithm) -> Hasher {
        let state = match algorithm {
            DigestAlgorithm::Sha256 => State::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => State::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => State::Sha512(sha2::Sha512::new()),
        };
        Hasher { state }
    }

    /// The algorithm of this hash.
    pub fn algorithm(&self) -> DigestAlgorithm {
        match self.state {
            State::Sha256(_) => DigestAlgorithm::Sha256,
            State::Sha384(_) => DigestAlgorithm::Sha384,
            State::Sha512(_) => DigestAlgorithm::Sha512,
        }
    }

    /// The digest of everything fed so far.
    pub fn finalize(self) -> Vec<u8> {
        match self.state {
            State::Sha256(h) => h.finalize().to_vec(),
            State::Sha384(h) => h.finalize().to_vec(),
            State::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

impl DigestSink for Hasher {
    fn update(&mut self, bytes: &[u8]) {
        match &mut self.state {
            State::Sha256(h) => h.update(bytes),
            State::Sha384(h) => h.update(bytes),
            State::Sha512(h) => h.update(bytes),
        }
    }
}

impl<T: DigestSink + ?Sized> DigestSink for &mut T {
    fn update(&mut self, bytes: &[u8]) {
        (**self).update(bytes)
    }
}

/// Chunk size for every streamed copy in the crate.
pub(crate) const CHUNK: usize = 64 * 1024;

/// Streams `reader` to its end through `sink`; returns the number of bytes.
pub fn stream_into(reader: &mut dyn Read, sink: &mut dyn DigestSink) -> Result<u64, Error> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::from_io(e, "reading entry data")),
        };
        sink.update(&buf[..n]);
        total += n as u64;
    }
}
