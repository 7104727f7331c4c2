//! knik in JavaScript (wasm-bindgen): verify ASiC-E containers and validate Web eID
//! authentication tokens in browsers and Node.
//!
//! The npm package `@knik/wasm` (`bindings/wasm/package.json`) wraps these exports in a small
//! hand-written ESM module (`js/`) with TypeScript types (`index.d.ts`); build it with
//! `bindings/wasm/build.sh`. Exports:
//!
//! - [`container::verify_container`] (`verifyContainer`): the report of `knik verify --json`.
//!   A bad container is a verdict, never an error.
//! - [`token::TokenValidation`]: one Web eID token validation, which the wrapper's
//!   `validateWebEidToken` drives through OCSP exchanges made by a JavaScript callback
//!   ([`replay`] explains the passes).
//! - [`finding_codes`] (`findingCodes`) and [`version`].
//!
//! Failures cross into JavaScript as `KnikError`s carrying the same stable codes as in Rust
//! ([`error`]). No clock exists on `wasm32-unknown-unknown`: every validation time comes from
//! JavaScript (`Date.now()` unless the caller passes one).
#![forbid(unsafe_code)]

pub mod container;
pub mod error;
pub mod options;
pub mod replay;
pub mod token;

use wasm_bindgen::prelude::*;

/// The package version (the workspace's).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The documented finding codes a verification report can carry: the verifier's
/// (`knik::verify::codes`), the XAdES layer's (`knik_xades::xades::codes`) and the container
/// layer's (`knik_asic::codes`). A container that cannot be opened at all carries the code of
/// knik-asic's error instead (`ZIP_NOT_ZIP`, `ZIP_MALFORMED`, …), which has no list.
pub fn finding_code_list() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = knik::verify::codes::ALL
        .iter()
        .chain(knik_xades::xades::codes::ALL)
        .chain(knik_asic::codes::ALL)
        .copied()
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// [`finding_code_list`] for JavaScript (`findingCodes()`), sorted.
#[wasm_bindgen(js_name = findingCodes)]
pub fn finding_codes() -> Vec<String> {
    finding_code_list().into_iter().map(str::to_owned).collect()
}

/// The codes of this binding's own errors (`OPTIONS_INVALID`, …), for JavaScript
/// (`bindingErrorCodes()`).
#[wasm_bindgen(js_name = bindingErrorCodes)]
pub fn binding_error_codes() -> Vec<String> {
    error::codes::ALL.iter().map(|c| (*c).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_codes_cover_every_layer_once() {
        let codes = finding_code_list();
        for code in ["NO_SIGNATURES", "DATA_DIGEST_MISMATCH", "MANIFEST_MISSING"] {
            assert!(codes.contains(&code), "{code} missing");
        }
        // TIMESTAMP_INVALID is both the verifier's and the XAdES layer's: listed once.
        let count = codes.iter().filter(|c| **c == "TIMESTAMP_INVALID").count();
        assert_eq!(count, 1);
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    }
}
