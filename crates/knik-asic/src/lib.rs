//! ASiC-E containers (ETSI EN 319 162-1) for knik: read, write, append a signature, extract.
//!
//! Pure Rust, builds for `wasm32-unknown-unknown`: all I/O goes through `Read + Seek` /
//! `Write + Seek`, so `std::io::Cursor` works where there are no files. Data files are always
//! streamed; nothing grows with their size.
//!
//! - [`Container`] opens and checks a container: hostile ZIP structures are a hard [`Error`];
//!   tolerated or defective ASiC structure is reported as [`Finding`]s with stable codes
//!   ([`codes`]).
//! - [`ContainerWriter`] creates one in the layout every validator accepts.
//! - [`append_signature`] adds `META-INF/signaturesN.xml`, copying existing entries byte for
//!   byte.
//! - [`encode_uri_path`] / [`decode_uri_path`] map data-file names to XMLDSig reference URIs.
//!
//! The ZIP layer is our own (`zip` module, APPNOTE 6.3): the `zip` crate would hide the exact
//! local-header layout and raw copying that ASiC needs, and its API changes with every major.
#![forbid(unsafe_code)]

mod append;
mod container;
mod container_writer;
mod digest;
mod error;
mod finding;
#[cfg(not(target_arch = "wasm32"))]
mod fs;
#[doc(hidden)]
pub mod fuzzing;
mod limits;
mod manifest;
mod mimetype;
mod uri;
mod zip;

pub use append::{Appended, append_signature, replace_signatures};
pub use container::{
    Container, DataFile, MANIFEST_NAME, SignatureFile, StructureVerdict, is_signature_name,
};
pub use container_writer::{ContainerWriter, WriterOptions, WrittenFile};
pub use digest::{DigestAlgorithm, DigestSink, Hasher, NoDigest, stream_into};
pub use error::{Error, NameProblem};
pub use finding::{Finding, Severity, codes};
#[cfg(not(target_arch = "wasm32"))]
pub use fs::{append_signature_to_file, replace_signatures_in_file, write_atomically};
pub use limits::Limits;
pub use manifest::{MANIFEST_NS, Manifest, ManifestEntry};
pub use mimetype::ASICE_MIMETYPE;
pub use uri::{decode_uri_path, encode_uri_path};
pub use zip::entry_reader::EntryReader;
pub use zip::{Compression, Entry};
