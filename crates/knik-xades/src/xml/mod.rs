//! Hardened XML reading into an arena DOM, navigation, and serialisation.

mod builder;
mod document;
mod limits;
mod reader;
pub(crate) mod scope;
mod serialize;
pub(crate) mod text;

pub use document::{
    Attribute, Document, NamespaceDeclaration, Node, NodeId, NodeType, XML_NAMESPACE,
    XMLNS_NAMESPACE,
};
pub use limits::Limits;
