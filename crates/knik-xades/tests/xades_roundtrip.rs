//! Build → sign with software keys of the test PKI → finish → extend → verify, and the
//! tampering each check must catch.

#[path = "xades_support.rs"]
mod support;

use base64::Engine;
use knik_pki::HashAlgorithm;
use knik_xades::c14n::Algorithm;
use knik_xades::dsig::SignatureMethod;
use knik_xades::xades::{
    self, DigestStatus, Level, PreparedState, ProductionPlace, SignatureCheck, SignatureDocument,
    SignatureOptions, SigningCertificateVersion, VerifyOptions, codes,
};
use support::*;

fn verify_one(xml: &[u8]) -> SignatureCheck {
    let mut checks =
        xades::verify(xml, &mut resolver(), &VerifyOptions::default()).expect("XML reads");
    assert_eq!(checks.len(), 1);
    checks.remove(0)
}

fn assert_intact(check: &SignatureCheck) {
    assert!(check.is_intact(), "findings: {:#?}", check.findings);
    assert!(check.signature_value_ok);
    assert!(check.signing_certificate_matches);
    assert!(
        check
            .references
            .iter()
            .all(|r| r.status == DigestStatus::Ok)
    );
}

fn options(c14n: Algorithm) -> SignatureOptions {
    SignatureOptions {
        c14n,
        signing_time: Some(fixed_time()),
        ..SignatureOptions::default()
    }
}

#[test]
fn p384_c14n11_round_trip_with_layout() {
    let h = holder("citizen");
    let doc = sign_b(&h, &options(Algorithm::Inclusive11));
    let xml = String::from_utf8(doc.to_xml()).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<asic:XAdESSignatures "));
    for needle in [
        "<ds:Signature Id=\"S0\">",
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\"/>",
        "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384\"/>",
        "<ds:Reference Id=\"S0-RefId0\" URI=\"dokument%20%C3%B6.txt\"><ds:DigestMethod",
        "<ds:Reference Id=\"S0-RefId2\" Type=\"http://uri.etsi.org/01903#SignedProperties\" URI=\"#S0-SignedProperties\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\"/></ds:Transforms>",
        "<ds:SignatureValue Id=\"S0-SIG\">",
        "<xades:QualifyingProperties Target=\"#S0\">",
        "<xades:SigningTime>2026-11-22T08:00:00Z</xades:SigningTime>",
        "<xades:SigningCertificateV2><xades:Cert><xades:CertDigest>",
        "<xades:DataObjectFormat ObjectReference=\"#S0-RefId1\"><xades:MimeType>application/octet-stream</xades:MimeType>",
    ] {
        assert!(xml.contains(needle), "missing {needle}\n{xml}");
    }
    assert_eq!(xml.matches("<ds:Object>").count(), 1);
    // The signature value is raw r||s of the P-384 width.
    assert_eq!(doc.signature_value_bytes().unwrap().len(), 96);
    assert_eq!(doc.level(), Level::B);
    let check = verify_one(&doc.to_xml());
    assert_intact(&check);
    assert_eq!(check.level, Some(Level::B));
    assert_eq!(check.signature_method, Some(SignatureMethod::EcdsaSha384));
    assert_eq!(check.canonicalization, Some(Algorithm::Inclusive11));
    assert_eq!(
        check.signing_certificate,
        Some(SigningCertificateVersion::V2)
    );
    assert_eq!(check.claimed_signing_time, Some(fixed_time()));
    assert_eq!(check.signed_properties_reference, Some(2));
    assert_eq!(check.references[0].decoded_name.as_deref(), Some(DATA_NAME));
    assert_eq!(check.references[0].mime_type.as_deref(), Some("text/plain"));
    assert_eq!(
        check.signer_certificate_der.as_deref(),
        Some(h.cert_der.as_slice())
    );
}

#[test]
fn same_input_gives_the_same_bytes() {
    let h = holder("citizen");
    let a = xades::prepare(
        &h.cert_der,
        &data_objects(),
        &options(Algorithm::Inclusive11),
    )
    .unwrap();
    let b = xades::prepare(
        &h.cert_der,
        &data_objects(),
        &options(Algorithm::Inclusive11),
    )
    .unwrap();
    assert_eq!(a.state(), b.state());
    assert_eq!(a.digest_to_sign(), b.digest_to_sign());
    assert_eq!(a.hash_algorithm(), HashAlgorithm::Sha384);
}

#[test]
fn p256_exclusive_v1_der_value_round_trip() {
    let h = holder("mobile");
    let mut o = options(Algorithm::Exclusive10);
    o.signing_certificate_v2 = false;
    o.production_place = Some(ProductionPlace {
        city: Some("Yerevan".to_owned()),
        country_name: Some("AM".to_owned()),
        ..ProductionPlace::default()
    });
    o.claimed_roles = vec!["Director & <CEO>".to_owned()];
    let prepared = xades::prepare(&h.cert_der, &data_objects(), &o).unwrap();
    assert_eq!(prepared.hash_algorithm(), HashAlgorithm::Sha256);
    // Mobile ID and some tokens return DER: finish writes raw r||s of the curve width.
    let der = h.sign(
        prepared.digest_to_sign(),
        prepared.hash_algorithm(),
        false,
        true,
    );
    assert_ne!(der.len(), 64);
    let doc = prepared.finish(&der).unwrap();
    assert_eq!(doc.signature_value_bytes().unwrap().len(), 64);
    let xml = String::from_utf8(doc.to_xml()).unwrap();
    assert!(xml.contains("<xades:IssuerSerial><ds:X509IssuerName>"));
    assert!(xml.contains("http://www.w3.org/2001/10/xml-exc-c14n#"));
    let check = verify_one(xml.as_bytes());
    assert_intact(&check);
    assert_eq!(
        check.signing_certificate,
        Some(SigningCertificateVersion::V1)
    );
    assert_eq!(check.claimed_roles, vec!["Director & <CEO>".to_owned()]);
    assert_eq!(
        check
            .production_place
            .as_ref()
            .and_then(|p| p.city.as_deref()),
        Some("Yerevan")
    );
}

#[test]
fn rsa_pkcs1_and_pss_round_trip() {
    let h = holder("legacy");
    for pss in [false, true] {
        let mut o = options(Algorithm::Inclusive11);
        o.rsa_pss = pss;
        let doc = sign_b(&h, &o);
        let check = verify_one(&doc.to_xml());
        assert_intact(&check);
        let expected = if pss {
            SignatureMethod::RsaPssSha256
        } else {
            SignatureMethod::RsaSha256
        };
        assert_eq!(check.signature_method, Some(expected));
    }
}

#[test]
fn state_round_trips_through_json() {
    let h = holder("citizen");
    let prepared = xades::prepare(
        &h.cert_der,
        &data_objects(),
        &options(Algorithm::Exclusive10),
    )
    .unwrap();
    let digest = prepared.digest_to_sign().to_vec();
    let json = serde_json::to_string(prepared.state()).unwrap();
    drop(prepared);
    // Another process: only the JSON and the card's signature.
    let state: PreparedState = serde_json::from_str(&json).unwrap();
    assert_eq!(state.digest_to_sign().unwrap(), digest);
    let value = h.sign(&digest, HashAlgorithm::Sha384, false, false);
    let doc = state.finish(&value).unwrap();
    assert_intact(&verify_one(&doc.to_xml()));
}

#[test]
fn finish_refuses_a_wrong_value() {
    let h = holder("citizen");
    let prepared = xades::prepare(
        &h.cert_der,
        &data_objects(),
        &options(Algorithm::Inclusive11),
    )
    .unwrap();
    // Signed by someone else (the P-256 mobile key cannot even produce the right width).
    let other = holder("resident");
    let value = other.sign(
        prepared.digest_to_sign(),
        HashAlgorithm::Sha384,
        false,
        false,
    );
    assert!(matches!(
        prepared.clone().finish(&value),
        Err(knik_xades::Error::SignatureValueInvalid { .. })
    ));
    // The right key over another digest.
    let value = h.sign(&[7u8; 48], HashAlgorithm::Sha384, false, false);
    assert!(matches!(
        prepared.finish(&value),
        Err(knik_xades::Error::SignatureValueInvalid { .. })
    ));
}

#[test]
fn tampered_state_is_refused() {
    let h = holder("citizen");
    let prepared = xades::prepare(
        &h.cert_der,
        &data_objects(),
        &options(Algorithm::Inclusive11),
    )
    .unwrap();
    let value = h.sign(
        prepared.digest_to_sign(),
        HashAlgorithm::Sha384,
        false,
        false,
    );
    let json = serde_json::to_string(prepared.state()).unwrap();
    let tampered = json.replace("2026-11-22T08:00:00Z", "2026-11-22T09:00:00Z");
    assert_ne!(json, tampered);
    let state: PreparedState = serde_json::from_str(&tampered).unwrap();
    assert!(matches!(
        state.finish(&value),
        Err(knik_xades::Error::InvalidSignatureInput { .. })
    ));
}

#[test]
fn extension_to_lta_keeps_signed_bytes_and_verifies() {
    let h = holder("citizen");
    let mut doc = sign_b(&h, &options(Algorithm::Inclusive11));
    let b_xml = doc.to_xml();
    let signed_end = String::from_utf8(b_xml.clone())
        .unwrap()
        .find("</xades:SignedProperties>")
        .unwrap();
    extend_to_lta(&mut doc, "citizen", "citizen-ca");
    let xml = doc.to_xml();
    // Everything up to the end of SignedProperties is byte for byte the same.
    assert_eq!(&xml[..signed_end], &b_xml[..signed_end]);
    let text = String::from_utf8(xml.clone()).unwrap();
    for needle in [
        "<xades:UnsignedProperties><xades:UnsignedSignatureProperties><xades:SignatureTimeStamp Id=\"S0-T0\"><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\"/><xades:EncapsulatedTimeStamp>",
        "<xades:CertificateValues><xades:EncapsulatedX509Certificate>",
        "<xades:RevocationValues><xades:OCSPValues><xades:EncapsulatedOCSPValue>",
        "<xades141:ArchiveTimeStamp xmlns:xades141=\"http://uri.etsi.org/01903/v1.4.1#\" Id=\"S0-A0\"><ds:CanonicalizationMethod",
    ] {
        assert!(text.contains(needle), "missing {needle}\n{text}");
    }
    assert_eq!(doc.level(), Level::Lta);
    let check = verify_one(&xml);
    assert_intact(&check);
    assert_eq!(check.level, Some(Level::Lta));
    assert_eq!(check.signature_timestamps.len(), 1);
    assert!(check.signature_timestamps[0].imprint_ok);
    assert!(check.signature_timestamps[0].gen_time.is_some());
    assert_eq!(check.archive_timestamps.len(), 1);
    assert!(check.archive_timestamps[0].imprint_ok);
    assert_eq!(check.certificate_values.len(), 4);
    assert_eq!(check.ocsp_responses.len(), 1);
    assert_eq!(check.data_references().count(), 2);
    let tsa = std::fs::read(pki_dir().join("tsa.der")).unwrap();
    let carried = check.certificates();
    assert_eq!(carried[0].as_der(), h.cert_der.as_slice(), "signer first");
    assert!(carried.iter().any(|c| c.as_der() == tsa.as_slice()));
    assert!(
        doc.timestamp_certificates()
            .unwrap()
            .iter()
            .any(|c| c.as_der() == tsa.as_slice())
    );

    // Re-read from bytes (another producer's file would come this way) and extend again.
    let mut again = SignatureDocument::from_xml(xml.clone(), None).unwrap();
    assert_eq!(again.level(), Level::Lta);
    again
        .add_validation_data(&[std::fs::read(pki_dir().join("tsa.der")).unwrap()], &[])
        .unwrap();
    assert_eq!(
        again.to_xml(),
        xml,
        "certificates already present are not added twice"
    );
    let imprint = again
        .archive_timestamp_imprint(HashAlgorithm::Sha256, &mut resolver())
        .unwrap();
    again
        .add_archive_timestamp(
            &timestamp_token(&imprint, HashAlgorithm::Sha256),
            &mut resolver(),
        )
        .unwrap();
    let check = verify_one(&again.to_xml());
    assert_intact(&check);
    assert_eq!(check.archive_timestamps.len(), 2);
    assert!(check.archive_timestamps.iter().all(|t| t.imprint_ok));
    assert!(again.to_xml().starts_with(&xml[..xml.len() - 200]));
}

#[test]
fn b_to_lt_without_archive() {
    let h = holder("mobile");
    let mut doc = sign_b(&h, &options(Algorithm::Exclusive10));
    let imprint = doc
        .signature_timestamp_imprint(HashAlgorithm::Sha256)
        .unwrap();
    doc.add_signature_timestamp(&timestamp_token(&imprint, HashAlgorithm::Sha256))
        .unwrap();
    assert_eq!(doc.level(), Level::T);
    doc.add_validation_data(
        &[std::fs::read(pki_dir().join("mobile-id-ca.der")).unwrap()],
        &[ocsp_response("mobile", "mobile-id-ca")],
    )
    .unwrap();
    assert_eq!(doc.level(), Level::Lt);
    let check = verify_one(&doc.to_xml());
    assert_intact(&check);
    assert_eq!(check.level, Some(Level::Lt));
    assert_eq!(
        check.signature_timestamps[0].canonicalization,
        Algorithm::Exclusive10
    );
}

// ---- tampering ----

fn b_xml() -> String {
    String::from_utf8(sign_b(&holder("citizen"), &options(Algorithm::Inclusive11)).to_xml())
        .unwrap()
}

fn error_codes(check: &SignatureCheck) -> Vec<&'static str> {
    check
        .findings
        .iter()
        .filter(|f| f.severity == xades::Severity::Error)
        .map(|f| f.code)
        .collect()
}

#[test]
fn changed_data_is_a_digest_mismatch() {
    let xml = b_xml();
    let mut data = resolver();
    data.insert(
        DATA_URI.to_owned(),
        b"Hello, knik!\nA document to sign!\n".to_vec(),
    );
    let check = xades::verify(xml.as_bytes(), &mut data, &VerifyOptions::default())
        .unwrap()
        .remove(0);
    assert_eq!(error_codes(&check), vec![codes::DATA_DIGEST_MISMATCH]);
    assert!(check.signature_value_ok);
    assert!(matches!(
        check.references[0].status,
        DigestStatus::Mismatch { .. }
    ));
    data.remove(DATA2_URI);
    let check = xades::verify(xml.as_bytes(), &mut data, &VerifyOptions::default())
        .unwrap()
        .remove(0);
    assert!(check.has(codes::REFERENCE_NOT_FOUND));
    assert_eq!(check.references[1].status, DigestStatus::NotFound);
}

#[test]
fn changed_signed_properties_are_caught() {
    let xml = b_xml().replace("2026-11-22T08:00:00Z", "2026-11-21T08:00:00Z");
    let check = verify_one(xml.as_bytes());
    assert_eq!(
        error_codes(&check),
        vec![codes::SIGNED_PROPERTIES_DIGEST_MISMATCH]
    );
}

#[test]
fn swapped_signing_certificate_is_caught() {
    let xml = b_xml();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mine = b64.encode(holder("citizen").cert_der);
    let other = b64.encode(holder("resident").cert_der);
    // Replaced: the value no longer verifies and the signed properties name another cert.
    let swapped = xml.replace(&mine, &other);
    let check = verify_one(swapped.as_bytes());
    let errors = error_codes(&check);
    assert!(
        errors.contains(&codes::SIGNATURE_VALUE_INVALID),
        "{errors:?}"
    );
    assert!(
        errors.contains(&codes::SIGNING_CERTIFICATE_MISMATCH),
        "{errors:?}"
    );
    // Key substitution: another certificate placed first in KeyInfo.
    let prepended = xml.replace(
        "<ds:X509Data><ds:X509Certificate>",
        &format!(
            "<ds:X509Data><ds:X509Certificate>{other}</ds:X509Certificate><ds:X509Certificate>"
        ),
    );
    let check = verify_one(prepended.as_bytes());
    assert!(check.has(codes::SIGNING_CERTIFICATE_MISMATCH));
    assert!(check.has(codes::KEY_INFO_SEVERAL_CERTIFICATES));
    assert!(!check.is_intact());
}

#[test]
fn flipped_signature_value_is_caught() {
    let h = holder("citizen");
    let doc = sign_b(&h, &options(Algorithm::Inclusive11));
    let b64 = base64::engine::general_purpose::STANDARD;
    let value = doc.signature_value_bytes().unwrap();
    let mut flipped = value.clone();
    flipped[10] ^= 0x01;
    let xml = String::from_utf8(doc.to_xml())
        .unwrap()
        .replace(&b64.encode(&value), &b64.encode(&flipped));
    let check = verify_one(xml.as_bytes());
    assert_eq!(error_codes(&check), vec![codes::SIGNATURE_VALUE_INVALID]);
    assert!(!check.signature_value_ok);
}

#[test]
fn duplicate_id_is_refused_as_wrapping() {
    let xml = b_xml();
    let start = xml.find("<xades:SignedProperties").unwrap();
    let end = xml.find("</xades:SignedProperties>").unwrap() + "</xades:SignedProperties>".len();
    let copy = &xml[start..end];
    let wrapped = xml.replace(
        "</ds:Signature>",
        &format!("<ds:Object>{copy}</ds:Object></ds:Signature>"),
    );
    let err = xades::verify(
        wrapped.as_bytes(),
        &mut resolver(),
        &VerifyOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, knik_xades::Error::DuplicateId { ref id, .. } if id == "S0-SignedProperties"),
        "{err:?}"
    );
}

#[test]
fn second_object_and_wrong_target_are_errors() {
    let xml = b_xml();
    let extra = xml.replace(
        "</ds:Signature>",
        "<ds:Object><x/></ds:Object></ds:Signature>",
    );
    assert!(verify_one(extra.as_bytes()).has(codes::OBJECT_NOT_UNIQUE));
    // Target is not signed, so only the structural check can catch this.
    let target = xml.replace("Target=\"#S0\"", "Target=\"#S1\"");
    assert_eq!(
        error_codes(&verify_one(target.as_bytes())),
        vec![codes::QUALIFYING_PROPERTIES_TARGET_MISMATCH]
    );
}

#[test]
fn unreferenced_signed_properties_are_an_error() {
    // Rebuild a signature whose SignedInfo has no SignedProperties reference: drop it from
    // the XML and re-sign SignedInfo with the holder's key by hand is not possible through the
    // API, so check the structural rule on the unsigned rewrite: the value breaks too.
    let xml = b_xml();
    let start = xml.find("<ds:Reference Id=\"S0-RefId2\"").unwrap();
    let end = xml[start..].find("</ds:Reference>").unwrap() + start + "</ds:Reference>".len();
    let stripped = format!("{}{}", &xml[..start], &xml[end..]);
    let check = verify_one(stripped.as_bytes());
    assert!(check.has(codes::SIGNED_PROPERTIES_NOT_REFERENCED));
    assert!(check.has(codes::SIGNATURE_VALUE_INVALID));
}

#[test]
fn wrong_timestamp_imprint_is_refused_and_caught() {
    let h = holder("citizen");
    let mut doc = sign_b(&h, &options(Algorithm::Inclusive11));
    let wrong = timestamp_token(&[0x11; 32], HashAlgorithm::Sha256);
    assert!(matches!(
        doc.add_signature_timestamp(&wrong),
        Err(knik_xades::Error::Pki {
            source: knik_pki::Error::TspImprintMismatch { .. },
            ..
        })
    ));
    // A valid B-T signature whose token is swapped for the wrong one.
    let imprint = doc
        .signature_timestamp_imprint(HashAlgorithm::Sha256)
        .unwrap();
    let good = timestamp_token(&imprint, HashAlgorithm::Sha256);
    doc.add_signature_timestamp(&good).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let xml = String::from_utf8(doc.to_xml())
        .unwrap()
        .replace(&b64.encode(&good), &b64.encode(&wrong));
    let check = verify_one(xml.as_bytes());
    assert_eq!(error_codes(&check), vec![codes::TIMESTAMP_IMPRINT_MISMATCH]);
    assert!(!check.signature_timestamps[0].imprint_ok);
}

#[test]
fn archive_timestamp_catches_later_changes_to_unsigned_data() {
    let h = holder("citizen");
    let mut doc = sign_b(&h, &options(Algorithm::Inclusive11));
    extend_to_lta(&mut doc, "citizen", "citizen-ca");
    let xml = String::from_utf8(doc.to_xml()).unwrap();
    // Drop the OCSP response the archive time-stamp covers.
    let start = xml.find("<xades:RevocationValues>").unwrap();
    let end = xml.find("</xades:RevocationValues>").unwrap() + "</xades:RevocationValues>".len();
    let changed = format!("{}{}", &xml[..start], &xml[end..]);
    let check = verify_one(changed.as_bytes());
    assert_eq!(
        error_codes(&check),
        vec![codes::ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH]
    );
}

#[test]
fn prepare_refuses_bad_input() {
    let h = holder("citizen");
    let mut bad = data_objects();
    bad[0].uri = "has space.txt".to_owned();
    assert!(xades::prepare(&h.cert_der, &bad, &SignatureOptions::default()).is_err());
    let mut bad = data_objects();
    bad[0].mime_type = "text".to_owned();
    assert!(xades::prepare(&h.cert_der, &bad, &SignatureOptions::default()).is_err());
    let mut bad = data_objects();
    bad[0].digest.pop();
    assert!(xades::prepare(&h.cert_der, &bad, &SignatureOptions::default()).is_err());
    assert!(xades::prepare(&h.cert_der, &[], &SignatureOptions::default()).is_err());
    let o = SignatureOptions {
        id: "1bad".to_owned(),
        ..SignatureOptions::default()
    };
    assert!(xades::prepare(&h.cert_der, &data_objects(), &o).is_err());
    assert!(xades::prepare(b"not a cert", &data_objects(), &SignatureOptions::default()).is_err());
}

/// Rough timings (run with `--release -- --ignored --nocapture`): phase 1, phase 2, verify
/// of a B-LTA signature over a 64 MiB data object.
#[test]
#[ignore = "timing, not a check"]
fn timings() {
    use std::time::Instant;
    let h = holder("citizen");
    let big = vec![0x5au8; 64 << 20];
    let t = Instant::now();
    let digest = HashAlgorithm::Sha256.digest(&big);
    let hash_time = t.elapsed();
    let data = vec![knik_xades::xades::DataObject {
        uri: "big.bin".to_owned(),
        mime_type: "application/octet-stream".to_owned(),
        digest_algorithm: HashAlgorithm::Sha256,
        digest,
    }];
    let t = Instant::now();
    let prepared = xades::prepare(&h.cert_der, &data, &options(Algorithm::Inclusive11)).unwrap();
    let prepare_time = t.elapsed();
    let value = h.sign(
        prepared.digest_to_sign(),
        prepared.hash_algorithm(),
        false,
        false,
    );
    let t = Instant::now();
    let mut doc = prepared.finish(&value).unwrap();
    let finish_time = t.elapsed();
    let mut res = std::collections::BTreeMap::from([("big.bin".to_owned(), big)]);
    let imprint = doc
        .signature_timestamp_imprint(HashAlgorithm::Sha256)
        .unwrap();
    doc.add_signature_timestamp(&timestamp_token(&imprint, HashAlgorithm::Sha256))
        .unwrap();
    let imprint = doc
        .archive_timestamp_imprint(HashAlgorithm::Sha256, &mut res)
        .unwrap();
    doc.add_archive_timestamp(&timestamp_token(&imprint, HashAlgorithm::Sha256), &mut res)
        .unwrap();
    let t = Instant::now();
    let checks = xades::verify(&doc.to_xml(), &mut res, &VerifyOptions::default()).unwrap();
    let verify_time = t.elapsed();
    assert!(checks[0].is_intact(), "{:#?}", checks[0].findings);
    eprintln!(
        "SHA-256 of 64 MiB {hash_time:?}; prepare {prepare_time:?}; finish {finish_time:?}; \
         verify B-LTA (data hashed twice: reference + archive time-stamp) {verify_time:?}; \
         file {} bytes",
        doc.to_xml().len()
    );
}
