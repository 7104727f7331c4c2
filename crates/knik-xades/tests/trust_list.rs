//! The test trusted list of test-vectors/tsl (signed by xmlsec1, see its generate.sh): it
//! loads, its services become trust anchors with their history, and a tampered list, a list
//! signed by someone else, an expired list and a foreign territory are refused.

use std::path::{Path, PathBuf};

use knik_pki::trust::{service_status, service_type};
use knik_pki::{AnchorSource, Certificate, PathOptions, TrustStore, validate_path};
use knik_xades::trust_list::{ExpiredList, LoadOptions, TrustList, TrustListError};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

fn read(relative: &str) -> Vec<u8> {
    std::fs::read(vectors().join(relative)).expect("test vector")
}

fn cert(relative: &str) -> Certificate {
    Certificate::from_pem(&String::from_utf8(read(relative)).unwrap()).expect("certificate")
}

fn signers() -> Vec<Certificate> {
    vec![cert("tsl/tsl-signer.pem")]
}

fn load(xml: &[u8]) -> Result<TrustList, TrustListError> {
    TrustList::load(xml, &LoadOptions::new(&signers(), NOW).territory("AM"))
}

#[test]
fn the_armenian_test_list_loads() {
    let list = load(&read("tsl/am-tl.xml")).expect("list");
    assert_eq!(list.territory(), "AM");
    assert_eq!(list.sequence_number(), 3);
    assert_eq!(list.version(), 5);
    assert_eq!(list.issue_date(), datetime!(2026-11-01 0:00 UTC));
    assert_eq!(list.next_update(), Some(datetime!(2075-01-01 0:00 UTC)));
    assert_eq!(list.signer(), &cert("tsl/tsl-signer.pem"));
    assert!(list.warnings().is_empty());
    let names: Vec<(&str, &str)> = list
        .providers()
        .iter()
        .flat_map(|p| {
            p.services
                .iter()
                .map(|s| (s.name.as_str(), s.service_type.as_str()))
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Test Citizen CA", service_type::CA_QC),
            ("Test Citizen CA OCSP Responder", service_type::OCSP_QC),
            ("Test Resident CA", service_type::CA_QC),
            ("Test Resident CA OCSP Responder", service_type::OCSP_QC),
            ("Test AM TSA", service_type::TSA_QTST),
            ("Test Mobile-ID CA", service_type::CA_QC),
            ("Test Mobile-ID CA OCSP Responder", service_type::OCSP_QC),
        ]
    );
    let citizen = &list.providers()[0].services[0];
    assert_eq!(citizen.certificates, [cert("pki/citizen-ca.pem")]);
    assert_eq!(citizen.status, service_status::GRANTED);
    let mobile = &list.providers()[1].services[0];
    assert_eq!(mobile.history.len(), 2);
}

#[test]
fn services_become_anchors_with_history() {
    let list = load(&read("tsl/am-tl.xml")).unwrap();
    let mut store = TrustStore::new();
    assert_eq!(
        list.add_services_to_store(&mut store, &[service_type::CA_QC]),
        3
    );
    assert_eq!(
        list.add_to_store(&mut store),
        4,
        "OCSP responders and the TSA"
    );
    assert_eq!(store.len(), 7);

    let path = validate_path(
        &cert("pki/holders/citizen/sign.pem"),
        &[],
        &store,
        NOW,
        PathOptions::default(),
    )
    .expect("citizen holder chains to the listed CA");
    match path.anchor().source() {
        AnchorSource::TrustList {
            territory,
            sequence_number,
            provider,
            service,
        } => {
            assert_eq!(territory, "AM");
            assert_eq!(*sequence_number, 3);
            assert_eq!(provider, "Test AM eID Trust Service Provider");
            assert_eq!(service.name, "Test Citizen CA");
        }
        other => panic!("{other:?}"),
    }

    // Test Mobile-ID CA: granted 2019, withdrawn 2022, granted again from 2025.
    let mobile = cert("pki/holders/mobile/sign.pem");
    validate_path(&mobile, &[], &store, NOW, PathOptions::default()).expect("granted now");
    let anchor = store
        .anchors()
        .iter()
        .find(|a| a.certificate() == &cert("pki/mobile-id-ca.pem"))
        .unwrap();
    assert!(anchor.is_trusted_at(datetime!(2020-06-01 0:00 UTC)));
    assert!(!anchor.is_trusted_at(datetime!(2023-06-01 0:00 UTC)));
    assert!(anchor.is_trusted_at(datetime!(2025-06-01 0:00 UTC)));

    // The TSA certificate is itself an anchor.
    let tsa = validate_path(
        &cert("pki/tsa.pem"),
        &[],
        &store,
        NOW,
        PathOptions::default(),
    )
    .expect("TSA listed");
    assert_eq!(tsa.chain().len(), 1);

    // The Estonian holder is not covered.
    let err = validate_path(
        &cert("pki/holders/ee/sign.pem"),
        &[],
        &store,
        NOW,
        PathOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "CHAIN_NO_ANCHOR");
}

#[test]
fn a_tampered_list_fails() {
    let xml = String::from_utf8(read("tsl/am-tl.xml")).unwrap();
    // A service renamed after signing.
    let tampered = xml.replacen("Test Resident CA<", "Test Evil CA<", 1);
    assert_ne!(tampered, xml);
    let err = load(tampered.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "TSL_DIGEST_MISMATCH", "{err}");
    // A status changed after signing.
    let tampered = xml.replace(
        "Svcstatus/withdrawn</tsl:ServiceStatus>",
        "Svcstatus/granted</tsl:ServiceStatus>",
    );
    assert_ne!(tampered, xml);
    assert_eq!(
        load(tampered.as_bytes()).unwrap_err().code(),
        "TSL_DIGEST_MISMATCH"
    );
    // The SignedInfo changed (the digest value replaced): the signature value fails.
    let start = xml.find("<ds:DigestValue>").unwrap() + "<ds:DigestValue>".len();
    let mut bytes = xml.into_bytes();
    bytes[start] = if bytes[start] == b'A' { b'B' } else { b'A' };
    assert_eq!(load(&bytes).unwrap_err().code(), "TSL_SIGNATURE_INVALID");
}

#[test]
fn a_list_signed_by_someone_else_fails() {
    let err = load(&read("tsl/am-tl-impostor.xml")).unwrap_err();
    assert_eq!(
        err,
        TrustListError::UnknownSigner {
            subject: cert("tsl/impostor.pem").subject().to_rfc4514()
        }
    );
    // Without KeyInfo, the configured signer's key is tried and fails.
    let xml = String::from_utf8(read("tsl/am-tl-impostor.xml")).unwrap();
    let start = xml.find("<ds:KeyInfo>").unwrap();
    let end = xml.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
    let stripped = format!("{}{}", &xml[..start], &xml[end..]);
    assert_eq!(
        load(stripped.as_bytes()).unwrap_err().code(),
        "TSL_SIGNATURE_INVALID"
    );
    // Trusting the impostor makes its list load: the check is about who is configured.
    let impostor = [cert("tsl/impostor.pem")];
    TrustList::load(
        &read("tsl/am-tl-impostor.xml"),
        &LoadOptions::new(&impostor, NOW),
    )
    .expect("configured impostor");
    // And with no signer configured nothing loads.
    let err = TrustList::load(&read("tsl/am-tl.xml"), &LoadOptions::new(&[], NOW)).unwrap_err();
    assert_eq!(err, TrustListError::NoSignerConfigured);
}

#[test]
fn an_unsigned_list_fails() {
    let xml = String::from_utf8(read("tsl/am-tl.xml")).unwrap();
    let start = xml.find("<ds:Signature").unwrap();
    let end = xml.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let unsigned = format!("{}{}", &xml[..start], &xml[end..]);
    assert_eq!(
        load(unsigned.as_bytes()).unwrap_err().code(),
        "TSL_NOT_SIGNED"
    );
}

#[test]
fn expiry_is_an_error_or_a_warning() {
    let later = datetime!(2075-06-01 0:00 UTC);
    let signers = signers();
    let err =
        TrustList::load(&read("tsl/am-tl.xml"), &LoadOptions::new(&signers, later)).unwrap_err();
    assert_eq!(err.code(), "TSL_EXPIRED");
    let list = TrustList::load(
        &read("tsl/am-tl.xml"),
        &LoadOptions::new(&signers, later).expired(ExpiredList::Warn),
    )
    .expect("loaded with a warning");
    assert_eq!(list.warnings().len(), 1);
    assert_eq!(list.warnings()[0].code, "TSL_EXPIRED");
}

#[test]
fn another_territory_is_refused() {
    let signers = signers();
    let err = TrustList::load(
        &read("tsl/am-tl.xml"),
        &LoadOptions::new(&signers, NOW).territory("EE"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TrustListError::TerritoryMismatch {
            expected: "EE".into(),
            found: "AM".into()
        }
    );
}

#[test]
fn other_documents_are_not_trust_lists() {
    let err = load(b"<x:Other xmlns:x=\"urn:x\"/>").unwrap_err();
    assert_eq!(err.code(), "TSL_NOT_A_TRUST_LIST");
    let err = load(b"<!DOCTYPE x [<!ENTITY a \"b\">]><x/>").unwrap_err();
    assert_eq!(err.code(), "TSL_XML_INVALID");
}
