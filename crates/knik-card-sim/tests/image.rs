//! Personalisation files: path resolution, the checks that catch a mis-made card, and a card
//! with RSA keys from a profile that is only data.

mod common;

use std::path::Path;

use common::*;
use knik_card::profile::Profile;
use knik_card_sim::{CardImage, SimError, VirtualCard};
use sha2::Digest;

/// Writes an image into `dir/cards/card.toml` whose keys sit in `dir/keys/`, with `extra` TOML
/// spliced in.
fn image_in(
    dir: &Path,
    holder: &str,
    auth_key_from: &str,
    extra: &str,
    personal: &str,
) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("cards")).unwrap();
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    for f in ["auth.pem", "sign.pem", "sign.key"] {
        std::fs::copy(holder_file(holder, f), dir.join("keys").join(f)).unwrap();
    }
    std::fs::copy(
        holder_file(auth_key_from, "auth.key"),
        dir.join("keys/auth.key"),
    )
    .unwrap();
    let text = format!(
        "profile = \"am-eid\"\n{extra}\n\
         [auth]\ncertificate = \"../keys/auth.pem\"\nkey = \"../keys/auth.key\"\n\
         [sign]\ncertificate = \"../keys/sign.pem\"\nkey = \"../keys/sign.key\"\n\
         [pins]\npin1 = {{ value = \"1234\" }}\npin2 = {{ value = \"12345\", retries_left = 1 }}\n\
         puk = {{ value = \"12345678\" }}\n[personal_data]\n{personal}\n"
    );
    let path = dir.join("cards/card.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn relative_paths_start_at_the_files_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = image_in(
        dir.path(),
        "revoked",
        "revoked",
        "serial = \"X1\"",
        "surname = \"HAKOBYAN\"",
    );
    let c = VirtualCard::load(&path).unwrap();
    assert_eq!(c.retries_left(knik_card::pin::PinKind::Pin2), 1);
    assert_eq!(
        c.retries_left(knik_card::pin::PinKind::Pin1),
        3,
        "default: max_tries"
    );
}

#[test]
fn a_key_that_does_not_fit_its_certificate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = image_in(dir.path(), "citizen", "resident", "serial = \"X1\"", "");
    match CardImage::load(&path) {
        Err(SimError::Key { detail, .. }) => {
            assert!(detail.contains("does not belong"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn image_mistakes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = image_in(
        dir.path(),
        "citizen",
        "citizen",
        "serial = \"X1\"",
        "nickname = \"Ani\"",
    );
    let err = VirtualCard::load(&path).unwrap_err();
    assert!(err.to_string().contains("nickname"), "{err}");
    let path = image_in(dir.path(), "citizen", "citizen", "", "");
    let err = VirtualCard::load(&path).unwrap_err();
    assert!(err.to_string().contains("serial"), "{err}");
    let path = image_in(
        dir.path(),
        "citizen",
        "citizen",
        "serial = \"X1\"\npin_count = 3",
        "",
    );
    assert!(matches!(
        CardImage::load(&path),
        Err(SimError::Image { .. })
    ));
    let err = VirtualCard::load(dir.path().join("nope.toml")).unwrap_err();
    assert!(matches!(err, SimError::Io { .. }), "{err:?}");
}

#[test]
fn pins_never_show_in_debug_output() {
    let image = CardImage::load(card_path("citizen")).unwrap();
    let text = format!("{image:?} {:?}", VirtualCard::from_image(&image).unwrap());
    assert!(
        !text.contains("12345") && !text.contains("1234\""),
        "{text}"
    );
}

/// A profile edited as data (keys without a curve = RSA) and the `legacy` holder's RSA-2048
/// keys: the card applies PKCS#1 v1.5 to the DigestInfo the host sends.
#[test]
fn an_rsa_card_signs_the_digest_info() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../knik-card/profiles/am-eid.toml"),
    )
    .unwrap()
    .replace(", curve = \"P-384\"", "");
    let profile = Profile::from_toml(&text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = image_in(dir.path(), "legacy", "legacy", "serial = \"RSA1\"", "");
    let image = CardImage::load(&path).unwrap();
    let mut c = VirtualCard::new(&profile, &image).unwrap();
    // The default profile refuses the RSA keys: the profile says P-384.
    assert!(VirtualCard::from_image(&image).is_err());

    let digest = sha2::Sha256::digest(b"legacy document");
    let mut digest_info = h("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20");
    digest_info.extend_from_slice(&digest);
    tx(&mut c, SIGN);
    assert_eq!(
        sw(&mut c, "00 22 41 B6 06 80 01 54 84 01 9F"),
        0x6A80,
        "EC algorithm for an RSA key"
    );
    assert_eq!(sw(&mut c, "00 22 41 B6 06 80 01 42 84 01 9F"), 0x9000);
    tx_bytes(&mut c, &verify(0x85, "12345"));
    let (sig, status) = tx_bytes(&mut c, &case4("00 2A 9E 9A", &digest_info));
    assert_eq!((sig.len(), status), (256, 0x9000));
    let (_, spki) = knik_card_sim::key::read_certificate(
        &std::fs::read(holder_file("legacy", "sign.pem")).unwrap(),
        "legacy sign.pem",
    )
    .unwrap();
    use rsa::pkcs8::DecodePublicKey;
    let key = rsa::RsaPublicKey::from_public_key_der(&spki).unwrap();
    key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, &sig)
        .expect("PKCS#1 v1.5 SHA-256 signature verifies");
}
