//! Helpers shared by the integration tests: the committed test PKI and the openssl CLI oracle.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;

use knik_pki::Certificate;

/// `test-vectors/pki/` of the workspace (the committed test PKI, see its generate.sh).
pub fn pki_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/pki")
}

/// Reads one PEM certificate of the test PKI, e.g. `"root.pem"` or `"holders/citizen/auth.pem"`.
pub fn cert(rel: &str) -> Certificate {
    let path = pki_dir().join(rel);
    let pem = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs the openssl CLI, panicking with its stderr on failure.
pub fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl CLI is installed (test oracle)");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Converts a DER ECDSA-Sig-Value (as openssl writes it) to raw r‖s of `field_len` bytes each
/// (as cards return it).
pub fn ecdsa_der_to_raw(der: &[u8], field_len: usize) -> Vec<u8> {
    fn read_len(b: &[u8], i: &mut usize) -> usize {
        let first = b[*i];
        *i += 1;
        if first < 0x80 {
            return first as usize;
        }
        let n = (first & 0x7f) as usize;
        let mut len = 0;
        for _ in 0..n {
            len = (len << 8) | b[*i] as usize;
            *i += 1;
        }
        len
    }
    assert_eq!(der[0], 0x30);
    let mut i = 1;
    read_len(der, &mut i);
    let mut out = Vec::new();
    for _ in 0..2 {
        assert_eq!(der[i], 0x02);
        i += 1;
        let len = read_len(der, &mut i);
        let mut int = &der[i..i + len];
        i += len;
        while int.len() > field_len && int[0] == 0 {
            int = &int[1..];
        }
        out.extend(std::iter::repeat_n(0u8, field_len - int.len()));
        out.extend_from_slice(int);
    }
    out
}
