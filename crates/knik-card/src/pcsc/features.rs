//! Does the reader have a PIN pad? PC/SC part 10 (v2.02.09) §2.2: the reader lists its
//! features in answer to `CM_IOCTL_GET_FEATURE_REQUEST` as TLVs `tag, 4, control code (BE)`.
//!
//! Best effort, as Web eID does (`reference/web-eid.md` §4.6): a reader or driver that does not
//! answer (vpcd, many contactless readers) has no PIN pad. Not exercised here: no PIN-pad
//! reader is available to the tests, only the TLV parsing is.

/// `SCARD_CTL_CODE(3400)`: ask the reader for its feature list.
const GET_FEATURE_REQUEST: u32 = 3400;
/// `FEATURE_VERIFY_PIN_START`.
const VERIFY_PIN_START: u8 = 0x01;
/// `FEATURE_VERIFY_PIN_DIRECT`.
const VERIFY_PIN_DIRECT: u8 = 0x06;

/// Asks the reader for its features; false when it does not say it has a PIN pad.
pub(crate) fn has_pin_pad(card: &pcsc::Card) -> bool {
    let mut buf = [0u8; 256];
    match card.control(pcsc::ctl_code(GET_FEATURE_REQUEST.into()), &[], &mut buf) {
        Ok(tlvs) => feature_tags(tlvs).any(|t| t == VERIFY_PIN_START || t == VERIFY_PIN_DIRECT),
        Err(_) => false,
    }
}

/// The feature tags of a well-formed TLV list (each `tag, 4, 4-byte code`); parsing stops at
/// the first malformed entry.
fn feature_tags(tlvs: &[u8]) -> impl Iterator<Item = u8> + '_ {
    tlvs.chunks(6).map_while(|c| match c {
        [tag, 4, _, _, _, _] => Some(*tag),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_verify_pin_direct_in_a_feature_list() {
        // A CCID PIN-pad reader: VERIFY_PIN_DIRECT, MODIFY_PIN_DIRECT, IFD_PIN_PROPERTIES.
        let list = [
            0x06, 4, 0x42, 0x33, 0x00, 0x06, 0x07, 4, 0x42, 0x33, 0x00, 0x07, 0x0A, 4, 0x42, 0x33,
            0x00, 0x0A,
        ];
        assert_eq!(feature_tags(&list).collect::<Vec<_>>(), [0x06, 0x07, 0x0A]);
        // A reader with only GET_TLV_PROPERTIES (0x12), and a truncated list.
        assert!(!feature_tags(&[0x12, 4, 0x42, 0x33, 0x00, 0x12]).any(|t| t == 0x06 || t == 0x01));
        assert_eq!(feature_tags(&[0x06, 4, 0x42]).count(), 0);
    }
}
