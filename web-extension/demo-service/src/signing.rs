//! Signing a document into an ASiC-E container at B-LT with the card in the browser, the
//! server half of Web eID signing (reference/web-eid.md §2.9) on [`knik::two_phase`]:
//!
//! 1. the page gets the signing certificate from the card (`getSigningCertificate`) and posts it
//!    with the document to `POST /api/sign/prepare`; the service checks the certificate
//!    belongs to the person logged in, runs [`two_phase::prepare`] and keeps the state in the
//!    session; the page gets the digest to sign and its hash function;
//! 2. the card signs the digest (`sign`) and the page posts the value to
//!    `POST /api/sign/finish`; the service finishes at B-LT (time-stamp from the configured
//!    TSA, OCSP from the certificate's own responder) and keeps the container in the session
//!    for `GET /api/sign/container`.

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use knik::Level;
use knik::online::Services;
use knik::sign::{SignOptions, media_type_for};
use knik::two_phase::{self, DataFile, State};
use knik_pki::{Certificate, Identity, PolicyMap};
use serde_json::{Value, json};

use crate::app::display_name;
use crate::http::Response;

/// Largest document the demo signs (the page sends a small text).
pub const MAX_DOCUMENT: usize = 32 * 1024;

/// Where signing gets its services and certificates.
#[derive(Debug, Clone)]
pub struct SigningConfig {
    /// The RFC 3161 time-stamp authority (B-T and above).
    pub tsa_url: String,
    /// Certificates that complete signers' chains (the issuing CAs and the root), embedded at
    /// B-LT.
    pub known_certificates: Vec<Certificate>,
    /// A directory for the containers while they are written.
    pub work_dir: PathBuf,
}

/// A signature waiting for its value, or a container made, in one login session.
#[derive(Debug, Default)]
pub struct SigningSession {
    pending: Option<Pending>,
    container: Option<Container>,
}

#[derive(Debug)]
struct Pending {
    state: State,
    document: String,
    /// The signer's name, for the page.
    signer: String,
}

#[derive(Debug)]
struct Container {
    name: String,
    bytes: Vec<u8>,
}

impl SigningConfig {
    /// `POST /api/sign/prepare` with `{certificate, fileName, content}` for the person with
    /// `personal_number`: `{hash, hashFunction}`.
    pub fn prepare(
        &self,
        body: &[u8],
        personal_number: &str,
        session: &mut SigningSession,
    ) -> Response {
        let Some(body) = serde_json::from_slice::<Value>(body).ok() else {
            return bad_request("the body is not JSON");
        };
        let field = |name: &str| body.get(name).and_then(Value::as_str);
        let (Some(certificate), Some(name), Some(content)) =
            (field("certificate"), field("fileName"), field("content"))
        else {
            return bad_request("the body must be {\"certificate\", \"fileName\", \"content\"}");
        };
        if content.len() > MAX_DOCUMENT {
            return Response::error(413, "DEMO_TOO_LARGE", "the document is too large");
        }
        let Ok(certificate) = STANDARD.decode(certificate) else {
            return bad_request("the certificate is not base64");
        };
        let signer = match signer_identity(&certificate) {
            Some(identity) if identity.personal_number == personal_number => identity,
            _ => {
                return Response::error(
                    403,
                    "DEMO_NOT_YOUR_CERTIFICATE",
                    "the signing certificate is not the logged-in person's",
                );
            }
        };
        let files = [DataFile {
            name: name.to_owned(),
            media_type: media_type_for(name).to_owned(),
            content: content.as_bytes().to_vec(),
        }];
        let options = SignOptions {
            level: Level::Lt,
            known_certificates: self.known_certificates.clone(),
            ..SignOptions::default()
        };
        let mut services = self.services();
        let (tsa, ocsp) = services.split();
        let prepared = match two_phase::prepare(&files, &certificate, &*tsa, &*ocsp, &options) {
            Ok(p) => p,
            Err(e) => return Response::error(422, e.code(), &e.to_string()),
        };
        session.pending = Some(Pending {
            state: prepared.state,
            document: name.to_owned(),
            signer: display_name(&signer),
        });
        session.container = None;
        Response::json(
            200,
            &json!({
                "hash": STANDARD.encode(&prepared.digest_to_sign),
                "hashFunction": prepared.hash_algorithm.name(),
            }),
        )
    }

    /// `POST /api/sign/finish` with `{signature}`: the container at B-LT, kept for download;
    /// `{level, signer, subject, download}`.
    pub fn finish(&self, body: &[u8], session_id: &str, session: &mut SigningSession) -> Response {
        let signature = serde_json::from_slice::<Value>(body).ok().and_then(|b| {
            b.get("signature")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        let Some(signature) = signature else {
            return bad_request("the body must be {\"signature\"}");
        };
        let Ok(signature) = STANDARD.decode(signature) else {
            return bad_request("the signature is not base64");
        };
        // Taken out: a state is finished once, whatever happens.
        let Some(pending) = session.pending.take() else {
            return Response::error(
                409,
                "DEMO_NOTHING_TO_SIGN",
                "no prepared signature: POST /api/sign/prepare first",
            );
        };
        let path = self.work_dir.join(format!("{session_id}.asice"));
        let mut services = self.services();
        let (tsa, ocsp) = services.split();
        let signed = match two_phase::finish(pending.state, &signature, tsa, ocsp, &path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("knik-demo-service: signing failed: {}: {e}", e.code());
                let status = if e.code() == "SIGNATURE_VALUE_MISMATCH" {
                    400
                } else {
                    502
                };
                return Response::error(status, e.code(), &e.to_string());
            }
        };
        let bytes = std::fs::read(&path);
        let _ = std::fs::remove_file(&path);
        let Ok(bytes) = bytes else {
            return Response::error(500, "DEMO_IO", "the container could not be read back");
        };
        let stem = pending
            .document
            .rsplit_once('.')
            .map_or(pending.document.as_str(), |(s, _)| s);
        session.container = Some(Container {
            name: format!("{stem}.asice"),
            bytes,
        });
        eprintln!(
            "knik-demo-service: signed {} at {} by {}",
            pending.document,
            signed.level.name(),
            signed.signer
        );
        Response::json(
            200,
            &json!({
                "level": signed.level.name(),
                "signer": pending.signer,
                "subject": signed.signer,
                "download": "/api/sign/container",
            }),
        )
    }

    /// `GET /api/sign/container`: the last container signed in the session.
    pub fn container(&self, session: &SigningSession) -> Response {
        match &session.container {
            Some(c) => Response::new(200, "application/vnd.etsi.asic-e+zip", c.bytes.clone())
                .with_header(
                    "Content-Disposition",
                    format!("attachment; filename=\"{}\"", c.name.replace('"', "")),
                ),
            None => Response::error(404, "DEMO_NO_CONTAINER", "nothing signed in this session"),
        }
    }

    /// The TSA configured; OCSP at the responder the signer's certificate names.
    fn services(&self) -> Services {
        Services::new(Some(self.tsa_url.clone()), None)
    }
}

/// Who the certificate names.
fn signer_identity(der: &[u8]) -> Option<Identity> {
    let cert = Certificate::from_der(der).ok()?;
    Identity::from_certificate(&cert, &PolicyMap::default()).ok()
}

fn bad_request(message: &str) -> Response {
    Response::error(400, "DEMO_BAD_REQUEST", message)
}
