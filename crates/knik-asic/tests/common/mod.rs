//! Builders for raw ZIP bytes, so tests can write exactly the hostile structure they need, and
//! the list of hostile containers that also seeds the fuzz corpus.
#![allow(dead_code)]

use std::io::Write;

pub const ASICE: &[u8] = b"application/vnd.etsi.asic-e+zip";
pub const MANIFEST_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";

/// One entry as it goes into the archive; every field can lie.
#[derive(Clone)]
pub struct Raw {
    pub name: Vec<u8>,
    pub local_name: Option<Vec<u8>>,
    pub data: Vec<u8>,
    pub method: u16,
    pub local_method: Option<u16>,
    pub crc: u32,
    pub size: u64,
    pub compressed_size: u64,
    pub flags: u16,
    pub local_extra: Vec<u8>,
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn stored(name: &str, data: &[u8]) -> Raw {
    Raw {
        name: name.as_bytes().to_vec(),
        local_name: None,
        data: data.to_vec(),
        method: 0,
        local_method: None,
        crc: crc32fast::hash(data),
        size: data.len() as u64,
        compressed_size: data.len() as u64,
        flags: 0x0800,
        local_extra: Vec::new(),
    }
}

pub fn deflated(name: &str, data: &[u8]) -> Raw {
    let c = deflate(data);
    Raw {
        compressed_size: c.len() as u64,
        data: c,
        method: 8,
        ..stored(name, data)
    }
}

pub fn manifest_xml(files: &[(&str, &str)]) -> Vec<u8> {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"{MANIFEST_NS}\" manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.etsi.asic-e+zip\"/>"
    );
    for (n, m) in files {
        s.push_str(&format!(
            "<manifest:file-entry manifest:full-path=\"{n}\" manifest:media-type=\"{m}\"/>"
        ));
    }
    s.push_str("</manifest:manifest>");
    s.into_bytes()
}

fn p16(o: &mut Vec<u8>, v: u16) {
    o.extend_from_slice(&v.to_le_bytes());
}
fn p32(o: &mut Vec<u8>, v: u32) {
    o.extend_from_slice(&v.to_le_bytes());
}

/// Serialises entries in order, then the central directory (same order) and the EOCD.
/// `patch_cd` may edit each central record (index, bytes) before it is written.
pub fn build_with(entries: &[Raw], mut patch_cd: impl FnMut(usize, &mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        let lname = e.local_name.as_ref().unwrap_or(&e.name);
        p32(&mut out, 0x0403_4b50);
        p16(&mut out, 20);
        p16(&mut out, e.flags);
        p16(&mut out, e.local_method.unwrap_or(e.method));
        p16(&mut out, 0);
        p16(&mut out, 0x21);
        p32(&mut out, e.crc);
        p32(&mut out, e.compressed_size as u32);
        p32(&mut out, e.size as u32);
        p16(&mut out, lname.len() as u16);
        p16(&mut out, e.local_extra.len() as u16);
        out.extend_from_slice(lname);
        out.extend_from_slice(&e.local_extra);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len() as u32;
    for (i, e) in entries.iter().enumerate() {
        let mut r = Vec::new();
        p32(&mut r, 0x0201_4b50);
        p16(&mut r, 0x0314);
        p16(&mut r, 20);
        p16(&mut r, e.flags);
        p16(&mut r, e.method);
        p16(&mut r, 0);
        p16(&mut r, 0x21);
        p32(&mut r, e.crc);
        p32(&mut r, e.compressed_size as u32);
        p32(&mut r, e.size as u32);
        p16(&mut r, e.name.len() as u16);
        p16(&mut r, 0);
        p16(&mut r, 0);
        p16(&mut r, 0);
        p16(&mut r, 0);
        p32(&mut r, 0);
        p32(&mut r, offsets[i]);
        r.extend_from_slice(&e.name);
        patch_cd(i, &mut r);
        out.extend_from_slice(&r);
    }
    let cd_size = out.len() as u32 - cd_start;
    p32(&mut out, 0x0605_4b50);
    p16(&mut out, 0);
    p16(&mut out, 0);
    p16(&mut out, entries.len() as u16);
    p16(&mut out, entries.len() as u16);
    p32(&mut out, cd_size);
    p32(&mut out, cd_start);
    p16(&mut out, 0);
    out
}

pub fn build(entries: &[Raw]) -> Vec<u8> {
    build_with(entries, |_, _| {})
}

/// A well-formed ASiC-E with the given data files (deflated) after mimetype, plus manifest.
pub fn asic(files: &[(&str, &[u8])]) -> Vec<Raw> {
    let mut v = vec![stored("mimetype", ASICE)];
    let listed: Vec<(&str, &str)> = files.iter().map(|(n, _)| (*n, "text/plain")).collect();
    for (n, d) in files {
        v.push(deflated(n, d));
    }
    v.push(deflated("META-INF/manifest.xml", &manifest_xml(&listed)));
    v
}

/// Hostile and odd containers: (file name, bytes). Also the fuzz seed corpus.
pub fn hostile_corpus() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    out.push(("valid-minimal.asice", build(&asic(&[("a.txt", b"hello")]))));
    let mut dup = asic(&[("a.txt", b"1")]);
    dup.insert(2, deflated("a.txt", b"2"));
    out.push(("duplicate-name.asice", build(&dup)));
    let case = asic(&[("a.txt", b"1"), ("A.TXT", b"2")]);
    out.push(("case-collision.asice", build(&case)));
    for (file, name) in [
        ("dotdot.asice", "../evil.txt"),
        ("backslash.asice", "a\\b.txt"),
        ("absolute.asice", "/etc/passwd"),
        ("empty-segment.asice", "a//b.txt"),
        ("drive.asice", "C:/x.txt"),
    ] {
        out.push((file, build(&asic(&[(name, b"x")]))));
    }
    let mut cp = asic(&[]);
    let mut e = deflated("x", b"cp437");
    e.name = b"m\x81\x94.txt".to_vec();
    e.flags = 0;
    cp.insert(1, e);
    out.push(("cp437-name.asice", build(&cp)));
    // 4 MiB of zeros declared from a tiny deflate stream: ratio far above 1000:1.
    let zeros = vec![0u8; 4 << 20];
    let mut bomb = deflated("bomb.bin", &zeros);
    bomb.size = 3 << 30;
    out.push((
        "ratio-bomb.asice",
        build(&[stored("mimetype", ASICE), bomb]),
    ));
    let mut lie = deflated("lie.txt", b"this text is longer than declared");
    lie.size = 4;
    out.push((
        "size-lie.asice",
        build(&asic(&[]).into_iter().chain([lie]).collect::<Vec<_>>()),
    ));
    let mut badcrc = deflated("crc.txt", b"payload");
    badcrc.crc ^= 1;
    out.push(("bad-crc.asice", build(&[stored("mimetype", ASICE), badcrc])));
    let mut ln = deflated("a.txt", b"x");
    ln.local_name = Some(b"b.txt".to_vec());
    out.push((
        "local-name-mismatch.asice",
        build(&[stored("mimetype", ASICE), ln]),
    ));
    let mut enc = deflated("secret.txt", b"x");
    enc.flags |= 1;
    out.push(("encrypted.asice", build(&[stored("mimetype", ASICE), enc])));
    let mut bz = stored("b.bz2", b"x");
    bz.method = 12;
    out.push(("bzip2.asice", build(&[stored("mimetype", ASICE), bz])));
    // First entry's compressed size reaches into the second entry's local header.
    let mut a = deflated("a.txt", b"aaaa");
    a.compressed_size += 20;
    out.push((
        "overlap.asice",
        build(&[stored("mimetype", ASICE), a, deflated("b.txt", b"bbbb")]),
    ));
    let mut corrupt = deflated("c.txt", b"some text to compress");
    corrupt.data = vec![0xff; corrupt.data.len()];
    out.push((
        "corrupt-deflate.asice",
        build(&[stored("mimetype", ASICE), corrupt]),
    ));
    let many: Vec<Raw> = (0..1200).map(|i| stored(&format!("f{i}"), b"")).collect();
    out.push(("many-entries.zip", build(&many)));
    let mut noflag = asic(&[("a.txt", b"x")]);
    noflag[0] = deflated("mimetype", ASICE);
    out.push(("mimetype-deflated.asice", build(&noflag)));
    let mut last = asic(&[("a.txt", b"x")]);
    let m = last.remove(0);
    last.push(m);
    out.push(("mimetype-last.asice", build(&last)));
    let mut extra = asic(&[("a.txt", b"x")]);
    extra[0].local_extra = vec![0x55, 0x54, 0x05, 0x00, 0x03, 0, 0, 0, 0];
    out.push(("mimetype-extra.asice", build(&extra)));
    let mut wrong = asic(&[("a.txt", b"x")]);
    wrong[0] = stored("mimetype", b"application/vnd.etsi.asic-s+zip");
    out.push(("mimetype-wrong.asice", build(&wrong)));
    let mut nomani = asic(&[("a.txt", b"x")]);
    nomani.pop();
    out.push(("no-manifest.asice", build(&nomani)));
    let mut dtd = asic(&[("a.txt", b"x")]);
    dtd.pop();
    dtd.push(deflated(
        "META-INF/manifest.xml",
        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><x>&b;</x>",
    ));
    out.push(("manifest-dtd.asice", build(&dtd)));
    let mut unlisted = asic(&[("a.txt", b"x")]);
    unlisted.insert(2, deflated("b.txt", b"unlisted"));
    out.push(("unlisted-data-file.asice", build(&unlisted)));
    let mut truncated = build(&asic(&[("a.txt", b"hello")]));
    truncated.truncate(truncated.len() - 30);
    out.push(("truncated.asice", truncated));
    out.push(("not-a-zip.asice", b"%PDF-1.7 not a zip at all".to_vec()));
    // Our own writer's output, with a ZIP64-reserving header (unknown length) and a signature.
    let mut w = knik_asic::ContainerWriter::new(std::io::Cursor::new(Vec::new())).unwrap();
    w.add_data_file(
        "doc 1.txt",
        "text/plain",
        &mut &b"streamed"[..],
        &mut knik_asic::NoDigest,
    )
    .unwrap();
    w.add_data_file_with_len(
        "b.bin",
        "application/octet-stream",
        3,
        &mut &b"abc"[..],
        &mut knik_asic::NoDigest,
    )
    .unwrap();
    w.add_signature(b"<asic:XAdESSignatures/>").unwrap();
    out.push(("written-by-knik.asice", w.finish().unwrap().into_inner()));
    out
}
