//! Signing: files into a new ASiC-E container, or one more signature into an existing one,
//! at B-B … B-LTA; and extending signatures that are already there.
//!
//! Every data file is read once while it is written into the container (the digest is
//! computed on the way), so memory does not grow with file size. The container is written to
//! a temporary file and renamed only when the signature is complete: a failed PIN, a removed
//! card or an unreachable TSA leave nothing behind.
//!
//! What can be known before the signer is asked is checked first (`preflight`): the
//! certificate's validity and key usage, the services the level needs, the issuer B-LT needs.
//! A signature that would be refused afterwards must not cost a PIN entry or a phone prompt.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use knik_asic::{
    Container, ContainerWriter, DigestAlgorithm, Hasher, Limits, WriterOptions,
    append_signature_to_file, encode_uri_path, replace_signatures_in_file, write_atomically,
};
use knik_pki::ocsp::{CertStatus, OcspCheck, OcspResponse};
use knik_pki::tsp::TimeStampToken;
use knik_pki::{Certificate, HashAlgorithm};
use knik_xades::c14n::Algorithm;
use knik_xades::dsig::{DS, decode_base64};
use knik_xades::xades::{self, DataObject, DataResolver, SignatureDocument, SignatureOptions};
use time::OffsetDateTime;

use crate::error::Error;
use crate::level::Level;
use crate::resolver::{ContainerResolver, find_issuer};
use crate::services::{OCSP_SERVICE, Revocation, TSA_SERVICE, TimeStamping};
use crate::signer::Signer;

/// A file to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Where it is read from.
    pub path: PathBuf,
    /// Its name in the container (flat by default: the file name).
    pub name: String,
    /// Its media type, written to the manifest and to the signature's DataObjectFormat.
    pub media_type: String,
}

impl InputFile {
    /// A file named by its last path component, with a media type guessed from the
    /// extension (`application/octet-stream` when unknown).
    pub fn from_path(path: impl Into<PathBuf>) -> Result<InputFile, Error> {
        let path = path.into();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::InvalidRequest {
                reason: format!("{} has no usable file name", path.display()),
            })?
            .to_owned();
        let media_type = media_type_for(&name).to_owned();
        Ok(InputFile {
            path,
            name,
            media_type,
        })
    }
}

/// The media type for a file name, by extension.
pub fn media_type_for(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "xml" => "application/xml",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "csv" => "text/csv",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "zip" => "application/zip",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "rtf" => "application/rtf",
        _ => "application/octet-stream",
    }
}

/// How to sign.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// The level to reach (default B-LT).
    pub level: Level,
    /// Canonicalization for SignedInfo, SignedProperties and time-stamps (default C14N 1.1;
    /// exclusive C14N for DSS-style or xadesjs-compatible signatures).
    pub c14n: Algorithm,
    /// SigningCertificateV2 (default) or the V1 element for old validators.
    pub signing_certificate_v2: bool,
    /// RSA-PSS instead of PKCS#1 v1.5 (when the signer supports it).
    pub rsa_pss: bool,
    /// The signer's claimed roles (SignerRoleV2).
    pub claimed_roles: Vec<String>,
    /// Where the signature was made (SignatureProductionPlaceV2).
    pub production_place: Option<xades::ProductionPlace>,
    /// Certificates that may complete the signer's chain (the issuing CA for OCSP, and what
    /// B-LT embeds): the trust store's and any extra ones. The signer's own
    /// ([`Signer::chain`]) are added to them.
    pub known_certificates: Vec<Certificate>,
}

impl Default for SignOptions {
    fn default() -> Self {
        SignOptions {
            level: Level::Lt,
            c14n: Algorithm::Inclusive11,
            signing_certificate_v2: true,
            rsa_pss: false,
            claimed_roles: Vec::new(),
            production_place: None,
            known_certificates: Vec::new(),
        }
    }
}

/// A step of the signing flow, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Reading a data file (bytes follow through [`Progress::bytes`]).
    Reading,
    /// Waiting for the signer (PIN entry, card).
    Signing,
    /// Asking the time-stamp authority.
    TimeStamping,
    /// Asking the OCSP responder.
    Revocation,
    /// Asking for the archive time-stamp.
    ArchiveTimeStamping,
    /// Writing the container.
    Writing,
}

/// Progress callbacks; every method has an empty default.
pub trait Progress {
    /// A step starts; `name` is the data file for [`Step::Reading`].
    fn step(&mut self, _step: Step, _name: &str, _total_bytes: Option<u64>) {}
    /// `n` more bytes of the current file were read.
    fn bytes(&mut self, _n: u64) {}
}

/// No progress display.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// What a signing produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The container written.
    pub container: PathBuf,
    /// The new entry, `META-INF/signaturesN.xml`.
    pub signature_file: String,
    /// The signature's Id.
    pub signature_id: String,
    /// The level the signature reached.
    pub level: Level,
    /// The signing certificate's subject.
    pub signer: String,
}

struct Counting<'a, R> {
    inner: R,
    progress: &'a mut dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.bytes(n as u64);
        Ok(n)
    }
}

fn to_pki_hash(a: DigestAlgorithm) -> HashAlgorithm {
    match a {
        DigestAlgorithm::Sha256 => HashAlgorithm::Sha256,
        DigestAlgorithm::Sha384 => HashAlgorithm::Sha384,
        DigestAlgorithm::Sha512 => HashAlgorithm::Sha512,
        _ => HashAlgorithm::Sha256,
    }
}

/// Data objects resolved from files on disk (a container being created).
struct FileResolver {
    by_uri: HashMap<String, PathBuf>,
}

impl DataResolver for FileResolver {
    fn write_data(&mut self, uri: &str, out: &mut dyn Write) -> io::Result<bool> {
        let Some(path) = self.by_uri.get(uri) else {
            return Ok(false);
        };
        let mut f = BufReader::with_capacity(1 << 16, File::open(path)?);
        io::copy(&mut f, out)?;
        Ok(true)
    }
}

pub(crate) fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Signs `files` into a new container at `output` (replaced atomically if it exists).
pub fn create_container(
    files: &[InputFile],
    output: &Path,
    signer: &mut dyn Signer,
    tsa: &mut dyn TimeStamping,
    ocsp: &mut dyn Revocation,
    options: &SignOptions,
    progress: &mut dyn Progress,
) -> Result<Signed, Error> {
    if files.is_empty() {
        return Err(Error::InvalidRequest {
            reason: "nothing to sign: give at least one file".into(),
        });
    }
    // Ask for the certificate before anything is written: no card, no work.
    let certificate = signer.certificate()?;
    let known = preflight(&certificate, &*signer, &*tsa, &*ocsp, options)?;
    let mut by_uri = HashMap::new();
    let (signature_file, doc) = write_atomically(output, |file| {
        let mut writer = ContainerWriter::with_options(
            BufWriter::with_capacity(1 << 16, file),
            WriterOptions::default().with_modified(now_unix()),
        )?;
        let mut data = Vec::with_capacity(files.len());
        for f in files {
            let source =
                File::open(&f.path).map_err(Error::io("opening a file to sign", &f.path))?;
            let len = source
                .metadata()
                .map_err(Error::io("reading a file's size", &f.path))?
                .len();
            progress.step(Step::Reading, &f.name, Some(len));
            let mut hasher = Hasher::new(DigestAlgorithm::Sha256);
            let mut reader = Counting {
                inner: BufReader::with_capacity(1 << 16, source),
                progress: &mut *progress,
            };
            writer.add_data_file_with_len(&f.name, &f.media_type, len, &mut reader, &mut hasher)?;
            let uri = encode_uri_path(&f.name);
            by_uri.insert(uri.clone(), f.path.clone());
            data.push(DataObject {
                uri,
                mime_type: f.media_type.clone(),
                digest_algorithm: to_pki_hash(hasher.algorithm()),
                digest: hasher.finalize(),
            });
        }
        let mut resolver = FileResolver {
            by_uri: by_uri.clone(),
        };
        let doc = build_signature(
            &certificate,
            &data,
            "S0",
            signer,
            tsa,
            ocsp,
            options,
            &known,
            &mut resolver,
            progress,
        )?;
        progress.step(Step::Writing, "", None);
        let name = writer.add_signature(&doc.to_xml())?;
        let mut out = writer.finish()?;
        out.flush()
            .map_err(Error::io("writing the container", output))?;
        Ok::<_, Error>((name, doc))
    })?;
    Ok(Signed {
        container: output.to_path_buf(),
        signature_file,
        signature_id: "S0".into(),
        level: level_of(&doc),
        signer: signer_subject(&certificate),
    })
}

/// Adds one more signature to the container at `path`; every existing entry is copied byte
/// for byte and the file is replaced atomically.
pub fn add_signature(
    path: &Path,
    signer: &mut dyn Signer,
    tsa: &mut dyn TimeStamping,
    ocsp: &mut dyn Revocation,
    options: &SignOptions,
    progress: &mut dyn Progress,
) -> Result<Signed, Error> {
    let certificate = signer.certificate()?;
    let known = preflight(&certificate, &*signer, &*tsa, &*ocsp, options)?;
    let open = || -> Result<Container<BufReader<File>>, Error> {
        let f = File::open(path).map_err(Error::io("opening the container", path))?;
        Ok(Container::open(BufReader::with_capacity(1 << 16, f))?)
    };
    let mut container = open()?;
    let files = container.data_files();
    if files.is_empty() {
        return Err(Error::InvalidRequest {
            reason: "the container has no data files to sign".into(),
        });
    }
    let mut data = Vec::with_capacity(files.len());
    for f in &files {
        progress.step(Step::Reading, &f.name, Some(f.size));
        let digest = container.digest(&f.name, DigestAlgorithm::Sha256)?;
        progress.bytes(f.size);
        data.push(DataObject {
            uri: encode_uri_path(&f.name),
            mime_type: f
                .media_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            digest_algorithm: HashAlgorithm::Sha256,
            digest,
        });
    }
    let id = free_signature_id(&mut container)?;
    let mut resolver = ContainerResolver { container };
    let doc = build_signature(
        &certificate,
        &data,
        &id,
        signer,
        tsa,
        ocsp,
        options,
        &known,
        &mut resolver,
        progress,
    )?;
    drop(resolver);
    progress.step(Step::Writing, "", None);
    let name = append_signature_to_file(
        path,
        &doc.to_xml(),
        &Limits::default(),
        WriterOptions::default().with_modified(now_unix()),
    )?;
    Ok(Signed {
        container: path.to_path_buf(),
        signature_file: name,
        signature_id: id,
        level: level_of(&doc),
        signer: signer_subject(&certificate),
    })
}

/// The lowest `S{n}` that no signature in the container has as its Id. Counting the
/// signatures is not enough: a container whose `signatures0.xml` was removed still holds an
/// `S1`, and two signatures with one Id make the container ambiguous.
fn free_signature_id<R: Read + Seek>(container: &mut Container<R>) -> Result<String, Error> {
    let mut used = HashSet::new();
    for file in container.signature_files()? {
        let xml = knik_xades::xml::Document::parse(&file.bytes)?;
        for node in xml.document_node().descendant_elements() {
            if node.is(Some(DS), "Signature")
                && let Some(id) = node.attribute(None, "Id")
            {
                used.insert(id.to_owned());
            }
        }
    }
    let mut n = 0usize;
    while used.contains(&format!("S{n}")) {
        n += 1;
    }
    Ok(format!("S{n}"))
}

/// Everything that can be checked before the signer is asked (a PIN typed, a phone
/// confirmed) and before anything is read or written: the certificate is valid now and meant
/// for signatures (keyUsage, when present, has nonRepudiation), the level's services are
/// configured (a TSA from B-T on, an OCSP responder from B-LT on), and for B-LT the issuer is
/// among the known certificates. Returns those known certificates: the options' and the
/// signer's own chain.
pub(crate) fn preflight(
    certificate: &[u8],
    signer: &dyn Signer,
    tsa: &dyn TimeStamping,
    ocsp: &dyn Revocation,
    options: &SignOptions,
) -> Result<Vec<Certificate>, Error> {
    let cert = Certificate::from_der(certificate)?;
    refuse_outside_validity(&cert)?;
    if let Some(usage) = cert.key_usage()
        && !usage.non_repudiation()
    {
        return Err(Error::SignerKeyUsage {
            subject: cert.subject().to_string(),
        });
    }
    let level = options.level;
    if level >= Level::T && !tsa.is_configured() {
        return Err(Error::ServiceMissing {
            level: level.name(),
            service: TSA_SERVICE,
        });
    }
    if level >= Level::Lt && !ocsp.is_configured() {
        return Err(Error::ServiceMissing {
            level: level.name(),
            service: OCSP_SERVICE,
        });
    }
    let mut known = options.known_certificates.clone();
    for der in signer.chain() {
        let c = Certificate::from_der(&der)?;
        if !known.iter().any(|k| k.as_der() == c.as_der()) {
            known.push(c);
        }
    }
    if level >= Level::Lt && find_issuer(&cert, &known).is_none() {
        return Err(Error::IssuerNotFound {
            subject: cert.subject().to_string(),
        });
    }
    Ok(known)
}

/// Phase 1 → signer → phase 2 → extension to the level asked. [`preflight`] has run.
#[allow(clippy::too_many_arguments)]
fn build_signature(
    certificate: &[u8],
    data: &[DataObject],
    id: &str,
    signer: &mut dyn Signer,
    tsa: &mut dyn TimeStamping,
    ocsp: &mut dyn Revocation,
    options: &SignOptions,
    known: &[Certificate],
    resolver: &mut dyn DataResolver,
    progress: &mut dyn Progress,
) -> Result<SignatureDocument, Error> {
    let xopts = SignatureOptions {
        id: id.to_owned(),
        c14n: options.c14n,
        signing_certificate_v2: options.signing_certificate_v2,
        rsa_pss: options.rsa_pss && signer.uses_rsa_pss(),
        claimed_roles: options.claimed_roles.clone(),
        production_place: options.production_place.clone(),
        ..SignatureOptions::default()
    };
    let prepared = xades::prepare(certificate, data, &xopts)?;
    progress.step(Step::Signing, "", None);
    let value = signer.sign_digest(prepared.hash_algorithm(), prepared.digest_to_sign())?;
    // Phase 2 checks the value against the certificate before writing it.
    let mut doc = prepared.finish(&value).map_err(|e| match e {
        knik_xades::Error::SignatureValueInvalid { reason } => {
            Error::SignatureValueMismatch { reason }
        }
        other => other.into(),
    })?;
    extend_document(
        &mut doc,
        options.level,
        tsa,
        ocsp,
        known,
        resolver,
        progress,
    )?;
    Ok(doc)
}

pub(crate) fn level_of(doc: &SignatureDocument) -> Level {
    match doc.level() {
        xades::Level::B => Level::B,
        xades::Level::T => Level::T,
        xades::Level::Lt => Level::Lt,
        xades::Level::Lta => Level::Lta,
    }
}

pub(crate) fn signer_subject(der: &[u8]) -> String {
    Certificate::from_der(der)
        .map(|c| c.subject().to_string())
        .unwrap_or_default()
}

/// Brings one signature up to `target`: a signature time-stamp (B-T), the certificates and a
/// fresh OCSP response fetched after the time-stamp (B-LT), an archive time-stamp (B-LTA). A
/// signature already at B-LTA gets one more archive time-stamp when `target` is B-LTA
/// (renewal).
///
/// The OCSP response is verified (signature, authorised responder, about this certificate,
/// fresh) and must say `good` and be produced no earlier than the signature time-stamp
/// (to the second, as producedAt is written); when it is earlier (the responder's clock is
/// behind the TSA's) it is asked for once more a second later, then refused
/// ([`Error::OcspBeforeTimestamp`]).
pub fn extend_document(
    doc: &mut SignatureDocument,
    target: Level,
    tsa: &mut dyn TimeStamping,
    ocsp: &mut dyn Revocation,
    known: &[Certificate],
    resolver: &mut dyn DataResolver,
    progress: &mut dyn Progress,
) -> Result<(), Error> {
    let current = level_of(doc);
    let hash = HashAlgorithm::Sha256;
    if target >= Level::T && current < Level::T {
        progress.step(Step::TimeStamping, "", None);
        let imprint = doc.signature_timestamp_imprint(hash)?;
        let token = tsa.timestamp(hash, &imprint)?;
        doc.add_signature_timestamp(&token)?;
    }
    if target >= Level::Lt && current < Level::Lt {
        let signer = doc.signer_certificate()?;
        let issuer = find_issuer(&signer, known).ok_or_else(|| Error::IssuerNotFound {
            subject: signer.subject().to_string(),
        })?;
        let timestamp_time = signature_timestamp_time(doc, known)?;
        progress.step(Step::Revocation, "", None);
        let (response, parsed) = fetch_ocsp_after(ocsp, &signer, issuer, known, timestamp_time)?;
        // CertificateValues: the chain up to the anchor, the responder's and the TSA's.
        let mut certs: Vec<Vec<u8>> = Vec::new();
        let mut push = |c: &Certificate| {
            if c.as_der() != signer.as_der() && !certs.iter().any(|d| d == c.as_der()) {
                certs.push(c.as_der().to_vec());
            }
        };
        let mut cursor = issuer;
        push(cursor);
        for _ in 0..8 {
            if cursor.is_self_issued() {
                break;
            }
            match find_issuer(cursor, known) {
                Some(next) => {
                    push(next);
                    cursor = next;
                }
                None => break,
            }
        }
        for c in parsed.certificates() {
            push(c);
        }
        for c in doc.timestamp_certificates()? {
            push(&c);
        }
        doc.add_validation_data(&certs, &[response])?;
    }
    if target == Level::Lta {
        progress.step(Step::ArchiveTimeStamping, "", None);
        let imprint = doc.archive_timestamp_imprint(hash, resolver)?;
        let token = tsa.timestamp(hash, &imprint)?;
        doc.add_archive_timestamp(&token, resolver)?;
    }
    Ok(())
}

/// The genTime of the signature's (earliest) signature time-stamp, truncated to the second:
/// producedAt has whole seconds, so a response produced in the same second counts as after.
fn signature_timestamp_time(
    doc: &SignatureDocument,
    known: &[Certificate],
) -> Result<OffsetDateTime, Error> {
    let xml = doc.to_xml();
    let parsed = knik_xades::xml::Document::parse(&xml)?;
    let signature = parsed
        .element_by_id(doc.signature_id())
        .filter(|n| n.is(Some(DS), "Signature"));
    let mut earliest: Option<OffsetDateTime> = None;
    for ts in signature.iter().flat_map(|s| s.descendant_elements()) {
        // Not a counter-signature's time-stamp: the nearest ds:Signature must be this one.
        let owner = ts.ancestors().find(|a| a.is(Some(DS), "Signature"));
        if ts.local_name() != "SignatureTimeStamp"
            || owner.map(|o| o.id()) != signature.map(|s| s.id())
        {
            continue;
        }
        for encapsulated in ts
            .child_elements()
            .filter(|c| c.local_name() == "EncapsulatedTimeStamp")
        {
            let der = decode_base64(&encapsulated.text_content()).ok_or_else(|| {
                Error::InvalidRequest {
                    reason: "the signature time-stamp is not base64".into(),
                }
            })?;
            let gen_time = TimeStampToken::from_der(&der, known)?.gen_time();
            earliest = Some(earliest.map_or(gen_time, |e| e.min(gen_time)));
        }
    }
    let time = earliest.ok_or_else(|| Error::InvalidRequest {
        reason: "the signature has no signature time-stamp to put revocation data after".into(),
    })?;
    Ok(time.replace_nanosecond(0).unwrap_or(time))
}

/// Asks `ocsp` about `signer` and accepts the answer only when it verifies now, says `good`
/// and was produced at or after `not_before` (the signature time-stamp); an answer that is
/// too early is asked for once more, a second later.
fn fetch_ocsp_after(
    ocsp: &mut dyn Revocation,
    signer: &Certificate,
    issuer: &Certificate,
    known: &[Certificate],
    not_before: OffsetDateTime,
) -> Result<(Vec<u8>, OcspResponse), Error> {
    let mut retried = false;
    loop {
        let der = ocsp.ocsp(signer, issuer)?;
        let parsed = OcspResponse::from_der(&der)?;
        let check =
            OcspCheck::new(signer, issuer, OffsetDateTime::now_utc()).extra_certificates(known);
        let verified = parsed.verify(&check).map_err(|e| match e {
            knik_pki::Error::OcspCertIdMismatch { .. } => Error::OcspCertMismatch {
                subject: signer.subject().to_string(),
                detail: e.to_string(),
            },
            other => Error::Pki(other),
        })?;
        refuse_unless_good(verified.status(), signer)?;
        let produced_at = verified.produced_at();
        if produced_at >= not_before {
            return Ok((der, parsed));
        }
        if retried {
            return Err(Error::OcspBeforeTimestamp {
                produced_at: rfc3339(produced_at),
                timestamp: rfc3339(not_before),
            });
        }
        retried = true;
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// An expired (or not yet valid) certificate makes signatures that no verifier accepts: say so
/// before the signer is asked for a PIN.
fn refuse_outside_validity(cert: &Certificate) -> Result<(), Error> {
    let now = OffsetDateTime::now_utc();
    if now < cert.not_before() || now > cert.not_after() {
        return Err(Error::CertificateNotValid {
            subject: cert.subject().to_string(),
            not_before: rfc3339(cert.not_before()),
            not_after: rfc3339(cert.not_after()),
        });
    }
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// B-LT embeds proof that the certificate was good: a `revoked` or `unknown` answer stops the
/// flow before anything is written.
fn refuse_unless_good(status: CertStatus, signer: &Certificate) -> Result<(), Error> {
    let subject = signer.subject().to_string();
    match status {
        CertStatus::Good => Ok(()),
        CertStatus::Revoked { time, .. } => Err(Error::CertificateRevoked {
            subject,
            status: format!("revoked on {}", rfc3339(time)),
        }),
        _ => Err(Error::OcspStatusUnknown { subject }),
    }
}

/// What [`extend_container`] did to one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extended {
    /// The signature entry.
    pub file: String,
    /// Level before.
    pub from: Level,
    /// Level after.
    pub to: Level,
}

/// Extends every signature of the container at `path` to `target` (signatures already above
/// it are left alone; B-LTA → B-LTA adds an archive time-stamp) and replaces the file
/// atomically, copying every other entry byte for byte.
///
/// Every signature to extend is verified first (references against the container's data
/// files, SignatureValue, signed properties, time-stamp imprints): if one has an error, the
/// flow stops with [`Error::ExtendBrokenSignature`] before any service is asked and the file
/// is left as it was.
pub fn extend_container(
    path: &Path,
    target: Level,
    tsa: &mut dyn TimeStamping,
    ocsp: &mut dyn Revocation,
    known: &[Certificate],
    progress: &mut dyn Progress,
) -> Result<Vec<Extended>, Error> {
    let open = || -> Result<Container<BufReader<File>>, Error> {
        let f = File::open(path).map_err(Error::io("opening the container", path))?;
        Ok(Container::open(BufReader::with_capacity(1 << 16, f))?)
    };
    let mut container = open()?;
    let signature_files = container.signature_files()?;
    if signature_files.is_empty() {
        return Err(Error::InvalidRequest {
            reason: "the container has no signatures to extend".into(),
        });
    }
    let mut resolver = ContainerResolver { container: open()? };
    let mut todo = Vec::new();
    for sf in signature_files {
        let doc = SignatureDocument::from_xml(sf.bytes.clone(), None)?;
        let from = level_of(&doc);
        if from > target || (from == target && target != Level::Lta) {
            continue;
        }
        refuse_broken(&sf.name, &sf.bytes, &mut resolver)?;
        todo.push((sf.name, doc, from));
    }
    // The services the extensions need, before any is asked.
    if (target == Level::Lta || todo.iter().any(|(_, _, from)| *from < Level::T))
        && !tsa.is_configured()
    {
        return Err(Error::ServiceMissing {
            level: target.name(),
            service: TSA_SERVICE,
        });
    }
    if target >= Level::Lt
        && todo.iter().any(|(_, _, from)| *from < Level::Lt)
        && !ocsp.is_configured()
    {
        return Err(Error::ServiceMissing {
            level: target.name(),
            service: OCSP_SERVICE,
        });
    }
    let mut replacements = Vec::new();
    let mut done = Vec::new();
    for (name, mut doc, from) in todo {
        extend_document(&mut doc, target, tsa, ocsp, known, &mut resolver, progress)?;
        done.push(Extended {
            file: name.clone(),
            from,
            to: level_of(&doc),
        });
        replacements.push((name, doc.to_xml().to_vec()));
    }
    drop(resolver);
    if !replacements.is_empty() {
        progress.step(Step::Writing, "", None);
        replace_signatures_in_file(
            path,
            &replacements,
            &Limits::default(),
            WriterOptions::default().with_modified(now_unix()),
        )?;
    }
    Ok(done)
}

/// Refuses to extend a signature file with an error-severity finding of
/// [`xades::verify`]: time-stamping or adding revocation data to a broken signature would
/// only seal the damage.
fn refuse_broken(file: &str, xml: &[u8], resolver: &mut dyn DataResolver) -> Result<(), Error> {
    let checks = xades::verify(xml, resolver, &xades::VerifyOptions::default())?;
    let mut errors: Vec<&str> = Vec::new();
    for finding in checks.iter().flat_map(|c| &c.findings) {
        if finding.severity == xades::Severity::Error && !errors.contains(&finding.code) {
            errors.push(finding.code);
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(Error::ExtendBrokenSignature {
        file: file.to_owned(),
        findings: errors.join(", "),
    })
}
