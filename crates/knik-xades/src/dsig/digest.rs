//! An incremental hash behind `std::io::Write`, so canonicalization and data files stream
//! straight into a digest.

use knik_pki::HashAlgorithm;
use sha2::Digest;

/// A running hash of one of the [`HashAlgorithm`]s; write bytes in, then [`finish`](Self::finish).
#[derive(Clone)]
pub struct DigestWriter {
    state: State,
    written: u64,
}

#[derive(Clone)]
enum State {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl core::fmt::Debug for DigestWriter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DigestWriter")
            .field("algorithm", &self.algorithm())
            .field("written", &self.written)
            .finish()
    }
}

impl DigestWriter {
    /// A new hash of `algorithm`.
    pub fn new(algorithm: HashAlgorithm) -> Self {
        let state = match algorithm {
            HashAlgorithm::Sha1 => State::Sha1(sha1::Sha1::new()),
            HashAlgorithm::Sha384 => State::Sha384(sha2::Sha384::new()),
            HashAlgorithm::Sha512 => State::Sha512(sha2::Sha512::new()),
            _ => State::Sha256(sha2::Sha256::new()),
        };
        DigestWriter { state, written: 0 }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> HashAlgorithm {
        match self.state {
            State::Sha1(_) => HashAlgorithm::Sha1,
            State::Sha256(_) => HashAlgorithm::Sha256,
            State::Sha384(_) => HashAlgorithm::Sha384,
            State::Sha512(_) => HashAlgorithm::Sha512,
        }
    }

    /// How many bytes went in.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.written += data.len() as u64;
        match &mut self.state {
            State::Sha1(h) => h.update(data),
            State::Sha256(h) => h.update(data),
            State::Sha384(h) => h.update(data),
            State::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything written.
    pub fn finish(self) -> Vec<u8> {
        match self.state {
            State::Sha1(h) => h.finalize().to_vec(),
            State::Sha256(h) => h.finalize().to_vec(),
            State::Sha384(h) => h.finalize().to_vec(),
            State::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

impl std::io::Write for DigestWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
