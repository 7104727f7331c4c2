//! Who a certificate names: what every login and every verified signature gives back.

use knik_pki::{Certificate, PolicyMap};

use crate::error::KnikError;

/// A person as their certificate names them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Identity {
    /// Given name(s).
    pub given_name: Option<String>,
    /// Surname.
    pub surname: Option<String>,
    /// Personal number (the PSN for Armenia), without the `PNOAM-` prefix.
    pub personal_number: String,
    /// Country of the personal number (ISO 3166 alpha-2).
    pub country: Option<String>,
    /// `citizen-id-card`, `residence-card`, `mobile-id`, `foreign-eid` or `unknown`.
    pub document_kind: String,
    /// The certificate's common name.
    pub common_name: Option<String>,
}

impl From<knik_pki::Identity> for Identity {
    fn from(id: knik_pki::Identity) -> Self {
        Identity {
            given_name: id.given_name,
            surname: id.surname,
            personal_number: id.personal_number,
            country: id.country,
            document_kind: id.document_kind.as_str().to_owned(),
            common_name: id.common_name,
        }
    }
}

/// The identity in a certificate (DER), with knik's built-in policy map for the document kind.
pub(crate) fn identity_of(certificate: &Certificate) -> Result<Identity, KnikError> {
    Ok(knik_pki::Identity::from_certificate(certificate, &PolicyMap::default())?.into())
}

/// "PETROSYAN ANI, citizen ID card": whose card, as a PIN dialog names it.
pub(crate) fn holder_label(certificate: &Certificate) -> String {
    knik_pki::Identity::from_certificate(certificate, &PolicyMap::default())
        .map_or_else(|_| "eID card".to_owned(), |id| id.holder_label())
}

/// The identity a certificate (DER or PEM) names.
#[uniffi::export]
pub fn certificate_identity(certificate: Vec<u8>) -> Result<Identity, KnikError> {
    let certs = Certificate::from_der_or_pem(&certificate)?;
    let first = certs
        .first()
        .ok_or_else(|| KnikError::invalid("no certificate in the input"))?;
    identity_of(first)
}
