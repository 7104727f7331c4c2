//! Real signatures of two other implementations (libdigidocpp: C14N 1.1, `S0`; DSS/digidoc4j:
//! exclusive C14N, `id-…`) from `../shared/interop`, judged against xmlsec1's verdicts
//! (`xmlsec1-verdicts.tsv`): where xmlsec1 says OK, our SignatureValue and every reference
//! must check out; where the re-check found an integrity failure, we must report an error.
//! Skips (saying so) when the folder is absent.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use knik_xades::xades::{self, DataResolver, DigestStatus, SignatureCheck, VerifyOptions, codes};

fn interop_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/interop");
    if dir.join("xmlsec1-verdicts.tsv").is_file() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent", dir.display());
        None
    }
}

/// Container files by decoded reference URI, confined to the extraction folder.
struct Extracted(PathBuf);

impl DataResolver for Extracted {
    fn write_data(&mut self, uri: &str, out: &mut dyn std::io::Write) -> std::io::Result<bool> {
        let Some(name) = xades::decode_uri(uri) else {
            return Ok(false);
        };
        let rel = Path::new(&name);
        if name.is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Ok(false);
        }
        let path = self.0.join(rel);
        if !path.is_file() {
            return Ok(false);
        }
        let mut f = std::fs::File::open(path)?;
        std::io::copy(&mut f, out)?;
        Ok(true)
    }
}

/// Extracts a container with Python's zipfile: entry names without the UTF-8 flag are taken
/// as the UTF-8 they are in these files (unzip and zipfile would read them as CP437), unsafe
/// names and entries over 64 MiB are skipped.
const EXTRACT: &str = r#"
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z:
    for i in z.infolist():
        name = i.filename
        if not i.flag_bits & 0x800:
            try:
                name = name.encode('cp437').decode('utf-8')
            except UnicodeError:
                pass
        parts = name.split('/')
        if name.endswith('/') or name.startswith('/') or '..' in parts or i.file_size > 64 << 20:
            continue
        path = os.path.join(dst, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(z.read(i))
"#;

fn extract(container: &Path, cache: &mut HashMap<PathBuf, PathBuf>) -> PathBuf {
    if let Some(d) = cache.get(container) {
        return d.clone();
    }
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("knik-xades-interop-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let st = Command::new("python3")
        .args(["-c", EXTRACT])
        .arg(container)
        .arg(&dir)
        .status();
    assert!(st.is_ok(), "python3 runs");
    cache.insert(container.to_owned(), dir.clone());
    dir
}

/// Divergences from xmlsec1's verdict that are explained (knik-pki strictness, or refusals the
/// spec asks for). Each is counted and printed, not failed.
fn known_divergence(c: &SignatureCheck, assessment: &str) -> Option<&'static str> {
    let refs_ok = c.references.iter().all(|r| r.status == DigestStatus::Ok);
    if c.has(codes::SIGNER_CERTIFICATE_UNREADABLE) && refs_ok {
        return Some("knik-pki refuses the non-DER RSA public key of old Estonian ID cards");
    }
    if c.findings
        .iter()
        .any(|f| f.code == codes::UNSUPPORTED_ALGORITHM && f.message.contains("rsa-sha224"))
        && refs_ok
    {
        return Some("SHA-224 is not in knik-pki's HashAlgorithm");
    }
    let rsa_pkcs1 = c
        .signature_method
        .is_some_and(|m| !m.is_ecdsa() && !m.is_rsa_pss());
    if assessment == "xmlsec1-limitation"
        && rsa_pkcs1
        && c.has(codes::SIGNATURE_VALUE_INVALID)
        && refs_ok
    {
        return Some(
            "RSA DigestInfo without NULL parameters (Latvian eDoc) is refused by knik-pki",
        );
    }
    if c.has(codes::KEY_INFO_SEVERAL_CERTIFICATES)
        && c.has(codes::SIGNATURE_VALUE_INVALID)
        && refs_ok
    {
        return Some("key substitution: the first KeyInfo certificate did not sign (forged_lt)");
    }
    None
}

struct Row {
    container: String,
    sig_file: String,
    sig_index: usize,
    verdict: String,
    assessment: String,
}

fn rows(dir: &Path) -> Vec<Row> {
    let tsv = std::fs::read_to_string(dir.join("xmlsec1-verdicts.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 8 && f[1] != "-").then(|| Row {
                container: f[0].to_owned(),
                sig_file: f[1].to_owned(),
                sig_index: f[2].parse().unwrap_or(1),
                verdict: f[5].to_owned(),
                assessment: f[7].to_owned(),
            })
        })
        .collect()
}

fn crypto_ok(c: &SignatureCheck) -> bool {
    c.signature_value_ok && c.references.iter().all(|r| r.status == DigestStatus::Ok)
}

fn summary(c: &SignatureCheck) -> String {
    let f: Vec<String> = c
        .findings
        .iter()
        .map(|f| format!("{:?} {}: {}", f.severity, f.code, f.message))
        .collect();
    format!(
        "value_ok={} refs={:?}\n    {}",
        c.signature_value_ok,
        c.references
            .iter()
            .map(|r| (&r.uri, &r.status))
            .collect::<Vec<_>>(),
        f.join("\n    ")
    )
}

#[test]
fn interop_signatures_agree_with_xmlsec1() {
    let Some(dir) = interop_dir() else { return };
    let mut cache = HashMap::new();
    let mut problems = Vec::new();
    let mut known = Vec::new();
    let mut skipped = Vec::new();
    let mut checked = 0;
    let mut codes_seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for row in rows(&dir) {
        if matches!(
            row.assessment.as_str(),
            "harness-guard" | "container-ambiguity"
        ) {
            continue;
        }
        let extracted = extract(&dir.join(&row.container), &mut cache);
        let Ok(xml) = std::fs::read(extracted.join(&row.sig_file)) else {
            // Duplicate entry names ("[zip entry 1/2]"): ambiguous, the container layer's job.
            skipped.push(format!("{} {}: not extracted", row.container, row.sig_file));
            continue;
        };
        let checks = match xades::verify(
            &xml,
            &mut Extracted(extracted.clone()),
            &VerifyOptions::default(),
        ) {
            Ok(c) => c,
            Err(e @ knik_xades::Error::DuplicateId { .. }) if row.container.contains("invalid") => {
                known.push(format!(
                    "{} {}: refused by design: {e}",
                    row.container, row.sig_file
                ));
                continue;
            }
            Err(e) => {
                problems.push(format!(
                    "{} {}: unreadable: {e}",
                    row.container, row.sig_file
                ));
                continue;
            }
        };
        let Some(check) = checks.get(row.sig_index - 1) else {
            problems.push(format!(
                "{} {}: no signature #{}",
                row.container, row.sig_file, row.sig_index
            ));
            continue;
        };
        checked += 1;
        for f in &check.findings {
            *codes_seen.entry(f.code).or_default() += 1;
        }
        let ok = crypto_ok(check);
        let expect_ok = row.verdict == "OK" || row.assessment == "xmlsec1-limitation";
        let expect_fail =
            row.assessment == "integrity-failure" || row.assessment == "uri-name-mismatch";
        if expect_ok
            && !ok
            && let Some(why) = known_divergence(check, &row.assessment)
        {
            known.push(format!("{} {}: {why}", row.container, row.sig_file));
            continue;
        }
        if (expect_ok && !ok) || (expect_fail && check.is_intact()) {
            problems.push(format!(
                "{} {} [{} {}]: {}",
                row.container,
                row.sig_file,
                row.verdict,
                row.assessment,
                summary(check)
            ));
        }
        if std::env::var_os("KNIK_INTEROP_VERBOSE").is_some() {
            eprintln!(
                "{} {} [{} {}] level={:?}: {}",
                row.container,
                row.sig_file,
                row.verdict,
                row.assessment,
                check.level,
                summary(check)
            );
        }
    }
    for d in cache.values() {
        let _ = std::fs::remove_dir_all(d);
    }
    eprintln!("checked {checked} signatures; findings by code: {codes_seen:#?}");
    eprintln!(
        "known divergences ({}):\n  {}",
        known.len(),
        known.join("\n  ")
    );
    eprintln!("skipped ({}):\n  {}", skipped.len(), skipped.join("\n  "));
    assert!(checked > 100, "only {checked} signatures checked");
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn forged_lt_key_substitution_is_caught() {
    let Some(dir) = interop_dir() else { return };
    let mut cache = HashMap::new();
    let extracted = extract(&dir.join("libdigidocpp/forged_lt.asice"), &mut cache);
    let xml = std::fs::read(extracted.join("META-INF/signatures0.xml")).unwrap();
    let checks = xades::verify(
        &xml,
        &mut Extracted(extracted.clone()),
        &VerifyOptions::default(),
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(&extracted);
    assert!(!checks.is_empty());
    for c in &checks {
        assert!(!c.is_intact(), "{}", summary(c));
        assert!(
            c.has(codes::SIGNING_CERTIFICATE_MISMATCH) || c.has(codes::SIGNATURE_VALUE_INVALID),
            "{}",
            summary(c)
        );
    }
}

#[path = "xades_support.rs"]
mod support;

/// Adding our time-stamps to another producer's signature leaves everything it had as it was
/// (no new findings besides our own, intact, imprints matching).
#[test]
fn extending_other_producers_signatures_keeps_them_intact() {
    use knik_pki::HashAlgorithm;
    use knik_xades::xades::SignatureDocument;
    let Some(dir) = interop_dir() else { return };
    let mut cache = HashMap::new();
    for (container, file) in [
        // DSS/digidoc4j dialect, exclusive C14N, B level.
        (
            "digidoc4j/test-valid-containers/valid-bdoc-tm.bdoc",
            "META-INF/signatures0.xml",
        ),
        // libdigidocpp dialect, C14N 1.1, already LT.
        (
            "digidoc4j/test-valid-containers/validTSwImplicitPolicy.asice",
            "META-INF/signatures0.xml",
        ),
    ] {
        let extracted = extract(&dir.join(container), &mut cache);
        let xml = std::fs::read(extracted.join(file)).unwrap();
        let mut data = Extracted(extracted.clone());
        let before = xades::verify(&xml, &mut data, &VerifyOptions::default())
            .unwrap()
            .remove(0);
        let mut doc = SignatureDocument::from_xml(xml.clone(), None).unwrap();
        if doc.level() < xades::Level::T {
            let imprint = doc
                .signature_timestamp_imprint(HashAlgorithm::Sha256)
                .unwrap();
            doc.add_signature_timestamp(&support::timestamp_token(&imprint, HashAlgorithm::Sha256))
                .unwrap();
        }
        let imprint = doc
            .archive_timestamp_imprint(HashAlgorithm::Sha256, &mut data)
            .unwrap();
        doc.add_archive_timestamp(
            &support::timestamp_token(&imprint, HashAlgorithm::Sha256),
            &mut data,
        )
        .unwrap();
        let out = doc.to_xml();
        // The original bytes survive up to the insertion point, and after it.
        let cut = out.iter().zip(&xml).take_while(|(a, b)| a == b).count();
        assert!(
            xml[cut..].len() < 200,
            "{container}: edit too early at {cut}"
        );
        assert!(out.ends_with(&xml[cut..]), "{container}: the tail changed");
        let after = xades::verify(&out, &mut data, &VerifyOptions::default())
            .unwrap()
            .remove(0);
        assert!(
            after.signature_value_ok
                && after
                    .references
                    .iter()
                    .all(|r| r.status == DigestStatus::Ok)
        );
        assert!(
            after
                .archive_timestamps
                .last()
                .is_some_and(|t| t.imprint_ok),
            "{container}: {}",
            summary(&after)
        );
        let new: Vec<_> = after
            .findings
            .iter()
            .filter(|f| !before.findings.contains(f) && f.severity == xades::Severity::Error)
            .collect();
        assert!(new.is_empty(), "{container}: new errors {new:#?}");
        if before.level >= Some(xades::Level::Lt) {
            assert_eq!(after.level, Some(xades::Level::Lta), "{container}");
        }
    }
    for d in cache.values() {
        let _ = std::fs::remove_dir_all(d);
    }
}
