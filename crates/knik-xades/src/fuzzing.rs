//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/`) and the unit test that
//! replays the fuzz corpora. Not a public API.

use crate::c14n::{Algorithm, Canonicalizer};
use crate::xml::{Document, Limits};

/// Limits small enough that a fuzzer explores the limit paths too.
fn fuzz_limits() -> Limits {
    Limits {
        max_bytes: 1 << 20,
        max_depth: 64,
        max_nodes: 10_000,
        max_attributes: 64,
    }
}

/// Reader target: must never panic; whatever it accepts must serialise to text it reads back
/// to the same serialisation.
pub fn xml_reader(data: &[u8]) {
    let Ok(doc) = Document::parse_with_limits(data, &fuzz_limits()) else {
        return;
    };
    let root = doc
        .root_element()
        .expect("a parsed document has a document element");
    for e in root.descendant_elements() {
        let _ = e.text_content();
        let _ = e.lookup_namespace(e.prefix());
        let _ = e.position();
    }
    let written = doc.to_xml(true);
    let again = Document::parse_with_limits(&written, &Limits::default())
        .unwrap_or_else(|e| panic!("serialised document does not read back: {e}"));
    assert_eq!(again.to_xml(true), written, "serialisation is not stable");
}

/// Canonicalization target (libxml2 cannot be linked here; `tests/c14n_differential.rs`
/// compares with it). Invariants, for every algorithm:
/// - canonicalizing twice gives the same bytes;
/// - the canonical form reads back, and canonicalizing it again gives it unchanged;
/// - every element's subtree canonicalizes without panicking, and an exclusive subtree is a
///   well-formed document on its own.
pub fn c14n_differential(data: &[u8]) {
    let Ok(doc) = Document::parse_with_limits(data, &fuzz_limits()) else {
        return;
    };
    let elements = doc
        .root_element()
        .map(|r| {
            let mut v = vec![r];
            v.extend(r.descendant_elements().into_iter().take(32));
            v
        })
        .unwrap_or_default();
    for algorithm in Algorithm::ALL {
        for prefixes in ["", "#default xml a b"] {
            let c = Canonicalizer::new(algorithm).with_prefix_list(prefixes);
            let Ok(first) = c.document_to_vec(&doc) else {
                // A relative namespace URI: refused, and must be refused by subtrees too.
                for e in &elements {
                    let _ = c.subtree_to_vec(*e);
                }
                continue;
            };
            assert_eq!(
                Ok(&first),
                c.document_to_vec(&doc).as_ref(),
                "not deterministic"
            );
            let reread = Document::parse(&first)
                .unwrap_or_else(|e| panic!("{algorithm:?} canonical form does not read back: {e}"));
            assert_eq!(
                c.document_to_vec(&reread).as_ref(),
                Ok(&first),
                "{algorithm:?} canonical form is not a fixed point"
            );
            for e in &elements {
                let sub = c.subtree_to_vec(*e).expect("elements canonicalize");
                if algorithm.is_exclusive() || algorithm == Algorithm::Inclusive10 {
                    let doc2 = Document::parse(&sub).unwrap_or_else(|err| {
                        panic!("{algorithm:?} subtree does not read back: {err}")
                    });
                    let root2 = doc2.root_element().expect("has a root");
                    if algorithm.is_exclusive() {
                        assert_eq!(
                            c.subtree_to_vec(root2).expect("canonicalizes"),
                            sub,
                            "{algorithm:?} subtree is not a fixed point"
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn replay(dir: &str, target: fn(&[u8])) -> usize {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/corpus")
            .join(dir);
        let mut n = 0;
        for entry in std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        {
            let file = entry.expect("dir entry").path();
            let data = std::fs::read(&file).expect("read corpus file");
            target(&data);
            n += 1;
        }
        n
    }

    #[test]
    fn replays_reader_corpus() {
        assert!(replay("xml_reader", super::xml_reader) >= 10);
    }

    #[test]
    fn replays_c14n_corpus() {
        assert!(replay("c14n", super::c14n_differential) >= 5);
    }
}
