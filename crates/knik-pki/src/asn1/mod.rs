//! Small DER tools for the OCSP (RFC 6960) and time-stamp (RFC 3161 / RFC 5652) structures.
//!
//! Those structures are read field by field with a strict TLV reader rather than derived
//! decoders: the signatures cover exact byte ranges (tbsResponseData, signedAttrs, eContent),
//! several fields are CHOICEs with explicit and implicit tags side by side, and RFC 3161
//! genTime may carry fractional seconds, which `der` 0.7's GeneralizedTime refuses.

pub(crate) mod generalized_time;
pub(crate) mod reader;
pub(crate) mod writer;
