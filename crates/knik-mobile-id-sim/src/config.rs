//! How a simulator is set up: where it listens, its TLS identity, the test PKI, the relying
//! party it accepts and its timings.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use knik_mobile_id::rest::RelyingParty;

/// The port the `knik-mobile-id-sim` binary and `scripts/services.sh` use, beside the OCSP
/// responders (8881–8884) and the TSA (8889).
pub const DEFAULT_PORT: u16 = 8890;

/// The relying party name the simulator accepts (compared case-insensitively).
pub const RELYING_PARTY_NAME: &str = "knik demo";

/// The relying party UUID the simulator accepts (exact, lower-case).
pub const RELYING_PARTY_UUID: &str = "00000000-0000-4000-8000-00000000a11e";

/// `test-vectors/` of the workspace this crate was built in.
pub fn test_vectors_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors"))
}

/// `test-vectors/mobile-id/sim-tls.pem`: the simulator's TLS certificate, self-signed for
/// `localhost` and `127.0.0.1`. A client trusts it as its only root and pins
/// `sim-tls.pin`.
pub fn default_tls_cert() -> PathBuf {
    test_vectors_dir().join("mobile-id/sim-tls.pem")
}

/// `test-vectors/mobile-id/sim-tls.key`.
pub fn default_tls_key() -> PathBuf {
    test_vectors_dir().join("mobile-id/sim-tls.key")
}

/// `test-vectors/mobile-id/sim-tls.pin`: base64(SHA-256(SubjectPublicKeyInfo)) of
/// [`default_tls_cert`], the form MID-REST clients pin.
pub fn default_tls_pin_file() -> PathBuf {
    test_vectors_dir().join("mobile-id/sim-tls.pin")
}

/// `test-vectors/pki`.
pub fn default_pki_dir() -> PathBuf {
    test_vectors_dir().join("pki")
}

/// The relying party of test-vectors/mobile-id/README.md.
pub fn default_relying_party() -> RelyingParty {
    RelyingParty::new(RELYING_PARTY_UUID, RELYING_PARTY_NAME)
        .expect("the README's relying party is well-formed")
}

/// A simulator's configuration. Start from [`SimConfig::default`] and change what a test
/// needs:
///
/// ```
/// use std::time::Duration;
/// use knik_mobile_id_sim::SimConfig;
///
/// let config = SimConfig {
///     slow_user_delay: Duration::from_millis(1_500),
///     session_expiry: Duration::from_secs(2),
///     ..SimConfig::default()
/// };
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port (the default: `127.0.0.1:0`).
    pub listen: SocketAddr,
    /// PEM certificate chain served in the TLS handshake (default [`default_tls_cert`]).
    pub tls_cert: PathBuf,
    /// PKCS#8 PEM private key of the TLS certificate (default [`default_tls_key`]).
    pub tls_key: PathBuf,
    /// The test PKI; the person's keys and certificates are read from
    /// `holders/mobile/{auth,sign}.{key,pem}` (default [`default_pki_dir`]).
    pub pki_dir: PathBuf,
    /// The one relying party accepted; any other name or UUID gets HTTP 401 (default
    /// [`default_relying_party`]).
    pub relying_party: RelyingParty,
    /// How long after the start the slow user (`+37400000009`) confirms (default 3 s).
    pub slow_user_delay: Duration,
    /// A session without requests for this long is forgotten; its status then answers 404
    /// (default 5 minutes, as MID-REST).
    pub session_expiry: Duration,
    /// The long poll when a status request has no `timeoutMs` (default 10 s, as MID-REST).
    pub default_long_poll: Duration,
    /// Most connections served at once; more are closed unanswered (default 64).
    pub max_connections: usize,
    /// Log one line per request and each phone prompt on stderr (default off).
    pub log: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls_cert: default_tls_cert(),
            tls_key: default_tls_key(),
            pki_dir: default_pki_dir(),
            relying_party: default_relying_party(),
            slow_user_delay: Duration::from_secs(3),
            session_expiry: Duration::from_secs(5 * 60),
            default_long_poll: Duration::from_secs(10),
            max_connections: 64,
            log: false,
        }
    }
}
