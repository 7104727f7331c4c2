//! Canonicalization behaviour a signer or verifier relies on, independent of any oracle.

use knik_xades::Error;
use knik_xades::c14n::{Algorithm, Canonicalizer};
use knik_xades::xml::Document;

fn c14n(alg: Algorithm, xml: &str, id: Option<&str>, prefixes: &str) -> String {
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let c = Canonicalizer::new(alg).with_prefix_list(prefixes);
    let out = match id {
        Some(id) => c.subtree_to_vec(doc.element_by_id(id).unwrap()).unwrap(),
        None => c.document_to_vec(&doc).unwrap(),
    };
    String::from_utf8(out).unwrap()
}

const SIG: &str = r##"<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xml:lang="hy"><ds:Signature Id="S0"><ds:SignedInfo Id="SI" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#"><!-- note --><ds:Reference URI="#a"/></ds:SignedInfo></ds:Signature></asic:XAdESSignatures>"##;

#[test]
fn subtree_inherits_namespaces_per_algorithm() {
    assert_eq!(
        c14n(Algorithm::Inclusive11, SIG, Some("SI"), ""),
        r##"<ds:SignedInfo xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Id="SI" xml:lang="hy"><ds:Reference URI="#a"></ds:Reference></ds:SignedInfo>"##
    );
    assert_eq!(
        c14n(Algorithm::Exclusive10, SIG, Some("SI"), ""),
        r##"<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="SI"><ds:Reference URI="#a"></ds:Reference></ds:SignedInfo>"##
    );
    assert_eq!(
        c14n(
            Algorithm::Exclusive10WithComments,
            SIG,
            Some("SI"),
            "asic #default"
        ),
        r##"<ds:SignedInfo xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="SI"><!-- note --><ds:Reference URI="#a"></ds:Reference></ds:SignedInfo>"##
    );
}

#[test]
fn whole_document_places_line_breaks_around_top_level_nodes() {
    let xml = "<?xml version=\"1.0\"?>\n<!--a-->\n<?p x?>\n<r/>\n<!--b-->\n";
    assert_eq!(
        c14n(Algorithm::Inclusive10WithComments, xml, None, ""),
        "<!--a-->\n<?p x?>\n<r></r>\n<!--b-->"
    );
    assert_eq!(
        c14n(Algorithm::Inclusive10, xml, None, ""),
        "<?p x?>\n<r></r>"
    );
}

#[test]
fn streaming_output_equals_vector_output() {
    let big = format!("<r>{}</r>", "<e a=\"1\">x</e>".repeat(20_000));
    let doc = Document::parse(big.as_bytes()).unwrap();
    let c = Canonicalizer::new(Algorithm::Inclusive11);
    let mut chunks = Chunks(Vec::new(), 0);
    c.document(&doc, &mut chunks).unwrap();
    assert!(chunks.1 > 1, "written in more than one chunk");
    assert_eq!(chunks.0, c.document_to_vec(&doc).unwrap());
}

struct Chunks(Vec<u8>, usize);
impl std::io::Write for Chunks {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(b);
        self.1 += 1;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn writer_errors_and_wrong_nodes_are_reported() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let doc = Document::parse(b"<r>t</r>").unwrap();
    let c = Canonicalizer::new(Algorithm::Inclusive10);
    assert_eq!(
        c.document(&doc, &mut Broken),
        Err(Error::Io {
            message: "disk full".into()
        })
    );
    let text = doc.root_element().unwrap().children().next().unwrap();
    assert!(matches!(
        c.subtree_to_vec(text),
        Err(Error::NotAnElement { .. })
    ));
    assert_eq!(c.subtree_to_vec(doc.document_node()).unwrap(), b"<r>t</r>");
}

/// A hostile document: 40 000 distinct namespaces in scope and elements with many prefixed
/// attributes. Lookups are hashed, so this stays linear; a quadratic scope would take minutes.
#[test]
fn namespace_heavy_documents_stay_linear() {
    let depth = 200;
    let per_level = 200;
    let mut xml = String::new();
    for d in 0..depth {
        xml.push_str("<e");
        for i in 0..per_level {
            xml.push_str(&format!(" xmlns:p{d}_{i}=\"urn:{d}:{i}\""));
        }
        xml.push('>');
    }
    xml.push_str("<leaf Id=\"leaf\"");
    for i in 0..per_level {
        xml.push_str(&format!(" p{}_{i}:a=\"{i}\"", depth - 1));
    }
    xml.push_str("/>");
    for _ in 0..depth {
        xml.push_str("</e>");
    }
    let start = std::time::Instant::now();
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let leaf = doc.element_by_id("leaf").unwrap();
    let inclusive = Canonicalizer::new(Algorithm::Inclusive10)
        .subtree_to_vec(leaf)
        .unwrap();
    assert_eq!(
        inclusive.windows(6).filter(|w| w == b"xmlns:").count(),
        depth * per_level
    );
    let exclusive = Canonicalizer::new(Algorithm::Exclusive10)
        .subtree_to_vec(leaf)
        .unwrap();
    assert_eq!(
        exclusive.windows(6).filter(|w| w == b"xmlns:").count(),
        per_level
    );
    let whole = Canonicalizer::new(Algorithm::Exclusive10)
        .document_to_vec(&doc)
        .unwrap();
    assert!(whole.len() > exclusive.len());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
}

/// C14N 1.0 §2.1: documents with relative namespace URIs cannot be canonicalized (libxml2 and
/// Santuario refuse them too). IRIs with a scheme are accepted (libxml2 2.9 refuses non-ASCII
/// namespace URIs; we follow the specification, which allows any URI reference).
#[test]
fn relative_namespace_uris_are_refused() {
    let doc =
        Document::parse(b"<r xmlns:a='urn:ok'><s xmlns:b='relative/ns' Id='s'/><t Id='t'/></r>")
            .unwrap();
    let c = Canonicalizer::new(Algorithm::Inclusive11);
    assert_eq!(
        c.document_to_vec(&doc),
        Err(Error::RelativeNamespaceUri {
            uri: "relative/ns".into()
        })
    );
    assert!(c.subtree_to_vec(doc.element_by_id("s").unwrap()).is_err());
    assert!(c.subtree_to_vec(doc.element_by_id("t").unwrap()).is_ok());
    let iri =
        Document::parse("<r xmlns='urn:é' xmlns:p='http://example.org/ա'/>".as_bytes()).unwrap();
    assert_eq!(
        c.document_to_vec(&iri).unwrap(),
        "<r xmlns=\"urn:é\" xmlns:p=\"http://example.org/ա\"></r>".as_bytes()
    );
}
