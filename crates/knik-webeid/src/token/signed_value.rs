//! What the authentication key signs (reference/web-eid.md §2.3):
//! `M = H(origin as UTF-8) ‖ H(nonce as its base64 text)`, signed as `H(M)`, with `H` the
//! token algorithm's hash.
//!
//! The origin is the exact ASCII string the browser passed and the nonce the exact text the
//! server issued; neither is decoded or normalised. The fixed-length concatenation separates the
//! two fields.

use crate::token::TokenAlgorithm;

/// `M = H(origin) ‖ H(nonce)`: the message the token's signature covers.
pub fn signed_value(origin: &str, nonce: &str, algorithm: TokenAlgorithm) -> Vec<u8> {
    let hash = algorithm.hash();
    let mut message = hash.digest(origin.as_bytes());
    message.extend_from_slice(&hash.digest(nonce.as_bytes()));
    message
}

/// `H(H(origin) ‖ H(nonce))`: the digest the card signs (INTERNAL AUTHENTICATE / PKCS#11 sign).
pub fn signed_value_digest(origin: &str, nonce: &str, algorithm: TokenAlgorithm) -> Vec<u8> {
    algorithm
        .hash()
        .digest(&signed_value(origin, nonce, algorithm))
}
