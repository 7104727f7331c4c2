//! The set of trust anchors a validation uses.

use super::anchor::{AnchorSource, TrustAnchor};
use super::service::TrustedService;
use crate::{Certificate, DistinguishedName, Error};

/// The trust anchors of a validation, each with its source.
///
/// Adding the same certificate twice from the same kind of source keeps one copy; a
/// certificate listed under several trusted-list services keeps one anchor per service, so
/// each service's history is consulted.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<TrustAnchor>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one anchor.
    pub fn add(&mut self, anchor: TrustAnchor) {
        if !self.anchors.contains(&anchor) {
            self.anchors.push(anchor);
        }
    }

    /// Adds a certificate under the caller's `label`.
    pub fn add_certificate(&mut self, certificate: Certificate, label: &str) {
        self.add(TrustAnchor::new(
            certificate,
            AnchorSource::Supplied {
                label: label.to_owned(),
            },
        ));
    }

    /// Adds every certificate of `input` (one DER certificate, or PEM with one or more
    /// `CERTIFICATE` blocks) under the caller's `label`; returns how many were read.
    pub fn add_pem_or_der(&mut self, input: &[u8], label: &str) -> Result<usize, Error> {
        let certificates = read_certificates(input, label)?;
        let count = certificates.len();
        for certificate in certificates {
            self.add_certificate(certificate, label);
        }
        Ok(count)
    }

    /// Adds a certificate of a trusted-list service (the list's territory and sequence number,
    /// the provider's name and the service with its status history).
    pub fn add_trust_list_service(
        &mut self,
        certificate: Certificate,
        territory: &str,
        sequence_number: u64,
        provider: &str,
        service: TrustedService,
    ) {
        self.add(TrustAnchor::new(
            certificate,
            AnchorSource::TrustList {
                territory: territory.to_owned(),
                sequence_number,
                provider: provider.to_owned(),
                service,
            },
        ));
    }

    /// Adds every certificate in a PEM or DER file.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn add_file(&mut self, path: &std::path::Path) -> Result<usize, Error> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::TrustStoreIo {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let certificates = read_certificates(&bytes, &shown)?;
        let count = certificates.len();
        for certificate in certificates {
            self.add(TrustAnchor::new(
                certificate,
                AnchorSource::File {
                    path: shown.clone(),
                },
            ));
        }
        Ok(count)
    }

    /// Adds the certificates of every `*.pem`, `*.crt`, `*.cer` and `*.der` file directly in
    /// `dir` (not recursive, in name order); other files are ignored. A file that does not
    /// hold a certificate is an error naming it. Returns how many certificates were added.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn add_directory(&mut self, dir: &std::path::Path) -> Result<usize, Error> {
        let io = |e: std::io::Error| Error::TrustStoreIo {
            path: dir.display().to_string(),
            reason: e.to_string(),
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let wanted = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["pem", "crt", "cer", "der"]
                    .iter()
                    .any(|w| e.eq_ignore_ascii_case(w))
            });
            if wanted && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        let mut count = 0;
        for file in files {
            count += self.add_file(&file)?;
        }
        Ok(count)
    }

    /// Every anchor, in the order added.
    pub fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// The anchors whose certificate has `subject` as subject name.
    pub fn by_subject<'a>(
        &'a self,
        subject: &'a DistinguishedName,
    ) -> impl Iterator<Item = &'a TrustAnchor> + 'a {
        self.anchors
            .iter()
            .filter(move |a| a.certificate().subject().as_der() == subject.as_der())
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the store has no anchor.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

fn read_certificates(input: &[u8], label: &str) -> Result<Vec<Certificate>, Error> {
    let certificates = Certificate::from_der_or_pem(input)?;
    if certificates.is_empty() {
        return Err(Error::TrustStoreEmptyInput {
            source_label: label.to_owned(),
        });
    }
    Ok(certificates)
}
