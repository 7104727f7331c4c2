//! The Web eID authentication token, formats `web-eid:1.0` and `web-eid:1.1`
//! (reference/web-eid.md §2.2–§2.4, spec/browser.md "Authentication token").
//!
//! The token carries neither the origin nor the nonce: the server rebuilds the signed value from
//! its own trusted values ([`signed_value_digest`]), so a valid signature proves both.

mod algorithm;
mod signature;
mod signed_value;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

pub use algorithm::{TokenAlgorithm, TokenSignatureScheme};
pub use signature::verify_token_signature;
pub use signed_value::{signed_value, signed_value_digest};

use crate::Error;
use crate::algorithm::SignatureAlgorithm;
use crate::error::clip;

/// Shortest token text accepted (as the Java reference).
pub const MIN_TOKEN_LEN: usize = 100;
/// Longest token text accepted: 65 536 characters, the `web-eid:1.1` limit (a 1.1 token
/// carries several certificates; 1.0 validators used 10 000).
pub const MAX_TOKEN_LEN: usize = 65_536;

/// The token's `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenFormat {
    /// `web-eid:1.0`: what the desktop app emits.
    V1_0,
    /// `web-eid:1.1`: adds signing certificates and intermediates (the mobile app).
    V1_1,
}

impl TokenFormat {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenFormat::V1_0 => "web-eid:1.0",
            TokenFormat::V1_1 => "web-eid:1.1",
        }
    }

    /// Looks a wire value up.
    pub fn from_wire(format: &str) -> Result<TokenFormat, Error> {
        match format {
            "web-eid:1.0" => Ok(TokenFormat::V1_0),
            "web-eid:1.1" => Ok(TokenFormat::V1_1),
            other => Err(Error::UnsupportedTokenFormat {
                format: clip(other, 32),
            }),
        }
    }
}

/// A signing certificate announced in a `web-eid:1.1` token (§2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCertificate {
    /// The signing certificate (DER).
    pub certificate: Vec<u8>,
    /// Intermediate CA certificates (DER) for its path; may be empty.
    pub intermediate_certificates: Vec<Vec<u8>>,
    /// What the card signs with; never empty.
    pub supported_signature_algorithms: Vec<SignatureAlgorithm>,
}

/// An authentication token. Everything in it is *unverified* until a validator has checked the
/// certificate chain, revocation and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthToken {
    /// The authentication certificate (DER), untrusted.
    pub unverified_certificate: Vec<u8>,
    /// How `signature` is made.
    pub algorithm: TokenAlgorithm,
    /// The signature over [`signed_value`]: raw `r‖s` for ECDSA.
    pub signature: Vec<u8>,
    /// `web-eid:1.0` or `web-eid:1.1`.
    pub format: TokenFormat,
    /// Informational (an URL naming the app and version); never to be trusted.
    pub app_version: Option<String>,
    /// 1.1 only: intermediate CA certificates (DER) for the authentication certificate.
    pub unverified_intermediate_certificates: Vec<Vec<u8>>,
    /// 1.1 only: the holder's signing certificates.
    pub unverified_signing_certificates: Vec<SigningCertificate>,
}

/// The token as JSON: strings as on the wire, checked and decoded by [`AuthToken::parse`].
/// Unknown fields are ignored, as the reference validators do (minor versions add fields).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireToken {
    #[serde(default)]
    unverified_certificate: Option<String>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    signature: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    app_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unverified_intermediate_certificates: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unverified_signing_certificates: Option<Vec<WireSigningCertificate>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSigningCertificate {
    #[serde(default)]
    certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    intermediate_certificates: Option<Vec<String>>,
    #[serde(default)]
    supported_signature_algorithms: Option<Vec<SignatureAlgorithm>>,
}

impl AuthToken {
    /// A `web-eid:1.0` token as a client (the native host) makes it.
    ///
    /// `signature_raw` is what the card returned over [`signed_value_digest`]: raw `r‖s` for
    /// ECDSA, the RSA block otherwise. Nothing is checked here; the server checks.
    pub fn create(
        certificate_der: &[u8],
        algorithm: TokenAlgorithm,
        signature_raw: &[u8],
        app_version: &str,
    ) -> AuthToken {
        AuthToken {
            unverified_certificate: certificate_der.to_vec(),
            algorithm,
            signature: signature_raw.to_vec(),
            format: TokenFormat::V1_0,
            app_version: Some(app_version.to_owned()),
            unverified_intermediate_certificates: Vec::new(),
            unverified_signing_certificates: Vec::new(),
        }
    }

    /// Turns the token into `web-eid:1.1` with the holder's signing certificates and the
    /// authentication certificate's intermediates.
    pub fn with_signing_certificates(
        mut self,
        signing_certificates: Vec<SigningCertificate>,
        intermediate_certificates: Vec<Vec<u8>>,
    ) -> AuthToken {
        self.format = TokenFormat::V1_1;
        self.unverified_signing_certificates = signing_certificates;
        self.unverified_intermediate_certificates = intermediate_certificates;
        self
    }

    /// Reads a token from its JSON text, with the size limits and the per-format field rules
    /// of §2.4. Checks the form only: nothing in the result is trusted yet.
    pub fn parse(text: &str) -> Result<AuthToken, Error> {
        let length = text.len();
        if !(MIN_TOKEN_LEN..=MAX_TOKEN_LEN).contains(&length) {
            return Err(Error::TokenSize {
                length,
                min: MIN_TOKEN_LEN,
                max: MAX_TOKEN_LEN,
            });
        }
        let wire: WireToken = serde_json::from_str(text).map_err(|e| Error::MalformedToken {
            reason: e.to_string(),
        })?;
        let format = TokenFormat::from_wire(&required(wire.format, "format")?)?;
        let algorithm = TokenAlgorithm::from_name(&required(wire.algorithm, "algorithm")?)?;
        let unverified_certificate = decode(
            &required(wire.unverified_certificate, "unverifiedCertificate")?,
            "unverifiedCertificate",
        )?;
        let signature = decode(&required(wire.signature, "signature")?, "signature")?;

        let mut token = AuthToken {
            unverified_certificate,
            algorithm,
            signature,
            format,
            app_version: wire.app_version,
            unverified_intermediate_certificates: Vec::new(),
            unverified_signing_certificates: Vec::new(),
        };
        match format {
            TokenFormat::V1_0 => {
                // §2.4: a 1.0 token carrying 1.1 fields is refused, not silently downgraded.
                if wire.unverified_intermediate_certificates.is_some() {
                    return Err(not_allowed("unverifiedIntermediateCertificates", format));
                }
                if wire.unverified_signing_certificates.is_some() {
                    return Err(not_allowed("unverifiedSigningCertificates", format));
                }
            }
            TokenFormat::V1_1 => {
                let has_intermediates = wire.unverified_intermediate_certificates.is_some();
                if let Some(list) = wire.unverified_intermediate_certificates {
                    token.unverified_intermediate_certificates =
                        decode_list(list, "unverifiedIntermediateCertificates")?;
                }
                match wire.unverified_signing_certificates {
                    Some(list) => {
                        if list.is_empty() {
                            return Err(Error::TokenFieldMissing {
                                field: "unverifiedSigningCertificates",
                            });
                        }
                        token.unverified_signing_certificates = list
                            .into_iter()
                            .map(SigningCertificate::from_wire)
                            .collect::<Result<_, _>>()?;
                    }
                    None if has_intermediates => {}
                    None => {
                        return Err(Error::TokenFieldMissing {
                            field: "unverifiedSigningCertificates",
                        });
                    }
                }
            }
        }
        Ok(token)
    }

    /// The token as compact JSON, binary values in standard padded base64.
    pub fn to_json(&self) -> String {
        let encode_list = |list: &[Vec<u8>]| list.iter().map(|c| STANDARD.encode(c)).collect();
        let is_1_1 = self.format == TokenFormat::V1_1;
        let wire = WireToken {
            unverified_certificate: Some(STANDARD.encode(&self.unverified_certificate)),
            algorithm: Some(self.algorithm.name().to_owned()),
            signature: Some(STANDARD.encode(&self.signature)),
            format: Some(self.format.as_str().to_owned()),
            app_version: self.app_version.clone(),
            unverified_intermediate_certificates: (is_1_1
                && !self.unverified_intermediate_certificates.is_empty())
            .then(|| encode_list(&self.unverified_intermediate_certificates)),
            unverified_signing_certificates: (is_1_1
                && !self.unverified_signing_certificates.is_empty())
            .then(|| {
                self.unverified_signing_certificates
                    .iter()
                    .map(|s| WireSigningCertificate {
                        certificate: Some(STANDARD.encode(&s.certificate)),
                        intermediate_certificates: (!s.intermediate_certificates.is_empty())
                            .then(|| encode_list(&s.intermediate_certificates)),
                        supported_signature_algorithms: Some(
                            s.supported_signature_algorithms.clone(),
                        ),
                    })
                    .collect()
            }),
        };
        // Serialising plain strings and vectors cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }
}

impl SigningCertificate {
    fn from_wire(wire: WireSigningCertificate) -> Result<SigningCertificate, Error> {
        let certificate = decode(
            &required(
                wire.certificate,
                "unverifiedSigningCertificates.certificate",
            )?,
            "unverifiedSigningCertificates.certificate",
        )?;
        let intermediate_certificates = match wire.intermediate_certificates {
            Some(list) => decode_list(
                list,
                "unverifiedSigningCertificates.intermediateCertificates",
            )?,
            None => Vec::new(),
        };
        let supported_signature_algorithms = wire
            .supported_signature_algorithms
            .filter(|a| !a.is_empty())
            .ok_or(Error::TokenFieldMissing {
                field: "unverifiedSigningCertificates.supportedSignatureAlgorithms",
            })?;
        Ok(SigningCertificate {
            certificate,
            intermediate_certificates,
            supported_signature_algorithms,
        })
    }
}

fn required(value: Option<String>, field: &'static str) -> Result<String, Error> {
    value
        .filter(|v| !v.is_empty())
        .ok_or(Error::TokenFieldMissing { field })
}

fn decode(text: &str, field: &str) -> Result<Vec<u8>, Error> {
    STANDARD.decode(text).map_err(|e| Error::InvalidBase64 {
        field: field.to_owned(),
        reason: e.to_string(),
    })
}

/// A list of certificates: if present, non-empty and without empty entries (§2.4).
fn decode_list(list: Vec<String>, field: &'static str) -> Result<Vec<Vec<u8>>, Error> {
    if list.is_empty() || list.iter().any(String::is_empty) {
        return Err(Error::TokenFieldMissing { field });
    }
    list.iter().map(|c| decode(c, field)).collect()
}

fn not_allowed(field: &'static str, format: TokenFormat) -> Error {
    Error::TokenFieldNotAllowed {
        field,
        format: format.as_str().to_owned(),
    }
}
