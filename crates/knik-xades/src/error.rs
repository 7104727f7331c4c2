//! The one error type of this crate.

use core::fmt;

/// A place in the parsed text: 1-based line and column (columns count characters), plus the
/// byte offset from the start of the input (after a UTF-8 byte order mark, if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TextPosition {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset from the start of the document text.
    pub offset: usize,
}

impl TextPosition {
    /// Computes the line and column of `offset` in `text`.
    pub(crate) fn locate(text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        TextPosition {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset,
        }
    }
}

impl fmt::Display for TextPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Everything that can go wrong while reading, canonicalizing or serialising XML.
///
/// Reader errors carry the [`TextPosition`] of the offending construct so that a user can find
/// it in the file; the variants are specific so that a program (and a test) can match on the
/// reason, e.g. a refused DTD versus a duplicate `Id` (signature wrapping).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input is larger than [`Limits::max_bytes`](crate::xml::Limits::max_bytes).
    #[error("XML document of {size} bytes exceeds the limit of {limit} bytes")]
    DocumentTooLarge {
        /// Size of the input.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    #[error("XML document is not valid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The document declares (or its byte order mark implies) an encoding other than UTF-8 or
    /// US-ASCII.
    #[error("XML encoding {encoding:?} is not supported (only UTF-8 and US-ASCII)")]
    UnsupportedEncoding {
        /// The declared encoding.
        encoding: String,
    },
    /// The XML declaration names a version other than 1.0.
    #[error("XML version {version:?} at {position} is not supported (only 1.0)")]
    UnsupportedVersion {
        /// The declared version.
        version: String,
        /// Where the declaration is.
        position: TextPosition,
    },
    /// A document type declaration: refused outright (XXE and entity expansion defence).
    #[error("XML document type declaration (DTD) at {position} is not allowed")]
    DtdNotAllowed {
        /// Where the `<!DOCTYPE` starts.
        position: TextPosition,
    },
    /// An entity declaration inside a DTD (XXE, "billion laughs").
    #[error("XML entity declaration {name:?} at {position} is not allowed")]
    EntityDeclarationNotAllowed {
        /// The declared entity name.
        name: String,
        /// Where the declaration starts.
        position: TextPosition,
    },
    /// A reference to an entity other than the five predefined ones.
    #[error("undefined XML entity reference &{name}; at {position}")]
    UndefinedEntity {
        /// The entity name.
        name: String,
        /// Where the reference starts.
        position: TextPosition,
    },
    /// A malformed character reference, or one naming a character XML does not allow.
    #[error("invalid XML character reference {reference:?} at {position}")]
    InvalidCharacterReference {
        /// The reference as written, without `&` and `;`.
        reference: String,
        /// Where the reference starts.
        position: TextPosition,
    },
    /// A namespace prefix with no declaration in scope.
    #[error("XML namespace prefix {prefix:?} at {position} is not declared")]
    UnboundPrefix {
        /// The prefix.
        prefix: String,
        /// Where the name using it is.
        position: TextPosition,
    },
    /// A namespace declaration that the Namespaces in XML recommendation forbids (binding
    /// `xmlns`, rebinding `xml`, binding the reserved URIs, or `xmlns:p=""`).
    #[error("forbidden XML namespace declaration {declaration:?} at {position}")]
    ReservedNamespace {
        /// The declaring attribute's name and value.
        declaration: String,
        /// Where the attribute is.
        position: TextPosition,
    },
    /// The same attribute twice on one element (by qualified name or by namespace + local name).
    #[error("duplicate XML attribute {name:?} at {position}")]
    DuplicateAttribute {
        /// The attribute name as written.
        name: String,
        /// Where the second occurrence is.
        position: TextPosition,
    },
    /// Two elements carry the same `Id`/`ID`/`id`/`xml:id` value: a reference to it would be
    /// ambiguous, which is how signature-wrapping attacks work.
    #[error("XML Id {id:?} occurs twice (second at {position})")]
    DuplicateId {
        /// The identifier value.
        id: String,
        /// Where the second element carrying it is.
        position: TextPosition,
    },
    /// Elements nested deeper than [`Limits::max_depth`](crate::xml::Limits::max_depth).
    #[error("XML nesting deeper than {limit} at {position}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
        /// Where the element that crossed it starts.
        position: TextPosition,
    },
    /// More nodes than [`Limits::max_nodes`](crate::xml::Limits::max_nodes).
    #[error("XML document has more than {limit} nodes (at {position})")]
    TooManyNodes {
        /// The configured limit.
        limit: usize,
        /// Where the node that crossed it is.
        position: TextPosition,
    },
    /// More attributes (namespace declarations included) on one element than
    /// [`Limits::max_attributes`](crate::xml::Limits::max_attributes).
    #[error("XML element at {position} has more than {limit} attributes")]
    TooManyAttributes {
        /// The configured limit.
        limit: usize,
        /// Where the element starts.
        position: TextPosition,
    },
    /// An end tag that does not match the open element.
    #[error("XML end tag </{found}> at {position} does not close <{expected}>")]
    MismatchedEndTag {
        /// The name of the open element.
        expected: String,
        /// The name in the end tag.
        found: String,
        /// Where the end tag is.
        position: TextPosition,
    },
    /// Character data or a second element outside the document element.
    #[error("content outside the XML document element at {position}")]
    ContentOutsideRoot {
        /// Where the content is.
        position: TextPosition,
    },
    /// The document has no element at all, or ends before the document element is closed.
    #[error("XML document is incomplete: {reason}")]
    Incomplete {
        /// What is missing.
        reason: &'static str,
    },
    /// Any other well-formedness error, as reported by the tokenizer.
    #[error("malformed XML at {position}: {message}")]
    Syntax {
        /// The tokenizer's description.
        message: String,
        /// Where it stopped.
        position: TextPosition,
    },
    /// A canonicalization method URI this crate does not implement.
    #[error("unknown canonicalization algorithm {uri:?}")]
    UnknownAlgorithm {
        /// The URI.
        uri: String,
    },
    /// A namespace URI without a scheme: Canonical XML 1.0 §2.1 (and so 1.1 and exclusive)
    /// requires canonicalization to fail on documents with relative namespace URIs.
    #[error("namespace URI {uri:?} is relative; such documents cannot be canonicalized")]
    RelativeNamespaceUri {
        /// The declared URI.
        uri: String,
    },
    /// A node that cannot be the apex of a canonicalized subtree (only elements and the
    /// document can), or an operation on a node of the wrong kind.
    #[error("node is not an element: {operation}")]
    NotAnElement {
        /// What was attempted.
        operation: &'static str,
    },
    /// A name or value given to the document builder is not allowed in XML.
    #[error("invalid XML name or value {value:?}: {reason}")]
    InvalidBuilderInput {
        /// The rejected input.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// An XMLDSig or XAdES algorithm identifier (signature method, digest method, transform)
    /// this crate does not implement.
    #[error("unsupported {kind} algorithm {uri:?}")]
    UnsupportedAlgorithm {
        /// What the URI names: "signature method", "digest method", "transform".
        kind: &'static str,
        /// The URI.
        uri: String,
    },
    /// A signature element that is missing, duplicated or has content that cannot be read
    /// (bad base64, a missing attribute).
    #[error("malformed signature: {element}: {reason}")]
    MalformedSignature {
        /// The element (qualified name as XMLDSig/XAdES spell it, e.g. "ds:SignedInfo").
        element: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A same-document reference (`#id`) whose target is not in the document, or a data
    /// object the resolver does not have.
    #[error("reference {uri:?} does not resolve")]
    ReferenceNotFound {
        /// The reference URI as written.
        uri: String,
    },
    /// The signature value does not verify with the signer's public key over the digest of
    /// the canonical SignedInfo.
    #[error("signature value does not verify: {reason}")]
    SignatureValueInvalid {
        /// What the check said.
        reason: String,
    },
    /// A certificate, time-stamp or OCSP structure failed in knik-pki.
    #[error("{context}: {source}")]
    Pki {
        /// What was being done ("signer certificate", "signature time-stamp").
        context: &'static str,
        /// The knik-pki error.
        source: knik_pki::Error,
    },
    /// No `ds:Signature` (with the requested Id) in the document, or several when none was
    /// named.
    #[error("signature not found: {reason}")]
    SignatureNotFound {
        /// Which one was looked for and what was found.
        reason: String,
    },
    /// An argument given to the signature builder cannot be used (an empty list of data
    /// objects, a control character in a role, a digest of the wrong length).
    #[error("invalid signature input {what}: {reason}")]
    InvalidSignatureInput {
        /// The argument.
        what: &'static str,
        /// Why it is refused.
        reason: String,
    },
    /// Writing the output failed.
    #[error("writing XML output failed: {message}")]
    Io {
        /// The I/O error's description.
        message: String,
    },
}

impl Error {
    /// A stable machine code (SCREAMING_SNAKE) for programs and the CLI's JSON; several
    /// variants that mean the same to a user share one ("XML_MALFORMED").
    pub fn code(&self) -> &'static str {
        match self {
            Error::DocumentTooLarge { .. } => "XML_TOO_LARGE",
            Error::InvalidUtf8 { .. } => "XML_INVALID_UTF8",
            Error::UnsupportedEncoding { .. } => "XML_UNSUPPORTED_ENCODING",
            Error::UnsupportedVersion { .. } => "XML_UNSUPPORTED_VERSION",
            Error::DtdNotAllowed { .. } => "XML_DTD_NOT_ALLOWED",
            Error::EntityDeclarationNotAllowed { .. } => "XML_ENTITY_NOT_ALLOWED",
            Error::UndefinedEntity { .. } => "XML_UNDEFINED_ENTITY",
            Error::InvalidCharacterReference { .. } => "XML_INVALID_CHARACTER_REFERENCE",
            Error::UnboundPrefix { .. } => "XML_UNBOUND_PREFIX",
            Error::ReservedNamespace { .. } => "XML_RESERVED_NAMESPACE",
            Error::DuplicateAttribute { .. } => "XML_DUPLICATE_ATTRIBUTE",
            Error::DuplicateId { .. } => "XML_DUPLICATE_ID",
            Error::TooDeep { .. } => "XML_TOO_DEEP",
            Error::TooManyNodes { .. } => "XML_TOO_MANY_NODES",
            Error::TooManyAttributes { .. } => "XML_TOO_MANY_ATTRIBUTES",
            Error::MismatchedEndTag { .. }
            | Error::ContentOutsideRoot { .. }
            | Error::Incomplete { .. }
            | Error::Syntax { .. } => "XML_MALFORMED",
            Error::RelativeNamespaceUri { .. } => "XML_RELATIVE_NAMESPACE_URI",
            Error::NotAnElement { .. } => "XML_NOT_AN_ELEMENT",
            Error::InvalidBuilderInput { .. } => "XML_INVALID_BUILDER_INPUT",
            Error::UnknownAlgorithm { .. } | Error::UnsupportedAlgorithm { .. } => {
                "UNSUPPORTED_ALGORITHM"
            }
            Error::MalformedSignature { .. } => "SIGNATURE_MALFORMED",
            Error::ReferenceNotFound { .. } => "REFERENCE_NOT_FOUND",
            Error::SignatureValueInvalid { .. } => "SIGNATURE_VALUE_INVALID",
            Error::Pki { source, .. } => source.code(),
            Error::SignatureNotFound { .. } => "SIGNATURE_NOT_FOUND",
            Error::InvalidSignatureInput { .. } => "INVALID_SIGNATURE_INPUT",
            Error::Io { .. } => "IO",
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io {
            message: e.to_string(),
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
