//! xmlsec1, an independent XMLDSig implementation (libxml2), accepts what we build: the
//! SignedInfo value and every reference, SignedProperties included.

#[path = "xades_support.rs"]
mod support;

use std::process::Command;

use knik_xades::c14n::Algorithm;
use knik_xades::xades::SignatureOptions;
use support::*;

fn xmlsec1_available() -> bool {
    let found = Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("KNIK_REQUIRE_SERVICES").is_none(),
            "xmlsec1 is missing and KNIK_REQUIRE_SERVICES is set"
        );
        eprintln!("SKIPPED: xmlsec1 is not installed");
    }
    found
}

fn xmlsec1_verify(holder_name: &'static str, options: &SignatureOptions, lta: Option<&str>) {
    let h = holder(holder_name);
    let mut doc = sign_b(&h, options);
    if let Some(ca) = lta {
        extend_to_lta(&mut doc, holder_name, ca);
    }
    let dir = write_files(&doc.to_xml());
    let out = Command::new("xmlsec1")
        .current_dir(&dir)
        .args(["--verify", "--pubkey-cert-pem"])
        .arg(&h.cert_pem_path)
        .args([
            "--id-attr:Id",
            "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
            "signatures0.xml",
        ])
        .output()
        .expect("xmlsec1 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "xmlsec1 refused {holder_name} {options:?}: {stderr}"
    );
    assert!(stderr.contains("OK"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);

    // And a flipped data byte makes it fail: the test can fail.
    let dir = write_files(&doc.to_xml());
    std::fs::write(dir.join(DATA2_URI), b"tampered").unwrap();
    let out = Command::new("xmlsec1")
        .current_dir(&dir)
        .args(["--verify", "--pubkey-cert-pem"])
        .arg(&h.cert_pem_path)
        .args([
            "--id-attr:Id",
            "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
            "signatures0.xml",
        ])
        .output()
        .expect("xmlsec1 runs");
    assert!(!out.status.success(), "xmlsec1 accepted tampered data");
    let _ = std::fs::remove_dir_all(&dir);
}

fn opts(c14n: Algorithm) -> SignatureOptions {
    SignatureOptions {
        c14n,
        signing_time: Some(fixed_time()),
        ..SignatureOptions::default()
    }
}

#[test]
fn xmlsec1_accepts_p384_c14n11_lta() {
    if xmlsec1_available() {
        xmlsec1_verify("citizen", &opts(Algorithm::Inclusive11), Some("citizen-ca"));
    }
}

#[test]
fn xmlsec1_accepts_p384_exclusive() {
    if xmlsec1_available() {
        xmlsec1_verify("resident", &opts(Algorithm::Exclusive10), None);
    }
}

#[test]
fn xmlsec1_accepts_p256_v1() {
    if xmlsec1_available() {
        let mut o = opts(Algorithm::Inclusive11);
        o.signing_certificate_v2 = false;
        o.claimed_roles = vec!["Signer & co".to_owned()];
        xmlsec1_verify("mobile", &o, None);
    }
}

#[test]
fn xmlsec1_accepts_rsa() {
    if xmlsec1_available() {
        xmlsec1_verify("legacy", &opts(Algorithm::Exclusive10), None);
    }
}
