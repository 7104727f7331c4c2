//! Where nonce randomness comes from.

use crate::Error;

/// A source of cryptographically secure random bytes for nonces.
///
/// Native builds have [`OsNonceGenerator`]; a browser build (wasm) passes its own, backed by
/// `crypto.getRandomValues`, because this crate carries no JavaScript binding.
pub trait NonceGenerator {
    /// Fills `buf` entirely with random bytes, or fails.
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error>;
}

/// The operating system's generator (`getrandom(2)`, `BCryptGenRandom`, ...).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct OsNonceGenerator;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl NonceGenerator for OsNonceGenerator {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        getrandom::getrandom(buf).map_err(|e| Error::Randomness {
            reason: e.to_string(),
        })
    }
}
