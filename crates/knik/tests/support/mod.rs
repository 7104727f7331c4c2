//! Shared by the facade's integration tests (`signing.rs`, `signing_guards.rs`, `hostile.rs`):
//! the test PKI of `test-vectors/pki`, the loopback services of `scripts/services.sh up`,
//! signing with the holders' software keys (and a signer that counts how often it is asked),
//! verifying against the test root, and container surgery.
//!
//! The facade refuses to sign with an expired certificate or to embed an OCSP answer that is
//! not `good` for the signer. The verifier must still judge such containers when someone else
//! makes them: [`sign_unchecked`] and [`embed_ocsp_unchecked`] build them below the facade,
//! with the xades and asic crates and the raw TSA/OCSP clients.

// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};
use std::process::Command;

use knik::Level;
use knik::online::{OcspClient, Services, TsaClient};
use knik::report::{Report, SignatureReport, Verdict};
use knik::services::{Revocation, TimeStamping};
use knik::sign::{InputFile, NoProgress, SignOptions, Signed, create_container};
use knik::signer::{Signer, SoftwareKey};
use knik::verify::{VerifyOptions, verify_file};
use knik_asic::{
    Container, ContainerWriter, DigestAlgorithm, Hasher, Limits, WriterOptions, encode_uri_path,
    replace_signatures, replace_signatures_in_file,
};
use knik_pki::ocsp::OcspResponse;
use knik_pki::trust::TrustStore;
use knik_pki::{Certificate, HashAlgorithm, PolicyMap};
use knik_xades::c14n::Algorithm;
use knik_xades::xades::{self, DataObject, SignatureDocument, SignatureOptions};

/// The first signature entry of every container the tests make.
pub const SIGNATURE: &str = "META-INF/signatures0.xml";

/// The test TSA.
pub const TSA: &str = "http://127.0.0.1:8889/";
/// The citizen CA's OCSP responder (EC-signed responses).
pub const CITIZEN_OCSP: &str = "http://127.0.0.1:8881/";
/// The resident CA's OCSP responder.
pub const RESIDENT_OCSP: &str = "http://127.0.0.1:8882/";
/// The citizen CA's second OCSP responder, whose responses are RSA-signed.
pub const CITIZEN_OCSP_RSA: &str = "http://127.0.0.1:8884/";

/// The folder of the test PKI (`KNIK_PKI_DIR` overrides it, as for services.sh).
pub fn pki_dir() -> PathBuf {
    match std::env::var_os("KNIK_PKI_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/pki"),
    }
}

/// A text file of the test PKI.
pub fn pki_text(relative: &str) -> String {
    let path = pki_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A certificate of the test PKI (PEM).
pub fn cert(relative: &str) -> Certificate {
    Certificate::from_pem(&pki_text(relative)).expect("a PEM certificate of the test PKI")
}

/// The signing key and certificate of a holder (`citizen`, `legacy`, `revoked`, …).
pub fn holder_key(holder: &str) -> SoftwareKey {
    SoftwareKey::from_pem(
        &pki_text(&format!("holders/{holder}/sign.key")),
        &pki_text(&format!("holders/{holder}/sign.pem")),
    )
    .unwrap_or_else(|e| panic!("{holder}'s signing key: {e}"))
}

/// A signer that counts how often it is asked to sign (on a card, a PIN prompt each time).
pub struct CountingSigner {
    /// The key that signs.
    pub key: SoftwareKey,
    /// How often [`Signer::sign_digest`] was called.
    pub asked: usize,
}

impl CountingSigner {
    /// `holder`'s signing key, not asked yet.
    pub fn new(holder: &str) -> CountingSigner {
        CountingSigner::with_key(holder_key(holder))
    }

    /// Any key, not asked yet.
    pub fn with_key(key: SoftwareKey) -> CountingSigner {
        CountingSigner { key, asked: 0 }
    }
}

impl Signer for CountingSigner {
    fn certificate(&mut self) -> Result<Vec<u8>, knik::Error> {
        self.key.certificate()
    }

    fn sign_digest(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, knik::Error> {
        self.asked += 1;
        self.key.sign_digest(hash, digest)
    }

    fn chain(&self) -> Vec<Vec<u8>> {
        self.key.chain()
    }
}

/// The CA certificates a signer may need for OCSP and B-LT: the root and the issuing CAs.
pub fn known_certificates() -> Vec<Certificate> {
    [
        "root.pem",
        "citizen-ca.pem",
        "resident-ca.pem",
        "mobile-id-ca.pem",
    ]
    .iter()
    .map(|f| cert(f))
    .collect()
}

/// Signing options for `level` and `c14n`, knowing the test CAs.
pub fn sign_options(level: Level, c14n: Algorithm) -> SignOptions {
    SignOptions {
        level,
        c14n,
        known_certificates: known_certificates(),
        ..SignOptions::default()
    }
}

/// What a verifier of the test PKI trusts: the test root only (the issuing CAs must come from
/// the signature), with the document kinds of `test-vectors/pki/policies.toml`.
pub fn verify_options() -> VerifyOptions {
    let mut trust = TrustStore::new();
    trust
        .add_file(&pki_dir().join("root.pem"))
        .expect("the test root");
    VerifyOptions {
        trust,
        policies: PolicyMap::from_toml(&pki_text("policies.toml")).expect("policies.toml"),
        ..VerifyOptions::default()
    }
}

/// Verifies the container at `path` against the test root.
pub fn verify(path: &Path) -> Report {
    verify_file(path, &verify_options()).expect("the container file can be read")
}

/// Verifies container bytes against the test root.
pub fn verify_bytes(bytes: &[u8]) -> Report {
    knik::verify::verify(Cursor::new(bytes), &verify_options())
}

/// The report's only signature.
pub fn only_signature(report: &Report) -> &SignatureReport {
    assert_eq!(
        report.signatures.len(),
        1,
        "one signature expected: {}",
        report.to_json()
    );
    &report.signatures[0]
}

/// Fails with the whole report unless the verdict is `expected`.
pub fn assert_verdict(report: &Report, expected: Verdict) {
    assert_eq!(report.verdict, expected, "{}", report.to_json());
}

/// Fails with the whole report unless `code` is among its findings.
pub fn assert_code(report: &Report, code: &str) {
    assert!(
        report.codes().contains(&code),
        "{code} missing from {:?}:\n{}",
        report.codes(),
        report.to_json()
    );
}

/// True when the loopback services are listening (asked of `ss`, never by connecting: the
/// OpenSSL responders exit on anything but an OCSP request). When they are not, or
/// KNIK_SKIP_SERVICES=1, prints "SKIPPED" and returns false — unless KNIK_REQUIRE_SERVICES=1,
/// where their absence fails the test.
pub fn services_up(ports: &[u16]) -> bool {
    if std::env::var("KNIK_SKIP_SERVICES").as_deref() == Ok("1") {
        eprintln!("SKIPPED: KNIK_SKIP_SERVICES=1");
        return false;
    }
    let listening = Command::new("ss")
        .arg("-ltn")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let missing: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| !listening.contains(&format!(":{p} ")))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("KNIK_REQUIRE_SERVICES").as_deref() != Ok("1"),
        "ports {missing:?} are not listening: start the services with `scripts/services.sh up`"
    );
    eprintln!("SKIPPED: ports {missing:?} are not listening (scripts/services.sh up)");
    false
}

/// The TSA and the citizen CA's responder.
pub fn citizen_services() -> Services {
    Services::new(Some(TSA.into()), Some(CITIZEN_OCSP.into()))
}

/// The two files every test signs: a plain one and one with a space and Armenian letters in
/// its name (percent-encoded in the reference URI).
pub fn input_files(dir: &Path) -> Vec<InputFile> {
    let a = dir.join("contract.txt");
    let b = dir.join("Պայմանագիր 2.pdf");
    std::fs::write(&a, "Agreement between the parties.\n").expect("write contract.txt");
    std::fs::write(&b, b"%PDF-1.4\n% not really a PDF\n".repeat(100)).expect("write the pdf");
    vec![
        InputFile::from_path(a).expect("input"),
        InputFile::from_path(b).expect("input"),
    ]
}

/// Signs the input files into `dir/name` with `holder`'s key.
pub fn sign_into(
    dir: &Path,
    name: &str,
    holder: &str,
    tsa: &mut dyn TimeStamping,
    ocsp: &mut dyn Revocation,
    options: &SignOptions,
) -> Result<Signed, knik::Error> {
    let files = input_files(dir);
    let out = dir.join(name);
    create_container(
        &files,
        &out,
        &mut holder_key(holder),
        tsa,
        ocsp,
        options,
        &mut NoProgress,
    )
}

/// A citizen-signed container at `level` (C14N 1.1) in `dir`, through the loopback services.
pub fn citizen_container(dir: &Path, name: &str, level: Level) -> PathBuf {
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let signed = sign_into(
        dir,
        name,
        "citizen",
        tsa,
        ocsp,
        &sign_options(level, Algorithm::Inclusive11),
    )
    .unwrap_or_else(|e| panic!("signing at {level}: [{}] {e}", e.code()));
    signed.container
}

/// The raw bytes of an entry as stored: local header, compressed data (and whatever lies
/// between it and the next entry is not included).
pub fn raw_entry(container: &Path, name: &str) -> Vec<u8> {
    let bytes = std::fs::read(container).expect("read the container");
    let c = Container::open(Cursor::new(&bytes)).expect("open the container");
    let e = c
        .entries()
        .iter()
        .find(|e| e.name() == name)
        .unwrap_or_else(|| panic!("no entry {name}"));
    let start = e.local_header_offset() as usize;
    let end = (e.data_offset() + e.compressed_size()) as usize;
    bytes[start..end].to_vec()
}

/// The uncompressed bytes of an entry.
pub fn entry_bytes(container: &Path, name: &str) -> Vec<u8> {
    let f = std::fs::File::open(container).expect("open the container file");
    let mut c = Container::open(std::io::BufReader::new(f)).expect("open the container");
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut c.open_entry(name).expect("the entry"), &mut out)
        .expect("read the entry");
    out
}

/// The container with `entry` (a signature file) replaced by `xml`, every other entry copied
/// byte for byte.
pub fn with_signature_xml(container: &Path, entry: &str, xml: Vec<u8>) -> Vec<u8> {
    let source = std::fs::read(container).expect("read the container");
    replace_signatures(
        Cursor::new(source),
        Cursor::new(Vec::new()),
        &[(entry.to_owned(), xml)],
        &Limits::default(),
        WriterOptions::default(),
    )
    .expect("replace the signature entry")
    .into_inner()
}

/// The signature XML of the container's first signature, as text.
pub fn signature_text(container: &Path) -> String {
    String::from_utf8(entry_bytes(container, SIGNATURE)).expect("the signature file is UTF-8")
}

/// Runs `python3 -c script args…`, failing with its stderr.
pub fn python(script: &str, args: &[&str]) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Rewrites the container with python's `zipfile`, as another producer would: every entry
/// dated 2001-02-03 and the data files stored uncompressed. The signatures stay valid (they
/// cover contents, not ZIP metadata), and an entry that is later re-encoded instead of
/// copied byte for byte no longer looks the same.
pub fn restamp(container: &Path) {
    const SCRIPT: &str = r#"
import os, sys, zipfile
path = sys.argv[1]
tmp = path + ".restamp"
with zipfile.ZipFile(path) as zi, zipfile.ZipFile(tmp, "w") as zo:
    for old in zi.infolist():
        info = zipfile.ZipInfo(old.filename, date_time=(2001, 2, 3, 4, 5, 6))
        data_file = old.filename != "mimetype" and not old.filename.startswith("META-INF/")
        info.compress_type = zipfile.ZIP_STORED if data_file else old.compress_type
        info.flag_bits |= old.flag_bits & 0x800
        zo.writestr(info, zi.read(old.filename))
os.replace(tmp, path)
"#;
    python(SCRIPT, &[container.to_str().expect("a UTF-8 path")]);
}

/// How an entry is compressed.
pub fn compression_of(container: &Path, name: &str) -> knik_asic::Compression {
    let bytes = std::fs::read(container).expect("read the container");
    let c = Container::open(Cursor::new(bytes)).expect("open the container");
    c.entries()
        .iter()
        .find(|e| e.name() == name)
        .unwrap_or_else(|| panic!("no entry {name}"))
        .compression()
}

/// The names in `dir`: after a refused signing, only the inputs may be there (no container,
/// no temporary file).
pub fn dir_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("list the temp dir")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// The names [`input_files`] writes.
pub fn input_names() -> BTreeSet<String> {
    ["contract.txt", "Պայմանագիր 2.pdf"]
        .map(str::to_owned)
        .into()
}

/// The test CA that issued `certificate`.
pub fn issuer_of(certificate: &Certificate) -> Certificate {
    known_certificates()
        .into_iter()
        .find(|ca| !ca.is_self_issued() && certificate.verify_issued_by(ca).is_ok())
        .unwrap_or_else(|| panic!("no test CA issued {}", certificate.subject()))
}

/// The answer of the responder named in `holder`'s signing certificate (its
/// authorityInfoAccess), about that certificate, whatever its status. The client checks the
/// response's signature, nonce and freshness, not what it says.
pub fn ocsp_response(holder: &str) -> Vec<u8> {
    let certificate = cert(&format!("holders/{holder}/sign.pem"));
    OcspClient::new()
        .fetch(None, &certificate, &issuer_of(&certificate))
        .unwrap_or_else(|e| panic!("OCSP about {holder}: [{}] {e}", e.code()))
        .der
}

/// Adds a signature time-stamp of the test TSA (B-T).
pub fn add_timestamp(doc: &mut SignatureDocument) {
    let imprint = doc
        .signature_timestamp_imprint(HashAlgorithm::Sha256)
        .expect("the signature time-stamp imprint");
    let token = TsaClient::new()
        .timestamp(TSA, HashAlgorithm::Sha256, &imprint)
        .unwrap_or_else(|e| panic!("the test TSA: [{}] {e}", e.code()));
    doc.add_signature_timestamp(&token.der)
        .expect("add the signature time-stamp");
}

/// Embeds `ocsp` (DER) in a B-T signature, making it B-LT, with the certificates the facade's
/// `extend_document` puts beside it: the signer's issuing CA and the root (every holder used
/// here is one CA below the root), the responder's and the TSA's. Nothing looks at what the
/// response says or whom it is about.
pub fn add_ocsp_unchecked(doc: &mut SignatureDocument, ocsp: Vec<u8>) {
    let signer = doc.signer_certificate().expect("the signing certificate");
    let response = OcspResponse::from_der(&ocsp).expect("an OCSP response");
    let timestamp_certificates = doc
        .timestamp_certificates()
        .expect("the time-stamp certificates");
    let mut certificates: Vec<Vec<u8>> = Vec::new();
    let chain = [issuer_of(&signer), cert("root.pem")];
    for c in chain
        .iter()
        .chain(response.certificates())
        .chain(&timestamp_certificates)
    {
        if !certificates.iter().any(|d| d == c.as_der()) {
            certificates.push(c.as_der().to_vec());
        }
    }
    doc.add_validation_data(&certificates, &[ocsp])
        .expect("add the validation data");
}

/// [`add_ocsp_unchecked`] on the container's first signature (B-T), written back in place;
/// every other entry is copied byte for byte.
pub fn embed_ocsp_unchecked(container: &Path, ocsp: Vec<u8>) {
    let xml = entry_bytes(container, SIGNATURE);
    let mut doc = SignatureDocument::from_xml(xml, None).expect("parse the signature");
    add_ocsp_unchecked(&mut doc, ocsp);
    replace_signatures_in_file(
        container,
        &[(SIGNATURE.to_owned(), doc.to_xml())],
        &Limits::default(),
        WriterOptions::default(),
    )
    .expect("write the signature back");
}

/// Signs the input files into `dir/name` with `holder`'s key at B-B, B-T or B-LT (C14N 1.1)
/// below the facade, as a producer without its checks would: the certificate's validity
/// period is not looked at, and B-LT embeds whatever the responder named in the certificate
/// answers (see [`ocsp_response`]). The container has the facade's layout: data files
/// (SHA-256, percent-encoded reference URIs), manifest, `META-INF/signatures0.xml`.
pub fn sign_unchecked(dir: &Path, name: &str, holder: &str, level: Level) -> PathBuf {
    assert!(
        level <= Level::Lt,
        "sign_unchecked stops at B-LT, not {level}"
    );
    let mut key = holder_key(holder);
    let certificate = key.certificate().expect("the holder's certificate");
    let mut writer = ContainerWriter::new(Cursor::new(Vec::new())).expect("a new container");
    let mut data = Vec::new();
    for f in input_files(dir) {
        let source = File::open(&f.path).expect("open an input file");
        let len = source.metadata().expect("an input file's size").len();
        let mut hasher = Hasher::new(DigestAlgorithm::Sha256);
        writer
            .add_data_file_with_len(
                &f.name,
                &f.media_type,
                len,
                &mut BufReader::new(source),
                &mut hasher,
            )
            .expect("write a data file");
        data.push(DataObject {
            uri: encode_uri_path(&f.name),
            mime_type: f.media_type,
            digest_algorithm: HashAlgorithm::Sha256,
            digest: hasher.finalize(),
        });
    }
    let prepared = xades::prepare(&certificate, &data, &SignatureOptions::default())
        .expect("phase 1 of the signature");
    let value = key
        .sign_digest(prepared.hash_algorithm(), prepared.digest_to_sign())
        .expect("the software key signs");
    let mut doc = prepared.finish(&value).expect("phase 2 of the signature");
    if level >= Level::T {
        add_timestamp(&mut doc);
    }
    if level >= Level::Lt {
        add_ocsp_unchecked(&mut doc, ocsp_response(holder));
    }
    let entry = writer
        .add_signature(&doc.to_xml())
        .expect("write the signature");
    assert_eq!(entry, SIGNATURE);
    let bytes = writer.finish().expect("finish the container").into_inner();
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the container");
    path
}
