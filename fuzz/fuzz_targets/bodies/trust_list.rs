//! Body of the `trust_list` fuzz target: arbitrary bytes as an ETSI TS 119 612 trusted list
//! through `knik_xades::trust_list::TrustList::load`, configured with the test list signer
//! (`test-vectors/tsl`). Shared with the corpus replay in
//! `crates/knik-xades/tests/fuzz_signature_corpus.rs` through `#[path]`.
//!
//! The list's signature is checked before its content is read, so a mutated list would almost
//! never get past it. Each input is therefore loaded twice: as it is (reader, signature
//! checks), and — when it has exactly one same-document reference and one SignatureValue —
//! re-signed with the test signer's key first, so the content parser (providers, services,
//! history, certificates, dates) sees mutated lists too.
//!
//! Errors are fine. Panics are bugs, and so is a list accepted under another signer.

use std::sync::OnceLock;

use knik_pki::{Certificate, TrustStore};
use knik_xades::dsig::{self, Reference};
use knik_xades::trust_list::{ExpiredList, LoadOptions, TrustList, TrustListError};
use knik_xades::xml::{Document, Limits};
use p384::ecdsa::signature::hazmat::PrehashSigner;
use p384::ecdsa::{Signature, SigningKey};
use p384::pkcs8::DecodePrivateKey;
use time::OffsetDateTime;

const SIGNER_PEM: &str = include_str!("../../../test-vectors/tsl/tsl-signer.pem");
const SIGNER_KEY: &str = include_str!("../../../test-vectors/tsl/tsl-signer.key");

/// 2026-11-22T12:00:00Z, the time `crates/knik-xades/tests/trust_list.rs` loads at.
pub fn load_time() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_795_348_800).expect("a valid timestamp")
}

/// The configured list signer.
pub fn signer() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| Certificate::from_pem(SIGNER_PEM).expect("the test list signer"))
}

fn signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_pkcs8_pem(SIGNER_KEY).expect("the test signer's key"))
}

/// Loads `xml` as the tests do, but expired lists only warn (so their content is read).
pub fn load(xml: &[u8]) -> Result<TrustList, TrustListError> {
    let signers = [signer().clone()];
    TrustList::load(
        xml,
        &LoadOptions::new(&signers, load_time()).expired(ExpiredList::Warn),
    )
}

/// The fuzz entry point.
pub fn run(data: &[u8]) {
    check(load(data));
    if let Some(resigned) = resign(data) {
        check(load(&resigned));
    }
}

/// What must hold for any result.
pub fn check(result: Result<TrustList, TrustListError>) {
    let list = match result {
        Ok(list) => list,
        Err(e) => {
            assert!(e.code().starts_with("TSL_"), "unexpected code {}", e.code());
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert_eq!(list.signer(), signer(), "accepted under another signer");
    for w in list.warnings() {
        assert!(
            matches!(w.code, "TSL_EXPIRED" | "TSL_CLOSED"),
            "unexpected warning {}",
            w.code
        );
    }
    let mut listed = 0;
    for provider in list.providers() {
        for service in &provider.services {
            let _ = service.trusted_service();
            let _ = service.ever_granted();
            listed += service.certificates.len();
        }
    }
    let mut store = TrustStore::new();
    let added = list.add_to_store(&mut store);
    assert!(
        added <= listed,
        "{added} anchors from {listed} certificates"
    );
}

/// `xml` with its reference digest recomputed and its SignatureValue made with the test
/// signer's key; `None` when the input is not shaped for that (the plain load covers it).
pub fn resign(xml: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(xml).ok()?;
    let digest = {
        let doc = Document::parse_with_limits(xml, &Limits::default()).ok()?;
        let signature = only_signature(&doc)?;
        let signed_info = dsig::signed_info_element(signature).ok()?;
        let mut references = signed_info.children_named(Some(dsig::DS), "Reference");
        let (Some(reference), None) = (references.next(), references.next()) else {
            return None;
        };
        let reference = Reference::from_element(reference).ok()?;
        reference.same_document_digest(signature).ok()?
    };
    let text = replace_content(
        text,
        "<ds:DigestValue",
        "</ds:DigestValue>",
        &dsig::encode_base64(&digest),
    )?;
    let signed_info_digest = {
        let doc = Document::parse_with_limits(text.as_bytes(), &Limits::default()).ok()?;
        let signature = only_signature(&doc)?;
        let check = dsig::canonical_signed_info(signature).ok()?;
        if !check.signature_method.is_ecdsa() {
            return None;
        }
        check.digest
    };
    let value: Signature = signing_key().sign_prehash(&signed_info_digest).ok()?;
    let text = replace_content(
        &text,
        "<ds:SignatureValue",
        "</ds:SignatureValue>",
        &dsig::encode_base64(&value.to_bytes()),
    )?;
    Some(text.into_bytes())
}

fn only_signature(doc: &Document) -> Option<knik_xades::xml::Node<'_>> {
    let root = doc.root_element().ok()?;
    let mut signatures = root.children_named(Some(dsig::DS), "Signature");
    match (signatures.next(), signatures.next()) {
        (Some(s), None) => Some(s),
        _ => None,
    }
}

/// `text` with the content of its only `open…>…close` element replaced by `content`.
fn replace_content(text: &str, open: &str, close: &str, content: &str) -> Option<String> {
    if text.matches(open).count() != 1 {
        return None;
    }
    let start = text.find(open)?;
    let start = start + text[start..].find('>')? + 1;
    let end = start + text[start..].find(close)?;
    Some(format!("{}{content}{}", &text[..start], &text[end..]))
}
