//! Entry point for the fuzz target and the corpus replay test. Not part of the API.

use std::io::{Cursor, Read};

use crate::append::append_signature;
use crate::container::Container;
use crate::container_writer::WriterOptions;
use crate::digest::DigestAlgorithm;
use crate::error::Error;
use crate::limits::Limits;
use crate::uri::encode_uri_path;

/// Limits small enough that one fuzz input costs little time.
fn fuzz_limits() -> Limits {
    Limits::default()
        .with_max_entries(1_000)
        .with_max_entry_size(16 << 20)
        .with_max_total_size(64 << 20)
        .with_max_metadata_size(1 << 20)
}

/// Opens `data` as a container, reads every entry, digests every data file, and — when it
/// opened — appends a signature and checks that the result opens again with the old entries'
/// bytes unchanged. Panics only on a bug (an inconsistency), never on hostile input.
pub fn read_container(data: &[u8]) -> Result<(), Error> {
    let limits = fuzz_limits();
    let mut container = Container::open_with_limits(Cursor::new(data), &limits)?;
    let _ = container.verdict();
    let names: Vec<String> = container
        .entries()
        .iter()
        .map(|e| e.name().to_owned())
        .collect();
    let mut first_error = None;
    for name in &names {
        let result = container.open_entry(name).and_then(|mut r| {
            std::io::copy(&mut r, &mut std::io::sink())
                .map_err(|e| Error::from_io(e, "reading an entry"))
        });
        if let Err(e) = result {
            first_error.get_or_insert(e);
        }
    }
    for file in container.data_files() {
        let uri = encode_uri_path(&file.name);
        assert_eq!(container.data_file_for_uri(&uri)?, Some(file.name.as_str()));
        let _ = container.digest(&file.name, DigestAlgorithm::Sha256);
    }
    let _ = container.signature_files();
    drop(container);

    let appended = append_signature(
        Cursor::new(data),
        Cursor::new(Vec::new()),
        b"<asic:XAdESSignatures/>",
        &limits,
        WriterOptions::default(),
    )?;
    let bytes = appended.target.into_inner();
    let old = Container::open_with_limits(Cursor::new(data), &limits)?;
    let mut new = Container::open_with_limits(Cursor::new(&bytes[..]), &limits)
        .expect("a container we appended to must open again");
    for e in old.entries() {
        let n = new
            .entries()
            .iter()
            .find(|x| x.name() == e.name())
            .expect("every old entry is still there");
        let old_raw = &data
            [e.local_header_offset() as usize..(e.data_offset() + e.compressed_size()) as usize];
        let new_raw = &bytes
            [n.local_header_offset() as usize..(n.data_offset() + n.compressed_size()) as usize];
        assert_eq!(
            old_raw,
            new_raw,
            "entry {:?} was not copied byte for byte",
            e.name()
        );
    }
    let mut sig = String::new();
    new.open_entry(&appended.name)
        .expect("the new signature entry exists")
        .read_to_string(&mut sig)
        .expect("the new signature entry reads back");
    assert_eq!(sig, "<asic:XAdESSignatures/>");
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
