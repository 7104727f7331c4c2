//! HTTP clients for OCSP and time-stamping.
