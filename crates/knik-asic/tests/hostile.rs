//! Every hostile or odd structure gets its specific error or finding.

mod common;

use std::io::{Cursor, Read};

use common::*;
use knik_asic::{Container, Error, Limits, NameProblem, Severity, StructureVerdict, codes};

fn open(bytes: &[u8]) -> Result<Container<Cursor<&[u8]>>, Error> {
    Container::open(Cursor::new(bytes))
}

fn corpus(name: &str) -> Vec<u8> {
    hostile_corpus()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no corpus entry {name}"))
        .1
}

fn codes_of(c: &Container<Cursor<&[u8]>>) -> Vec<&'static str> {
    c.findings().iter().map(|f| f.code).collect()
}

fn read_all(c: &mut Container<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    c.open_entry(name)?.read_to_end(&mut out).map_err(|e| {
        e.into_inner()
            .unwrap()
            .downcast::<Error>()
            .map(|b| *b)
            .unwrap()
    })?;
    Ok(out)
}

#[test]
fn a_well_formed_container_is_sound() {
    let bytes = corpus("valid-minimal.asice");
    let mut c = open(&bytes).unwrap();
    assert_eq!(c.verdict(), StructureVerdict::Sound, "{:?}", c.findings());
    assert_eq!(read_all(&mut c, "a.txt").unwrap(), b"hello");
}

#[test]
fn exact_duplicate_names_are_an_error() {
    assert_eq!(
        open(&corpus("duplicate-name.asice")).unwrap_err(),
        Error::DuplicateName {
            name: "a.txt".into()
        }
    );
}

#[test]
fn names_differing_only_by_case_are_a_warning() {
    let bytes = corpus("case-collision.asice");
    let c = open(&bytes).unwrap();
    assert_eq!(codes_of(&c), vec![codes::NAME_CASE_COLLISION]);
    assert_eq!(c.verdict(), StructureVerdict::Tolerated);
}

#[test]
fn path_escapes_are_refused_with_their_reason() {
    for (file, name, problem) in [
        ("dotdot.asice", "../evil.txt", NameProblem::ParentSegment),
        ("backslash.asice", "a\\b.txt", NameProblem::Backslash),
        ("absolute.asice", "/etc/passwd", NameProblem::Absolute),
        ("empty-segment.asice", "a//b.txt", NameProblem::EmptySegment),
        ("drive.asice", "C:/x.txt", NameProblem::DrivePath),
    ] {
        assert_eq!(
            open(&corpus(file)).unwrap_err(),
            Error::UnsafeName {
                name: name.into(),
                problem
            },
            "{file}"
        );
    }
}

#[test]
fn unflagged_non_utf8_names_are_read_as_cp437() {
    let bytes = corpus("cp437-name.asice");
    let c = open(&bytes).unwrap();
    assert!(c.entries().iter().any(|e| e.name() == "müö.txt"));
    assert!(codes_of(&c).contains(&codes::NAME_CP437));
}

#[test]
fn flagged_invalid_utf8_names_are_refused() {
    let mut e = deflated("x", b"x");
    e.name = b"\xff\xfe.txt".to_vec();
    let bytes = build(&[stored("mimetype", ASICE), e]);
    assert!(matches!(
        open(&bytes).unwrap_err(),
        Error::UnsafeName {
            problem: NameProblem::InvalidUtf8,
            ..
        }
    ));
}

#[test]
fn zip_bombs_are_refused_before_inflating() {
    let err = open(&corpus("ratio-bomb.asice")).unwrap_err();
    assert!(
        matches!(err, Error::CompressionRatio { ref name, uncompressed, limit: 1000, .. }
            if name == "bomb.bin" && uncompressed == 3 << 30),
        "{err:?}"
    );
    // An honest but highly compressible entry trips a stricter configured ratio.
    // Two random letters: about 6:1, below the default but above a strict ratio of 3.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let text: Vec<u8> = (0..(2 << 20))
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x & 1 == 0 { b'a' } else { b'b' }
        })
        .collect();
    let bytes = build(&[stored("mimetype", ASICE), deflated("t.txt", &text)]);
    assert!(open(&bytes).is_ok());
    let strict = Limits::default().with_max_ratio(3, 1 << 20);
    assert!(matches!(
        Container::open_with_limits(Cursor::new(&bytes[..]), &strict).unwrap_err(),
        Error::CompressionRatio { limit: 3, .. }
    ));
}

#[test]
fn absolute_size_limits_apply() {
    let bytes = build(&asic(&[("a.txt", &[7u8; 5000])]));
    let small = Limits::default().with_max_entry_size(4096);
    assert_eq!(
        Container::open_with_limits(Cursor::new(&bytes[..]), &small).unwrap_err(),
        Error::EntryTooLarge {
            name: "a.txt".into(),
            size: 5000,
            limit: 4096
        }
    );
    let total = Limits::default().with_max_total_size(4096);
    assert!(matches!(
        Container::open_with_limits(Cursor::new(&bytes[..]), &total).unwrap_err(),
        Error::TotalTooLarge { limit: 4096, .. }
    ));
    let meta = Limits::default().with_max_metadata_size(16);
    assert!(matches!(
        Container::open_with_limits(Cursor::new(&bytes[..]), &meta).unwrap_err(),
        Error::EntryTooLarge { ref name, limit: 16, .. } if name == "mimetype"
    ));
}

#[test]
fn lying_sizes_and_crcs_fail_while_streaming() {
    let bytes = corpus("size-lie.asice");
    let mut c = open(&bytes).unwrap();
    assert_eq!(
        read_all(&mut c, "lie.txt").unwrap_err(),
        Error::SizeMismatch {
            name: "lie.txt".into(),
            declared: 4,
            found: 5
        }
    );
    let bytes = corpus("bad-crc.asice");
    let mut c = open(&bytes).unwrap();
    assert!(matches!(
        read_all(&mut c, "crc.txt").unwrap_err(),
        Error::CrcMismatch { .. }
    ));
    let bytes = corpus("corrupt-deflate.asice");
    let mut c = open(&bytes).unwrap();
    let err = read_all(&mut c, "c.txt").unwrap_err();
    assert!(
        matches!(err, Error::CorruptData { .. } | Error::SizeMismatch { .. }),
        "{err:?}"
    );
    // Declared longer than the data.
    let mut short = deflated("s.txt", b"abc");
    short.size = 10;
    let bytes = build(&[stored("mimetype", ASICE), short]);
    let mut c = open(&bytes).unwrap();
    assert_eq!(
        read_all(&mut c, "s.txt").unwrap_err(),
        Error::SizeMismatch {
            name: "s.txt".into(),
            declared: 10,
            found: 3
        }
    );
}

#[test]
fn local_header_must_match_central_directory() {
    assert_eq!(
        open(&corpus("local-name-mismatch.asice")).unwrap_err(),
        Error::LocalHeaderMismatch {
            name: "a.txt".into(),
            field: "name"
        }
    );
    let mut m = deflated("a.txt", b"x");
    m.local_method = Some(0);
    assert_eq!(
        open(&build(&[stored("mimetype", ASICE), m])).unwrap_err(),
        Error::LocalHeaderMismatch {
            name: "a.txt".into(),
            field: "compression method"
        }
    );
}

#[test]
fn overlapping_entries_are_refused() {
    assert_eq!(
        open(&corpus("overlap.asice")).unwrap_err(),
        Error::OverlappingEntries {
            first: "a.txt".into(),
            second: "b.txt".into()
        }
    );
    // Two central records pointing at one local header (the classic overlapping bomb).
    let entries = [
        stored("mimetype", ASICE),
        deflated("a.txt", b"x"),
        deflated("a.txt", b"x"),
    ];
    let bytes = build_with(&entries, |i, rec| {
        if i == 2 {
            let first = 30 + 8 + ASICE.len() as u32;
            rec[42..46].copy_from_slice(&first.to_le_bytes());
            rec[46..].copy_from_slice(b"b.txt");
        }
    });
    let err = open(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LocalHeaderMismatch { .. } | Error::OverlappingEntries { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn encrypted_and_unknown_methods_are_unsupported() {
    assert_eq!(
        open(&corpus("encrypted.asice")).unwrap_err(),
        Error::Encrypted {
            name: "secret.txt".into()
        }
    );
    assert_eq!(
        open(&corpus("bzip2.asice")).unwrap_err(),
        Error::UnsupportedCompression {
            name: "b.bz2".into(),
            method: 12
        }
    );
}

#[test]
fn entry_count_limit_is_configurable() {
    let bytes = corpus("many-entries.zip");
    assert!(open(&bytes).is_ok());
    let limits = Limits::default().with_max_entries(1000);
    assert_eq!(
        Container::open_with_limits(Cursor::new(&bytes[..]), &limits).unwrap_err(),
        Error::TooManyEntries {
            found: 1200,
            limit: 1000
        }
    );
}

#[test]
fn garbage_and_truncation_are_specific_errors() {
    assert_eq!(open(&corpus("not-a-zip.asice")).unwrap_err(), Error::NotZip);
    let err = open(&corpus("truncated.asice")).unwrap_err();
    assert!(
        matches!(err, Error::NotZip | Error::Malformed { .. }),
        "{err:?}"
    );
    // Central directory offset pointing past the end.
    let mut bytes = build(&asic(&[("a.txt", b"x")]));
    let n = bytes.len();
    bytes[n - 6..n - 2].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(open(&bytes).unwrap_err(), Error::Malformed { .. }));
}

#[test]
fn split_archives_are_refused() {
    let mut bytes = build(&asic(&[("a.txt", b"x")]));
    let n = bytes.len();
    bytes[n - 18..n - 16].copy_from_slice(&1u16.to_le_bytes());
    assert_eq!(open(&bytes).unwrap_err(), Error::MultiDisk);
}

#[test]
fn mimetype_deviations_are_warnings_and_wrong_content_an_error() {
    for (file, code) in [
        ("mimetype-deflated.asice", codes::MIMETYPE_COMPRESSED),
        ("mimetype-last.asice", codes::MIMETYPE_NOT_FIRST),
        ("mimetype-extra.asice", codes::MIMETYPE_EXTRA_FIELD),
    ] {
        let bytes = corpus(file);
        let c = open(&bytes).unwrap();
        assert_eq!(codes_of(&c), vec![code], "{file}");
        assert_eq!(c.findings()[0].severity, Severity::Warning);
    }
    let mut missing = asic(&[("a.txt", b"x")]);
    missing.remove(0);
    let bytes = build(&missing);
    assert_eq!(
        codes_of(&open(&bytes).unwrap()),
        vec![codes::MIMETYPE_MISSING]
    );
    let mut bom = asic(&[("a.txt", b"x")]);
    bom[0] = stored("mimetype", b"\xEF\xBB\xBFapplication/vnd.etsi.asic-e+zip");
    let bytes = build(&bom);
    assert_eq!(codes_of(&open(&bytes).unwrap()), vec![codes::MIMETYPE_BOM]);
    let mut newline = asic(&[("a.txt", b"x")]);
    newline[0] = stored("mimetype", b"application/vnd.etsi.asic-e+zip\n");
    let bytes = build(&newline);
    assert_eq!(
        codes_of(&open(&bytes).unwrap()),
        vec![codes::MIMETYPE_TRAILING_WHITESPACE]
    );
    let mut inner = asic(&[("a.txt", b"x")]);
    inner[0] = stored("mimetype", b" application/vnd.etsi.asic-e+zip");
    assert!(matches!(
        open(&build(&inner)).unwrap_err(),
        Error::WrongMimetype { .. }
    ));
    assert_eq!(
        open(&corpus("mimetype-wrong.asice")).unwrap_err(),
        Error::WrongMimetype {
            found: "application/vnd.etsi.asic-s+zip".into()
        }
    );
}

#[test]
fn manifest_problems_are_reported() {
    let bytes = corpus("no-manifest.asice");
    let c = open(&bytes).unwrap();
    assert_eq!(codes_of(&c), vec![codes::MANIFEST_MISSING]);
    assert_eq!(c.verdict(), StructureVerdict::Defective);

    let bytes = corpus("unlisted-data-file.asice");
    let c = open(&bytes).unwrap();
    assert_eq!(codes_of(&c), vec![codes::DATA_FILE_NOT_IN_MANIFEST]);
    assert!(c.findings()[0].message.contains("b.txt"));

    let mut ghost = asic(&[]);
    ghost.pop();
    ghost.push(deflated("a.txt", b"x"));
    ghost.push(deflated(
        "META-INF/manifest.xml",
        &manifest_xml(&[("a.txt", "text/plain"), ("ghost.pdf", "application/pdf")]),
    ));
    let bytes = build(&ghost);
    let c = open(&bytes).unwrap();
    assert_eq!(codes_of(&c), vec![codes::MANIFEST_ENTRY_WITHOUT_FILE]);

    let err = open(&corpus("manifest-dtd.asice")).unwrap_err();
    assert!(
        matches!(err, Error::Manifest { ref reason } if reason.contains("DTD")),
        "{err:?}"
    );
}
