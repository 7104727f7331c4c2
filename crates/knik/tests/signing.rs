//! The facade's signing flows end to end, through the loopback services of
//! `scripts/services.sh up` (TSA 8889, OCSP 8881 citizen / 8882 resident / 8884 citizen with an
//! RSA-signed responder), verified with a trust store holding only the test root.
//!
//! What it proves:
//! - a software key (EC P-384 citizen, RSA legacy) signs at B-B, B-T, B-LT and B-LTA with
//!   C14N 1.1 and exclusive C14N; B-LT and B-LTA verify `valid` at the level asked, B-B and
//!   B-T `indeterminate` for the documented reasons; the report names the holder (personal
//!   number, document kind);
//! - extending B-B → B-LT → B-LTA → B-LTA (renewal) reaches each level, adds one archive
//!   time-stamp per renewal, and copies the data files, `mimetype` and the manifest byte for
//!   byte;
//! - a second signature (resident holder, another OCSP responder) leaves
//!   `META-INF/signatures0.xml` byte-identical and both signatures verify;
//! - the facade refuses the expired holder at every level with `SIGNER_CERT_NOT_VALID` before
//!   the signer is asked, and the revoked holder at B-LT/B-LTA with `SIGNER_REVOKED` (create,
//!   add a signature, extend a B-T container): no container, no temporary file, an existing
//!   container byte-identical;
//! - the same signatures made below the facade (`support::sign_unchecked`) are judged by the
//!   verifier: revoked → `invalid`, `SIGNER_REVOKED` with the revocation time; expired →
//!   `SIGNER_CERT_NOT_VALID`, `invalid` with `CERT_NOT_VALID_AT_TIMESTAMP` at B-LT and
//!   `indeterminate` at B-B;
//! - the JSON report parses, keeps its field names and carries the stable codes.
//!
//! Without the services the tests print "SKIPPED" (KNIK_REQUIRE_SERVICES=1 makes that a
//! failure).
#![cfg(feature = "online")]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use knik::Level;
use knik::online::Services;
use knik::report::{SignatureReport, Verdict};
use knik::services::Offline;
use knik::sign::{NoProgress, add_signature, create_container, extend_container};
use knik::verify::codes;
use knik_xades::c14n::Algorithm;
use serde_json::Value;
use support::*;

const C14N: [Algorithm; 2] = [Algorithm::Inclusive11, Algorithm::Exclusive10];
const LEVELS: [Level; 4] = [Level::B, Level::T, Level::Lt, Level::Lta];

/// Who a holder is in the report: personal number and document kind.
fn assert_signer(sig: &SignatureReport, personal_number: &str, kind_code: &str) {
    let signer = sig.signer.as_ref().expect("the report names the signer");
    assert_eq!(signer.personal_number.as_deref(), Some(personal_number));
    assert_eq!(signer.country.as_deref(), Some("AM"));
    assert_eq!(signer.document_kind_code.as_deref(), Some(kind_code));
}

/// Signs with `holder` at every level with both canonicalizations and checks the report of
/// each container.
fn every_level_and_c14n(holder: &str, ocsp_url: &str, personal_number: &str, method: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    for c14n in C14N {
        for level in LEVELS {
            let what = format!("{holder} at {level} with {c14n:?}");
            let mut services = Services::new(Some(TSA.into()), Some(ocsp_url.into()));
            let (tsa, ocsp) = services.split();
            let name = format!("{holder}-{level}-{c14n:?}.asice");
            let signed = sign_into(
                dir.path(),
                &name,
                holder,
                tsa,
                ocsp,
                &sign_options(level, c14n),
            )
            .unwrap_or_else(|e| panic!("{what}: [{}] {e}", e.code()));
            assert_eq!(signed.level, level, "{what}: the level the flow reports");
            assert_eq!(signed.signature_file, "META-INF/signatures0.xml");
            assert_eq!(signed.signature_id, "S0");
            assert!(
                signed.signer.contains(personal_number),
                "{what}: {signed:?}"
            );

            let report = verify(&signed.container);
            let sig = only_signature(&report);
            assert_eq!(sig.level, level.name(), "{what}: {}", report.to_json());
            assert_eq!(sig.canonicalization.as_deref(), Some(c14n.uri()), "{what}");
            assert_eq!(sig.signature_method.as_deref(), Some(method), "{what}");
            assert_signer(sig, personal_number, "citizen-id-card");
            assert_eq!(
                sig.signed_files,
                ["contract.txt", "Պայմանագիր 2.pdf"],
                "{what}"
            );
            assert_eq!(report.container.structure, "sound", "{what}");
            let found: BTreeSet<&str> = report.codes().into_iter().collect();
            match level {
                // No time-stamp: nothing proves when; no OCSP: revocation unknown; and the
                // signature carries no CA certificate, so with only the root trusted the chain
                // cannot be built. Indeterminate, never invalid.
                Level::B => {
                    assert_eq!(report.verdict, Verdict::Indeterminate, "{what}");
                    let expected = [
                        codes::NO_TIMESTAMP,
                        codes::REVOCATION_UNKNOWN,
                        codes::SIGNER_NOT_TRUSTED,
                    ];
                    assert_eq!(found, expected.into(), "{what}");
                    assert!(sig.proven_signing_time.is_none(), "{what}");
                    assert!(sig.timestamps.is_empty(), "{what}");
                }
                // The time is proven; revocation and the CA certificate are still missing.
                Level::T => {
                    assert_eq!(report.verdict, Verdict::Indeterminate, "{what}");
                    let expected = [codes::REVOCATION_UNKNOWN, codes::SIGNER_NOT_TRUSTED];
                    assert_eq!(found, expected.into(), "{what}");
                    assert!(sig.proven_signing_time.is_some(), "{what}");
                }
                Level::Lt | Level::Lta => {
                    assert_verdict(&report, Verdict::Valid);
                    assert!(found.is_empty(), "{what}: {found:?}");
                    let revocation = sig.revocation.as_ref().expect("OCSP used");
                    assert_eq!(revocation.status, "good", "{what}");
                }
            }
            let archive = sig.timestamps.iter().filter(|t| t.kind == "archive");
            assert_eq!(archive.count(), usize::from(level == Level::Lta), "{what}");
            assert!(sig.timestamps.iter().all(|t| t.intact), "{what}");
        }
    }
}

#[test]
fn citizen_ec_key_signs_at_every_level_with_both_canonicalizations() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    every_level_and_c14n(
        "citizen",
        CITIZEN_OCSP,
        "2810770123",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    );
}

#[test]
fn legacy_rsa_key_signs_at_every_level_with_both_canonicalizations() {
    if !services_up(&[8889, 8884]) {
        return;
    }
    every_level_and_c14n(
        "legacy",
        CITIZEN_OCSP_RSA,
        "6011750987",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    );
}

#[test]
fn b_t_is_indeterminate_only_for_want_of_revocation_when_the_issuing_ca_is_known() {
    if !services_up(&[8889]) {
        return;
    }
    // A verifier that also trusts the issuing CA builds the chain of a B-T signature: what is
    // left is the missing OCSP response, by design.
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "t.asice", Level::T);
    let mut options = verify_options();
    options
        .trust
        .add_file(&pki_dir().join("citizen-ca.pem"))
        .expect("citizen CA");
    let report = knik::verify::verify_file(&container, &options).expect("verify");
    assert_verdict(&report, Verdict::Indeterminate);
    assert_eq!(report.codes(), [codes::REVOCATION_UNKNOWN]);
    assert_eq!(only_signature(&report).level, "B-T");
}

#[test]
fn a_validation_time_before_the_time_stamp_cannot_call_the_signature_valid() {
    if !services_up(&[8881, 8889]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "lt.asice", Level::Lt);
    let mut options = verify_options();
    let report = knik::verify::verify_file(&container, &options).expect("verify");
    assert_verdict(&report, Verdict::Valid);
    // Asked about a day before it was time-stamped, the signature cannot be judged; a minute
    // after, the finding is gone.
    let proven = only_signature(&report)
        .proven_signing_time
        .clone()
        .expect("a proven time");
    let proven =
        time::OffsetDateTime::parse(&proven, &time::format_description::well_known::Rfc3339)
            .expect("RFC 3339");
    options.at = Some(proven - time::Duration::days(1));
    let before = knik::verify::verify_file(&container, &options).expect("verify");
    assert_verdict(&before, Verdict::Indeterminate);
    assert!(
        before
            .codes()
            .contains(&codes::TIMESTAMP_AFTER_VALIDATION_TIME),
        "{:?}",
        before.codes()
    );
    options.at = Some(proven + time::Duration::minutes(1));
    let after = knik::verify::verify_file(&container, &options).expect("verify");
    assert!(
        !after
            .codes()
            .contains(&codes::TIMESTAMP_AFTER_VALIDATION_TIME)
    );
}

#[test]
fn extending_b_to_lt_to_lta_and_renewing_keeps_the_data_files_byte_for_byte() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "extend.asice", Level::B);
    // Dated 2001 and stored: an extension that re-encoded the entries would show.
    restamp(&container);
    assert_eq!(verify(&container).codes().len(), 3, "still a B-B signature");
    assert_eq!(
        compression_of(&container, "contract.txt"),
        knik_asic::Compression::Stored
    );
    let unchanged = [
        "mimetype",
        "META-INF/manifest.xml",
        "contract.txt",
        "Պայմանագիր 2.pdf",
    ];
    let raw_before: Vec<Vec<u8>> = unchanged.iter().map(|n| raw_entry(&container, n)).collect();
    let contents_before = entry_bytes(&container, "Պայմանագիր 2.pdf");
    let known = known_certificates();

    let steps = [
        (Level::Lt, Level::B, "B-LT", 0),
        (Level::Lta, Level::Lt, "B-LTA", 1),
        (Level::Lta, Level::Lta, "B-LTA", 2),
    ];
    for (target, from, reached, archive_timestamps) in steps {
        let mut services = citizen_services();
        let (tsa, ocsp) = services.split();
        let done = extend_container(&container, target, tsa, ocsp, &known, &mut NoProgress)
            .unwrap_or_else(|e| panic!("extend to {target}: [{}] {e}", e.code()));
        assert_eq!(done.len(), 1, "one signature extended");
        assert_eq!((done[0].from, done[0].to), (from, target));
        assert_eq!(done[0].file, "META-INF/signatures0.xml");

        let report = verify(&container);
        assert_verdict(&report, Verdict::Valid);
        let sig = only_signature(&report);
        assert_eq!(sig.level, reached, "after extending to {target}");
        let intact_archive = sig
            .timestamps
            .iter()
            .filter(|t| t.kind == "archive" && t.intact)
            .count();
        assert_eq!(intact_archive, archive_timestamps, "{}", report.to_json());
        assert_eq!(
            sig.timestamps
                .iter()
                .filter(|t| t.kind == "signature")
                .count(),
            1,
            "the signature time-stamp is added once"
        );
        for (name, before) in unchanged.iter().zip(&raw_before) {
            assert!(
                raw_entry(&container, name) == *before,
                "{name}: local header or stored bytes changed by extending to {target}"
            );
        }
    }
    assert_eq!(entry_bytes(&container, "Պայմանագիր 2.pdf"), contents_before);
    assert_eq!(
        compression_of(&container, "contract.txt"),
        knik_asic::Compression::Stored,
        "still stored as the other producer wrote it"
    );

    // Extending to a level the signature is already above changes nothing.
    let before = std::fs::read(&container).expect("read");
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let done = extend_container(&container, Level::Lt, tsa, ocsp, &known, &mut NoProgress)
        .expect("extend to a lower level");
    assert!(done.is_empty(), "{done:?}");
    assert!(std::fs::read(&container).expect("read") == before);
}

#[test]
fn a_second_signature_leaves_the_first_byte_identical_and_both_verify() {
    if !services_up(&[8889, 8881, 8882]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let container = citizen_container(dir.path(), "two.asice", Level::Lt);
    // Dated 2001: rewriting the first signature's entry would change its header.
    restamp(&container);
    assert_verdict(&verify(&container), Verdict::Valid);
    let first_raw = raw_entry(&container, "META-INF/signatures0.xml");
    let first_xml = entry_bytes(&container, "META-INF/signatures0.xml");
    let data_raw = raw_entry(&container, "contract.txt");

    // The resident's CA has its own responder: a second Services.
    let mut resident = Services::new(Some(TSA.into()), Some(RESIDENT_OCSP.into()));
    let (tsa, ocsp) = resident.split();
    let signed = add_signature(
        &container,
        &mut holder_key("resident"),
        tsa,
        ocsp,
        &sign_options(Level::Lt, Algorithm::Exclusive10),
        &mut NoProgress,
    )
    .unwrap_or_else(|e| panic!("second signature: [{}] {e}", e.code()));
    assert_eq!(signed.signature_file, "META-INF/signatures1.xml");
    assert_eq!(signed.signature_id, "S1");
    assert_eq!(signed.level, Level::Lt);

    assert!(
        raw_entry(&container, "META-INF/signatures0.xml") == first_raw,
        "the first signature's entry was rewritten"
    );
    assert!(entry_bytes(&container, "META-INF/signatures0.xml") == first_xml);
    assert!(raw_entry(&container, "contract.txt") == data_raw);

    let report = verify(&container);
    assert_verdict(&report, Verdict::Valid);
    assert!(report.codes().is_empty(), "{:?}", report.codes());
    assert_eq!(report.signatures.len(), 2);
    let (first, second) = (&report.signatures[0], &report.signatures[1]);
    assert_eq!(
        (first.file.as_str(), first.id.as_str()),
        ("META-INF/signatures0.xml", "S0")
    );
    assert_eq!(
        (second.file.as_str(), second.id.as_str()),
        ("META-INF/signatures1.xml", "S1")
    );
    for sig in [first, second] {
        assert_eq!(sig.verdict, Verdict::Valid);
        assert_eq!(sig.level, "B-LT");
        assert_eq!(
            sig.signed_files.len(),
            2,
            "each signature covers both files"
        );
    }
    assert_signer(first, "2810770123", "citizen-id-card");
    assert_signer(second, "5210880456", "residence-card");
    assert!(
        second
            .revocation
            .as_ref()
            .expect("OCSP")
            .responder
            .contains("Resident"),
        "the resident's own responder answered"
    );
}

/// A citizen-signed B-B container in `dir`, made without any service.
fn offline_citizen_container(dir: &Path, name: &str) -> PathBuf {
    sign_into(
        dir,
        name,
        "citizen",
        &mut Offline,
        &mut Offline,
        &sign_options(Level::B, Algorithm::Inclusive11),
    )
    .unwrap_or_else(|e| panic!("signing at B-B: [{}] {e}", e.code()))
    .container
}

#[test]
fn expired_holder_is_refused_before_the_signer_is_asked_and_nothing_is_written() {
    // The certificate expired on 2021-01-01 (its responder still says "good"): no level can
    // make a signature a verifier accepts, so the facade refuses before asking for a PIN and
    // before any service. No service is contacted, so none needs to run.
    let dir = tempfile::tempdir().expect("temp dir");
    let files = input_files(dir.path());
    for level in LEVELS {
        let mut signer = CountingSigner::new("expired");
        let mut services = citizen_services();
        let (tsa, ocsp) = services.split();
        let err = create_container(
            &files,
            &dir.path().join("expired.asice"),
            &mut signer,
            tsa,
            ocsp,
            &sign_options(level, Algorithm::Inclusive11),
            &mut NoProgress,
        )
        .expect_err("an expired signing certificate");
        assert_eq!(err.code(), "SIGNER_CERT_NOT_VALID", "at {level}: {err}");
        match &err {
            knik::Error::CertificateNotValid {
                subject,
                not_before,
                not_after,
            } => {
                assert!(subject.contains("1402600321"), "{subject}");
                assert_eq!(not_before, "2020-01-01T00:00:00Z");
                assert_eq!(not_after, "2021-01-01T00:00:00Z");
            }
            other => panic!("at {level}: {other:?}"),
        }
        assert_eq!(signer.asked, 0, "at {level}: the signer was asked to sign");
        assert_eq!(dir_names(dir.path()), input_names(), "at {level}");
    }

    // Adding its signature to an existing container is refused the same way; the container is
    // left byte for byte as it was.
    let container = offline_citizen_container(dir.path(), "citizen.asice");
    let before = std::fs::read(&container).expect("read");
    for level in [Level::B, Level::Lt] {
        let mut signer = CountingSigner::new("expired");
        let err = add_signature(
            &container,
            &mut signer,
            &mut Offline,
            &mut Offline,
            &sign_options(level, Algorithm::Inclusive11),
            &mut NoProgress,
        )
        .expect_err("an expired signing certificate");
        assert_eq!(err.code(), "SIGNER_CERT_NOT_VALID", "at {level}: {err}");
        assert_eq!(signer.asked, 0);
        assert!(
            std::fs::read(&container).expect("read") == before,
            "at {level}"
        );
    }
    let mut expected = input_names();
    expected.insert("citizen.asice".into());
    assert_eq!(dir_names(dir.path()), expected, "no temporary file is left");
}

#[test]
fn revoked_holder_is_refused_at_b_lt_and_b_lta_and_nothing_is_written() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // B-LT embeds proof that the certificate was good when the signature was time-stamped;
    // the responder says "revoked", so the facade writes nothing.
    let dir = tempfile::tempdir().expect("temp dir");
    for level in [Level::Lt, Level::Lta] {
        let mut services = citizen_services();
        let (tsa, ocsp) = services.split();
        let err = sign_into(
            dir.path(),
            "revoked.asice",
            "revoked",
            tsa,
            ocsp,
            &sign_options(level, Algorithm::Inclusive11),
        )
        .expect_err("a revoked signing certificate");
        assert_eq!(err.code(), "SIGNER_REVOKED", "at {level}: {err}");
        match &err {
            knik::Error::CertificateRevoked { subject, status } => {
                assert!(subject.contains("3105850789"), "{subject}");
                assert_eq!(status, "revoked on 2026-01-01T00:00:00Z");
            }
            other => panic!("at {level}: {other:?}"),
        }
        assert_eq!(dir_names(dir.path()), input_names(), "at {level}");
    }

    // A second signature by the revoked holder: refused, the container untouched.
    let container = offline_citizen_container(dir.path(), "citizen.asice");
    let before = std::fs::read(&container).expect("read");
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let err = add_signature(
        &container,
        &mut holder_key("revoked"),
        tsa,
        ocsp,
        &sign_options(Level::Lt, Algorithm::Inclusive11),
        &mut NoProgress,
    )
    .expect_err("a revoked signing certificate");
    assert_eq!(err.code(), "SIGNER_REVOKED", "{err}");
    assert!(std::fs::read(&container).expect("read") == before);
    let mut expected = input_names();
    expected.insert("citizen.asice".into());
    assert_eq!(dir_names(dir.path()), expected, "no temporary file is left");
}

#[test]
fn extending_a_revoked_holders_b_t_container_to_b_lt_is_refused_and_leaves_it_byte_identical() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // The certificate is within its validity period, and below B-LT nobody asks the responder:
    // the facade makes the B-T signature. Extending it is where the revocation shows.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let signed = sign_into(
        dir.path(),
        "revoked-t.asice",
        "revoked",
        tsa,
        ocsp,
        &sign_options(Level::T, Algorithm::Inclusive11),
    )
    .unwrap_or_else(|e| panic!("B-T: [{}] {e}", e.code()));
    assert_eq!(signed.level, Level::T);
    let before = std::fs::read(&signed.container).expect("read");

    for target in [Level::Lt, Level::Lta] {
        let mut services = citizen_services();
        let (tsa, ocsp) = services.split();
        let err = extend_container(
            &signed.container,
            target,
            tsa,
            ocsp,
            &known_certificates(),
            &mut NoProgress,
        )
        .expect_err("a revoked signing certificate");
        assert_eq!(err.code(), "SIGNER_REVOKED", "to {target}: {err}");
        assert!(
            std::fs::read(&signed.container).expect("read") == before,
            "extending to {target} changed the container"
        );
    }
    let mut expected = input_names();
    expected.insert("revoked-t.asice".into());
    assert_eq!(dir_names(dir.path()), expected, "no temporary file is left");
    assert_eq!(only_signature(&verify(&signed.container)).level, "B-T");
}

#[test]
fn revoked_holders_b_lt_signature_made_below_the_facade_is_invalid_with_signer_revoked() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // Made as a producer without the facade's check would: the verified "revoked" answer is
    // embedded. The verifier refuses it and says when.
    let dir = tempfile::tempdir().expect("temp dir");
    let container = sign_unchecked(dir.path(), "revoked.asice", "revoked", Level::Lt);
    let report = verify(&container);
    assert_verdict(&report, Verdict::Invalid);
    assert_eq!(report.codes(), [codes::SIGNER_REVOKED]);
    let sig = only_signature(&report);
    assert_eq!(sig.verdict, Verdict::Invalid);
    assert_signer(sig, "3105850789", "citizen-id-card");
    let revocation = sig
        .revocation
        .as_ref()
        .expect("the OCSP answer is reported");
    assert_eq!(revocation.status, "revoked");
    assert_eq!(
        revocation.revoked_at.as_deref(),
        Some("2026-01-01T00:00:00Z")
    );
}

#[test]
fn expired_holders_signature_made_below_the_facade_is_signer_cert_not_valid() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    // Made without the facade's check. With a time-stamp proving the signing time (2021 was
    // long before it) the signature is invalid; without one it is indeterminate: nothing
    // proves it was not made while the certificate was valid.
    let dir = tempfile::tempdir().expect("temp dir");
    let container = sign_unchecked(dir.path(), "expired-lt.asice", "expired", Level::Lt);
    let xml = signature_text(&container);
    assert!(
        xml.contains("SignatureTimeStamp>") && xml.contains("OCSPValues>"),
        "built at B-LT"
    );
    let report = verify(&container);
    assert_verdict(&report, Verdict::Invalid);
    assert_code(&report, codes::SIGNER_CERT_NOT_VALID);
    assert_code(&report, knik_pki::timing::CERT_NOT_VALID_AT_TIMESTAMP);
    assert_signer(only_signature(&report), "1402600321", "citizen-id-card");

    let container = sign_unchecked(dir.path(), "expired-b.asice", "expired", Level::B);
    let report = verify(&container);
    assert_verdict(&report, Verdict::Indeterminate);
    assert_code(&report, codes::SIGNER_CERT_NOT_VALID);
    assert_eq!(only_signature(&report).level, "B-B");
}

#[test]
fn levels_above_b_without_a_service_fail_naming_it_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("offline.asice");
    let err = sign_into(
        dir.path(),
        "offline.asice",
        "citizen",
        &mut Offline,
        &mut Offline,
        &sign_options(Level::T, Algorithm::Inclusive11),
    )
    .expect_err("B-T without a TSA");
    assert_eq!(err.code(), "SERVICE_NOT_CONFIGURED");
    assert!(err.to_string().contains("time-stamp authority"), "{err}");
    assert!(!out.exists(), "a failed signing leaves no container behind");

    if !services_up(&[8889]) {
        return;
    }
    let mut tsa = knik::online::HttpTimeStamping::new(Some(TSA.into()));
    let err = sign_into(
        dir.path(),
        "offline.asice",
        "citizen",
        &mut tsa,
        &mut Offline,
        &sign_options(Level::Lt, Algorithm::Inclusive11),
    )
    .expect_err("B-LT without an OCSP responder");
    assert_eq!(err.code(), "SERVICE_NOT_CONFIGURED");
    assert!(err.to_string().contains("OCSP responder"), "{err}");
    assert!(!out.exists(), "a failed signing leaves no container behind");
}

/// The codes of a JSON report, container and signatures.
fn json_codes(v: &Value) -> Vec<String> {
    let findings = std::iter::once(&v["container"]["findings"]).chain(
        v["signatures"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| &s["findings"]),
    );
    findings
        .flat_map(|f| f.as_array().cloned().unwrap_or_default())
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn json_report_parses_with_stable_fields_and_codes() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let valid = verify(&citizen_container(dir.path(), "lta.asice", Level::Lta));
    let v: Value = serde_json::from_str(&valid.to_json()).expect("the report is JSON");
    assert_eq!(v["format"], "knik-verification-report/1");
    assert_eq!(v["verdict"], "valid");
    assert_eq!(
        keys(&v),
        BTreeSet::from([
            "format",
            "file",
            "verdict",
            "validation_time",
            "container",
            "signatures"
        ])
    );
    assert_eq!(
        keys(&v["container"]),
        BTreeSet::from(["structure", "data_files", "findings"])
    );
    let sig = &v["signatures"][0];
    assert_eq!(
        keys(sig),
        BTreeSet::from([
            "id",
            "file",
            "verdict",
            "level",
            "signer",
            "claimed_signing_time",
            "proven_signing_time",
            "timestamps",
            "revocation",
            "signed_files",
            "signature_method",
            "canonicalization",
            "findings"
        ])
    );
    assert_eq!(sig["level"], "B-LTA");
    assert_eq!(sig["signer"]["personal_number"], "2810770123");
    assert_eq!(sig["signer"]["document_kind_code"], "citizen-id-card");
    assert_eq!(sig["signer"]["document_kind"], "Armenian ID card");
    assert_eq!(sig["revocation"]["status"], "good");
    let kinds: Vec<&str> = sig["timestamps"]
        .as_array()
        .expect("time-stamps")
        .iter()
        .map(|t| t["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["signature", "archive"]);
    // Times are RFC 3339.
    for t in [&v["validation_time"], &sig["proven_signing_time"]] {
        let t = t.as_str().expect("a time");
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    }

    // An invalid report: codes and severities as documented, the same as Report::codes().
    // The facade refuses to make it (see above): it is made below the facade.
    let revoked = sign_unchecked(dir.path(), "revoked.asice", "revoked", Level::Lt);
    let report = verify(&revoked);
    let v: Value = serde_json::from_str(&report.to_json()).expect("the report is JSON");
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(v["signatures"][0]["verdict"], "invalid");
    assert_eq!(json_codes(&v), report.codes());
    assert_eq!(json_codes(&v), ["SIGNER_REVOKED"]);
    let finding = &v["signatures"][0]["findings"][0];
    assert_eq!(finding["severity"], "error");
    assert!(
        finding["message"]
            .as_str()
            .expect("message")
            .contains("2026-01-01"),
        "{finding}"
    );
    assert_eq!(
        v["signatures"][0]["revocation"]["revoked_at"],
        "2026-01-01T00:00:00Z"
    );
}
