//! Every finding code a verification report can carry is explained in
//! `docs/verification.md`: the facade's own, knik-xades' signature codes, knik-asic's container
//! findings and knik-pki's timing rules. A new code without documentation fails here.

use std::path::PathBuf;

#[test]
fn every_report_code_is_documented() {
    let doc = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/verification.md"),
    )
    .expect("docs/verification.md");
    let timing = [
        knik_pki::timing::OCSP_BEFORE_TIMESTAMP,
        knik_pki::timing::OCSP_LATE,
        knik_pki::timing::CERT_NOT_VALID_AT_TIMESTAMP,
    ];
    let missing: Vec<&str> = knik::verify::codes::ALL
        .iter()
        .chain(knik_xades::xades::codes::ALL)
        .chain(knik_asic::codes::ALL)
        .chain(&timing)
        .copied()
        .filter(|code| !doc.contains(&format!("`{code}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from docs/verification.md: {missing:?}"
    );
}
