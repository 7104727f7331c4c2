//! The one error type of knik-card-sim.

/// Result with [`SimError`].
pub type Result<T, E = SimError> = std::result::Result<T, E>;

/// Why the virtual card could not be personalised or connected. (What happens on the card
/// itself is a status word, never an error of this type.)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A file could not be read.
    #[error("cannot read {path}: {detail}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's words.
        detail: String,
    },
    /// The personalisation file does not parse or is inconsistent.
    #[error("card image {path}: {detail}")]
    Image {
        /// The `.toml` file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The profile the image names is unknown, or does not fit the image.
    #[error("card profile {profile}: {detail}")]
    Profile {
        /// Profile id.
        profile: String,
        /// What is wrong.
        detail: String,
    },
    /// A private key or certificate file is unusable, or the two do not belong together.
    #[error("{path}: {detail}")]
    Key {
        /// The key or certificate file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// vpcd (inside pcscd) does not accept the card's connection.
    #[error("cannot connect to vpcd at {addr}: {detail} (is pcscd running with vsmartcard-vpcd?)")]
    VpcdConnect {
        /// The address tried.
        addr: String,
        /// The operating system's words.
        detail: String,
    },
    /// The vpcd connection broke or sent something that is not the vpcd protocol.
    #[error("vpcd connection: {0}")]
    Vpcd(String),
}
