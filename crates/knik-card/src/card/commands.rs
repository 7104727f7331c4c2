//! The command APDUs of the `am-eid` / `ee-idemia` protocol, byte for byte as the table in
//! docs/cards.md "The APDU protocol" gives them. Values come from the profile; nothing here
//! knows a particular card.

use zeroize::Zeroizing;

use crate::apdu::{Command, Ins, SHORT_MAX_LE};

/// `00 A4 04 0C Lc <AID>`: select an application by AID, no answer data.
pub fn select_application(aid: &[u8]) -> Command {
    Command::new(Ins::Select, 0x04, 0x0C).with_data(aid.to_vec())
}

/// `00 A4 01 0C 02 <FID>`: select a DF under the current one.
pub fn select_df(fid: u16) -> Command {
    Command::new(Ins::Select, 0x01, 0x0C).with_data(fid.to_be_bytes().to_vec())
}

/// `00 A4 02 04 02 <FID> 00`: select an EF under the current DF and return its FCP.
pub fn select_ef_with_fcp(fid: u16) -> Command {
    Command::new(Ins::Select, 0x02, 0x04)
        .with_data(fid.to_be_bytes().to_vec())
        .with_le(SHORT_MAX_LE)
}

/// `00 CA <tag hi> <tag lo> 00`: GET DATA of a simple data object (the card serial).
pub fn get_data(tag: u16) -> Command {
    Command::new(Ins::GetData, (tag >> 8) as u8, tag as u8).with_le(SHORT_MAX_LE)
}

/// `00 CB 3F FF 0A 4D 08 70 06 BF 81 <ref & 0F> 02 A0 80 00`: the retry counter of a PIN
/// (the extended header list asks for the PIN's security-environment template; web-eid.md §4.4).
pub fn pin_retry_counter(reference: u8) -> Command {
    Command::new(Ins::GetDataOdd, 0x3F, 0xFF)
        .with_data(vec![
            0x4D,
            0x08,
            0x70,
            0x06,
            0xBF,
            0x81,
            reference & 0x0F,
            0x02,
            0xA0,
            0x80,
        ])
        .with_le(SHORT_MAX_LE)
}

/// `00 20 00 <ref> <pad_to> <PIN block>`: VERIFY. The command is sensitive.
pub fn verify(reference: u8, block: Zeroizing<Vec<u8>>) -> Command {
    Command::new(Ins::Verify, 0x00, reference).with_secret_data(block)
}

/// `00 24 00 <ref> <2×pad_to> <old block ‖ new block>`: CHANGE REFERENCE DATA.
pub fn change_reference_data(reference: u8, blocks: Zeroizing<Vec<u8>>) -> Command {
    Command::new(Ins::ChangeReferenceData, 0x00, reference).with_secret_data(blocks)
}

/// `00 2C 02 <ref> <pad_to> <new block>`: RESET RETRY COUNTER with a new PIN (after the PUK
/// was verified).
pub fn reset_retry_counter(reference: u8, block: Zeroizing<Vec<u8>>) -> Command {
    Command::new(Ins::ResetRetryCounter, 0x02, reference).with_secret_data(block)
}

/// Which template an MSE:SET fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecurityTemplate {
    /// `A4`: authentication (INTERNAL AUTHENTICATE).
    Authentication,
    /// `B6`: digital signature (PSO: COMPUTE DIGITAL SIGNATURE).
    DigitalSignature,
}

/// `00 22 41 <A4|B6> 06 80 01 <alg> 84 01 <key ref>`: MANAGE SECURITY ENVIRONMENT: SET.
pub fn mse_set(template: SecurityTemplate, algorithm: u8, key_reference: u8) -> Command {
    let p2 = match template {
        SecurityTemplate::Authentication => 0xA4,
        SecurityTemplate::DigitalSignature => 0xB6,
    };
    Command::new(Ins::ManageSecurityEnvironment, 0x41, p2).with_data(vec![
        0x80,
        0x01,
        algorithm,
        0x84,
        0x01,
        key_reference,
    ])
}

/// `00 88 00 00 Lc <digest> 00`: INTERNAL AUTHENTICATE.
pub fn internal_authenticate(data: &[u8]) -> Command {
    Command::new(Ins::InternalAuthenticate, 0x00, 0x00)
        .with_data(data.to_vec())
        .with_le(SHORT_MAX_LE)
}

/// `00 2A 9E 9A Lc <digest> 00`: PSO: COMPUTE DIGITAL SIGNATURE.
pub fn compute_digital_signature(data: &[u8]) -> Command {
    Command::new(Ins::PerformSecurityOperation, 0x9E, 0x9A)
        .with_data(data.to_vec())
        .with_le(SHORT_MAX_LE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(c: &Command) -> String {
        hex::encode_upper(&*c.to_bytes().unwrap())
    }

    #[test]
    fn commands_match_docs_cards_md() {
        assert_eq!(hex(&select_df(0x5000)), "00A4010C025000");
        assert_eq!(hex(&select_ef_with_fcp(0x3401)), "00A4020402340100");
        assert_eq!(hex(&get_data(0x0101)), "00CA010100");
        assert_eq!(
            hex(&pin_retry_counter(0x85)),
            "00CB3FFF0A4D087006BF810502A08000"
        );
        assert_eq!(
            hex(&mse_set(SecurityTemplate::Authentication, 0x04, 0x81)),
            "002241A406800104840181"
        );
        assert_eq!(
            hex(&mse_set(SecurityTemplate::DigitalSignature, 0x54, 0x9F)),
            "002241B60680015484019F"
        );
        assert_eq!(hex(&internal_authenticate(&[1, 2])), "0088000002010200");
        assert_eq!(hex(&compute_digital_signature(&[1])), "002A9E9A010100");
        let v = verify(0x01, Zeroizing::new(vec![0x31, 0xFF]));
        assert!(v.is_sensitive());
        assert_eq!(hex(&v), "002000010231FF");
        assert_eq!(
            hex(&reset_retry_counter(0x85, Zeroizing::new(vec![0x31]))),
            "002C02850131"
        );
        assert_eq!(
            hex(&change_reference_data(
                0x02,
                Zeroizing::new(vec![0x31, 0x32])
            )),
            "00240002023132"
        );
    }
}
