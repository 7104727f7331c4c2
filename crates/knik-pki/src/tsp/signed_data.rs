//! The CMS SignedData around a TSTInfo (RFC 5652 §5, RFC 3161 §2.4.2) and its signature
//! checks: signer by SignerIdentifier, signed attributes, ESS signing-certificate binding.

use crate::asn1::reader::{self, Tlv, tag};
use crate::asn1::writer;
use crate::ocsp::cert_id::serial_hex;
use crate::signature_algorithm::SignatureAlgorithm;
use crate::tsp::{
    OID_ATTR_CONTENT_TYPE, OID_ATTR_MESSAGE_DIGEST, OID_ATTR_SIGNING_CERTIFICATE,
    OID_ATTR_SIGNING_CERTIFICATE_V2, OID_SIGNED_DATA, OID_TST_INFO,
};
use crate::{Certificate, Error, HashAlgorithm, oid};

/// SignerIdentifier (RFC 5652 §5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
enum SignerId {
    IssuerAndSerial { issuer: Vec<u8>, serial: Vec<u8> },
    KeyId(Vec<u8>),
}

impl SignerId {
    fn matches(&self, cert: &Certificate) -> bool {
        match self {
            SignerId::IssuerAndSerial { issuer, serial } => {
                cert.issuer().as_der() == issuer.as_slice()
                    && cert.serial_number_bytes() == serial.as_slice()
            }
            SignerId::KeyId(id) => cert.subject_key_identifier() == Some(id.as_slice()),
        }
    }

    fn describe(&self) -> String {
        match self {
            SignerId::IssuerAndSerial { issuer, serial } => {
                let name = crate::name::DistinguishedName::from_der(issuer)
                    .map(|n| n.to_rfc4514())
                    .unwrap_or_else(|_| "(unreadable name)".to_owned());
                format!("issuer \"{name}\" serial {}", serial_hex(serial))
            }
            SignerId::KeyId(id) => format!("subjectKeyIdentifier {}", hex::encode_upper(id)),
        }
    }
}

/// A SignedData with exactly one SignerInfo, as a time-stamp token is.
pub(crate) struct SignedData {
    pub(crate) e_content: Vec<u8>,
    pub(crate) certificates: Vec<Certificate>,
    sid: SignerId,
    digest_algorithm: HashAlgorithm,
    signed_attrs: Option<Vec<u8>>,
    signature_algorithm_oid: String,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
}

/// The DER form of a ContentInfo whose SEQUENCE (and possibly its `[0]`) has an indefinite
/// length: `30 80 <contentType> A0 80 <SignedData> 00 00 00 00`, or with a definite `[0]`.
/// `None` when anything else is indefinite or bytes trail the end-of-contents octets.
fn definite_content_info(ber: &[u8]) -> Option<Vec<u8>> {
    const WHAT: &str = "time-stamp ContentInfo";
    const END_OF_CONTENTS: [u8; 2] = [0, 0];
    let body = ber.strip_prefix(&[tag::SEQUENCE, 0x80])?;
    let content_type = reader::Reader::new(body, WHAT)
        .read(tag::OID, "contentType")
        .ok()?
        .raw;
    let after_type = &body[content_type.len()..];
    let explicit = tag::context(0, true);
    let (signed, tail) = match after_type.strip_prefix(&[explicit, 0x80]) {
        Some(inner) => {
            let signed = reader::Reader::new(inner, WHAT)
                .read(tag::SEQUENCE, "content")
                .ok()?
                .raw;
            (
                signed,
                inner[signed.len()..].strip_prefix(&END_OF_CONTENTS)?,
            )
        }
        None => {
            let content = reader::Reader::new(after_type, WHAT)
                .read(explicit, "content")
                .ok()?;
            let signed = content.explicit_inner("content").ok()?.raw;
            (signed, &after_type[content.raw.len()..])
        }
    };
    if tail != END_OF_CONTENTS {
        return None;
    }
    let content = writer::tlv(explicit, signed);
    Some(writer::sequence(&[content_type, &content]))
}

/// The signed attributes a token needs, read from the SET.
struct SignedAttributes {
    content_type: Option<String>,
    message_digest: Option<Vec<u8>>,
    signing_certificate: Option<Vec<u8>>,
    signing_certificate_v2: Option<Vec<u8>>,
}

impl SignedData {
    /// ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
    ///
    /// The two outer layers may also come with indefinite lengths, as SK's and other
    /// BouncyCastle-based TSAs write them (RFC 5652 allows BER there); everything inside
    /// SignedData must still be DER.
    pub(crate) fn from_content_info(der: &[u8]) -> Result<Self, Error> {
        const WHAT: &str = "time-stamp ContentInfo";
        let definite;
        let der = if der.starts_with(&[tag::SEQUENCE, 0x80]) {
            definite = definite_content_info(der).ok_or_else(|| Error::Der {
                what: WHAT,
                reason: "indefinite length outside the ContentInfo's two outer layers".to_owned(),
            })?;
            &definite[..]
        } else {
            der
        };
        let info = reader::parse_single(der, tag::SEQUENCE, WHAT)?;
        let mut r = info.reader();
        let content_type = r.read(tag::OID, "contentType")?.oid("contentType")?;
        if content_type != OID_SIGNED_DATA {
            return Err(Error::TspContentType {
                field: "contentType",
                oid: content_type,
                expected: OID_SIGNED_DATA,
            });
        }
        let content = r.read(tag::context(0, true), "content")?;
        r.finish()?;
        let signed = content.explicit_inner("content")?;
        if signed.tag != tag::SEQUENCE {
            return Err(Error::Der {
                what: WHAT,
                reason: "SignedData is not a SEQUENCE".to_owned(),
            });
        }
        Self::parse_signed_data(&signed)
    }

    /// SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
    /// certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
    fn parse_signed_data(signed: &Tlv<'_>) -> Result<Self, Error> {
        const WHAT: &str = "SignedData";
        let mut r = signed.reader();
        r.read(tag::INTEGER, "version")?.small_uint("version")?;
        r.read(tag::SET, "digestAlgorithms")?;
        let encap = r.read(tag::SEQUENCE, "encapContentInfo")?;
        let mut certificates = Vec::new();
        if let Some(certs) = r.read_optional(tag::context(0, true))? {
            for choice in certs.reader().read_all()? {
                // CertificateChoices: only plain certificates matter; attribute and other
                // certificate formats are skipped.
                if choice.tag == tag::SEQUENCE {
                    certificates.push(Certificate::from_der(choice.raw)?);
                }
            }
        }
        r.read_optional(tag::context(1, true))?;
        let signer_infos = r.read(tag::SET, "signerInfos")?.reader().read_all()?;
        r.finish()?;

        // EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT
        // OCTET STRING OPTIONAL }
        let mut e = encap.reader();
        let e_content_type = e.read(tag::OID, "eContentType")?.oid("eContentType")?;
        if e_content_type != OID_TST_INFO {
            return Err(Error::TspContentType {
                field: "eContentType",
                oid: e_content_type,
                expected: OID_TST_INFO,
            });
        }
        let e_content = e
            .read(tag::context(0, true), "eContent")?
            .explicit_inner("eContent")?;
        e.finish()?;
        if e_content.tag != tag::OCTET_STRING {
            return Err(Error::Der {
                what: WHAT,
                reason: "eContent is not a primitive OCTET STRING".to_owned(),
            });
        }

        // RFC 3161 §2.4.2: the token is signed by the TSA alone.
        if signer_infos.len() != 1 {
            return Err(Error::TspSignerInfoCount {
                found: signer_infos.len(),
            });
        }
        let signer = &signer_infos[0];
        if signer.tag != tag::SEQUENCE {
            return Err(Error::Der {
                what: WHAT,
                reason: "SignerInfo is not a SEQUENCE".to_owned(),
            });
        }
        // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT
        // OPTIONAL, signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] OPTIONAL }
        let mut s = signer.reader();
        s.read(tag::INTEGER, "SignerInfo.version")?
            .small_uint("SignerInfo.version")?;
        let sid_tlv = s.read_any()?;
        let sid = match sid_tlv.tag {
            tag::SEQUENCE => {
                let mut isn = sid_tlv.reader();
                let issuer = isn.read(tag::SEQUENCE, "sid.issuer")?.raw.to_vec();
                let serial = isn
                    .read(tag::INTEGER, "sid.serialNumber")?
                    .integer_bytes("sid.serialNumber")?
                    .to_vec();
                isn.finish()?;
                SignerId::IssuerAndSerial { issuer, serial }
            }
            0x80 => SignerId::KeyId(sid_tlv.value.to_vec()),
            t => {
                return Err(Error::Der {
                    what: WHAT,
                    reason: format!("SignerIdentifier has tag 0x{t:02X}"),
                });
            }
        };
        let digest_alg = s.read(tag::SEQUENCE, "SignerInfo.digestAlgorithm")?;
        let (digest_oid, _) =
            reader::algorithm_identifier(&digest_alg, "SignerInfo.digestAlgorithm")?;
        let digest_algorithm = match HashAlgorithm::from_oid(&digest_oid) {
            Some(HashAlgorithm::Sha1) | None => {
                return Err(Error::UnsupportedAlgorithm {
                    oid: digest_oid,
                    reason: "time-stamp digest algorithm must be SHA-2".to_owned(),
                });
            }
            Some(h) => h,
        };
        let signed_attrs = s
            .read_optional(tag::context(0, true))?
            .map(|a| a.value.to_vec());
        let sig_alg = s.read(tag::SEQUENCE, "SignerInfo.signatureAlgorithm")?;
        let (signature_algorithm_oid, signature_algorithm) =
            reader::algorithm_identifier(&sig_alg, "SignerInfo.signatureAlgorithm")?;
        let signature = s
            .read(tag::OCTET_STRING, "SignerInfo.signature")?
            .value
            .to_vec();
        s.read_optional(tag::context(1, true))?;
        s.finish()?;

        Ok(SignedData {
            e_content: e_content.value.to_vec(),
            certificates,
            sid,
            digest_algorithm,
            signed_attrs,
            signature_algorithm_oid,
            signature_algorithm: signature_algorithm.to_vec(),
            signature,
        })
    }

    /// Finds the signer among the embedded and the extra certificates, verifies the signature
    /// and the signed attributes, and returns the signer's certificate.
    pub(crate) fn verify(&self, extra_certificates: &[Certificate]) -> Result<Certificate, Error> {
        let signer = self
            .certificates
            .iter()
            .chain(extra_certificates)
            .find(|c| self.sid.matches(c))
            .cloned()
            .ok_or_else(|| Error::TspSignerNotFound {
                signer: self.sid.describe(),
            })?;
        // RFC 3161 §2.4.1 requires the ESS signing-certificate attribute, hence signed
        // attributes; without them there is nothing binding the TSTInfo to the signature.
        let raw_attrs = self
            .signed_attrs
            .as_deref()
            .ok_or(Error::TspMissingAttribute {
                attribute: "signedAttrs",
            })?;
        self.verify_signature(&signer, raw_attrs)?;
        let attrs = parse_attributes(raw_attrs)?;

        let content_type = attrs.content_type.ok_or(Error::TspMissingAttribute {
            attribute: "contentType",
        })?;
        if content_type != OID_TST_INFO {
            return Err(Error::TspContentType {
                field: "contentType attribute",
                oid: content_type,
                expected: OID_TST_INFO,
            });
        }
        let message_digest = attrs.message_digest.ok_or(Error::TspMissingAttribute {
            attribute: "messageDigest",
        })?;
        let expected = self.digest_algorithm.digest(&self.e_content);
        if message_digest != expected {
            return Err(Error::TspMessageDigestMismatch {
                expected: hex::encode_upper(expected),
                found: hex::encode_upper(message_digest),
            });
        }
        match (&attrs.signing_certificate_v2, &attrs.signing_certificate) {
            (Some(v2), _) => check_ess_cert_id(v2, true, &signer)?,
            (None, Some(v1)) => check_ess_cert_id(v1, false, &signer)?,
            (None, None) => {
                return Err(Error::TspMissingAttribute {
                    attribute: "signingCertificate / signingCertificateV2",
                });
            }
        }
        Ok(signer)
    }

    /// The signature is over the DER of `SignedAttributes` with the SET OF tag (RFC 5652
    /// §5.4), not the [0] IMPLICIT tag it is stored under. If the attributes arrive unsorted,
    /// the DER-sorted SET (what the signer had to sign) is tried as well.
    fn verify_signature(&self, signer: &Certificate, raw_attrs: &[u8]) -> Result<(), Error> {
        let algorithm = match self.signature_algorithm_oid.as_str() {
            // CMS commonly names only the key algorithm; the hash is the digestAlgorithm.
            oid::KEY_RSA => SignatureAlgorithm::RsaPkcs1(self.digest_algorithm),
            oid::KEY_EC => SignatureAlgorithm::Ecdsa(self.digest_algorithm),
            _ => SignatureAlgorithm::from_der(&self.signature_algorithm)?,
        };
        let as_received = writer::tlv(tag::SET, raw_attrs);
        let mut elements: Vec<&[u8]> = reader::Reader::new(raw_attrs, "signedAttrs")
            .read_all()?
            .iter()
            .map(|t| t.raw)
            .collect();
        elements.sort_by(|a, b| der_set_order(a, b));
        let sorted = writer::constructed(tag::SET, &elements);
        let mut candidates = vec![as_received];
        if sorted != candidates[0] {
            candidates.push(sorted);
        }
        for message in &candidates {
            match signer
                .public_key()
                .verify_message(algorithm, message, &self.signature)
            {
                Ok(()) => return Ok(()),
                Err(Error::SignatureInvalid { .. } | Error::SignatureEncoding { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        Err(Error::TspSignatureInvalid {
            tsa: signer.subject().to_rfc4514(),
        })
    }
}

/// X.690 §11.6: SET OF components in ascending order of their encodings, the shorter one
/// padded with zero octets at the end.
fn der_set_order(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let len = a.len().max(b.len());
    let pad = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    (0..len)
        .map(|i| pad(a, i).cmp(&pad(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(core::cmp::Ordering::Equal)
}

/// Attribute ::= SEQUENCE { attrType OID, attrValues SET OF (exactly one value here) }.
fn parse_attributes(raw: &[u8]) -> Result<SignedAttributes, Error> {
    const WHAT: &str = "signedAttrs";
    let mut out = SignedAttributes {
        content_type: None,
        message_digest: None,
        signing_certificate: None,
        signing_certificate_v2: None,
    };
    let mut seen: Vec<String> = Vec::new();
    for attr in reader::Reader::new(raw, WHAT).read_all()? {
        if attr.tag != tag::SEQUENCE {
            return Err(Error::Der {
                what: WHAT,
                reason: "Attribute is not a SEQUENCE".to_owned(),
            });
        }
        let mut r = attr.reader();
        let oid = r.read(tag::OID, "attrType")?.oid("attrType")?;
        let values = r.read(tag::SET, "attrValues")?.reader().read_all()?;
        r.finish()?;
        // RFC 5652 §5.3: each signed attribute type at most once.
        if seen.contains(&oid) {
            return Err(Error::Der {
                what: WHAT,
                reason: format!("attribute {oid} occurs twice"),
            });
        }
        let single = |name: &'static str| -> Result<Tlv<'_>, Error> {
            match values.as_slice() {
                [one] => Ok(*one),
                _ => Err(Error::Der {
                    what: WHAT,
                    reason: format!("{name} must have exactly one value"),
                }),
            }
        };
        match oid.as_str() {
            OID_ATTR_CONTENT_TYPE => {
                let v = single("contentType")?;
                if v.tag != tag::OID {
                    return Err(Error::Der {
                        what: WHAT,
                        reason: "contentType value is not an OID".to_owned(),
                    });
                }
                out.content_type = Some(v.oid("contentType")?);
            }
            OID_ATTR_MESSAGE_DIGEST => {
                let v = single("messageDigest")?;
                if v.tag != tag::OCTET_STRING {
                    return Err(Error::Der {
                        what: WHAT,
                        reason: "messageDigest value is not an OCTET STRING".to_owned(),
                    });
                }
                out.message_digest = Some(v.value.to_vec());
            }
            OID_ATTR_SIGNING_CERTIFICATE => {
                out.signing_certificate = Some(single("signingCertificate")?.raw.to_vec());
            }
            OID_ATTR_SIGNING_CERTIFICATE_V2 => {
                out.signing_certificate_v2 = Some(single("signingCertificateV2")?.raw.to_vec());
            }
            _ => {}
        }
        seen.push(oid);
    }
    Ok(out)
}

/// SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL };
/// the first ESSCertID identifies the signer (RFC 5035 §3, RFC 2634 §5.4).
fn check_ess_cert_id(der: &[u8], v2: bool, signer: &Certificate) -> Result<(), Error> {
    let mismatch = |reason: String| Error::TspSigningCertificateMismatch { reason };
    let attr = reader::parse_single(der, tag::SEQUENCE, "SigningCertificate")?;
    let mut r = attr.reader();
    let certs = r.read(tag::SEQUENCE, "certs")?.reader().read_all()?;
    let first = certs
        .first()
        .ok_or_else(|| mismatch("the certs list is empty".to_owned()))?;
    if first.tag != tag::SEQUENCE {
        return Err(Error::Der {
            what: "ESSCertID",
            reason: "not a SEQUENCE".to_owned(),
        });
    }
    let mut c = first.reader();
    let hash = if v2 {
        // hashAlgorithm AlgorithmIdentifier DEFAULT sha256
        match c.read_optional(tag::SEQUENCE)? {
            Some(alg) => {
                let (oid, _) = reader::algorithm_identifier(&alg, "ESSCertIDv2.hashAlgorithm")?;
                HashAlgorithm::from_oid(&oid).ok_or_else(|| Error::UnsupportedAlgorithm {
                    oid,
                    reason: "unknown ESSCertIDv2 hash algorithm".to_owned(),
                })?
            }
            None => HashAlgorithm::Sha256,
        }
    } else {
        HashAlgorithm::Sha1
    };
    let cert_hash = c.read(tag::OCTET_STRING, "certHash")?.value;
    let expected = hash.digest(signer.as_der());
    if cert_hash != expected.as_slice() {
        return Err(mismatch(format!(
            "{hash} certificate hash {} differs from {}",
            hex::encode_upper(cert_hash),
            hex::encode_upper(&expected)
        )));
    }
    if let Some(issuer_serial) = c.read_optional(tag::SEQUENCE)? {
        // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber }
        let mut i = issuer_serial.reader();
        let names = i.read(tag::SEQUENCE, "issuer")?.reader().read_all()?;
        let serial = i
            .read(tag::INTEGER, "serialNumber")?
            .integer_bytes("serialNumber")?;
        i.finish()?;
        if serial != signer.serial_number_bytes() {
            return Err(mismatch(format!(
                "serial number {} differs from {}",
                serial_hex(serial),
                signer.serial_number_hex()
            )));
        }
        let issuer_matches = names.iter().any(|n| {
            n.tag == tag::context(4, true)
                && n.explicit_inner("directoryName")
                    .is_ok_and(|dn| dn.raw == signer.issuer().as_der())
        });
        if !issuer_matches {
            return Err(mismatch("issuer name differs".to_owned()));
        }
    }
    c.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DER token from the fuzz corpus, its ContentInfo rewritten with indefinite lengths.
    fn token_der() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/corpus/tsp_response/token-only"
        );
        std::fs::read(path).expect("fuzz/corpus/tsp_response/token-only")
    }

    fn indefinite(der: &[u8], inner_too: bool) -> Vec<u8> {
        let info = reader::parse_single(der, tag::SEQUENCE, "test").expect("DER ContentInfo");
        let mut r = info.reader();
        let content_type = r.read_any().expect("contentType").raw;
        let content = r.read_any().expect("content");
        let mut out = vec![tag::SEQUENCE, 0x80];
        out.extend_from_slice(content_type);
        if inner_too {
            out.extend_from_slice(&[tag::context(0, true), 0x80]);
            out.extend_from_slice(content.value);
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(content.raw);
        }
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn indefinite_outer_layers_read_like_der() {
        let der = token_der();
        let reference = SignedData::from_content_info(&der).expect("DER token");
        for inner_too in [true, false] {
            let ber = indefinite(&der, inner_too);
            assert_eq!(definite_content_info(&ber).as_deref(), Some(&der[..]));
            let parsed = SignedData::from_content_info(&ber).expect("BER token");
            assert_eq!(parsed.e_content, reference.e_content);
            assert_eq!(parsed.signature, reference.signature);
        }
    }

    #[test]
    fn indefinite_outer_layers_with_trailing_bytes_are_refused() {
        let mut ber = indefinite(&token_der(), true);
        ber.push(0);
        let err = SignedData::from_content_info(&ber).err().expect("refused");
        assert!(err.to_string().contains("indefinite length"), "{err}");
        ber.truncate(ber.len() - 3);
        assert!(SignedData::from_content_info(&ber).is_err());
    }
}
