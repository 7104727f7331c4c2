//! Signing in two phases for servers whose signer is elsewhere (a browser extension, a
//! remote HSM): [`prepare`] builds the signature over in-memory data files and hands out the
//! digest to sign with a serializable [`State`]; the signature value comes back, perhaps in
//! another request or another process, and [`finish`] checks it against the certificate,
//! extends the signature to the level asked (as [`crate::sign::create_container`] does) and
//! writes the container atomically.
//!
//! [`prepare`] applies the checks [`crate::sign::create_container`] makes before a signer is
//! asked (the certificate's validity and key usage, the services the level needs, the issuer
//! B-LT needs), so that a signature that would be refused never costs a PIN entry.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Cursor, Seek, Write};
use std::path::Path;

use knik_asic::{ContainerWriter, Hasher, NoDigest, WriterOptions, encode_uri_path};
use knik_asic::{DigestAlgorithm, write_atomically};
use knik_pki::{Certificate, HashAlgorithm};
use knik_xades::dsig::{decode_base64, encode_base64};
use knik_xades::xades::{
    self, DataObject, DataResolver, DigestStatus, PreparedState, SignatureOptions,
};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::level::Level;
use crate::services::{Revocation, TimeStamping};
use crate::sign::{
    NoProgress, SignOptions, Signed, extend_document, level_of, now_unix, preflight, signer_subject,
};
use crate::signer::Signer;

/// The format version of [`State`].
const STATE_VERSION: u32 = 1;

/// The one signature of a new container.
const SIGNATURE_ID: &str = "S0";

/// A data file held in memory (an upload, a generated document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// Its name in the container.
    pub name: String,
    /// Its media type, written to the manifest and the signature's DataObjectFormat.
    pub media_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// What [`prepare`] hands out: the digest for the signer and the state [`finish`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The digest to sign (the hash of the canonical SignedInfo).
    pub digest_to_sign: Vec<u8>,
    /// The hash of [`Prepared::digest_to_sign`] (the signer's key decides it: P-256 →
    /// SHA-256, P-384 → SHA-384, RSA → SHA-256).
    pub hash_algorithm: HashAlgorithm,
    /// Everything [`finish`] needs, serializable (it holds the data files).
    pub state: State,
}

/// The state between the phases: plain data (serde) to keep in a session store or hand to
/// another process. [`finish`] re-derives what it relies on: the signature value is checked
/// against the certificate over the SignedInfo it carries, and every data file against the
/// digest that SignedInfo references.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    version: u32,
    /// The level to reach (`B-LT`, …).
    level: String,
    /// The XAdES signature waiting for its value.
    signature: PreparedState,
    files: Vec<StateFile>,
    /// Base64 DER of the certificates that complete the signer's chain.
    known_certificates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StateFile {
    name: String,
    media_type: String,
    /// Base64 of the bytes.
    content: String,
}

/// A signer whose certificate is known but whose key is elsewhere: what the preflight checks
/// see in the first phase. It never signs.
struct RemoteSigner;

impl Signer for RemoteSigner {
    fn certificate(&mut self) -> Result<Vec<u8>, Error> {
        Err(invalid(
            "the remote signer's certificate is given to prepare",
        ))
    }

    fn sign_digest(&mut self, _: HashAlgorithm, _: &[u8]) -> Result<Vec<u8>, Error> {
        Err(invalid("the remote signer's value is given to finish"))
    }
}

fn invalid(reason: &str) -> Error {
    Error::InvalidRequest {
        reason: reason.to_owned(),
    }
}

/// Phase 1: checks what can be checked before the signer is asked (as
/// [`crate::sign::create_container`] does: certificate validity and key usage, `tsa` and
/// `ocsp` configured when the level needs them, the issuer among
/// `options.known_certificates` for B-LT), checks the files can be written into a container
/// (names, media types, no duplicates) and builds the signature.
///
/// # Errors
/// [`Error::InvalidRequest`] for no files; the preflight errors
/// ([`Error::CertificateNotValid`], [`Error::SignerKeyUsage`], [`Error::ServiceMissing`],
/// [`Error::IssuerNotFound`]); container errors for a bad name or media type.
pub fn prepare(
    files: &[DataFile],
    certificate_der: &[u8],
    tsa: &dyn TimeStamping,
    ocsp: &dyn Revocation,
    options: &SignOptions,
) -> Result<Prepared, Error> {
    if files.is_empty() {
        return Err(invalid("nothing to sign: give at least one file"));
    }
    let known = preflight(certificate_der, &RemoteSigner, tsa, ocsp, options)?;
    // A dry run of the container, so that a name the writer refuses fails now.
    write_container(Cursor::new(Vec::new()), files, None)?;
    let data: Vec<DataObject> = files.iter().map(data_object).collect();
    let xopts = SignatureOptions {
        id: SIGNATURE_ID.to_owned(),
        c14n: options.c14n,
        signing_certificate_v2: options.signing_certificate_v2,
        rsa_pss: options.rsa_pss,
        claimed_roles: options.claimed_roles.clone(),
        production_place: options.production_place.clone(),
        ..SignatureOptions::default()
    };
    let prepared = xades::prepare(certificate_der, &data, &xopts)?;
    Ok(Prepared {
        digest_to_sign: prepared.digest_to_sign().to_vec(),
        hash_algorithm: prepared.hash_algorithm(),
        state: State {
            version: STATE_VERSION,
            level: options.level.name().to_owned(),
            signature: prepared.into_state(),
            files: files
                .iter()
                .map(|f| StateFile {
                    name: f.name.clone(),
                    media_type: f.media_type.clone(),
                    content: encode_base64(&f.content),
                })
                .collect(),
            known_certificates: known.iter().map(|c| encode_base64(c.as_der())).collect(),
        },
    })
}

/// Phase 2: checks `signature_value` (ECDSA raw `r‖s` or DER; RSA PKCS#1 v1.5 or PSS as
/// prepared) against the certificate, extends the signature to the level of the state with
/// `tsa` and `ocsp` ([`extend_document`]) and writes the container to `output` atomically
/// (replaced if it exists; nothing is left behind on failure).
///
/// # Errors
/// [`Error::SignatureValueMismatch`] when the value does not verify;
/// [`Error::InvalidRequest`] for a state that was altered (version, level, data files that
/// no longer match their digests); the service errors of [`extend_document`].
pub fn finish(
    state: State,
    signature_value: &[u8],
    tsa: &mut dyn TimeStamping,
    ocsp: &mut dyn Revocation,
    output: &Path,
) -> Result<Signed, Error> {
    if state.version != STATE_VERSION {
        return Err(invalid("unknown two-phase state version"));
    }
    let level = Level::parse(&state.level)
        .ok_or_else(|| invalid("the two-phase state names no known level"))?;
    let files = state
        .files
        .iter()
        .map(|f| {
            Ok(DataFile {
                name: f.name.clone(),
                media_type: f.media_type.clone(),
                content: decode_base64(&f.content)
                    .ok_or_else(|| invalid("a data file of the state is not base64"))?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let known = state
        .known_certificates
        .iter()
        .map(|b64| {
            let der = decode_base64(b64)
                .ok_or_else(|| invalid("a known certificate of the state is not base64"))?;
            Ok(Certificate::from_der(&der)?)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let mut doc = state
        .signature
        .finish(signature_value)
        .map_err(|e| match e {
            knik_xades::Error::SignatureValueInvalid { reason } => {
                Error::SignatureValueMismatch { reason }
            }
            other => other.into(),
        })?;
    let mut resolver = MemoryResolver {
        by_uri: files
            .iter()
            .map(|f| (encode_uri_path(&f.name), f.content.as_slice()))
            .collect(),
    };
    refuse_changed_files(&doc.to_xml(), &mut resolver)?;
    extend_document(
        &mut doc,
        level,
        tsa,
        ocsp,
        &known,
        &mut resolver,
        &mut NoProgress,
    )?;
    let xml = doc.to_xml();
    let signature_file = write_atomically(output, |file: &mut File| {
        let (name, mut out) =
            write_container(BufWriter::with_capacity(1 << 16, file), &files, Some(&xml))?;
        out.flush()
            .map_err(Error::io("writing the container", output))?;
        Ok::<_, Error>(name.unwrap_or_default())
    })?;
    let signer = doc.signer_certificate()?;
    Ok(Signed {
        container: output.to_path_buf(),
        signature_file,
        signature_id: SIGNATURE_ID.to_owned(),
        level: level_of(&doc),
        signer: signer_subject(signer.as_der()),
    })
}

/// The data object of a file, with its SHA-256 digest.
fn data_object(file: &DataFile) -> DataObject {
    let mut hasher = Hasher::new(DigestAlgorithm::Sha256);
    knik_asic::DigestSink::update(&mut hasher, &file.content);
    DataObject {
        uri: encode_uri_path(&file.name),
        mime_type: file.media_type.clone(),
        digest_algorithm: HashAlgorithm::Sha256,
        digest: hasher.finalize(),
    }
}

/// Writes `files` (and the signature, when given) as an ASiC-E container into `out`; returns
/// the signature's entry name and `out`, to be flushed.
fn write_container<W: Write + Seek>(
    out: W,
    files: &[DataFile],
    signature_xml: Option<&[u8]>,
) -> Result<(Option<String>, W), Error> {
    let mut writer =
        ContainerWriter::with_options(out, WriterOptions::default().with_modified(now_unix()))?;
    for f in files {
        writer.add_data_file_with_len(
            &f.name,
            &f.media_type,
            f.content.len() as u64,
            &mut f.content.as_slice(),
            &mut NoDigest,
        )?;
    }
    let name = signature_xml
        .map(|xml| writer.add_signature(xml))
        .transpose()?;
    Ok((name, writer.finish()?))
}

/// Refuses a state whose data files no longer match the digests the signature references
/// (the signature would not verify).
fn refuse_changed_files(xml: &[u8], resolver: &mut dyn DataResolver) -> Result<(), Error> {
    let checks = xades::verify(xml, resolver, &xades::VerifyOptions::default())?;
    let changed = checks
        .iter()
        .flat_map(|c| &c.references)
        .find(|r| !r.is_same_document && r.status != DigestStatus::Ok);
    match changed {
        Some(r) => Err(Error::InvalidRequest {
            reason: format!(
                "the data file {} of the state does not match the digest the signature references",
                r.decoded_name.as_deref().unwrap_or("(unnamed)")
            ),
        }),
        None => Ok(()),
    }
}

/// Data objects resolved from the files in memory.
struct MemoryResolver<'a> {
    by_uri: HashMap<String, &'a [u8]>,
}

impl DataResolver for MemoryResolver<'_> {
    fn write_data(&mut self, uri: &str, out: &mut dyn Write) -> io::Result<bool> {
        match self.by_uri.get(uri) {
            Some(bytes) => out.write_all(bytes).map(|()| true),
            None => Ok(false),
        }
    }
}
