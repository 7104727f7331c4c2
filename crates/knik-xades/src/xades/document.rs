//! A signature file (`META-INF/signaturesN.xml`) being extended: B → T → LT → LTA. Unsigned
//! properties are spliced into the text, so the bytes of everything signed (and of other
//! producers' markup) stay exactly as they were.

use knik_pki::tsp::{MessageImprint, TimeStampToken};
use knik_pki::{Certificate, HashAlgorithm};
use serde::{Deserialize, Serialize};

use super::imprint::{archive_timestamp_input, signature_timestamp_input};
use super::splice::{ElementSpan, append_child, element_span, insert_at};
use super::{XADES_NS, XADES141_NS};
use crate::c14n::Canonicalizer;
use crate::dsig::{self, DS, DigestWriter, encode_base64};
use crate::error::{Error, Result};
use crate::xml::{Document, Node};

/// Gives the bytes of the data objects a signature references (the container's files), by
/// reference URI as written in the signature (percent-encoded; the caller maps it to an
/// entry name).
pub trait DataResolver {
    /// Streams the raw bytes of the data object named by `uri` into `out`; `Ok(false)` when
    /// there is no such object.
    ///
    /// # Errors
    /// Reading or writing failed.
    fn write_data(&mut self, uri: &str, out: &mut dyn std::io::Write) -> std::io::Result<bool>;
}

/// Data objects held in memory, by reference URI; handy for tests and small documents.
impl DataResolver for std::collections::BTreeMap<String, Vec<u8>> {
    fn write_data(&mut self, uri: &str, out: &mut dyn std::io::Write) -> std::io::Result<bool> {
        match self.get(uri) {
            Some(bytes) => out.write_all(bytes).map(|()| true),
            None => Ok(false),
        }
    }
}

/// The XAdES baseline level a signature's structure reaches (EN 319 132-1 §6): what is
/// present, not whether it is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// B-B: signed properties with the signing certificate.
    #[serde(rename = "B-B")]
    B,
    /// B-T: plus a signature time-stamp.
    #[serde(rename = "B-T")]
    T,
    /// B-LT: plus certificate values and revocation values.
    #[serde(rename = "B-LT")]
    Lt,
    /// B-LTA: plus an archive time-stamp.
    #[serde(rename = "B-LTA")]
    Lta,
}

impl Level {
    /// "B-B", "B-T", "B-LT", "B-LTA".
    pub fn name(self) -> &'static str {
        match self {
            Level::B => "B-B",
            Level::T => "B-T",
            Level::Lt => "B-LT",
            Level::Lta => "B-LTA",
        }
    }
}

impl core::fmt::Display for Level {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The parts of one signature that the extension steps need.
pub(crate) struct Parts<'a> {
    pub qualifying_properties: Option<Node<'a>>,
    pub unsigned_properties: Option<Node<'a>>,
    pub unsigned_signature_properties: Option<Node<'a>>,
}

/// Finds QualifyingProperties (first one) and the unsigned containers of a signature.
pub(crate) fn parts(signature: Node<'_>) -> Parts<'_> {
    let qp = signature
        .children_named(Some(DS), "Object")
        .flat_map(|o| o.child_elements().collect::<Vec<_>>())
        .find(|n| n.local_name() == "QualifyingProperties");
    let ns = qp.and_then(|q| q.namespace());
    let up = qp.and_then(|q| q.first_child_named(ns, "UnsignedProperties"));
    let usp = up.and_then(|u| u.first_child_named(ns, "UnsignedSignatureProperties"));
    Parts {
        qualifying_properties: qp,
        unsigned_properties: up,
        unsigned_signature_properties: usp,
    }
}

/// The structural level of a signature from its unsigned properties.
pub(crate) fn level_of(parts: &Parts<'_>) -> Option<Level> {
    let qp = parts.qualifying_properties?;
    let ns = qp.namespace();
    qp.first_child_named(ns, "SignedProperties")?;
    let Some(usp) = parts.unsigned_signature_properties else {
        return Some(Level::B);
    };
    let has = |name: &str| usp.first_child_named(ns, name).is_some();
    if !has("SignatureTimeStamp") {
        return Some(Level::B);
    }
    let revocation = usp
        .first_child_named(ns, "RevocationValues")
        .is_some_and(|r| r.child_elements().next().is_some());
    if !(has("CertificateValues") && revocation) {
        return Some(Level::T);
    }
    if usp
        .first_child_named(Some(XADES141_NS), "ArchiveTimeStamp")
        .is_none()
    {
        return Some(Level::Lt);
    }
    Some(Level::Lta)
}

/// One `META-INF/signaturesN.xml` holding the signature being built or extended (root
/// `asic:XAdESSignatures`), as bytes that are only ever added to.
#[derive(Debug, Clone)]
pub struct SignatureDocument {
    /// The text (UTF-8, without a byte order mark).
    text: String,
    /// Bytes before `text` in the original input (a UTF-8 BOM), kept on output.
    bom: bool,
    signature_id: String,
    doc: Document,
}

fn not_found(reason: String) -> Error {
    Error::SignatureNotFound { reason }
}

/// The top-level `ds:Signature` elements of a document (not counter-signatures).
pub(crate) fn top_signatures(doc: &Document) -> Vec<Node<'_>> {
    let Ok(root) = doc.root_element() else {
        return Vec::new();
    };
    let mut all = vec![root];
    all.extend(root.descendant_elements());
    all.into_iter()
        .filter(|n| n.is(Some(DS), "Signature"))
        .filter(|n| !n.ancestors().any(|a| a.is(Some(DS), "Signature")))
        .collect()
}

impl SignatureDocument {
    /// Reads a signature file to extend it: ours or another producer's. `signature_id` picks
    /// the `ds:Signature` by Id; `None` takes the only one.
    ///
    /// # Errors
    /// The reader's errors ([`Error::DtdNotAllowed`], [`Error::DuplicateId`], …);
    /// [`Error::SignatureNotFound`] when the signature is missing, has no Id, or `None` was
    /// given for a file with several.
    pub fn from_xml(bytes: Vec<u8>, signature_id: Option<&str>) -> Result<Self> {
        let doc = Document::parse(&bytes)?;
        let id = {
            let signatures = top_signatures(&doc);
            let chosen = match signature_id {
                Some(id) => signatures
                    .iter()
                    .find(|s| s.attribute(None, "Id") == Some(id))
                    .ok_or_else(|| not_found(format!("no ds:Signature with Id {id:?}")))?,
                None => match signatures.as_slice() {
                    [one] => one,
                    [] => return Err(not_found("no ds:Signature in the document".to_owned())),
                    many => {
                        return Err(not_found(format!(
                            "{} signatures in the document; name one",
                            many.len()
                        )));
                    }
                },
            };
            chosen
                .attribute(None, "Id")
                .ok_or_else(|| not_found("the ds:Signature has no Id".to_owned()))?
                .to_owned()
        };
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes)
            .map_err(|e| Error::InvalidUtf8 {
                offset: e.utf8_error().valid_up_to(),
            })?
            .trim_start_matches('\u{feff}')
            .to_owned();
        Ok(SignatureDocument {
            text,
            bom,
            signature_id: id,
            doc,
        })
    }

    /// The `ds:Signature` Id.
    pub fn signature_id(&self) -> &str {
        &self.signature_id
    }

    /// The file's bytes.
    pub fn to_xml(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 3);
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(self.text.as_bytes());
        out
    }

    /// The file's bytes, by value.
    pub fn into_xml(self) -> Vec<u8> {
        self.to_xml()
    }

    pub(crate) fn signature(&self) -> Result<Node<'_>> {
        self.doc
            .element_by_id(&self.signature_id)
            .filter(|n| n.is(Some(DS), "Signature"))
            .ok_or_else(|| not_found(format!("no ds:Signature with Id {:?}", self.signature_id)))
    }

    /// The structural level (B-B … B-LTA).
    pub fn level(&self) -> Level {
        self.signature()
            .ok()
            .and_then(|s| level_of(&parts(s)))
            .unwrap_or(Level::B)
    }

    /// The signer certificate: the first `X509Certificate` of `KeyInfo`.
    ///
    /// # Errors
    /// [`Error::MalformedSignature`] when there is none; [`Error::Pki`] when it cannot be read.
    pub fn signer_certificate(&self) -> Result<Certificate> {
        let certs = dsig::key_info_certificates(self.signature()?)?;
        let der = certs.first().ok_or_else(|| Error::MalformedSignature {
            element: "ds:KeyInfo",
            reason: "no X509Certificate".to_owned(),
        })?;
        Certificate::from_der(der).map_err(|source| Error::Pki {
            context: "signer certificate",
            source,
        })
    }

    /// The certificates inside the signature's time-stamp tokens (TSA certificate first for
    /// each), for the validation data of B-LT. Tokens that do not verify are skipped.
    ///
    /// # Errors
    /// [`Error::SignatureNotFound`] when the signature is gone.
    pub fn timestamp_certificates(&self) -> Result<Vec<Certificate>> {
        let p = parts(self.signature()?);
        let mut out: Vec<Certificate> = Vec::new();
        let Some(usp) = p.unsigned_signature_properties else {
            return Ok(out);
        };
        for ts in usp.child_elements() {
            if !matches!(ts.local_name(), "SignatureTimeStamp" | "ArchiveTimeStamp") {
                continue;
            }
            for enc in ts.children_named(Some(XADES_NS), "EncapsulatedTimeStamp") {
                let Some(der) = dsig::decode_base64(&enc.text_content()) else {
                    continue;
                };
                let Ok(token) = TimeStampToken::from_der(&der, &[]) else {
                    continue;
                };
                for c in core::iter::once(token.tsa_certificate()).chain(token.certificates()) {
                    if !out.iter().any(|o| o.as_der() == c.as_der()) {
                        out.push(c.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    /// The decoded `SignatureValue`.
    ///
    /// # Errors
    /// [`Error::MalformedSignature`] when missing or not base64.
    pub fn signature_value_bytes(&self) -> Result<Vec<u8>> {
        dsig::signature_value(self.signature()?)
    }

    /// The canonicalization for new time-stamps: the SignedInfo's, comments dropped (inclusive
    /// C14N 1.0 when SignedInfo names none).
    fn timestamp_c14n(&self) -> Result<Canonicalizer> {
        let si = dsig::signed_info_element(self.signature()?)?;
        let c = dsig::canonicalizer_for(si.first_child_named(Some(DS), "CanonicalizationMethod"))?;
        Ok(Canonicalizer::new(c.algorithm().without_comments()))
    }

    /// The message imprint to request a signature time-stamp with: `hash` of the canonical
    /// `ds:SignatureValue` element (EN 319 132-1 §5.3), canonicalised with the SignedInfo's
    /// method, which [`add_signature_timestamp`](Self::add_signature_timestamp) writes into the
    /// time-stamp's `CanonicalizationMethod`.
    ///
    /// # Errors
    /// [`Error::MalformedSignature`] without a SignatureValue.
    pub fn signature_timestamp_imprint(&self, hash: HashAlgorithm) -> Result<Vec<u8>> {
        let mut out = DigestWriter::new(hash);
        signature_timestamp_input(self.signature()?, &self.timestamp_c14n()?, &mut out)?;
        Ok(out.finish())
    }

    /// The message imprint for a new archive time-stamp (EN 319 132-1 §5.5.2, v1.4.1 form):
    /// the referenced data (streamed from `data`), the canonical SignedInfo, SignatureValue,
    /// KeyInfo and every unsigned signature property present now.
    ///
    /// # Errors
    /// [`Error::ReferenceNotFound`] when `data` lacks a data object;
    /// [`Error::UnsupportedAlgorithm`] for a reference transform this crate cannot apply.
    pub fn archive_timestamp_imprint(
        &self,
        hash: HashAlgorithm,
        data: &mut dyn DataResolver,
    ) -> Result<Vec<u8>> {
        let signature = self.signature()?;
        let p = parts(signature);
        let mut out = DigestWriter::new(hash);
        archive_timestamp_input(
            signature,
            p.unsigned_signature_properties,
            None,
            &self.timestamp_c14n()?,
            data,
            &mut out,
        )?;
        Ok(out.finish())
    }

    /// Adds a `SignatureTimeStamp` (B-T) with the DER `TimeStampToken`, after checking the
    /// token's signature and that its imprint is [`Self::signature_timestamp_imprint`]
    /// with the token's hash.
    ///
    /// # Errors
    /// [`Error::Pki`] for a token that does not verify or whose imprint differs.
    pub fn add_signature_timestamp(&mut self, token_der: &[u8]) -> Result<()> {
        let token = read_token(token_der, "signature time-stamp")?;
        let hash = token.imprint().algorithm();
        check_imprint(
            &token,
            hash,
            &self.signature_timestamp_imprint(hash)?,
            "signature time-stamp",
        )?;
        let c14n = self.timestamp_c14n()?.algorithm();
        let id = self.fresh_id("T")?;
        self.append_unsigned(|x, d| {
            format!(
                "<{x}:SignatureTimeStamp Id=\"{id}\"><{d}:CanonicalizationMethod Algorithm=\"{}\"/><{x}:EncapsulatedTimeStamp>{}</{x}:EncapsulatedTimeStamp></{x}:SignatureTimeStamp>",
                c14n.uri(),
                encode_base64(token_der)
            )
        })
    }

    /// Adds the validation data for B-LT: `CertificateValues` (the chain, the TSA's and the
    /// OCSP responder's certificates; those already present are skipped) and
    /// `RevocationValues/OCSPValues` (full DER OCSPResponses). After an archive time-stamp
    /// they go into a new `xades141:TimeStampValidationData` instead, so that nothing the
    /// archive time-stamp covers changes.
    ///
    /// # Errors
    /// [`Error::SignatureNotFound`] / [`Error::MalformedSignature`] for a signature without
    /// QualifyingProperties.
    pub fn add_validation_data(
        &mut self,
        certificates_der: &[Vec<u8>],
        ocsp_responses_der: &[Vec<u8>],
    ) -> Result<()> {
        let present = self.present_values()?;
        let certs: Vec<&Vec<u8>> = dedup(certificates_der, &present.0);
        let ocsps: Vec<&Vec<u8>> = dedup(ocsp_responses_der, &present.1);
        if certs.is_empty() && ocsps.is_empty() {
            return Ok(());
        }
        let archived = {
            let p = parts(self.signature()?);
            p.unsigned_signature_properties.is_some_and(|u| {
                u.first_child_named(Some(XADES141_NS), "ArchiveTimeStamp")
                    .is_some()
            })
        };
        let cert_items = |x: &str| -> String {
            certs
                .iter()
                .map(|c| {
                    format!(
                        "<{x}:EncapsulatedX509Certificate>{}</{x}:EncapsulatedX509Certificate>",
                        encode_base64(c)
                    )
                })
                .collect()
        };
        let ocsp_items = |x: &str| -> String {
            ocsps
                .iter()
                .map(|o| {
                    format!(
                        "<{x}:EncapsulatedOCSPValue>{}</{x}:EncapsulatedOCSPValue>",
                        encode_base64(o)
                    )
                })
                .collect()
        };
        if archived {
            return self.append_unsigned(|x, _| {
                let mut s = format!(
                    "<xades141:TimeStampValidationData xmlns:xades141=\"{XADES141_NS}\">"
                );
                if !certs.is_empty() {
                    s.push_str(&format!("<{x}:CertificateValues>{}</{x}:CertificateValues>", cert_items(x)));
                }
                if !ocsps.is_empty() {
                    s.push_str(&format!(
                        "<{x}:RevocationValues><{x}:OCSPValues>{}</{x}:OCSPValues></{x}:RevocationValues>",
                        ocsp_items(x)
                    ));
                }
                s.push_str("</xades141:TimeStampValidationData>");
                s
            });
        }
        if !certs.is_empty() {
            self.append_into_or_new("CertificateValues", None, |x| cert_items(x))?;
        }
        if !ocsps.is_empty() {
            self.append_into_or_new("RevocationValues", Some("OCSPValues"), |x| ocsp_items(x))?;
        }
        Ok(())
    }

    /// Adds an `xades141:ArchiveTimeStamp` (B-LTA) with the DER token, after checking its
    /// signature and that its imprint is [`Self::archive_timestamp_imprint`]
    /// over `data`.
    ///
    /// # Errors
    /// [`Error::Pki`] for a token that does not verify or whose imprint differs; as
    /// [`archive_timestamp_imprint`](Self::archive_timestamp_imprint).
    pub fn add_archive_timestamp(
        &mut self,
        token_der: &[u8],
        data: &mut dyn DataResolver,
    ) -> Result<()> {
        let token = read_token(token_der, "archive time-stamp")?;
        let hash = token.imprint().algorithm();
        let expected = self.archive_timestamp_imprint(hash, data)?;
        check_imprint(&token, hash, &expected, "archive time-stamp")?;
        let c14n = self.timestamp_c14n()?.algorithm();
        let id = self.fresh_id("A")?;
        self.append_unsigned(|x, d| {
            format!(
                "<xades141:ArchiveTimeStamp xmlns:xades141=\"{XADES141_NS}\" Id=\"{id}\"><{d}:CanonicalizationMethod Algorithm=\"{}\"/><{x}:EncapsulatedTimeStamp>{}</{x}:EncapsulatedTimeStamp></xades141:ArchiveTimeStamp>",
                c14n.uri(),
                encode_base64(token_der)
            )
        })
    }

    /// `{signature id}-{letter}{n}` with the lowest n not used as an Id yet.
    fn fresh_id(&self, letter: &str) -> Result<String> {
        let base = &self.signature_id;
        (0..10_000)
            .map(|n| format!("{base}-{letter}{n}"))
            .find(|id| self.doc.element_by_id(id).is_none())
            .ok_or_else(|| Error::MalformedSignature {
                element: "ds:Signature",
                reason: "no free Id".to_owned(),
            })
    }

    /// DERs already in CertificateValues and OCSPValues.
    fn present_values(&self) -> Result<PresentValues> {
        let p = parts(self.signature()?);
        let mut certs = Vec::new();
        let mut ocsps = Vec::new();
        if let Some(usp) = p.unsigned_signature_properties {
            for n in usp.descendant_elements() {
                let bytes = || dsig::decode_base64(&n.text_content()).unwrap_or_default();
                match n.local_name() {
                    "EncapsulatedX509Certificate" => certs.push(bytes()),
                    "EncapsulatedOCSPValue" => ocsps.push(bytes()),
                    _ => {}
                }
            }
        }
        Ok((certs, ocsps))
    }

    /// Replaces the text after an edit and parses it again, checking that the signature is
    /// still there.
    fn replace_text(&mut self, text: String) -> Result<()> {
        let doc = Document::parse(text.as_bytes())?;
        self.text = text;
        self.doc = doc;
        self.signature().map(|_| ())
    }

    fn span_of(&self, node: Node<'_>) -> Result<ElementSpan> {
        let start = node
            .position()
            .map(|p| p.offset)
            .ok_or_else(|| Error::MalformedSignature {
                element: "signature file",
                reason: "element without a source position".to_owned(),
            })?;
        element_span(&self.text, start)
    }

    /// The prefixes to write XAdES 1.3.2 and XMLDSig names with at `at`, and the namespace
    /// declarations a fragment placed there needs.
    fn prefixes(&self, at: Node<'_>) -> (String, String, String) {
        let x_ns = XADES_NS;
        let mut decls = String::new();
        let x = match at.prefix().filter(|_| at.namespace() == Some(x_ns)) {
            Some(p) => p.to_owned(),
            None => {
                if at.lookup_namespace(Some("xades")) != Some(x_ns) {
                    decls.push_str(&format!(" xmlns:xades=\"{x_ns}\""));
                }
                "xades".to_owned()
            }
        };
        let d = if at.lookup_namespace(Some("ds")) == Some(DS) {
            "ds".to_owned()
        } else {
            decls.push_str(&format!(" xmlns:ds=\"{DS}\""));
            "ds".to_owned()
        };
        (x, d, decls)
    }

    /// Makes sure `UnsignedProperties/UnsignedSignatureProperties` exist.
    fn ensure_unsigned(&mut self) -> Result<()> {
        let edit = {
            let p = parts(self.signature()?);
            let qp = p
                .qualifying_properties
                .ok_or_else(|| Error::MalformedSignature {
                    element: "xades:QualifyingProperties",
                    reason: "missing".to_owned(),
                })?;
            if qp.namespace() != Some(XADES_NS) {
                return Err(Error::MalformedSignature {
                    element: "xades:QualifyingProperties",
                    reason: format!(
                        "namespace {:?} cannot be extended (only {XADES_NS})",
                        qp.namespace().unwrap_or_default()
                    ),
                });
            }
            if p.unsigned_signature_properties.is_some() {
                return Ok(());
            }
            match p.unsigned_properties {
                Some(up) => {
                    let (x, _, decls) = self.prefixes(up);
                    let frag = format!(
                        "<{x}:UnsignedSignatureProperties{decls}></{x}:UnsignedSignatureProperties>"
                    );
                    let span = self.span_of(up)?;
                    if span.empty {
                        append_child(&self.text, span, &up.qualified_name(), &frag)
                    } else {
                        insert_at(&self.text, span.content_start, &frag)
                    }
                }
                None => {
                    let (x, _, decls) = self.prefixes(qp);
                    let frag = format!(
                        "<{x}:UnsignedProperties{decls}><{x}:UnsignedSignatureProperties></{x}:UnsignedSignatureProperties></{x}:UnsignedProperties>"
                    );
                    append_child(&self.text, self.span_of(qp)?, &qp.qualified_name(), &frag)
                }
            }
        };
        self.replace_text(edit)
    }

    /// Appends the fragment `make(xades_prefix, ds_prefix)` as the last unsigned signature
    /// property.
    fn append_unsigned(&mut self, make: impl FnOnce(&str, &str) -> String) -> Result<()> {
        self.ensure_unsigned()?;
        let edit = {
            let usp = parts(self.signature()?)
                .unsigned_signature_properties
                .ok_or_else(|| Error::MalformedSignature {
                    element: "xades:UnsignedSignatureProperties",
                    reason: "missing after insertion".to_owned(),
                })?;
            let (x, d, decls) = self.prefixes(usp);
            let mut frag = make(&x, &d);
            if !decls.is_empty() {
                // Declare what the fragment needs on its first element.
                if let Some(end) = frag.find(['>', ' ']) {
                    frag.insert_str(end, &decls);
                }
            }
            append_child(&self.text, self.span_of(usp)?, &usp.qualified_name(), &frag)
        };
        self.replace_text(edit)
    }

    /// Appends `items(xades_prefix)` into the existing unsigned property `name` (its `inner`
    /// child when given, created if needed), or as a new property at the end.
    fn append_into_or_new(
        &mut self,
        name: &str,
        inner: Option<&str>,
        items: impl Fn(&str) -> String,
    ) -> Result<()> {
        self.ensure_unsigned()?;
        let edit = {
            let usp = parts(self.signature()?)
                .unsigned_signature_properties
                .ok_or_else(|| Error::MalformedSignature {
                    element: "xades:UnsignedSignatureProperties",
                    reason: "missing after insertion".to_owned(),
                })?;
            let ns = usp.namespace();
            let existing = usp.first_child_named(ns, name);
            match (existing, inner) {
                (Some(e), None) => {
                    let (x, _, _) = self.prefixes(e);
                    append_child(
                        &self.text,
                        self.span_of(e)?,
                        &e.qualified_name(),
                        &items(&x),
                    )
                }
                (Some(e), Some(inner)) => match e.first_child_named(ns, inner) {
                    Some(i) => {
                        let (x, _, _) = self.prefixes(i);
                        append_child(
                            &self.text,
                            self.span_of(i)?,
                            &i.qualified_name(),
                            &items(&x),
                        )
                    }
                    None => {
                        let (x, _, _) = self.prefixes(e);
                        let frag = format!("<{x}:{inner}>{}</{x}:{inner}>", items(&x));
                        append_child(&self.text, self.span_of(e)?, &e.qualified_name(), &frag)
                    }
                },
                (None, _) => {
                    let (x, _, decls) = self.prefixes(usp);
                    let body = match inner {
                        Some(inner) => format!("<{x}:{inner}>{}</{x}:{inner}>", items(&x)),
                        None => items(&x),
                    };
                    let frag = format!("<{x}:{name}{decls}>{body}</{x}:{name}>");
                    append_child(&self.text, self.span_of(usp)?, &usp.qualified_name(), &frag)
                }
            }
        };
        self.replace_text(edit)
    }
}

/// DER certificates and OCSP responses already embedded.
type PresentValues = (Vec<Vec<u8>>, Vec<Vec<u8>>);

fn dedup<'a>(new: &'a [Vec<u8>], present: &[Vec<u8>]) -> Vec<&'a Vec<u8>> {
    let mut out: Vec<&Vec<u8>> = Vec::new();
    for n in new {
        if !present.contains(n) && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn read_token(der: &[u8], context: &'static str) -> Result<TimeStampToken> {
    TimeStampToken::from_der(der, &[]).map_err(|source| Error::Pki { context, source })
}

fn check_imprint(
    token: &TimeStampToken,
    hash: HashAlgorithm,
    digest: &[u8],
    context: &'static str,
) -> Result<()> {
    let expected =
        MessageImprint::new(hash, digest).map_err(|source| Error::Pki { context, source })?;
    token
        .check_imprint(&expected)
        .map_err(|source| Error::Pki { context, source })
}
