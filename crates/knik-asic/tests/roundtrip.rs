//! Writing, reading back, appending and extracting; checked against unzip and Python's zipfile.

mod common;

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::process::Command;

use knik_asic::{
    ASICE_MIMETYPE, Container, ContainerWriter, DigestAlgorithm, Error, Hasher, Limits,
    NameProblem, NoDigest, StructureVerdict, WriterOptions, append_signature,
    append_signature_to_file, replace_signatures,
};
use sha2::Digest;

const SIG0: &[u8] = b"<asic:XAdESSignatures xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\">0</asic:XAdESSignatures>";
const SIG1: &[u8] = b"<asic:XAdESSignatures xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\">1</asic:XAdESSignatures>";

fn files() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    vec![
        (
            "contract 2026 + annex.pdf",
            "application/pdf",
            b"%PDF-1.7 fake".repeat(1000),
        ),
        ("empty.txt", "text/plain", Vec::new()),
        (
            "folder/ԿՆԻՔ ü.txt",
            "text/plain",
            "Բարև աշխարհ".as_bytes().to_vec(),
        ),
    ]
}

/// Writes the sample container; returns bytes and the SHA-256 of each file computed while
/// streaming.
fn sample(signatures: &[&[u8]]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut w = ContainerWriter::with_options(
        Cursor::new(Vec::new()),
        WriterOptions::default().with_modified(1_795_322_664),
    )
    .unwrap();
    let mut digests = Vec::new();
    for (i, (name, mt, data)) in files().into_iter().enumerate() {
        let mut h = Hasher::new(DigestAlgorithm::Sha256);
        let written = if i == 1 {
            // Unknown length: exercises the ZIP64-reserving header.
            w.add_data_file(name, mt, &mut &data[..], &mut h).unwrap()
        } else {
            w.add_data_file_with_len(name, mt, data.len() as u64, &mut &data[..], &mut h)
                .unwrap()
        };
        assert_eq!(written.size, data.len() as u64);
        digests.push(h.finalize());
    }
    for s in signatures {
        w.add_signature(s).unwrap();
    }
    (w.finish().unwrap().into_inner(), digests)
}

#[test]
fn written_container_reads_back_sound_with_streamed_digests() {
    let (bytes, digests) = sample(&[SIG0]);
    let mut c = Container::open(Cursor::new(&bytes[..])).unwrap();
    assert_eq!(c.verdict(), StructureVerdict::Sound, "{:?}", c.findings());
    let names: Vec<String> = c.entries().iter().map(|e| e.name().to_owned()).collect();
    assert_eq!(
        names,
        [
            "mimetype",
            "contract 2026 + annex.pdf",
            "empty.txt",
            "folder/ԿՆԻՔ ü.txt",
            "META-INF/manifest.xml",
            "META-INF/signatures0.xml"
        ]
    );
    let data_files = c.data_files();
    for (f, (name, mt, data)) in data_files.iter().zip(files()) {
        assert_eq!(
            (f.name.as_str(), f.media_type.as_deref(), f.size),
            (name, Some(mt), data.len() as u64)
        );
    }
    for ((name, _, data), streamed) in files().into_iter().zip(&digests) {
        let expected = sha2::Sha256::digest(&data).to_vec();
        assert_eq!(&expected, streamed, "digest while writing");
        assert_eq!(
            c.digest(name, DigestAlgorithm::Sha256).unwrap(),
            expected,
            "digest reading"
        );
        let enc = knik_asic::encode_uri_path(name);
        assert_eq!(c.data_file_for_uri(&enc).unwrap(), Some(name));
    }
    assert_eq!(
        c.digest("empty.txt", DigestAlgorithm::Sha512).unwrap(),
        sha2::Sha512::digest(b"").to_vec()
    );
    let sigs = c.signature_files().unwrap();
    assert_eq!(sigs.len(), 1);
    assert_eq!(
        (sigs[0].name.as_str(), &sigs[0].bytes[..]),
        ("META-INF/signatures0.xml", SIG0)
    );
    assert_eq!(c.manifest().unwrap().version.as_deref(), Some("1.2"));
    assert!(matches!(
        c.open_data_file("mimetype").unwrap_err(),
        Error::NoSuchEntry { .. }
    ));
}

#[test]
fn mimetype_sits_at_byte_offset_38() {
    let (bytes, _) = sample(&[]);
    assert_eq!(&bytes[0..4], b"PK\x03\x04");
    assert_eq!(&bytes[8..10], &[0, 0], "STORED");
    assert_eq!(&bytes[26..28], &8u16.to_le_bytes(), "name length");
    assert_eq!(&bytes[28..30], &[0, 0], "no extra field");
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(
        &bytes[38..38 + ASICE_MIMETYPE.len()],
        ASICE_MIMETYPE.as_bytes()
    );
    // UTF-8 flag (bit 11) on every local header.
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]) & 0x0800, 0x0800);
}

#[test]
fn signatures_get_the_lowest_free_number() {
    let (bytes, _) = sample(&[SIG0, SIG1]);
    let c = Container::open(Cursor::new(&bytes[..])).unwrap();
    assert_eq!(
        c.signature_names(),
        ["META-INF/signatures0.xml", "META-INF/signatures1.xml"]
    );
}

#[test]
fn writer_refuses_bad_input() {
    let mut w = ContainerWriter::new(Cursor::new(Vec::new())).unwrap();
    for (name, problem) in [
        ("../x", NameProblem::ParentSegment),
        ("META-INF/x.xml", NameProblem::Reserved),
        ("mimetype", NameProblem::Reserved),
        ("dir/", NameProblem::Directory),
        ("a\\b", NameProblem::Backslash),
    ] {
        assert_eq!(
            w.add_data_file(name, "text/plain", &mut &b"x"[..], &mut NoDigest)
                .unwrap_err(),
            Error::UnsafeName {
                name: name.into(),
                problem
            }
        );
    }
    assert!(matches!(
        w.add_data_file("a.txt", "text", &mut &b"x"[..], &mut NoDigest)
            .unwrap_err(),
        Error::InvalidMediaType { .. }
    ));
    w.add_data_file("a.txt", "text/plain", &mut &b"x"[..], &mut NoDigest)
        .unwrap();
    assert_eq!(
        w.add_data_file("A.txt", "text/plain", &mut &b"x"[..], &mut NoDigest)
            .unwrap_err(),
        Error::DuplicateName {
            name: "A.txt".into()
        }
    );
    assert_eq!(
        w.add_data_file_with_len("b.txt", "text/plain", 5, &mut &b"xy"[..], &mut NoDigest)
            .unwrap_err(),
        Error::LengthMismatch {
            name: "b.txt".into(),
            declared: 5,
            found: 2
        }
    );
    let mut w = ContainerWriter::new(Cursor::new(Vec::new())).unwrap();
    w.add_signature(SIG0).unwrap();
    assert!(matches!(
        w.add_data_file("late.txt", "text/plain", &mut &b"x"[..], &mut NoDigest)
            .unwrap_err(),
        Error::WriterState { .. }
    ));
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--help").output().is_ok()
        || Command::new(tool).arg("-v").output().is_ok()
}

const PY_CHECK: &str = r#"
import sys, zipfile, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.compress_type, i.file_size, z.read(i).hex()] for i in z.infolist()]))
"#;

/// One entry as Python's zipfile sees it: name, method, size, content.
type PyRow = (String, u16, u64, Vec<u8>);

fn check_with_external_tools(bytes: &[u8]) -> Option<Vec<PyRow>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.asice");
    std::fs::write(&path, bytes).unwrap();
    if have("unzip") {
        let out = Command::new("unzip").arg("-t").arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "unzip -t: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("No errors detected"));
    } else {
        eprintln!("skipped: unzip not installed");
    }
    if !have("python3") {
        eprintln!("skipped: python3 not installed");
        return None;
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY_CHECK)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python zipfile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // Tiny JSON reader for [[name, method, size, hex], ...] without a JSON dependency.
    let mut rows = Vec::new();
    for row in text
        .trim()
        .trim_start_matches("[[")
        .trim_end_matches("]]")
        .split("], [")
    {
        let parts: Vec<&str> = row.splitn(4, ", ").collect();
        let name = parts[0].trim_matches('"');
        let name = decode_json_str(name);
        rows.push((
            name,
            parts[1].parse().unwrap(),
            parts[2].parse().unwrap(),
            hex::decode(parts[3].trim_matches('"')).unwrap(),
        ));
    }
    Some(rows)
}

fn decode_json_str(s: &str) -> String {
    let mut units = Vec::new();
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'u') {
            chars.next();
            let hex: String = chars.by_ref().take(4).collect();
            units.push(u16::from_str_radix(&hex, 16).unwrap());
            continue;
        }
        if !units.is_empty() {
            out.push_str(&String::from_utf16(&units).unwrap());
            units.clear();
        }
        out.push(c);
    }
    if !units.is_empty() {
        out.push_str(&String::from_utf16(&units).unwrap());
    }
    out
}

#[test]
fn unzip_and_python_read_what_we_write() {
    let (bytes, _) = sample(&[SIG0]);
    let Some(rows) = check_with_external_tools(&bytes) else {
        return;
    };
    assert_eq!(rows[0].0, "mimetype");
    assert_eq!(rows[0].1, 0);
    assert_eq!(rows[0].3, ASICE_MIMETYPE.as_bytes());
    for (name, _, data) in files() {
        let row = rows
            .iter()
            .find(|r| r.0 == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        // DEFLATE where it pays (the repetitive PDF; an empty file), STORED where it does
        // not (22 bytes of Armenian text would grow).
        let method = if name.starts_with("folder/") { 0 } else { 8 };
        assert_eq!(
            (row.1, row.2, &row.3),
            (method, data.len() as u64, &data),
            "{name}"
        );
    }
}

fn raw_entry<'a>(bytes: &'a [u8], c: &Container<Cursor<&[u8]>>, name: &str) -> &'a [u8] {
    let e = c.entries().iter().find(|e| e.name() == name).unwrap();
    &bytes[e.local_header_offset() as usize..(e.data_offset() + e.compressed_size()) as usize]
}

#[test]
fn appending_copies_every_existing_entry_byte_for_byte() {
    let (old, _) = sample(&[SIG0]);
    let appended = append_signature(
        Cursor::new(&old[..]),
        Cursor::new(Vec::new()),
        SIG1,
        &Limits::default(),
        WriterOptions::default(),
    )
    .unwrap();
    assert_eq!(appended.name, "META-INF/signatures1.xml");
    let new = appended.target.into_inner();
    let old_c = Container::open(Cursor::new(&old[..])).unwrap();
    let mut new_c = Container::open(Cursor::new(&new[..])).unwrap();
    assert_eq!(new_c.verdict(), StructureVerdict::Sound);
    for e in old_c.entries() {
        assert_eq!(
            raw_entry(&old, &old_c, e.name()),
            raw_entry(&new, &new_c, e.name()),
            "{}",
            e.name()
        );
    }
    // The old entries are also the exact prefix of the new file.
    let old_end = old_c
        .entries()
        .iter()
        .map(|e| e.data_offset() + e.compressed_size())
        .max()
        .unwrap();
    assert_eq!(&old[..old_end as usize], &new[..old_end as usize]);
    let sigs = new_c.signature_files().unwrap();
    assert_eq!(
        sigs.iter().map(|s| &s.bytes[..]).collect::<Vec<_>>(),
        [SIG0, SIG1]
    );
    check_with_external_tools(&new);
}

#[test]
fn replacing_a_signature_keeps_every_other_entry_and_the_order() {
    let (old, _) = sample(&[SIG0, SIG1]);
    let extended = b"<asic:XAdESSignatures xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\">0 extended</asic:XAdESSignatures>".to_vec();
    let new = replace_signatures(
        Cursor::new(&old[..]),
        Cursor::new(Vec::new()),
        &[("META-INF/signatures0.xml".to_owned(), extended.clone())],
        &Limits::default(),
        WriterOptions::default(),
    )
    .unwrap()
    .into_inner();
    let old_c = Container::open(Cursor::new(&old[..])).unwrap();
    let mut new_c = Container::open(Cursor::new(&new[..])).unwrap();
    assert_eq!(new_c.verdict(), StructureVerdict::Sound);
    let names = |c: &Container<Cursor<&[u8]>>| {
        c.entries()
            .iter()
            .map(|e| e.name().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&old_c), names(&new_c));
    for e in old_c.entries() {
        if e.name() != "META-INF/signatures0.xml" {
            assert_eq!(
                raw_entry(&old, &old_c, e.name()),
                raw_entry(&new, &new_c, e.name()),
                "{}",
                e.name()
            );
        }
    }
    let sigs = new_c.signature_files().unwrap();
    assert_eq!(sigs[0].bytes, extended);
    assert_eq!(sigs[1].bytes, SIG1);
    // Only signature entries can be replaced.
    let err = replace_signatures(
        Cursor::new(&old[..]),
        Cursor::new(Vec::new()),
        &[("empty.txt".to_owned(), Vec::new())],
        &Limits::default(),
        WriterOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "ASIC_NO_SUCH_ENTRY");
}

const PY_STREAMED: &str = r#"
import sys, zipfile
class Sink:
    def __init__(self): self.buf = bytearray()
    def write(self, b): self.buf += b; return len(b)
    def flush(self): pass
s = Sink()
with zipfile.ZipFile(s, 'w', zipfile.ZIP_DEFLATED) as z:
    i = zipfile.ZipInfo('mimetype'); i.compress_type = zipfile.ZIP_STORED
    z.writestr(i, 'application/vnd.etsi.asic-e+zip')
    z.writestr('doc.txt', 'streamed by python ' * 50)
    z.writestr('META-INF/manifest.xml', '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.etsi.asic-e+zip"/><manifest:file-entry manifest:full-path="doc.txt" manifest:media-type="text/plain"/></manifest:manifest>')
sys.stdout.buffer.write(bytes(s.buf))
"#;

#[test]
fn appending_to_a_container_with_data_descriptors_keeps_them() {
    if !have("python3") {
        eprintln!("skipped: python3 not installed");
        return;
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY_STREAMED)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old = out.stdout;
    // Python writes data descriptors (flag bit 3) to a non-seekable sink.
    assert_eq!(u16::from_le_bytes([old[6], old[7]]) & 0x0008, 0x0008);
    let mut old_c = Container::open(Cursor::new(&old[..])).unwrap();
    assert_eq!(
        old_c.verdict(),
        StructureVerdict::Sound,
        "{:?}",
        old_c.findings()
    );
    assert_eq!(
        old_c.digest("doc.txt", DigestAlgorithm::Sha256).unwrap(),
        sha2::Sha256::digest("streamed by python ".repeat(50)).to_vec()
    );
    let new = append_signature(
        Cursor::new(&old[..]),
        Cursor::new(Vec::new()),
        SIG0,
        &Limits::default(),
        WriterOptions::default(),
    )
    .unwrap()
    .target
    .into_inner();
    // Everything before the old central directory, descriptors included, is copied verbatim.
    let cd = old.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    assert_eq!(&old[..cd], &new[..cd]);
    let mut c = Container::open(Cursor::new(&new[..])).unwrap();
    assert_eq!(c.signature_names(), ["META-INF/signatures0.xml"]);
    assert_eq!(
        c.digest("doc.txt", DigestAlgorithm::Sha256).unwrap(),
        sha2::Sha256::digest("streamed by python ".repeat(50)).to_vec()
    );
    check_with_external_tools(&new);
}

#[test]
fn append_to_file_replaces_it_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signed.asice");
    std::fs::write(&path, sample(&[SIG0]).0).unwrap();
    let name = append_signature_to_file(&path, SIG1, &Limits::default(), WriterOptions::default())
        .unwrap();
    assert_eq!(name, "META-INF/signatures1.xml");
    let c = Container::open(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(c.signature_names().len(), 2);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A hostile source leaves the file untouched.
    std::fs::write(&path, b"not a zip").unwrap();
    assert_eq!(
        append_signature_to_file(&path, SIG1, &Limits::default(), WriterOptions::default())
            .unwrap_err(),
        Error::NotZip
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"not a zip");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn extraction_is_confined_and_atomic() {
    let (bytes, _) = sample(&[]);
    let dir = tempfile::tempdir().unwrap();
    let mut c = Container::open(Cursor::new(&bytes[..])).unwrap();
    let written = c.extract_data_files(dir.path(), false).unwrap();
    assert_eq!(written.len(), 3);
    for (name, _, data) in files() {
        assert_eq!(std::fs::read(dir.path().join(name)).unwrap(), data);
    }
    assert!(matches!(
        c.extract_data_files(dir.path(), false).unwrap_err(),
        Error::TargetExists { .. }
    ));
    c.extract_data_files(dir.path(), true).unwrap();

    // A symbolic link planted where a subdirectory goes is not followed.
    let dir2 = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path(), dir2.path().join("folder")).unwrap();
        assert!(matches!(
            c.extract_data_files(dir2.path(), false).unwrap_err(),
            Error::UnsafeTarget { .. }
        ));
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    // A corrupt entry never lands on disk.
    let mut bad = common::deflated("bad.txt", b"payload");
    bad.crc ^= 1;
    let mut entries = common::asic(&[]);
    entries.pop();
    entries.push(bad);
    entries.push(common::deflated(
        "META-INF/manifest.xml",
        &common::manifest_xml(&[("bad.txt", "text/plain")]),
    ));
    let bytes = common::build(&entries);
    let dir3 = tempfile::tempdir().unwrap();
    let mut c = Container::open(Cursor::new(&bytes[..])).unwrap();
    assert!(matches!(
        c.extract_data_files(dir3.path(), false).unwrap_err(),
        Error::CrcMismatch { .. }
    ));
    assert_eq!(std::fs::read_dir(dir3.path()).unwrap().count(), 0);
}

const PY_ZIP64: &str = r#"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    i = zipfile.ZipInfo('mimetype'); i.compress_type = zipfile.ZIP_STORED
    z.writestr(i, 'application/vnd.etsi.asic-e+zip')
    with z.open('big.txt', 'w', force_zip64=True) as f:
        f.write(b'zip64 local header ' * 100)
    z.writestr('META-INF/manifest.xml', '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.etsi.asic-e+zip"/><manifest:file-entry manifest:full-path="big.txt" manifest:media-type="text/plain"/></manifest:manifest>')
"#;

#[test]
fn zip64_written_by_python_is_read() {
    if !have("python3") {
        eprintln!("skipped: python3 not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z64.asice");
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY_ZIP64)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut c = Container::open(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(c.verdict(), StructureVerdict::Sound, "{:?}", c.findings());
    let mut s = String::new();
    c.open_data_file("big.txt")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    assert_eq!(s, "zip64 local header ".repeat(100));
}

#[test]
fn more_than_65535_entries_use_and_read_zip64_end_records() {
    let mut w = ContainerWriter::new(Cursor::new(Vec::new())).unwrap();
    let n = 70_000;
    for i in 0..n {
        let data = format!("{i}");
        w.add_data_file_with_len(
            &format!("d/{i}.txt"),
            "text/plain",
            data.len() as u64,
            &mut data.as_bytes(),
            &mut NoDigest,
        )
        .unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    // ZIP64 end-of-central-directory record and locator are present.
    assert!(bytes.windows(4).any(|w| w == b"PK\x06\x06"));
    assert!(bytes.windows(4).any(|w| w == b"PK\x06\x07"));
    let limits = Limits::default().with_max_entries(100_000);
    let mut c = Container::open_with_limits(Cursor::new(&bytes[..]), &limits).unwrap();
    assert_eq!(c.data_files().len(), n);
    assert_eq!(c.verdict(), StructureVerdict::Sound);
    let mut s = String::new();
    c.open_data_file("d/69999.txt")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    assert_eq!(s, "69999");
    if have("python3") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.asice");
        std::fs::write(&path, &bytes).unwrap();
        let out = Command::new("python3")
            .arg("-c")
            .arg("import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(len(z.infolist())); print(z.read('d/123.txt').decode())")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{}\n123\n", n + 2)
        );
    }
}

/// A data file whose source cannot seek and has no known length goes through fine.
#[test]
fn non_seekable_source_of_unknown_length() {
    struct Trickle(Vec<u8>, usize);
    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len() - self.1);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }
    let data = b"trickled ".repeat(3000);
    let mut w = ContainerWriter::new(Cursor::new(Vec::new())).unwrap();
    let mut h = Hasher::new(DigestAlgorithm::Sha384);
    w.add_data_file("t.txt", "text/plain", &mut Trickle(data.clone(), 0), &mut h)
        .unwrap();
    let mut target = w.finish().unwrap();
    assert_eq!(h.finalize(), sha2::Sha384::digest(&data).to_vec());
    target.seek(SeekFrom::Start(0)).unwrap();
    let mut c = Container::open(&mut target).unwrap();
    assert_eq!(
        c.digest("t.txt", DigestAlgorithm::Sha384).unwrap(),
        sha2::Sha384::digest(&data).to_vec()
    );
    let bytes = target.into_inner();
    if let Some(rows) = check_with_external_tools(&bytes) {
        assert_eq!(rows[1].3, data);
    }
}

#[test]
fn incompressible_data_is_stored_and_text_deflated() {
    // 2 MiB of xorshift noise stands for a JPEG or a PDF's compressed streams; the text is
    // highly compressible. Both read back byte for byte with the digest computed on the way in.
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..2 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let text = b"Article 1. The parties agree.\n".repeat(70_000);
    let mut w = ContainerWriter::with_options(
        Cursor::new(Vec::new()),
        WriterOptions::default().with_modified(1_795_322_664),
    )
    .unwrap();
    for (name, data) in [("scan.jpg", &noise), ("terms.txt", &text)] {
        let mut h = Hasher::new(DigestAlgorithm::Sha256);
        w.add_data_file(name, "application/octet-stream", &mut &data[..], &mut h)
            .unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let mut c = Container::open(Cursor::new(&bytes[..])).unwrap();
    let method = |c: &Container<Cursor<&[u8]>>, name: &str| {
        c.entries()
            .iter()
            .find(|e| e.name() == name)
            .unwrap()
            .compression()
    };
    assert_eq!(method(&c, "scan.jpg"), knik_asic::Compression::Stored);
    assert_eq!(method(&c, "terms.txt"), knik_asic::Compression::Deflate);
    assert!(bytes.len() < noise.len() + text.len() / 10);
    for (name, data) in [("scan.jpg", &noise), ("terms.txt", &text)] {
        let mut out = Vec::new();
        std::io::copy(&mut c.open_data_file(name).unwrap(), &mut out).unwrap();
        assert_eq!(&out, data, "{name}");
    }
}
