//! Certificates made here with the openssl CLI for what the committed test PKI does not cover:
//! the older string types in names, QcType, unusual extensions.

mod common;

use common::{openssl, path_str};
use knik_pki::{Certificate, DocumentKind, Error, Identity, IdentityWarning, PolicyMap};

/// Makes a self-signed P-256 certificate from an openssl `req` config body (sections [dn] and
/// [v3]) and returns it with its `openssl asn1parse` dump.
fn make(config: &str) -> (Certificate, String) {
    let tmp = tempfile::tempdir().unwrap();
    let cnf = tmp.path().join("req.cnf");
    let key = tmp.path().join("key.pem");
    let out = tmp.path().join("cert.pem");
    std::fs::write(
        &cnf,
        format!("[req]\ndistinguished_name=dn\nprompt=no\nutf8=yes\n{config}"),
    )
    .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        path_str(&key),
        "-config",
        path_str(&cnf),
        "-extensions",
        "v3",
        "-days",
        "3",
        "-out",
        path_str(&out),
    ]);
    let dump =
        String::from_utf8_lossy(&openssl(&["asn1parse", "-in", path_str(&out)])).into_owned();
    let cert = Certificate::from_pem(&std::fs::read_to_string(&out).unwrap()).unwrap();
    (cert, dump)
}

#[test]
fn teletex_bmp_and_utf8_names_decode_to_the_same_text() {
    // string_mask=default makes openssl pick T61String for Latin-1 text and BMPString for other
    // BMP text, as older CA software did.
    let (cert, dump) = make(
        "string_mask=default\n[dn]\nC=AM\nSN=MÜLLER\nGN=ԴԱՎԻԹ\nCN=Ⅻ 𝄞 test\nserialNumber=PNOAM-5210880456\n[v3]\nbasicConstraints=CA:FALSE\n",
    );
    assert!(dump.contains("T61STRING"), "{dump}");
    assert!(dump.contains("BMPSTRING"), "{dump}");
    assert!(dump.contains("UTF8STRING"), "{dump}");
    let subject = cert.subject();
    assert_eq!(subject.surname(), Some("MÜLLER"));
    assert_eq!(subject.given_name(), Some("ԴԱՎԻԹ"));
    assert_eq!(subject.common_name(), Some("Ⅻ 𝄞 test"));
    assert_eq!(subject.country(), Some("AM"));
    let names: Vec<_> = subject
        .attributes()
        .iter()
        .map(|a| a.short_name().unwrap())
        .collect();
    assert_eq!(names, ["C", "SN", "GN", "CN", "serialNumber"]);
}

#[test]
fn qc_type_and_custom_policies_are_read() {
    // QCStatements: QcCompliance, QcType { id-etsi-qct-esign }.
    let (cert, _) = make(
        "[dn]\nCN=qc\n[v3]\n1.3.6.1.5.5.7.1.3=DER:30:1F:30:08:06:06:04:00:8E:46:01:01:30:13:06:06:04:00:8E:46:01:06:30:09:06:07:04:00:8E:46:01:06:01\ncertificatePolicies=2.999.1.2,1.3.6.1.4.1.99999.1\n",
    );
    let qc = cert.qc_statements().unwrap();
    assert!(qc.qc_compliance());
    assert!(!qc.qc_sscd());
    assert_eq!(qc.qc_types(), ["0.4.0.1862.1.6.1"]);
    assert_eq!(qc.statement_ids(), ["0.4.0.1862.1.1", "0.4.0.1862.1.6"]);
    assert_eq!(cert.policies(), ["2.999.1.2", "1.3.6.1.4.1.99999.1"]);
    assert!(cert.key_usage().is_none());
    assert!(cert.extended_key_usage().is_none());
}

#[test]
fn legacy_bare_serial_number_and_common_name_fallback() {
    // No SN/GN attributes and a bare number: names come from the common name.
    let (cert, _) = make(
        "[dn]\nC=AM\nCN=KARAPETYAN,NARE,6011750987\nserialNumber=6011750987\n[v3]\ncertificatePolicies=2.999.1.1\n",
    );
    let id = Identity::from_certificate(&cert, &PolicyMap::default()).unwrap();
    assert_eq!(id.surname.as_deref(), Some("KARAPETYAN"));
    assert_eq!(id.given_name.as_deref(), Some("NARE"));
    assert_eq!(id.personal_number, "6011750987");
    assert_eq!(id.identifier_type, None);
    assert_eq!(id.country.as_deref(), Some("AM"));
    assert_eq!(id.document_kind, DocumentKind::CitizenIdCard);
    assert!(id.warnings.is_empty(), "{:?}", id.warnings);

    // No serialNumber at all: the number in the common name.
    let (cert, _) =
        make("[dn]\nC=AM\nCN=KARAPETYAN,NARE,6011750987\n[v3]\nbasicConstraints=CA:FALSE\n");
    let id = Identity::from_certificate(&cert, &PolicyMap::default()).unwrap();
    assert_eq!(id.personal_number, "6011750987");
    assert_eq!(id.semantics_identifier, None);
    assert_eq!(id.document_kind, DocumentKind::Unknown);
}

#[test]
fn odd_identities_come_with_warnings() {
    let (cert, _) = make(
        "[dn]\nC=EE\nSN=PETROSYAN\nGN=ANI\nCN=PETROSYAN,ANI,281077012\nserialNumber=PNOAM-281077012X\n[v3]\ncertificatePolicies=2.999.1.1,2.999.1.3\n",
    );
    let id = Identity::from_certificate(&cert, &PolicyMap::default()).unwrap();
    assert_eq!(id.personal_number, "281077012X");
    assert_eq!(
        id.country.as_deref(),
        Some("AM"),
        "the identifier's country wins"
    );
    assert_eq!(
        id.document_kind,
        DocumentKind::CitizenIdCard,
        "first mapped policy wins"
    );
    assert_eq!(
        id.warnings,
        vec![
            IdentityWarning::CountryMismatch {
                identifier_country: "AM".into(),
                subject_country: "EE".into()
            },
            IdentityWarning::CommonNameMismatch {
                common_name_number: "281077012".into(),
                identifier: "281077012X".into()
            },
            IdentityWarning::MalformedPersonalNumber {
                found: "281077012X".into()
            },
            IdentityWarning::ConflictingDocumentPolicies {
                chosen: DocumentKind::CitizenIdCard,
                ignored: DocumentKind::MobileId
            },
        ]
    );

    let (cert, _) = make("[dn]\nCN=x\nserialNumber=PNOAM-\n[v3]\nbasicConstraints=CA:FALSE\n");
    assert_eq!(
        Identity::from_certificate(&cert, &PolicyMap::default()),
        Err(Error::EmptyIdentifier {
            found: "PNOAM-".into()
        })
    );
}

#[test]
fn duplicate_and_malformed_extensions_are_errors_with_context() {
    let (cert, _) = make("[dn]\nCN=dup\n[v3]\nbasicConstraints=CA:FALSE\n");
    let der = cert.as_der();
    // Turn the basicConstraints OID (55 1D 13) into keyUsage (55 1D 0F): the value (an empty
    // SEQUENCE) is then not a BIT STRING, and the re-encoded certificate has a broken keyUsage.
    let at = der
        .windows(3)
        .position(|w| w == [0x55, 0x1d, 0x13])
        .unwrap();
    let mut bad = der.to_vec();
    bad[at + 2] = 0x0f;
    let err = Certificate::from_der(&bad).unwrap_err();
    assert!(
        matches!(&err, Error::Extension { name: "keyUsage", oid, .. } if oid == "2.5.29.15"),
        "{err:?}"
    );

    // Rename the subjectKeyIdentifier (55 1D 0E), which follows basicConstraints, into a
    // second basicConstraints: RFC 5280 §4.2 forbids repeating an extension.
    let (cert, _) =
        make("[dn]\nCN=dup\n[v3]\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\n");
    let der = cert.as_der();
    let at = der
        .windows(3)
        .position(|w| w == [0x55, 0x1d, 0x0e])
        .unwrap();
    let mut dup = der.to_vec();
    dup[at + 2] = 0x13;
    assert_eq!(
        Certificate::from_der(&dup),
        Err(Error::DuplicateExtension {
            oid: "2.5.29.19".into()
        })
    );

    let mut trailing = der.to_vec();
    trailing.extend_from_slice(&[0, 0]);
    assert_eq!(
        Certificate::from_der(&trailing),
        Err(Error::TrailingData { trailing: 2 })
    );
}
