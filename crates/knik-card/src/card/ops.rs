//! The steps of the card protocol, each on an open [`Channel`] (docs/cards.md "The APDU
//! protocol"). [`crate::card::Card`] strings them together into operations; they are public
//! for callers who compose their own transaction.
//!
//! A step that uses a key needs a [`Verified`] proof, which only [`verify`] makes: the compiler
//! refuses INTERNAL AUTHENTICATE or PSO: COMPUTE DIGITAL SIGNATURE before a PIN was presented
//! in the same transaction.

use std::marker::PhantomData;

use zeroize::Zeroizing;

use super::commands::{self, SecurityTemplate};
use crate::channel::Channel;
use crate::error::{Error, Result};
use crate::pin::{Pin, PinKind};
use crate::profile::{ApduProfile, Application, CardSerialSource, KeySpec, PinRule};
use crate::status::StatusWord;
use crate::tlv::{self, Tag};
use crate::token::{HashAlgorithm, KeyRole};

/// Proof that `kind` was verified in the transaction with lifetime `'ch`. Only [`verify`]
/// creates one.
#[derive(Debug)]
pub struct Verified<'ch> {
    kind: PinKind,
    _channel: PhantomData<&'ch ()>,
}

impl Verified<'_> {
    /// Which PIN was verified.
    pub fn kind(&self) -> PinKind {
        self.kind
    }
}

/// The retry counter of one PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryCounter {
    /// Tries left.
    pub left: u8,
    /// Tries a fresh PIN has.
    pub max: u8,
}

/// Checks a PIN against the profile's rules; nothing is sent (spec/cards.md "PINs").
pub fn check_pin_format(kind: PinKind, rule: &PinRule, pin: &Pin) -> Result<()> {
    let len = pin.len();
    if len < usize::from(rule.min)
        || len > usize::from(rule.max)
        || !rule.charset.allows(pin.expose())
    {
        return Err(Error::PinFormat {
            kind,
            min: rule.min,
            max: rule.max,
        });
    }
    Ok(())
}

/// The PIN padded to `pad_to` with `pad_byte`, in a buffer wiped on drop.
pub fn pin_block(rule: &PinRule, pin: &Pin) -> Zeroizing<Vec<u8>> {
    let mut block = Zeroizing::new(Vec::with_capacity(block_len(rule, pin)));
    append_pin_block(&mut block, rule, pin);
    block
}

fn block_len(rule: &PinRule, pin: &Pin) -> usize {
    usize::from(rule.pad_to).max(pin.len())
}

/// Appends a padded PIN. Callers reserve the capacity first: a reallocation would leave a copy
/// of the PIN in freed memory, which [`Zeroizing`] does not wipe.
fn append_pin_block(out: &mut Zeroizing<Vec<u8>>, rule: &PinRule, pin: &Pin) {
    let end = out.len() + block_len(rule, pin);
    out.extend_from_slice(pin.expose());
    out.resize(end, rule.pad_byte);
}

/// The application to select before a PIN's GET DATA / VERIFY: a local reference (bit 8 set)
/// lives in the ADF of the key it guards; a global one is reached from the main application.
pub fn pin_application(kind: PinKind, rule: &PinRule) -> Application {
    match (rule.is_local(), kind) {
        (true, PinKind::Pin1) => Application::Auth,
        (true, PinKind::Pin2) => Application::Sign,
        _ => Application::Main,
    }
}

/// SELECT an application of the profile.
pub fn select_application(
    ch: &mut Channel<'_>,
    profile: &ApduProfile,
    app: Application,
) -> Result<()> {
    let r = ch.transmit(&commands::select_application(profile.applications.aid(app)))?;
    match r.sw {
        StatusWord::SUCCESS => Ok(()),
        StatusWord::FILE_NOT_FOUND => Err(Error::NotFound(format!("the {} application", app.id()))),
        sw => Err(sw.to_error(&format!("SELECT {} application", app.id()))),
    }
}

/// SELECT a DF under the current one.
pub fn select_df(ch: &mut Channel<'_>, fid: u16) -> Result<()> {
    let r = ch.transmit(&commands::select_df(fid))?;
    match r.sw {
        StatusWord::SUCCESS => Ok(()),
        StatusWord::FILE_NOT_FOUND => Err(Error::NotFound(format!("directory {fid:04X}"))),
        sw => Err(sw.to_error(&format!("SELECT directory {fid:04X}"))),
    }
}

/// The file size in an FCP template: `62 … 80 <size>` (or `81`, the size with structural
/// information; web-eid.md §4.4). A bare `80`/`81` without the `62` wrapper is accepted too.
pub fn parse_fcp_size(fcp: &[u8]) -> Result<usize> {
    let inner = tlv::find(fcp, &[Tag(0x62)])?.unwrap_or(fcp);
    let size = match tlv::find(inner, &[Tag(0x80)])? {
        Some(v) => v,
        None => tlv::find(inner, &[Tag(0x81)])?.ok_or_else(|| Error::Malformed {
            what: "file control parameters".into(),
            detail: "no file size (tag 80 or 81)".into(),
        })?,
    };
    if size.is_empty() || size.len() > 4 {
        return Err(Error::Malformed {
            what: "file control parameters".into(),
            detail: format!("file size of {} bytes", size.len()),
        });
    }
    Ok(size
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
}

/// SELECT an EF under the current DF and return its size; `None` if there is no such file.
pub fn select_ef(ch: &mut Channel<'_>, fid: u16) -> Result<Option<usize>> {
    let r = ch.transmit(&commands::select_ef_with_fcp(fid))?;
    match r.sw {
        StatusWord::SUCCESS => parse_fcp_size(&r.data).map(Some),
        StatusWord::FILE_NOT_FOUND => Ok(None),
        sw => Err(sw.to_error(&format!("SELECT file {fid:04X}"))),
    }
}

/// SELECT an EF and read all of it; `None` if there is no such file.
pub fn read_ef(ch: &mut Channel<'_>, fid: u16) -> Result<Option<Vec<u8>>> {
    match select_ef(ch, fid)? {
        Some(0) => Ok(Some(Vec::new())),
        Some(size) => ch.read_binary_all(size).map(Some),
        None => Ok(None),
    }
}

/// One field of the personal-data file as text (after the DF was selected).
pub fn read_text_field(ch: &mut Channel<'_>, name: &str, fid: u16) -> Result<Option<String>> {
    let Some(bytes) = read_ef(ch, fid)? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes).map_err(|_| Error::Malformed {
        what: format!("personal-data field {name}"),
        detail: "not UTF-8".into(),
    })?;
    // Cards pad fixed-size files with NUL or spaces.
    let text = text
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .to_string();
    Ok(if text.is_empty() { None } else { Some(text) })
}

/// The card serial as a string: printable ASCII as is, anything else in upper-case hex behind
/// `hex:`, so that two different serials never give the same string (it keys the certificate
/// cache: bytes "01AB" and bytes 01 AB must not share an entry).
pub fn format_serial(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        None
    } else if bytes.iter().all(|b| (0x21..=0x7E).contains(b)) && !bytes.starts_with(b"hex:") {
        Some(bytes.iter().map(|&b| char::from(b)).collect())
    } else {
        Some(format!("hex:{}", hex::encode_upper(bytes)))
    }
}

/// Reads the card serial the profile names; `None` when the card does not have one.
pub fn card_serial(ch: &mut Channel<'_>, profile: &ApduProfile) -> Result<Option<String>> {
    match &profile.card_serial {
        CardSerialSource::GetData { tag } => {
            let r = ch.transmit(&commands::get_data(*tag))?;
            match r.sw {
                StatusWord::SUCCESS => Ok(format_serial(&r.data)),
                StatusWord::FILE_NOT_FOUND
                | StatusWord::REFERENCED_DATA_NOT_FOUND
                | StatusWord::WRONG_P1P2
                | StatusWord::INS_NOT_SUPPORTED => Ok(None),
                sw => Err(sw.to_error("GET DATA card serial")),
            }
        }
        CardSerialSource::PersonalData { field } => {
            let Some(layout) = &profile.personal_data else {
                return Ok(None);
            };
            let Some(f) = layout.field(field) else {
                return Ok(None);
            };
            select_application(ch, profile, Application::Main)?;
            select_df(ch, layout.directory)?;
            read_text_field(ch, &f.name, f.file)
        }
    }
}

/// Parses the retry-counter answer `70 / BF81<ref&0F> / A0 / 9A max, 9B left`.
pub fn parse_retry_counter(data: &[u8], reference: u8) -> Result<RetryCounter> {
    let path = [
        Tag(0x70),
        Tag(0xBF8100 | u32::from(reference & 0x0F)),
        Tag(0xA0),
    ];
    let malformed = |detail: &str| Error::Malformed {
        what: "PIN retry counter".into(),
        detail: detail.into(),
    };
    let a0 = tlv::find(data, &path)?.ok_or_else(|| malformed("no 70/BF81xx/A0 template"))?;
    let one = |tag: u32| -> Result<u8> {
        match tlv::find(a0, &[Tag(tag)])? {
            Some([v]) => Ok(*v),
            _ => Err(malformed(&format!("tag {tag:02X} missing or not one byte"))),
        }
    };
    Ok(RetryCounter {
        left: one(0x9B)?,
        max: one(0x9A)?,
    })
}

/// GET DATA of a PIN's retry counter (after selecting [`pin_application`]).
pub fn retry_counter(ch: &mut Channel<'_>, kind: PinKind, rule: &PinRule) -> Result<RetryCounter> {
    let r = ch.transmit(&commands::pin_retry_counter(rule.reference))?;
    let data = r.into_data(&format!("GET DATA {kind} retry counter"))?;
    parse_retry_counter(&data, rule.reference)
}

/// Reads the retry counter and refuses a blocked PIN, so that no PIN is sent to it.
pub fn ensure_not_blocked(
    ch: &mut Channel<'_>,
    kind: PinKind,
    rule: &PinRule,
) -> Result<RetryCounter> {
    let counter = retry_counter(ch, kind, rule)?;
    if counter.left == 0 {
        return Err(Error::PinBlocked { kind });
    }
    Ok(counter)
}

/// VERIFY; the proof it returns unlocks the key operations below.
pub fn verify<'ch>(
    ch: &mut Channel<'ch>,
    kind: PinKind,
    rule: &PinRule,
    pin: &Pin,
) -> Result<Verified<'ch>> {
    check_pin_format(kind, rule, pin)?;
    let r = ch.transmit(&commands::verify(rule.reference, pin_block(rule, pin)))?;
    r.sw.check_pin(kind, &format!("VERIFY {kind}"))?;
    Ok(Verified {
        kind,
        _channel: PhantomData,
    })
}

/// CHANGE REFERENCE DATA: old and new PIN in one command (the old one counts as a try).
pub fn change_reference_data(
    ch: &mut Channel<'_>,
    kind: PinKind,
    rule: &PinRule,
    current: &Pin,
    new: &Pin,
) -> Result<()> {
    let mut blocks = Zeroizing::new(Vec::with_capacity(
        block_len(rule, current) + block_len(rule, new),
    ));
    append_pin_block(&mut blocks, rule, current);
    append_pin_block(&mut blocks, rule, new);
    let r = ch.transmit(&commands::change_reference_data(rule.reference, blocks))?;
    refused_new_pin(r.sw, kind)?;
    r.sw.check_pin(kind, &format!("CHANGE {kind}"))
}

/// `6A80` to CHANGE REFERENCE DATA / RESET RETRY COUNTER: the card refused the new PIN's
/// value (its own rules, stricter than the profile's).
fn refused_new_pin(sw: StatusWord, kind: PinKind) -> Result<()> {
    if sw == StatusWord::INCORRECT_DATA {
        return Err(Error::PinNotAccepted {
            kind,
            reason: "the card does not accept it as a new PIN".into(),
        });
    }
    Ok(())
}

/// RESET RETRY COUNTER with a new PIN; needs the PUK verified.
pub fn reset_retry_counter(
    ch: &mut Channel<'_>,
    puk: &Verified<'_>,
    kind: PinKind,
    rule: &PinRule,
    new: &Pin,
) -> Result<()> {
    require(puk, PinKind::Puk)?;
    let r = ch.transmit(&commands::reset_retry_counter(
        rule.reference,
        pin_block(rule, new),
    ))?;
    refused_new_pin(r.sw, kind)?;
    r.sw.check(&format!("RESET RETRY COUNTER {kind}"))
}

/// MSE:SET for `role`'s key.
pub fn set_security_environment(ch: &mut Channel<'_>, role: KeyRole, key: &KeySpec) -> Result<()> {
    let template = match role {
        KeyRole::Authentication => SecurityTemplate::Authentication,
        KeyRole::Signing => SecurityTemplate::DigitalSignature,
    };
    let r = ch.transmit(&commands::mse_set(template, key.algorithm(), key.reference))?;
    r.sw.check(&format!("MSE:SET {} key", role.id()))
}

fn require(proof: &Verified<'_>, kind: PinKind) -> Result<()> {
    if proof.kind != kind {
        return Err(Error::InvalidArgument(format!(
            "{kind} must be verified, not {}",
            proof.kind
        )));
    }
    Ok(())
}

/// What the card is handed to sign: for EC keys the digest left-padded with zeros or truncated
/// to the curve size (FIPS 186-5 §6.4: the leftmost bits are used), for RSA keys the DigestInfo.
/// The digest length must match `hash`.
pub fn signing_input(key: &KeySpec, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>> {
    if digest.len() != hash.len() {
        return Err(Error::InvalidArgument(format!(
            "a {hash:?} digest is {} bytes, got {}",
            hash.len(),
            digest.len()
        )));
    }
    Ok(match key.curve {
        Some(curve) => {
            let n = curve.size();
            if digest.len() >= n {
                digest[..n].to_vec()
            } else {
                let mut v = vec![0u8; n - digest.len()];
                v.extend_from_slice(digest);
                v
            }
        }
        None => {
            let mut v = hash.digest_info_prefix().to_vec();
            v.extend_from_slice(digest);
            v
        }
    })
}

fn check_signature(key: &KeySpec, value: Vec<u8>) -> Result<Vec<u8>> {
    if let Some(curve) = key.curve
        && value.len() != 2 * curve.size()
    {
        return Err(Error::Malformed {
            what: "signature".into(),
            detail: format!(
                "{} bytes, r‖s on {curve:?} is {}",
                value.len(),
                2 * curve.size()
            ),
        });
    }
    if value.is_empty() {
        return Err(Error::Malformed {
            what: "signature".into(),
            detail: "empty".into(),
        });
    }
    Ok(value)
}

/// INTERNAL AUTHENTICATE with the authentication key; needs PIN1 verified.
pub fn internal_authenticate(
    ch: &mut Channel<'_>,
    pin1: &Verified<'_>,
    key: &KeySpec,
    input: &[u8],
) -> Result<Vec<u8>> {
    require(pin1, PinKind::Pin1)?;
    let r = ch.transmit(&commands::internal_authenticate(input))?;
    check_signature(key, r.into_data("INTERNAL AUTHENTICATE")?)
}

/// PSO: COMPUTE DIGITAL SIGNATURE with the signing key; needs PIN2 verified.
pub fn compute_digital_signature(
    ch: &mut Channel<'_>,
    pin2: &Verified<'_>,
    key: &KeySpec,
    input: &[u8],
) -> Result<Vec<u8>> {
    require(pin2, PinKind::Pin2)?;
    let r = ch.transmit(&commands::compute_digital_signature(input))?;
    check_signature(key, r.into_data("PSO: COMPUTE DIGITAL SIGNATURE")?)
}

/// Cuts a certificate read from a fixed-size file to its DER length (cards pad the file).
pub fn trim_certificate(role: KeyRole, data: Vec<u8>) -> Result<Vec<u8>> {
    if data.first().is_none_or(|&b| b == 0x00 || b == 0xFF) {
        return Err(Error::NotFound(format!("the {} certificate", role.id())));
    }
    let (cert, rest) = tlv::read(&data).map_err(|e| Error::Malformed {
        what: format!("{} certificate", role.id()),
        detail: e.to_string(),
    })?;
    if cert.tag != Tag(0x30) {
        return Err(Error::Malformed {
            what: format!("{} certificate", role.id()),
            detail: format!("starts with tag {}, not a SEQUENCE", cert.tag),
        });
    }
    let len = data.len() - rest.len();
    let mut data = data;
    data.truncate(len);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Charset, Curve};

    fn rule() -> PinRule {
        PinRule {
            reference: 0x01,
            min: 4,
            max: 12,
            pad_to: 12,
            pad_byte: 0xFF,
            charset: Charset::Digits,
            max_tries: 3,
        }
    }

    #[test]
    fn pin_format_and_block() {
        let r = rule();
        let err = Error::PinFormat {
            kind: PinKind::Pin1,
            min: 4,
            max: 12,
        };
        assert_eq!(
            check_pin_format(PinKind::Pin1, &r, &Pin::from_bytes(b"123")),
            Err(err.clone())
        );
        assert_eq!(
            check_pin_format(PinKind::Pin1, &r, &Pin::from_bytes(b"1234567890123")),
            Err(err.clone())
        );
        assert_eq!(
            check_pin_format(PinKind::Pin1, &r, &Pin::from_bytes(b"12a4")),
            Err(err)
        );
        assert_eq!(
            check_pin_format(PinKind::Pin1, &r, &Pin::from_bytes(b"1234")),
            Ok(())
        );
        let b = pin_block(&r, &Pin::from_bytes(b"1234"));
        assert_eq!(&b[..], b"1234\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF");
    }

    #[test]
    fn ec_digests_fit_the_curve() {
        let key = KeySpec {
            reference: 0x81,
            ec_algorithm: Some(4),
            rsa_algorithm: None,
            curve: Some(Curve::P384),
        };
        let d256 = [0xAA; 32];
        let v = signing_input(&key, HashAlgorithm::Sha256, &d256).unwrap();
        assert_eq!(v.len(), 48);
        assert_eq!(&v[..16], &[0; 16]);
        assert_eq!(&v[16..], &d256);
        let d512: Vec<u8> = (0..64).collect();
        assert_eq!(
            signing_input(&key, HashAlgorithm::Sha512, &d512).unwrap(),
            d512[..48].to_vec()
        );
        assert!(matches!(
            signing_input(&key, HashAlgorithm::Sha384, &d256),
            Err(Error::InvalidArgument(_))
        ));
        let rsa = KeySpec {
            reference: 0x81,
            ec_algorithm: None,
            rsa_algorithm: Some(2),
            curve: None,
        };
        let v = signing_input(&rsa, HashAlgorithm::Sha256, &d256).unwrap();
        assert_eq!(v.len(), 19 + 32);
    }

    #[test]
    fn fcp_and_retry_counter_parsing() {
        assert_eq!(
            parse_fcp_size(&[0x62, 0x04, 0x80, 0x02, 0x03, 0x10]).unwrap(),
            0x310
        );
        assert_eq!(
            parse_fcp_size(&[0x62, 0x03, 0x81, 0x01, 0x10]).unwrap(),
            0x10
        );
        assert_eq!(parse_fcp_size(&[0x80, 0x01, 0x10]).unwrap(), 0x10);
        assert!(matches!(
            parse_fcp_size(&[0x62, 0x00]),
            Err(Error::Malformed { .. })
        ));
        assert!(matches!(
            parse_fcp_size(&[0x62, 0x02, 0x80, 0x00]),
            Err(Error::Malformed { .. })
        ));
        let ok = [
            0x70, 0x0C, 0xBF, 0x81, 0x01, 0x08, 0xA0, 0x06, 0x9A, 0x01, 0x03, 0x9B, 0x01, 0x02,
        ];
        assert_eq!(
            parse_retry_counter(&ok, 0x01).unwrap(),
            RetryCounter { left: 2, max: 3 }
        );
        assert!(matches!(
            parse_retry_counter(&ok, 0x85),
            Err(Error::Malformed { .. })
        ));
    }

    #[test]
    fn certificates_are_cut_to_their_der_length() {
        let mut file = vec![0x30, 0x03, 0x02, 0x01, 0x05];
        file.extend_from_slice(&[0xFF; 10]);
        assert_eq!(
            trim_certificate(KeyRole::Signing, file).unwrap(),
            vec![0x30, 0x03, 0x02, 0x01, 0x05]
        );
        assert!(matches!(
            trim_certificate(KeyRole::Signing, vec![0; 8]),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            trim_certificate(KeyRole::Signing, vec![]),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            trim_certificate(KeyRole::Signing, vec![0x30, 0x82, 0x01]),
            Err(Error::Malformed { .. })
        ));
    }

    #[test]
    fn serials_print_as_text_or_hex() {
        assert_eq!(format_serial(b"AB123").as_deref(), Some("AB123"));
        assert_eq!(format_serial(&[0x01, 0xAB]).as_deref(), Some("hex:01AB"));
        assert_ne!(format_serial(b"01AB"), format_serial(&[0x01, 0xAB]));
        assert_eq!(format_serial(&[]), None);
    }
}
