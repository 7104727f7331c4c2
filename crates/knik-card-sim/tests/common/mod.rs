//! Helpers shared by the integration tests: the repository's card images and APDUs from hex.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;

use knik_card_sim::VirtualCard;

/// `test-vectors/cards/<name>.toml` of the repository.
pub fn card_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/cards")
        .join(format!("{name}.toml"))
}

/// `test-vectors/pki/holders/<holder>/<file>`.
pub fn holder_file(holder: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/pki/holders")
        .join(holder)
        .join(file)
}

/// A fresh card from the repository's personalisation.
pub fn card(name: &str) -> VirtualCard {
    VirtualCard::load(card_path(name)).unwrap_or_else(|e| panic!("card {name}: {e}"))
}

/// Bytes from hex with spaces.
pub fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Sends one APDU (hex) and returns (data, SW).
pub fn tx(card: &mut VirtualCard, apdu: &str) -> (Vec<u8>, u16) {
    tx_bytes(card, &h(apdu))
}

/// Sends one APDU and returns (data, SW).
pub fn tx_bytes(card: &mut VirtualCard, apdu: &[u8]) -> (Vec<u8>, u16) {
    let r = card.process(apdu);
    assert!(r.len() >= 2, "response without SW: {r:02X?}");
    let sw = u16::from_be_bytes([r[r.len() - 2], r[r.len() - 1]]);
    (r[..r.len() - 2].to_vec(), sw)
}

/// The SW of one APDU (hex).
pub fn sw(card: &mut VirtualCard, apdu: &str) -> u16 {
    tx(card, apdu).1
}

pub const MAIN: &str = "00 A4 04 0C 10 A0 00 00 00 77 01 08 00 07 00 00 FE 00 00 01 00";
pub const AUTH: &str = "00 A4 04 0C 0D E8 28 BD 08 0F F2 50 4F 54 20 41 57 50";
pub const SIGN: &str = "00 A4 04 0C 10 51 53 43 44 20 41 70 70 6C 69 63 61 74 69 6F 6E";
pub const MSE_AUTH: &str = "00 22 41 A4 06 80 01 04 84 01 81";
pub const MSE_SIGN: &str = "00 22 41 B6 06 80 01 54 84 01 9F";

/// A PIN block of the am-eid / ee-idemia profiles: ASCII digits padded with FF to 12 bytes.
pub fn block(pin: &str) -> Vec<u8> {
    let mut b = pin.as_bytes().to_vec();
    b.resize(12, 0xFF);
    b
}

/// `00 20 00 <ref> 0C <block>`.
pub fn verify(reference: u8, pin: &str) -> Vec<u8> {
    let mut a = vec![0x00, 0x20, 0x00, reference, 0x0C];
    a.extend(block(pin));
    a
}

/// A case-4 short APDU `header Lc data 00`.
pub fn case4(header: &str, data: &[u8]) -> Vec<u8> {
    let mut a = h(header);
    a.push(data.len() as u8);
    a.extend_from_slice(data);
    a.push(0x00);
    a
}
