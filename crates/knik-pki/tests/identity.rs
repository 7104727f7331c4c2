//! Every holder of the committed test PKI comes out as the person the fixture describes.

mod common;

use common::{cert, openssl, pki_dir};
use knik_pki::{DocumentKind, IdentifierType, Identity, PolicyMap};

struct Expected {
    holder: &'static str,
    surname: &'static str,
    given_name: &'static str,
    psn: &'static str,
    country: &'static str,
    kind: DocumentKind,
}

const HOLDERS: &[Expected] = &[
    Expected {
        holder: "citizen",
        surname: "PETROSYAN",
        given_name: "ANI",
        psn: "2810770123",
        country: "AM",
        kind: DocumentKind::CitizenIdCard,
    },
    Expected {
        holder: "resident",
        surname: "MÜLLER",
        given_name: "JONAS",
        psn: "5210880456",
        country: "AM",
        kind: DocumentKind::ResidenceCard,
    },
    Expected {
        holder: "revoked",
        surname: "HAKOBYAN",
        given_name: "ARAM",
        psn: "3105850789",
        country: "AM",
        kind: DocumentKind::CitizenIdCard,
    },
    Expected {
        holder: "expired",
        surname: "SARGSYAN",
        given_name: "GOHAR",
        psn: "1402600321",
        country: "AM",
        kind: DocumentKind::CitizenIdCard,
    },
    Expected {
        holder: "blocked",
        surname: "ԳՐԻԳՈՐՅԱՆ",
        given_name: "ԴԱՎԻԹ",
        psn: "4407920654",
        country: "AM",
        kind: DocumentKind::CitizenIdCard,
    },
    Expected {
        holder: "legacy",
        surname: "KARAPETYAN",
        given_name: "NARE",
        psn: "6011750987",
        country: "AM",
        kind: DocumentKind::CitizenIdCard,
    },
    Expected {
        holder: "mobile",
        surname: "PETROSYAN",
        given_name: "ANI",
        psn: "2810770123",
        country: "AM",
        kind: DocumentKind::MobileId,
    },
    Expected {
        holder: "ee",
        surname: "MÄNNIK",
        given_name: "MARI-LIIS",
        psn: "61709210125",
        country: "EE",
        kind: DocumentKind::ForeignEid,
    },
];

#[test]
fn every_holder_certificate_yields_the_expected_identity() {
    let policies = PolicyMap::default();
    for e in HOLDERS {
        for role in ["auth", "sign"] {
            let c = cert(&format!("holders/{}/{role}.pem", e.holder));
            let id = Identity::from_certificate(&c, &policies)
                .unwrap_or_else(|err| panic!("{} {role}: {err}", e.holder));
            let ctx = format!("{} {role}: {id:?}", e.holder);
            assert_eq!(id.surname.as_deref(), Some(e.surname), "{ctx}");
            assert_eq!(id.given_name.as_deref(), Some(e.given_name), "{ctx}");
            assert_eq!(id.personal_number, e.psn, "{ctx}");
            assert_eq!(
                id.identifier_type,
                Some(IdentifierType::PersonalNumber),
                "{ctx}"
            );
            assert_eq!(id.country.as_deref(), Some(e.country), "{ctx}");
            assert_eq!(id.document_kind, e.kind, "{ctx}");
            let prefix = format!("PNO{}-{}", e.country, e.psn);
            assert_eq!(
                id.semantics_identifier.as_deref(),
                Some(prefix.as_str()),
                "{ctx}"
            );
            assert_eq!(
                id.common_name,
                Some(format!("{},{},{}", e.surname, e.given_name, e.psn)),
                "{ctx}"
            );
            assert!(id.warnings.is_empty(), "{ctx}");
        }
    }
}

#[test]
fn armenian_script_names_round_trip_exactly() {
    let c = cert("holders/blocked/sign.pem");
    let subject = c.subject();
    assert_eq!(subject.surname(), Some("ԳՐԻԳՈՐՅԱՆ"));
    assert_eq!(subject.given_name(), Some("ԴԱՎԻԹ"));
    assert_eq!(subject.common_name(), Some("ԳՐԻԳՈՐՅԱՆ,ԴԱՎԻԹ,4407920654"));
    // Byte for byte what the CA wrote: the UTF-8 of the attribute is inside the DER.
    assert!(
        c.as_der()
            .windows("ԳՐԻԳՈՐՅԱՆ".len())
            .any(|w| w == "ԳՐԻԳՈՐՅԱՆ".as_bytes())
    );
}

/// Our RFC 4514 rendering agrees with OpenSSL's RFC 2253 one (UTF-8 kept, not escaped), for
/// every holder: both name order and escaping.
#[test]
fn subject_strings_match_openssl() {
    for e in HOLDERS {
        let path = pki_dir().join(format!("holders/{}/auth.pem", e.holder));
        let out = openssl(&[
            "x509",
            "-in",
            common::path_str(&path),
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253,-esc_msb",
        ]);
        let out = String::from_utf8(out).unwrap();
        let expected = out.trim().trim_start_matches("subject=");
        let c = cert(&format!("holders/{}/auth.pem", e.holder));
        assert_eq!(c.subject().to_rfc4514(), expected, "{}", e.holder);
    }
}

#[test]
fn without_a_policy_map_an_armenian_card_is_unknown_and_a_foreign_one_still_foreign() {
    let empty = PolicyMap::empty();
    let citizen = cert("holders/citizen/auth.pem");
    let id = Identity::from_certificate(&citizen, &empty).unwrap();
    assert_eq!(id.document_kind, DocumentKind::Unknown);
    let ee = cert("holders/ee/auth.pem");
    let id = Identity::from_certificate(&ee, &empty).unwrap();
    assert_eq!(id.document_kind, DocumentKind::ForeignEid);
}

#[test]
fn ca_certificates_have_no_identity() {
    let root = cert("root.pem");
    let err = Identity::from_certificate(&root, &PolicyMap::default()).unwrap_err();
    assert!(
        matches!(err, knik_pki::Error::MissingIdentifier { ref subject } if subject.contains("Test AM Root CA")),
        "{err:?}"
    );
}

#[test]
fn holder_labels_name_the_person_and_the_document_as_pin_dialogs_show_them() {
    let label = |path: &str| {
        Identity::from_certificate(&cert(path), &PolicyMap::default())
            .expect("identity")
            .holder_label()
    };
    assert_eq!(
        label("holders/citizen/auth.pem"),
        "PETROSYAN ANI, citizen ID card"
    );
    assert_eq!(
        label("holders/resident/sign.pem"),
        "MÜLLER JONAS, residence card"
    );
    assert_eq!(label("holders/mobile/auth.pem"), "PETROSYAN ANI, mobile ID");
}
