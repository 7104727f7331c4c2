//! Reading the committed test PKI: every accessor against what the generator wrote (and, where
//! a second opinion is cheap, against the openssl CLI).

mod common;

use common::{cert, openssl, path_str, pki_dir};
use knik_pki::{Certificate, Error, PublicKey};
use time::macros::datetime;

const HOLDERS: &[&str] = &[
    "citizen", "resident", "revoked", "expired", "blocked", "legacy", "mobile", "ee",
];

#[test]
fn key_types_match_the_card_profiles() {
    for (holder, expected) in [
        ("citizen", "EC P-384"),
        ("resident", "EC P-384"),
        ("blocked", "EC P-384"),
        ("ee", "EC P-384"),
        ("legacy", "RSA 2048"),
        ("mobile", "EC P-256"),
    ] {
        for role in ["auth", "sign"] {
            let c = cert(&format!("holders/{holder}/{role}.pem"));
            assert_eq!(c.key_description(), expected, "{holder} {role}");
        }
    }
    assert!(matches!(
        cert("holders/citizen/auth.pem").public_key(),
        PublicKey::EcP384(_)
    ));
    assert!(matches!(
        cert("holders/mobile/auth.pem").public_key(),
        PublicKey::EcP256(_)
    ));
    match cert("holders/legacy/sign.pem").public_key() {
        PublicKey::Rsa(k) => {
            assert_eq!(k.bits(), 2048);
            assert_eq!(k.public_exponent(), vec![0x01, 0x00, 0x01]);
        }
        other => panic!("legacy key is {other:?}"),
    }
    assert_eq!(cert("root.pem").key_description(), "EC P-384");
}

#[test]
fn authentication_and_signing_certificates_have_their_usages() {
    for holder in HOLDERS {
        let auth = cert(&format!("holders/{holder}/auth.pem"));
        let ku = auth.key_usage().expect("auth keyUsage");
        assert!(ku.digital_signature() && !ku.non_repudiation(), "{holder}");
        assert_eq!(ku.names(), ["digitalSignature"]);
        let eku = auth.extended_key_usage().expect("auth EKU");
        assert!(eku.is_client_auth() && !eku.is_ocsp_signing() && !eku.is_time_stamping());
        assert!(auth.qc_statements().is_none(), "{holder}");

        let sign = cert(&format!("holders/{holder}/sign.pem"));
        let ku = sign.key_usage().expect("sign keyUsage");
        assert!(ku.non_repudiation() && !ku.digital_signature(), "{holder}");
        assert!(sign.extended_key_usage().is_none(), "{holder}");
        assert!(
            sign.has_policy("0.4.0.194112.1.2"),
            "{holder}: {:?}",
            sign.policies()
        );
        let qc = sign.qc_statements().expect("sign qcStatements");
        assert!(qc.qc_compliance() && qc.qc_sscd(), "{holder}");
        assert!(qc.qc_types().is_empty());

        for c in [&auth, &sign] {
            assert!(!c.is_ca(), "{holder}");
            assert_eq!(c.basic_constraints().map(|b| b.ca), Some(false));
            assert!(c.unhandled_critical_extensions().is_empty(), "{holder}");
            assert_eq!(c.version(), 3);
            // keyUsage is critical on every holder certificate (EN 319 412-2 §4.3.2).
            let ku_ext = c
                .extensions()
                .iter()
                .find(|e| e.oid() == "2.5.29.15")
                .unwrap();
            assert!(ku_ext.is_critical());
        }
    }
    // The document kind policy is in both certificates of a holder.
    for (holder, policy) in [
        ("citizen", "2.999.1.1"),
        ("resident", "2.999.1.2"),
        ("mobile", "2.999.1.3"),
    ] {
        for role in ["auth", "sign"] {
            assert!(cert(&format!("holders/{holder}/{role}.pem")).has_policy(policy));
        }
    }
}

#[test]
fn service_certificates_have_their_usages() {
    for ca in ["citizen-ca", "resident-ca", "mobile-id-ca"] {
        let ocsp = cert(&format!("{ca}-ocsp.pem"));
        let eku = ocsp.extended_key_usage().unwrap();
        assert!(eku.is_ocsp_signing() && !eku.is_client_auth(), "{ca}");
        // id-pkix-ocsp-nocheck is read as a raw extension.
        assert!(
            ocsp.extensions()
                .iter()
                .any(|e| e.oid() == "1.3.6.1.5.5.7.48.1.5")
        );

        let issuing = cert(&format!("{ca}.pem"));
        let bc = issuing.basic_constraints().unwrap();
        assert!(bc.ca);
        assert_eq!(bc.path_len, Some(0));
        let ku = issuing.key_usage().unwrap();
        assert!(ku.key_cert_sign() && ku.crl_sign());
    }
    let tsa = cert("tsa.pem");
    let eku = tsa.extended_key_usage().unwrap();
    assert!(eku.is_time_stamping());
    assert!(
        eku.is_critical(),
        "RFC 3161 §2.3: the TSA EKU must be critical"
    );
    assert!(cert("root.pem").is_ca());
    assert!(cert("root.pem").is_self_issued());
    assert!(!cert("citizen-ca.pem").is_self_issued());
}

#[test]
fn ocsp_urls_and_key_identifiers_link_holders_to_their_ca() {
    for (holder, ca, url) in [
        ("citizen", "citizen-ca", Some("http://127.0.0.1:8881/")),
        ("resident", "resident-ca", Some("http://127.0.0.1:8882/")),
        ("mobile", "mobile-id-ca", Some("http://127.0.0.1:8883/")),
        ("ee", "ee-root", None),
    ] {
        let ca = cert(&format!("{ca}.pem"));
        for role in ["auth", "sign"] {
            let c = cert(&format!("holders/{holder}/{role}.pem"));
            assert_eq!(c.ocsp_urls().first().map(String::as_str), url, "{holder}");
            assert_eq!(
                c.authority_key_identifier(),
                ca.subject_key_identifier(),
                "{holder}"
            );
            assert!(c.subject_key_identifier().is_some());
            assert_eq!(c.issuer(), ca.subject());
        }
    }
}

#[test]
fn validity_periods() {
    let good = cert("holders/citizen/auth.pem");
    assert_eq!(good.not_before(), datetime!(2025-01-01 00:00:00 UTC));
    assert_eq!(good.not_after(), datetime!(2075-01-01 00:00:00 UTC));
    assert!(good.is_valid_at(datetime!(2026-06-01 12:00:00 UTC)));
    // Both ends are inclusive (RFC 5280 §4.1.2.5).
    assert!(good.is_valid_at(datetime!(2025-01-01 00:00:00 UTC)));
    assert!(good.is_valid_at(datetime!(2075-01-01 00:00:00 UTC)));
    assert!(!good.is_valid_at(datetime!(2024-12-31 23:59:59 UTC)));
    assert!(!good.is_valid_at(datetime!(2075-01-01 00:00:01 UTC)));

    let expired = cert("holders/expired/sign.pem");
    assert_eq!(expired.not_before(), datetime!(2020-01-01 00:00:00 UTC));
    assert_eq!(expired.not_after(), datetime!(2021-01-01 00:00:00 UTC));
    assert!(!expired.is_valid_at(datetime!(2026-06-01 12:00:00 UTC)));
    assert!(expired.is_valid_at(datetime!(2020-06-01 00:00:00 UTC)));

    let root = cert("root.pem");
    assert_eq!(root.not_before(), datetime!(2019-01-01 00:00:00 UTC));
    assert_eq!(root.not_after(), datetime!(2080-01-01 00:00:00 UTC));
}

#[test]
fn serial_and_fingerprint_agree_with_openssl() {
    for holder in HOLDERS {
        let rel = format!("holders/{holder}/sign.pem");
        let path = pki_dir().join(&rel);
        let c = cert(&rel);
        let serial = String::from_utf8(openssl(&[
            "x509",
            "-in",
            path_str(&path),
            "-noout",
            "-serial",
        ]))
        .unwrap();
        assert_eq!(
            format!("serial={}", c.serial_number_hex()),
            serial.trim(),
            "{holder}"
        );
        let fp = String::from_utf8(openssl(&[
            "x509",
            "-in",
            path_str(&path),
            "-noout",
            "-fingerprint",
            "-sha256",
        ]))
        .unwrap();
        let fp = fp
            .trim()
            .rsplit('=')
            .next()
            .unwrap()
            .replace(':', "")
            .to_lowercase();
        assert_eq!(c.fingerprint_sha256_hex(), fp, "{holder}");
    }
    assert_eq!(cert("holders/citizen/sign.pem").serial_number_hex(), "2002");
}

#[test]
fn der_pem_and_chains_load_the_same_certificates() {
    let dir = pki_dir();
    for holder in HOLDERS {
        let der = std::fs::read(dir.join(format!("holders/{holder}/auth.der"))).unwrap();
        let from_der = Certificate::from_der(&der).unwrap();
        let from_pem = cert(&format!("holders/{holder}/auth.pem"));
        assert_eq!(from_der, from_pem);
        assert_eq!(from_der.as_der(), der.as_slice());
        // PEM out and back.
        assert_eq!(Certificate::from_pem(&from_der.to_pem()).unwrap(), from_der);
        assert_eq!(
            Certificate::from_der_or_pem(&der).unwrap(),
            vec![from_der.clone()]
        );
    }

    let chain_text = std::fs::read_to_string(dir.join("chain-citizen-ca.pem")).unwrap();
    let chain = Certificate::from_pem_chain(&chain_text).unwrap();
    assert_eq!(chain, vec![cert("citizen-ca.pem"), cert("root.pem")]);
    assert_eq!(
        Certificate::from_der_or_pem(chain_text.as_bytes()).unwrap(),
        chain
    );
    assert_eq!(
        Certificate::from_pem(&chain_text),
        Err(Error::PemCertificateCount {
            expected: "1",
            found: 2
        })
    );

    // CRLF line endings, text around the block and a key block in between are all tolerated.
    let crlf = format!(
        "Subject: whatever\r\n{}\r\n{}",
        std::fs::read_to_string(dir.join("holders/citizen/auth.key")).unwrap(),
        chain_text.replace('\n', "\r\n")
    );
    assert_eq!(Certificate::from_pem_chain(&crlf).unwrap(), chain);

    // Base64 laid out other than in 64-column lines: one line, 76 columns (MIME), with an
    // RFC 1421 header line.
    let der = std::fs::read(dir.join("holders/citizen/auth.der")).unwrap();
    let expected = Certificate::from_der(&der).unwrap();
    let b64 = expected
        .to_pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    let wrap =
        |body: String| format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
    let mime: Vec<String> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    for text in [
        wrap(b64.clone()),
        wrap(mime.join("\n")),
        wrap(format!("Proc-Type: 4,ENCRYPTED\n\n{b64}")),
    ] {
        assert_eq!(Certificate::from_pem(&text).unwrap(), expected, "{text}");
    }

    assert_eq!(
        Certificate::from_pem_chain("no certificates here"),
        Err(Error::PemCertificateCount {
            expected: "at least 1",
            found: 0
        })
    );
}

#[test]
fn every_certificate_verifies_against_its_issuer() {
    let root = cert("root.pem");
    let ee_root = cert("ee-root.pem");
    root.verify_issued_by(&root).unwrap();
    ee_root.verify_issued_by(&ee_root).unwrap();
    cert("tsa.pem").verify_issued_by(&root).unwrap();
    for (ca_name, holders) in [
        (
            "citizen-ca",
            &["citizen", "revoked", "expired", "blocked", "legacy"][..],
        ),
        ("resident-ca", &["resident"][..]),
        ("mobile-id-ca", &["mobile"][..]),
    ] {
        let ca = cert(&format!("{ca_name}.pem"));
        ca.verify_issued_by(&root).unwrap();
        cert(&format!("{ca_name}-ocsp.pem"))
            .verify_issued_by(&ca)
            .unwrap();
        for holder in holders {
            for role in ["auth", "sign"] {
                cert(&format!("holders/{holder}/{role}.pem"))
                    .verify_issued_by(&ca)
                    .unwrap_or_else(|e| panic!("{holder} {role}: {e}"));
            }
        }
    }
    cert("holders/ee/sign.pem")
        .verify_issued_by(&ee_root)
        .unwrap();
}

#[test]
fn another_ca_is_not_the_issuer() {
    let holder = cert("holders/citizen/sign.pem");
    let err = holder
        .verify_issued_by(&cert("resident-ca.pem"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::IssuerNameMismatch { issuer, candidate }
            if issuer.contains("Test Citizen CA") && candidate.contains("Test Resident CA")),
        "{err:?}"
    );
    assert!(holder.verify_issued_by(&cert("root.pem")).is_err());
    assert!(
        cert("root.pem")
            .verify_issued_by(&cert("ee-root.pem"))
            .is_err()
    );
}

#[test]
fn an_impostor_ca_with_the_same_name_but_another_key_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("rogue.key");
    let rogue = tmp.path().join("rogue.pem");
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-out",
        path_str(&key),
    ]);
    // Same certificate (same subject bytes), re-keyed and self-signed with the rogue key.
    let ca = pki_dir().join("citizen-ca.pem");
    openssl(&[
        "x509",
        "-in",
        path_str(&ca),
        "-signkey",
        path_str(&key),
        "-out",
        path_str(&rogue),
    ]);
    let rogue = Certificate::from_pem(&std::fs::read_to_string(&rogue).unwrap()).unwrap();
    assert_eq!(rogue.subject(), cert("citizen-ca.pem").subject());
    let err = cert("holders/citizen/auth.pem")
        .verify_issued_by(&rogue)
        .unwrap_err();
    assert_eq!(
        err,
        Error::SignatureInvalid {
            key: "EC P-384".into()
        }
    );
}

#[test]
fn a_tampered_certificate_no_longer_verifies() {
    let ca = cert("citizen-ca.pem");
    let der = cert("holders/citizen/auth.pem").as_der().to_vec();
    // Flip one bit inside the subject's serialNumber value: "PNOAM-2810770123" -> "...0122".
    let at = der
        .windows(16)
        .position(|w| w == b"PNOAM-2810770123")
        .unwrap()
        + 15;
    let mut tampered = der.clone();
    tampered[at] ^= 0x01;
    let tampered = Certificate::from_der(&tampered).unwrap();
    assert_eq!(tampered.subject().serial_number(), Some("PNOAM-2810770122"));
    assert_eq!(
        tampered.verify_issued_by(&ca),
        Err(Error::SignatureInvalid {
            key: "EC P-384".into()
        })
    );
}
