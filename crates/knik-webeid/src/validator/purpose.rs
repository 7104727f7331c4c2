//! Steps 3 and 4: what the authentication certificate may be used for, and the policies it
//! must not carry (reference/web-eid.md §2.5 steps 2.3 and 2.4).

use knik_pki::Certificate;

use crate::Error;

/// The keyUsage extension must be present with digitalSignature; an extendedKeyUsage, when
/// present, must contain clientAuth (1.3.6.1.5.5.7.3.2). A certificate with digitalSignature
/// and no extendedKeyUsage is accepted (Luxembourg's cards need it).
pub(super) fn check_purpose(certificate: &Certificate) -> Result<(), Error> {
    let refuse = |reason: String| Error::CertificatePurpose {
        subject: certificate.subject().to_rfc4514(),
        reason,
    };
    match certificate.key_usage() {
        None => return Err(refuse("it has no keyUsage extension".to_owned())),
        Some(usage) if !usage.digital_signature() => {
            return Err(refuse(format!(
                "its keyUsage ({}) lacks digitalSignature",
                usage.names().join(", ")
            )));
        }
        Some(_) => {}
    }
    if let Some(eku) = certificate.extended_key_usage()
        && !eku.is_client_auth()
    {
        return Err(Error::CertificateNotClientAuth {
            subject: certificate.subject().to_rfc4514(),
            found: eku.oids().to_vec(),
        });
    }
    Ok(())
}

/// None of the certificate's policy OIDs may be in `disallowed`.
pub(super) fn check_policies(
    certificate: &Certificate,
    disallowed: &[String],
) -> Result<(), Error> {
    match certificate
        .policies()
        .iter()
        .find(|policy| disallowed.contains(policy))
    {
        Some(policy) => Err(Error::CertificateDisallowedPolicy {
            subject: certificate.subject().to_rfc4514(),
            policy: policy.clone(),
        }),
        None => Ok(()),
    }
}
