//! The status words the virtual card answers (ISO/IEC 7816-4:2020 §5.6, docs/cards.md).

/// A status word, SW1 SW2 as one number.
pub type Sw = u16;

/// Normal processing.
pub const OK: Sw = 0x9000;
/// End of file reached before Ne bytes were read.
pub const END_OF_FILE: Sw = 0x6282;
/// Wrong length (Lc or Le do not fit the command).
pub const WRONG_LENGTH: Sw = 0x6700;
/// Command chaining is not supported.
pub const CHAINING_NOT_SUPPORTED: Sw = 0x6884;
/// Security status not satisfied: the PIN that guards the key was not verified.
pub const SECURITY_NOT_SATISFIED: Sw = 0x6982;
/// Authentication method blocked: no tries left.
pub const PIN_BLOCKED: Sw = 0x6983;
/// Conditions of use not satisfied (no security environment set, nothing to unblock with).
pub const CONDITIONS_NOT_SATISFIED: Sw = 0x6985;
/// Command not allowed: no current EF.
pub const NO_CURRENT_EF: Sw = 0x6986;
/// Incorrect parameters in the command data.
pub const WRONG_DATA: Sw = 0x6A80;
/// File or application not found.
pub const NOT_FOUND: Sw = 0x6A82;
/// Incorrect P1 or P2.
pub const WRONG_P1P2: Sw = 0x6A86;
/// Referenced data (key, PIN, data object) not found.
pub const REFERENCE_NOT_FOUND: Sw = 0x6A88;
/// Offset outside the EF.
pub const WRONG_OFFSET: Sw = 0x6B00;
/// Instruction not supported.
pub const INS_NOT_SUPPORTED: Sw = 0x6D00;
/// Class not supported.
pub const CLA_NOT_SUPPORTED: Sw = 0x6E00;

/// `63Cx`: verification failed, `x` tries left.
pub fn wrong_pin(tries_left: u8) -> Sw {
    0x63C0 | Sw::from(tries_left.min(0x0F))
}
