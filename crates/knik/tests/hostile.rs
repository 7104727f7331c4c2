//! Hostile and tampered containers through `knik::verify`: each one is `invalid`, with the
//! specific finding code that says what is wrong (`docs/verification.md`).
//!
//! What it proves, starting from containers signed through the loopback services (TSA 8889,
//! citizen OCSP 8881) with the test PKI, verified against the test root only:
//! - a changed data file (`scripts/oracles/tamper.py`) → `DATA_DIGEST_MISMATCH` (and
//!   `ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH` at B-LTA);
//! - a changed signing time → `SIGNED_PROPERTIES_DIGEST_MISMATCH`;
//! - another holder's certificate in KeyInfo → `SIGNING_CERTIFICATE_MISMATCH` and
//!   `SIGNATURE_VALUE_INVALID`;
//! - an OCSP response about another certificate (a `Revocation` that asks about someone
//!   else): refused while signing (`OCSP_CERT_MISMATCH`, nothing written), and embedded below the
//!   facade in a B-T signature → `OCSP_CERT_MISMATCH` (the same surgery with the signer's own
//!   response verifies `valid`);
//! - a time-stamp over other bytes: refused while signing (`TSP_IMPRINT_MISMATCH`), and
//!   spliced into a signature → `TIMESTAMP_IMPRINT_MISMATCH` /
//!   `ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH`;
//! - a genuine OCSP response produced before the signature time-stamp →
//!   `OCSP_BEFORE_TIMESTAMP`;
//! - signature wrapping with a duplicate `Id` → `XML_DUPLICATE_ID`;
//! - zip-slip names, zip bombs (a real deflate bomb and a forged size), duplicate names →
//!   `ZIP_UNSAFE_NAME`, `ZIP_COMPRESSION_RATIO`, `ZIP_DUPLICATE_NAME`;
//! - XXE and billion laughs in the signature XML → `XML_ENTITY_NOT_ALLOWED` (a bare DOCTYPE →
//!   `XML_DTD_NOT_ALLOWED`), nothing read or expanded;
//! - a signature file with no signature → `SIGNATURE_FILE_EMPTY` and `NO_SIGNATURES`, never
//!   valid; a signature made with the authentication key → `SIGNER_KEY_USAGE`;
//! - and the other way round: a genuine OCSP response about someone else added before the
//!   signer's own leaves a B-LT signature `valid` (`OCSP_OTHER_CERTIFICATE`, info).
//!
//! Hostile ZIPs are written with python3's `zipfile`. Without the services the tests that
//! need a signed container print "SKIPPED" (KNIK_REQUIRE_SERVICES=1 makes that a failure).
#![cfg(feature = "online")]

mod support;

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use knik::Level;
use knik::online::{OcspClient, TsaClient};
use knik::report::{Report, Verdict};
use knik::services::{Revocation, TimeStamping};
use knik::verify::codes;
use knik_pki::{Certificate, HashAlgorithm};
use knik_xades::c14n::Algorithm;
use knik_xades::xades::codes as xcodes;
use support::*;

/// Fails unless the report is invalid and carries `code`.
fn assert_invalid_with(report: &Report, code: &str) {
    assert_verdict(report, Verdict::Invalid);
    assert_code(report, code);
}

/// The byte range of the text between the first `open` (a start tag, or its beginning up to
/// `>`) after `from` and the following `close`.
fn content_range(text: &str, open: &str, close: &str, from: usize) -> std::ops::Range<usize> {
    let at = from
        + text[from..]
            .find(open)
            .unwrap_or_else(|| panic!("{open} not found"));
    let start = at + text[at..].find('>').expect("end of the start tag") + 1;
    let end = start + text[start..].find(close).expect("the end tag");
    start..end
}

/// `text` with the content of the first `open`…`close` after `from` replaced.
fn replace_content(text: &str, open: &str, close: &str, from: usize, new: &str) -> String {
    let range = content_range(text, open, close, from);
    format!("{}{new}{}", &text[..range.start], &text[range.end..])
}

/// Writes `bytes` next to the container and verifies them.
fn verify_written(dir: &Path, name: &str, bytes: &[u8]) -> Report {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the hostile container");
    verify(&path)
}

/// The container with its signature XML edited by `edit`, verified.
fn verify_edited(container: &Path, edit: impl FnOnce(&str) -> String) -> Report {
    let xml = edit(&signature_text(container));
    verify_bytes(&with_signature_xml(container, SIGNATURE, xml.into_bytes()))
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/oracles")
        .join(name)
}

#[test]
fn changed_data_file_is_a_data_digest_mismatch() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for level in [Level::Lt, Level::Lta] {
        let container = citizen_container(dir.path(), &format!("{level}.asice"), level);
        assert_verdict(&verify(&container), Verdict::Valid);
        let tampered = dir.path().join(format!("{level}-tampered.asice"));
        let out = std::process::Command::new("python3")
            .arg(script("tamper.py"))
            .args([&container, &tampered])
            .arg("contract.txt")
            .output()
            .expect("python3 runs tamper.py");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        let report = verify(&tampered);
        assert_invalid_with(&report, xcodes::DATA_DIGEST_MISMATCH);
        let sig = only_signature(&report);
        let mismatches = sig
            .findings
            .iter()
            .filter(|f| f.code == xcodes::DATA_DIGEST_MISMATCH)
            .collect::<Vec<_>>();
        assert_eq!(
            mismatches.len(),
            1,
            "only contract.txt changed: {mismatches:?}"
        );
        assert!(
            mismatches[0].message.contains("contract.txt"),
            "{mismatches:?}"
        );
        if level == Level::Lta {
            // The archive time-stamp covers the data too.
            assert_code(&report, xcodes::ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH);
        }
        // The structure itself is fine: the damage is in the content.
        assert_eq!(report.container.structure, "sound");
    }
}

#[test]
fn changed_signing_time_is_a_signed_properties_digest_mismatch() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    let report = verify_edited(&container, |xml| {
        replace_content(
            xml,
            "<xades:SigningTime>",
            "</xades:SigningTime>",
            0,
            "2019-06-01T12:00:00Z",
        )
    });
    assert_invalid_with(&report, xcodes::SIGNED_PROPERTIES_DIGEST_MISMATCH);
    assert_eq!(
        only_signature(&report).claimed_signing_time.as_deref(),
        Some("2019-06-01T12:00:00Z"),
        "the report shows the forged time it refused"
    );
}

#[test]
fn another_holders_certificate_in_key_info_is_a_signing_certificate_mismatch() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    let resident = BASE64.encode(cert("holders/resident/sign.pem").as_der());
    let report = verify_edited(&container, |xml| {
        replace_content(
            xml,
            "<ds:X509Certificate>",
            "</ds:X509Certificate>",
            0,
            &resident,
        )
    });
    assert_invalid_with(&report, xcodes::SIGNING_CERTIFICATE_MISMATCH);
    assert_code(&report, xcodes::SIGNATURE_VALUE_INVALID);
    // The report names the certificate found, not the one that signed.
    let signer = only_signature(&report).signer.as_ref().expect("signer");
    assert_eq!(signer.personal_number.as_deref(), Some("5210880456"));
}

/// A responder client that asks about another certificate than the one it is given.
struct OcspAboutSomeoneElse {
    other: Certificate,
    issuer: Certificate,
}

impl Revocation for OcspAboutSomeoneElse {
    fn ocsp(&mut self, _: &Certificate, _: &Certificate) -> Result<Vec<u8>, knik::Error> {
        Ok(OcspClient::new()
            .fetch(Some(CITIZEN_OCSP), &self.other, &self.issuer)?
            .der)
    }
}

#[test]
fn facade_refuses_an_ocsp_response_about_another_certificate_and_writes_nothing() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // The blocked holder's certificate is good and issued by the same CA: a well-formed,
    // correctly signed "good" answer, about the wrong certificate.
    let mut ocsp = OcspAboutSomeoneElse {
        other: cert("holders/blocked/sign.pem"),
        issuer: cert("citizen-ca.pem"),
    };
    let mut tsa = knik::online::HttpTimeStamping::new(Some(TSA.into()));
    let err = sign_into(
        dir.path(),
        "other-ocsp.asice",
        "citizen",
        &mut tsa,
        &mut ocsp,
        &sign_options(Level::Lt, Algorithm::Inclusive11),
    )
    .expect_err("an OCSP answer that does not name the signer");
    assert_eq!(err.code(), "OCSP_CERT_MISMATCH", "{err}");
    assert!(err.to_string().contains("not named in its answer"), "{err}");
    assert_eq!(dir_names(dir.path()), input_names(), "nothing is written");
}

#[test]
fn ocsp_response_about_another_certificate_is_an_ocsp_cert_mismatch() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // Made below the facade (which refuses it, see above): a B-T signature of the citizen
    // with the blocked holder's genuine "good" answer and the certificates of B-LT spliced in.
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "other-ocsp.asice", Level::T);
    embed_ocsp_unchecked(&container, ocsp_response("blocked"));
    assert!(
        signature_text(&container).contains("<xades:OCSPValues>"),
        "the response is embedded"
    );
    let report = verify(&container);
    assert_invalid_with(&report, codes::OCSP_CERT_MISMATCH);
    let sig = only_signature(&report);
    assert!(
        sig.revocation.is_none(),
        "no revocation status may be taken from it"
    );
    assert_ne!(sig.level, "B-LT");

    // The same surgery with the citizen's own answer verifies: the mismatch is the only fault.
    let control = citizen_container(dir.path(), "own-ocsp.asice", Level::T);
    embed_ocsp_unchecked(&control, ocsp_response("citizen"));
    let report = verify(&control);
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(only_signature(&report).level, "B-LT");
}

/// A time-stamp authority client that time-stamps other bytes than it is asked to.
struct TimestampsOtherBytes;

impl TimeStamping for TimestampsOtherBytes {
    fn timestamp(&mut self, hash: HashAlgorithm, _: &[u8]) -> Result<Vec<u8>, knik::Error> {
        let other = hash.digest(b"something else entirely");
        Ok(TsaClient::new().timestamp(TSA, hash, &other)?.der)
    }
}

#[test]
fn time_stamp_over_other_bytes_is_refused_when_signing_and_detected_when_verifying() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // Signing checks the token it gets back and writes nothing.
    let err = sign_into(
        dir.path(),
        "wrong-ts.asice",
        "citizen",
        &mut TimestampsOtherBytes,
        &mut knik::services::Offline,
        &sign_options(Level::T, Algorithm::Inclusive11),
    )
    .expect_err("a token over other bytes");
    assert_eq!(err.code(), "TSP_IMPRINT_MISMATCH", "{err}");
    assert!(!dir.path().join("wrong-ts.asice").exists());

    // Spliced in afterwards, the verifier catches it.
    let container = citizen_container(dir.path(), "t.asice", Level::T);
    let wrong = TimestampsOtherBytes
        .timestamp(HashAlgorithm::Sha256, &[0; 32])
        .expect("a token");
    let wrong = BASE64.encode(wrong);
    let report = verify_edited(&container, |xml| {
        let ts = xml.find("<xades:SignatureTimeStamp").expect("B-T");
        replace_content(
            xml,
            "<xades:EncapsulatedTimeStamp",
            "</xades:EncapsulatedTimeStamp>",
            ts,
            &wrong,
        )
    });
    assert_invalid_with(&report, xcodes::TIMESTAMP_IMPRINT_MISMATCH);
    let sig = only_signature(&report);
    assert!(
        sig.proven_signing_time.is_none(),
        "a broken time-stamp proves nothing"
    );
    assert!(sig.timestamps.iter().all(|t| !t.intact));
}

#[test]
fn swapped_signature_and_archive_time_stamps_are_imprint_mismatches() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // Two genuine tokens of the same TSA, each in the other's place.
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lta.asice", Level::Lta);
    let report = verify_edited(&container, |xml| {
        let open = "<xades:EncapsulatedTimeStamp";
        let close = "</xades:EncapsulatedTimeStamp>";
        let sts = content_range(xml, open, close, 0);
        let ats_at = xml.find("<xades141:ArchiveTimeStamp").expect("B-LTA");
        let ats = content_range(xml, open, close, ats_at);
        assert!(sts.end < ats.start);
        format!(
            "{}{}{}{}{}",
            &xml[..sts.start],
            &xml[ats.clone()],
            &xml[sts.end..ats.start],
            &xml[sts.clone()],
            &xml[ats.end..]
        )
    });
    assert_invalid_with(&report, xcodes::TIMESTAMP_IMPRINT_MISMATCH);
    assert_code(&report, xcodes::ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH);
}

#[test]
fn signature_wrapping_with_a_duplicate_id_is_refused() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    // A forged copy of SignedProperties with the same Id, placed first so that a naive
    // "first element with this Id" lookup would digest the forgery; the genuine one stays.
    let report = verify_edited(&container, |xml| {
        let start = xml
            .find("<xades:SignedProperties ")
            .expect("SignedProperties");
        let end_tag = "</xades:SignedProperties>";
        let end = xml.find(end_tag).expect("end of SignedProperties") + end_tag.len();
        let genuine = &xml[start..end];
        let forged = replace_content(
            genuine,
            "<xades:SigningTime>",
            "</xades:SigningTime>",
            0,
            "2019-06-01T12:00:00Z",
        );
        format!("{}{forged}{genuine}{}", &xml[..start], &xml[end..])
    });
    assert_invalid_with(&report, "XML_DUPLICATE_ID");
    let sig = only_signature(&report);
    assert_eq!(sig.verdict, Verdict::Invalid);
    assert!(sig.signer.is_none(), "nothing of the file is believed");
    assert!(
        sig.findings[0].message.contains("S0-SignedProperties"),
        "{:?}",
        sig.findings
    );
}

#[test]
fn xxe_in_the_signature_xml_is_refused_and_nothing_is_read() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    let report = verify_edited(&container, |xml| {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .expect("the XML declaration");
        let body = replace_content(
            body,
            "<xades:SigningTime>",
            "</xades:SigningTime>",
            0,
            "&xxe;",
        );
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE asic:XAdESSignatures [\n  \
             <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>{body}"
        )
    });
    // The DTD is refused; the reader names the entity declaration it found in it.
    assert_invalid_with(&report, "XML_ENTITY_NOT_ALLOWED");
    let finding = &only_signature(&report).findings[0];
    assert!(finding.message.contains("\"xxe\""), "{}", finding.message);
    assert!(
        !report.to_json().contains("root:"),
        "/etc/passwd leaked into the report"
    );
    assert!(only_signature(&report).signer.is_none());

    // A DOCTYPE without entities is refused just the same.
    let report = verify_edited(&container, |xml| {
        xml.replacen(
            "?>",
            "?>\n<!DOCTYPE asic:XAdESSignatures SYSTEM \"http://127.0.0.1:9/x.dtd\">",
            1,
        )
    });
    assert_invalid_with(&report, "XML_DTD_NOT_ALLOWED");
}

#[test]
fn billion_laughs_in_the_signature_xml_is_refused() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
    }
    let started = std::time::Instant::now();
    let report = verify_edited(&container, |xml| {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .expect("the XML declaration");
        let body = replace_content(
            body,
            "<xades:SigningTime>",
            "</xades:SigningTime>",
            0,
            "&lol9;",
        );
        format!("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n{dtd}]>{body}")
    });
    assert_invalid_with(&report, "XML_ENTITY_NOT_ALLOWED");
    let finding = &only_signature(&report).findings[0];
    assert!(finding.message.contains("\"lol0\""), "{}", finding.message);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(report.to_json().len() < 100_000, "something was expanded");
}

/// Writes a ZIP with python3's `zipfile`: the entries of `base` (a container, copied entry by
/// entry) if given, then `extra` (name, content, deflate?), in that order.
fn python_zip(out: &Path, base: Option<&Path>, extra: &[(&str, &[u8], bool)]) {
    const SCRIPT: &str = r#"
import sys, zipfile
out, base, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(out, "w") as zo:
    if base:
        with zipfile.ZipFile(base) as zi:
            for info in zi.infolist():
                zo.writestr(info, zi.read(info.filename))
    for name, data, method in zip(extra[0::3], extra[1::3], extra[2::3]):
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED if method == "deflate" else zipfile.ZIP_STORED
        zo.writestr(info, bytes.fromhex(data))
"#;
    let mut args: Vec<String> = vec![
        out.display().to_string(),
        base.map(|b| b.display().to_string()).unwrap_or_default(),
    ];
    for (name, data, deflate) in extra {
        args.push((*name).to_owned());
        args.push(hex::encode(data));
        args.push(if *deflate { "deflate" } else { "stored" }.to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // zipfile warns about duplicate names on stderr and writes them anyway.
    python(SCRIPT, &args);
}

/// A minimal, well-formed ASiC-E skeleton (mimetype, manifest listing `files`).
fn skeleton(files: &[&str]) -> Vec<(String, Vec<u8>, bool)> {
    let mut manifest = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest \
         xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" \
         manifest:version=\"1.2\">\n<manifest:file-entry manifest:full-path=\"/\" \
         manifest:media-type=\"application/vnd.etsi.asic-e+zip\"/>\n",
    );
    for f in files {
        manifest.push_str(&format!(
            "<manifest:file-entry manifest:full-path=\"{f}\" manifest:media-type=\"text/plain\"/>\n"
        ));
    }
    manifest.push_str("</manifest:manifest>\n");
    vec![
        (
            "mimetype".into(),
            b"application/vnd.etsi.asic-e+zip".to_vec(),
            false,
        ),
        ("META-INF/manifest.xml".into(), manifest.into_bytes(), true),
    ]
}

/// The skeleton plus `extra`, written by python.
fn hostile_zip(out: &Path, listed: &[&str], extra: &[(&str, &[u8], bool)]) {
    let skeleton = skeleton(listed);
    let mut all: Vec<(&str, &[u8], bool)> = skeleton
        .iter()
        .map(|(n, d, z)| (n.as_str(), d.as_slice(), *z))
        .collect();
    all.extend_from_slice(extra);
    python_zip(out, None, &all);
}

/// Refused at the door: the container's only finding is `code` and nothing was read further.
fn assert_refused(report: &Report, code: &str) {
    assert_verdict(report, Verdict::Invalid);
    assert_eq!(report.codes(), [code], "{}", report.to_json());
    assert_eq!(report.container.structure, "rejected");
    assert!(report.signatures.is_empty());
    assert!(report.container.data_files.is_empty());
}

#[test]
fn zip_slip_names_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The same entry through the same writer, named sanely, opens: only the name decides.
    let sane = dir.path().join("sane.asice");
    hostile_zip(&sane, &["evil.txt"], &[("evil.txt", b"pwned\n", true)]);
    let report = verify(&sane);
    assert_ne!(
        report.container.structure,
        "rejected",
        "{}",
        report.to_json()
    );
    assert_eq!(report.codes(), [codes::NO_SIGNATURES]);

    for (i, name) in [
        "../evil.txt",
        "docs/../../evil.txt",
        "/abs",
        "/etc/cron.d/evil",
        "a\\b",
        "..\\..\\evil.txt",
        "C:/evil.txt",
    ]
    .into_iter()
    .enumerate()
    {
        let out = dir.path().join(format!("slip{i}.asice"));
        hostile_zip(&out, &[name], &[(name, b"pwned\n", true)]);
        let report = verify(&out);
        assert_refused(&report, "ZIP_UNSAFE_NAME");
        let message = &report.container.findings[0].message;
        assert!(message.contains(&format!("{name:?}")), "{name}: {message}");
    }
}

#[test]
fn zip_slip_entry_added_to_a_signed_container_is_refused() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    let out = dir.path().join("slip.asice");
    python_zip(
        &out,
        Some(&container),
        &[("../../.bashrc", b"evil\n", true)],
    );
    assert_refused(&verify(&out), "ZIP_UNSAFE_NAME");
}

#[test]
fn duplicate_entry_names_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("dup.asice");
    hostile_zip(
        &out,
        &["contract.txt"],
        &[
            ("contract.txt", b"the text that was signed\n", true),
            ("contract.txt", b"the text that is shown\n", true),
        ],
    );
    assert_refused(&verify(&out), "ZIP_DUPLICATE_NAME");

    // A second META-INF/manifest.xml (the manifest a naive reader would take) likewise.
    let out = dir.path().join("dup-manifest.asice");
    let again = skeleton(&[]).remove(1);
    hostile_zip(&out, &[], &[(&again.0, &again.1, true)]);
    assert_refused(&verify(&out), "ZIP_DUPLICATE_NAME");
}

#[test]
fn deflate_bomb_is_refused_before_it_is_inflated() {
    // 64 MiB of zeros deflate to about 64 KiB (~1029:1, close to deflate's maximum), above
    // the 1000:1 limit for entries over 1 MiB.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("bomb.asice");
    let base = dir.path().join("base.asice");
    hostile_zip(&base, &["bomb.bin"], &[]);
    python(
        r#"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "a") as zo:
    info = zipfile.ZipInfo("bomb.bin")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zo.open(info, "w") as f:
        chunk = bytes(1 << 20)
        for _ in range(64):
            f.write(chunk)
"#,
        &[base.to_str().expect("UTF-8 path")],
    );
    std::fs::rename(&base, &out).expect("rename");
    let started = std::time::Instant::now();
    let report = verify(&out);
    assert_refused(&report, "ZIP_COMPRESSION_RATIO");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

/// Sets the uncompressed size of `name` to `size` in its local and central headers.
fn forge_uncompressed_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for (signature, size_at) in [(b"PK\x03\x04", 22usize), (b"PK\x01\x02", 24usize)] {
        let name_at = if signature == b"PK\x03\x04" { 30 } else { 46 };
        let mut i = 0;
        while let Some(p) = zip[i..]
            .windows(4)
            .position(|w| w == signature)
            .map(|p| p + i)
        {
            let n = name.as_bytes();
            if zip.get(p + name_at..p + name_at + n.len()) == Some(n) {
                zip[p + size_at..p + size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            i = p + 4;
        }
    }
    assert_eq!(patched, 2, "local and central header of {name}");
}

#[test]
fn forged_absurd_compression_ratio_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("base.asice");
    hostile_zip(&base, &["bomb.bin"], &[("bomb.bin", &[b'A'; 4096], true)]);
    let mut bytes = std::fs::read(&base).expect("read");
    // ~4 GB announced for a few dozen compressed bytes.
    forge_uncompressed_size(&mut bytes, "bomb.bin", 4_000_000_000);
    let report = verify_written(dir.path(), "forged.asice", &bytes);
    assert_refused(&report, "ZIP_COMPRESSION_RATIO");
}

#[test]
fn not_a_zip_at_all_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = verify_written(
        dir.path(),
        "text.asice",
        b"<?xml version=\"1.0\"?><not-a-container/>",
    );
    assert_refused(&report, "ZIP_NOT_ZIP");
    // Truncated: a real container cut in half.
    let full = dir.path().join("full.asice");
    hostile_zip(&full, &["a.txt"], &[("a.txt", &[b'x'; 2000], false)]);
    let bytes = std::fs::read(&full).expect("read");
    let report = verify_written(dir.path(), "half.asice", &bytes[..bytes.len() / 2]);
    assert_verdict(&report, Verdict::Invalid);
    assert_eq!(report.container.structure, "rejected");
}

#[test]
fn ocsp_response_older_than_the_signature_time_stamp_is_ocsp_before_timestamp() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // Genuine, good, about the right certificate — but produced before the signature was
    // time-stamped, so it proves nothing about the certificate when the signature was made.
    let stale = OcspClient::new()
        .fetch(
            Some(CITIZEN_OCSP),
            &cert("holders/citizen/sign.pem"),
            &cert("citizen-ca.pem"),
        )
        .expect("an OCSP response");
    // producedAt has whole seconds: make sure the time-stamp falls in a later one. The facade
    // refuses to embed such an answer (signing_guards.rs); spliced in below it, the verifier
    // must catch it.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "stale-ocsp.asice", Level::T);
    embed_ocsp_unchecked(&container, stale.der);
    let report = verify(&container);
    assert_invalid_with(&report, knik_pki::timing::OCSP_BEFORE_TIMESTAMP);
    assert_eq!(report.codes(), [knik_pki::timing::OCSP_BEFORE_TIMESTAMP]);
}

#[test]
fn an_extra_ocsp_response_about_someone_else_does_not_change_a_valid_signature() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // Unsigned properties are open to anyone: a genuine response about another holder, put
    // before the signer's own, must neither invalidate nor decide the signature (DSS also
    // embeds responses about its TSA certificates).
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    let xml = signature_text(&container);
    let open = "<xades:EncapsulatedOCSPValue>";
    let at = xml.find(open).expect("an embedded OCSP response");
    let other = format!(
        "{open}{}</xades:EncapsulatedOCSPValue>",
        BASE64.encode(ocsp_response("blocked"))
    );
    let spliced = format!("{}{other}{}", &xml[..at], &xml[at..]);
    let bytes = with_signature_xml(&container, SIGNATURE, spliced.into_bytes());
    let report = verify_bytes(&bytes);
    assert_verdict(&report, Verdict::Valid);
    assert_code(&report, codes::OCSP_OTHER_CERTIFICATE);
    let sig = only_signature(&report);
    assert_eq!(sig.level, "B-LT");
    assert_eq!(
        sig.revocation.as_ref().expect("the signer's answer").status,
        "good"
    );
}

#[test]
fn a_signature_file_without_a_signature_leaves_the_container_unsigned_not_valid() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "b.asice", Level::B);
    let empty = br#"<?xml version="1.0" encoding="UTF-8"?><asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#"/>"#;
    let report = verify_bytes(&with_signature_xml(&container, SIGNATURE, empty.to_vec()));
    assert_invalid_with(&report, codes::SIGNATURE_FILE_EMPTY);
    assert_code(&report, codes::NO_SIGNATURES);
    assert!(report.signatures.is_empty());
}

#[test]
fn a_signature_made_with_the_authentication_key_is_invalid() {
    use knik::signer::{Signer, SoftwareKey};
    use knik_xades::xades::{DataObject, SignatureOptions};
    if !services_up(&[8889, 8881]) {
        return;
    }
    // The facade refuses such a key before signing; made below it, over the same data files,
    // the verifier must say no as well (PIN1 is no signature).
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "b.asice", Level::B);
    let file = std::fs::File::open(&container).expect("open");
    let mut c = knik_asic::Container::open(std::io::BufReader::new(file)).expect("read");
    let mut objects = Vec::new();
    for f in c.data_files() {
        objects.push(DataObject {
            uri: knik_asic::encode_uri_path(&f.name),
            mime_type: f.media_type.clone().unwrap_or_default(),
            digest_algorithm: HashAlgorithm::Sha256,
            digest: c
                .digest(&f.name, knik_asic::DigestAlgorithm::Sha256)
                .expect("digest"),
        });
    }
    let holder = pki_dir().join("holders/citizen");
    let read = |f: &str| std::fs::read_to_string(holder.join(f)).expect("holder file");
    let mut key = SoftwareKey::from_pem(&read("auth.key"), &read("auth.pem")).expect("auth key");
    let cert = key.certificate().expect("certificate");
    let options = SignatureOptions {
        id: "S0".into(),
        ..SignatureOptions::default()
    };
    let prepared = knik_xades::xades::prepare(&cert, &objects, &options).expect("prepare");
    let value = key
        .sign_digest(prepared.hash_algorithm(), prepared.digest_to_sign())
        .expect("sign");
    let doc = prepared.finish(&value).expect("finish");
    let report = verify_bytes(&with_signature_xml(&container, SIGNATURE, doc.to_xml()));
    assert_invalid_with(&report, codes::SIGNER_KEY_USAGE);
}
