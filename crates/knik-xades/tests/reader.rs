//! The hardened reader: what it refuses (with which error) and what the DOM gives back.

use knik_xades::xml::{Document, Limits, NodeType, XML_NAMESPACE};
use knik_xades::{Error, TextPosition};

fn err(xml: &str) -> Error {
    Document::parse(xml.as_bytes()).expect_err("must be refused")
}

#[test]
fn refuses_any_dtd() {
    assert!(
        matches!(err("<!DOCTYPE r><r/>"), Error::DtdNotAllowed { position } if position.line == 1 && position.column == 1)
    );
    assert!(
        matches!(err("<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"http://127.0.0.1/x.dtd\"><r/>"), Error::DtdNotAllowed { position } if position.line == 2)
    );
    assert!(matches!(
        err("<!DOCTYPE r [<!ELEMENT r ANY>]><r/>"),
        Error::DtdNotAllowed { .. }
    ));
}

#[test]
fn refuses_external_entities_and_entity_expansion() {
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>"#;
    assert!(matches!(err(xxe), Error::EntityDeclarationNotAllowed { name, .. } if name == "xxe"));
    let laughs = r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#;
    assert!(
        matches!(err(laughs), Error::EntityDeclarationNotAllowed { name, .. } if name == "lol")
    );
    assert!(matches!(err("<r>&nbsp;</r>"), Error::UndefinedEntity { name, .. } if name == "nbsp"));
    assert!(matches!(err("<r a='&xxe;'/>"), Error::UndefinedEntity { name, .. } if name == "xxe"));
    assert!(matches!(
        err("<r>&#0;</r>"),
        Error::InvalidCharacterReference { .. }
    ));
}

#[test]
fn refuses_encodings_other_than_utf8() {
    assert_eq!(
        err("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>"),
        Error::UnsupportedEncoding {
            encoding: "ISO-8859-1".into()
        }
    );
    assert!(Document::parse(b"<?xml version=\"1.0\" encoding=\"us-ascii\"?><r/>").is_ok());
    assert!(Document::parse(b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><r/>").is_ok());
    assert_eq!(
        Document::parse(b"\xFF\xFE<\0r\0/\0>\0").unwrap_err(),
        Error::UnsupportedEncoding {
            encoding: "UTF-16".into()
        }
    );
    assert_eq!(
        Document::parse(b"<r>\xC3\x28</r>").unwrap_err(),
        Error::InvalidUtf8 { offset: 3 }
    );
    assert!(matches!(
        err("<?xml version=\"1.1\"?><r/>"),
        Error::UnsupportedVersion { .. }
    ));
}

#[test]
fn refuses_namespace_errors() {
    assert!(matches!(err("<a:r/>"), Error::UnboundPrefix { prefix, .. } if prefix == "a"));
    assert!(matches!(err("<r a:x='1'/>"), Error::UnboundPrefix { prefix, .. } if prefix == "a"));
    // The binding ends with the element that declared it.
    assert!(matches!(
        err("<r><s xmlns:a='urn:a'/><a:t/></r>"),
        Error::UnboundPrefix { .. }
    ));
    assert!(matches!(
        err("<r xmlns:a=''/>"),
        Error::ReservedNamespace { .. }
    ));
    assert!(matches!(
        err("<r xmlns:xml='urn:x'/>"),
        Error::ReservedNamespace { .. }
    ));
    assert!(matches!(
        err("<r xmlns:xmlns='urn:x'/>"),
        Error::ReservedNamespace { .. }
    ));
    assert!(matches!(
        err("<r xmlns:p='http://www.w3.org/XML/1998/namespace'/>"),
        Error::ReservedNamespace { .. }
    ));
    assert!(
        Document::parse(b"<r xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='hy'/>")
            .is_ok()
    );
}

#[test]
fn refuses_duplicate_attributes() {
    assert!(
        matches!(err("<r a='1' a='2'/>"), Error::DuplicateAttribute { name, .. } if name == "a")
    );
    assert!(
        matches!(err("<r xmlns:a='urn:u' xmlns:b='urn:u' a:x='1' b:x='2'/>"), Error::DuplicateAttribute { name, .. } if name == "b:x")
    );
    assert!(matches!(
        err("<r xmlns:a='urn:1' xmlns:a='urn:2'/>"),
        Error::DuplicateAttribute { .. }
    ));
    assert!(Document::parse(b"<r xmlns:a='urn:1' xmlns:b='urn:2' a:x='1' b:x='2' x='3'/>").is_ok());
}

#[test]
fn duplicate_ids_are_refused_and_ids_are_found() {
    let e = err("<r>\n <a Id='S0-SignedProperties'/>\n  <b ID='S0-SignedProperties'/></r>");
    assert_eq!(
        e,
        Error::DuplicateId {
            id: "S0-SignedProperties".into(),
            position: TextPosition {
                line: 3,
                column: 3,
                offset: 37
            }
        }
    );
    assert!(matches!(
        err("<r id='x'><s xml:id='x'/></r>"),
        Error::DuplicateId { .. }
    ));
    let doc = Document::parse(
        b"<r xmlns:x='urn:x'><x:SignedProperties Id='S0-SignedProperties'/><s id='b'/></r>",
    )
    .unwrap();
    let sp = doc.element_by_id("S0-SignedProperties").unwrap();
    assert!(sp.is(Some("urn:x"), "SignedProperties"));
    assert_eq!(doc.element_by_id("b").unwrap().local_name(), "s");
    assert!(doc.element_by_id("c").is_none());
}

#[test]
fn enforces_limits() {
    let limits = Limits {
        max_bytes: 100,
        max_depth: 3,
        max_nodes: 5,
        max_attributes: 2,
    };
    let p = |s: &str| Document::parse_with_limits(s.as_bytes(), &limits);
    assert_eq!(
        p(&"<r/>".repeat(30)).unwrap_err(),
        Error::DocumentTooLarge {
            size: 120,
            limit: 100
        }
    );
    assert!(p("<a><b><c/></b></a>").is_ok());
    assert!(matches!(
        p("<a><b><c><d/></c></b></a>").unwrap_err(),
        Error::TooDeep { limit: 3, .. }
    ));
    assert!(matches!(
        p("<a><b/><b/><b/><b/><b/></a>").unwrap_err(),
        Error::TooManyNodes { limit: 5, .. }
    ));
    assert!(matches!(
        p("<a x='1' y='2' z='3'/>").unwrap_err(),
        Error::TooManyAttributes { limit: 2, .. }
    ));
    // Deep nesting under the default limit fails cleanly, without recursion.
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    assert!(matches!(
        Document::parse(deep.as_bytes()).unwrap_err(),
        Error::TooDeep { limit: 256, .. }
    ));
}

#[test]
fn refuses_malformed_structure() {
    assert!(
        matches!(err("<a></b>"), Error::MismatchedEndTag { expected, found, .. } if expected == "a" && found == "b")
    );
    assert!(matches!(
        err("<a/><b/>"),
        Error::ContentOutsideRoot { .. } | Error::Syntax { .. }
    ));
    assert!(matches!(
        err("<a/>text"),
        Error::ContentOutsideRoot { .. } | Error::Syntax { .. }
    ));
    assert!(matches!(
        err("<a>"),
        Error::Incomplete { .. } | Error::Syntax { .. }
    ));
    assert!(matches!(
        err(""),
        Error::Incomplete { .. } | Error::Syntax { .. }
    ));
    assert!(matches!(err("<a b='<'/>"), Error::Syntax { .. }));
    let Error::Syntax { position, .. } = err("<a>\n<b>\n</a") else {
        panic!()
    };
    assert_eq!(position.line, 3);
}

#[test]
fn normalises_text_and_attributes() {
    let doc =
        Document::parse(b"<r a='x\r\ny\tz&#9;&#13;'>l1\r\nl2\rl3&#13;<![CDATA[<c>\r\n]]>&amp;</r>")
            .unwrap();
    let r = doc.root_element().unwrap();
    assert_eq!(r.attribute(None, "a"), Some("x y z\t\r"));
    // Text and CDATA are one text node.
    assert_eq!(r.children().count(), 1);
    assert_eq!(r.text_content(), "l1\nl2\nl3\r<c>\n&");
}

#[test]
fn dom_keeps_prefixes_namespaces_and_order() {
    let xml = br#"<?pi before?><!--c--><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns="urn:d" Id="S0" xml:lang="hy"><ds:SignedInfo z="1" a="2"><x xmlns=""/><y/></ds:SignedInfo><sig:SignatureValue xmlns:sig="http://www.w3.org/2000/09/xmldsig#">AA==</sig:SignatureValue></ds:Signature>"#;
    let doc = Document::parse(xml).unwrap();
    let kinds: Vec<NodeType> = doc
        .document_node()
        .children()
        .map(|n| n.node_type())
        .collect();
    assert_eq!(
        kinds,
        [
            NodeType::ProcessingInstruction,
            NodeType::Comment,
            NodeType::Element
        ]
    );
    let sig = doc.root_element().unwrap();
    const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    assert_eq!(sig.prefix(), Some("ds"));
    assert_eq!(sig.attribute(Some(XML_NAMESPACE), "lang"), Some("hy"));
    let decls: Vec<(Option<&str>, &str)> = sig
        .namespace_declarations()
        .iter()
        .map(|d| (d.prefix(), d.uri()))
        .collect();
    assert_eq!(decls, [(Some("ds"), DS), (None, "urn:d")]);
    let si = sig.first_child_named(Some(DS), "SignedInfo").unwrap();
    let names: Vec<&str> = si.attributes().iter().map(|a| a.local_name()).collect();
    assert_eq!(names, ["z", "a"]);
    let kids: Vec<_> = si.child_elements().collect();
    assert_eq!(kids[0].namespace(), None);
    assert_eq!(kids[0].namespace_declarations()[0].uri(), "");
    assert_eq!(kids[1].namespace(), Some("urn:d"));
    assert_eq!(kids[1].lookup_namespace(Some("ds")), Some(DS));
    assert_eq!(kids[0].lookup_namespace(None), None);
    let sv = sig.first_child_named(Some(DS), "SignatureValue").unwrap();
    assert_eq!(sv.prefix(), Some("sig"));
    assert_eq!(sv.text_content(), "AA==");
    assert_eq!(sig.children_named(Some(DS), "SignedInfo").count(), 1);
    assert_eq!(sv.position().map(|p| p.line), Some(1));
    assert_eq!(sv.parent_element(), Some(sig));
}

#[test]
fn serializer_escapes_and_round_trips() {
    let xml = "<?pi d?><a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\" v=\"&lt;&amp;&quot;&#9;&#10;&#13;'>\"><e/>t&lt;&gt;&amp;&#13;\"'<!--c--></a:r>";
    let doc = Document::parse(xml.as_bytes()).unwrap();
    let out = doc.to_xml(false);
    assert_eq!(
        String::from_utf8(out.clone()).unwrap(),
        "<?pi d?>\n<a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\" v=\"&lt;&amp;&quot;&#x9;&#xA;&#xD;'>\"><e/>t&lt;&gt;&amp;&#xD;\"'<!--c--></a:r>"
    );
    let again = Document::parse(&out).unwrap();
    assert_eq!(again.to_xml(false), out);
    let with_decl = doc.to_xml(true);
    assert!(with_decl.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let e = doc.root_element().unwrap().child_elements().next().unwrap();
    assert_eq!(e.to_xml(), b"<e/>");
}

#[test]
fn refuses_characters_outside_xml_char() {
    for xml in [
        "<r>\u{1}</r>",
        "<r a='\u{1}'/>",
        "<r><![CDATA[\u{8}]]></r>",
        "<r><!--\u{1}--></r>",
        "<r><?p \u{1}?></r>",
        "<r>\u{FFFE}</r>",
    ] {
        assert!(Document::parse(xml.as_bytes()).is_err(), "{xml:?}");
    }
}
