//! Why the simulator could not start.

use std::path::PathBuf;

use thiserror::Error;

/// A failure while loading the simulator's files or binding its port. Once running, the
/// simulator answers every request (errors go back as HTTP statuses) and never fails.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SimError {
    /// A file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system reported.
        reason: String,
    },
    /// A key or certificate file could not be parsed.
    #[error("{path} is not a valid {what}: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What it should hold ("PKCS#8 P-256 private key", ...).
        what: &'static str,
        /// What the parser reported.
        reason: String,
    },
    /// A holder's private key does not belong to its certificate: the PKI directory is mixed
    /// up, and every "OK" signature would fail to verify.
    #[error("{key} does not match the certificate {certificate}")]
    KeyMismatch {
        /// The key file.
        key: PathBuf,
        /// The certificate file.
        certificate: PathBuf,
    },
    /// The TLS identity was refused by rustls.
    #[error("TLS server identity refused: {0}")]
    Tls(String),
    /// The listening socket could not be set up.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address asked for.
        addr: String,
        /// What the system reported.
        reason: String,
    },
}
