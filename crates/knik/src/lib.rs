//! knik: the flows people call — sign files into an ASiC-E container, verify a container,
//! extend its signatures — on top of the pure crates (`knik-asic` → `knik-xades` →
//! `knik-pki`). With the `online` feature (the default) it also talks to OCSP responders and
//! RFC 3161 time-stamp authorities over HTTP; without it the crate stays pure Rust and builds
//! for `wasm32-unknown-unknown`, where verification needs nothing from the network.
#![forbid(unsafe_code)]

#[cfg(feature = "online")]
pub mod online;
