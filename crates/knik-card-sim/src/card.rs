//! The card itself: a file system, three PINs with retry counters, two keys, a security state,
//! and the command interpreter of docs/cards.md "The APDU protocol of `am-eid` and `ee-idemia`".
//!
//! Security state rules (docs/cards.md "Card rules"):
//! - selecting another application (or the MF), a reset, or a power cycle clears every verified
//!   PIN and the security environment; re-selecting the current application keeps them;
//! - PIN references with bit 8 set are local to the application holding the key they guard (the
//!   PUK's, if local, to the main application): outside it VERIFY, GET DATA and RESET RETRY
//!   COUNTER answer `6A88`;
//! - PIN1 stays verified; PIN2 is consumed by one PSO: COMPUTE DIGITAL SIGNATURE;
//! - a wrong PIN decrements its counter (`63Cx`), at zero it blocks (`6983`); a right one resets
//!   the counter to `max_tries`.

use std::collections::BTreeMap;

use knik_card::pin::PinKind;
use knik_card::profile::{
    ApduProfile, Application, AtrRule, CardSerialSource, Curve, KeySpec, PinRule, Profile,
};
use knik_card::token::KeyRole;
use zeroize::Zeroizing;

use crate::apdu::{Command, Response};
use crate::error::{Result, SimError};
use crate::image::{CardImage, PinImage};
use crate::key::{CardKey, KeyAlgorithm};
use crate::status::{self, Sw};

/// The MF's file identifier.
const MF: u16 = 0x3F00;

/// A virtual eID card. Feed it command APDUs with [`VirtualCard::process`]; PIN counters and
/// PINs it changes persist for the object's life, the security state until [`VirtualCard::reset`].
#[derive(Debug)]
pub struct VirtualCard {
    profile_id: String,
    atr: Vec<u8>,
    apps: Vec<App>,
    serial: Option<(u16, Vec<u8>)>,
    keys: Vec<KeySlot>,
    pins: Vec<PinSlot>,
    state: SecurityState,
}

#[derive(Debug)]
struct App {
    aid: Vec<u8>,
    efs: BTreeMap<u16, Vec<u8>>,
    dfs: BTreeMap<u16, BTreeMap<u16, Vec<u8>>>,
}

#[derive(Debug)]
struct KeySlot {
    role: KeyRole,
    spec: KeySpec,
    app: usize,
    key: CardKey,
}

struct PinSlot {
    kind: PinKind,
    rule: PinRule,
    value: Zeroizing<Vec<u8>>,
    left: u8,
    /// `None`: global; `Some(app)`: local to that application.
    app: Option<usize>,
}

impl std::fmt::Debug for PinSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinSlot")
            .field("kind", &self.kind)
            .field("left", &self.left)
            .finish_non_exhaustive()
    }
}

/// Where an EF sits: application (None = MF), DF under it (None = the application itself), FID.
type EfPath = (Option<usize>, Option<u16>, u16);

#[derive(Debug, Default)]
struct SecurityState {
    app: Option<usize>,
    df: Option<u16>,
    ef: Option<EfPath>,
    verified: Vec<PinKind>,
    environment: Option<KeyRole>,
}

type Reply = std::result::Result<Response, Sw>;

impl VirtualCard {
    /// Reads `test-vectors/cards/<name>.toml` and personalises a card with the built-in profile
    /// it names.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<VirtualCard> {
        VirtualCard::from_image(&CardImage::load(path)?)
    }

    /// Personalises a card with the built-in profile the image names.
    pub fn from_image(image: &CardImage) -> Result<VirtualCard> {
        let profile = Profile::builtin_by_id(&image.profile).ok_or_else(|| SimError::Profile {
            profile: image.profile.clone(),
            detail: "no built-in profile has this id".into(),
        })?;
        VirtualCard::new(profile, image)
    }

    /// Personalises a card: the profile gives the layout, the image the contents.
    pub fn new(profile: &Profile, image: &CardImage) -> Result<VirtualCard> {
        let err = |detail: String| SimError::Profile {
            profile: profile.id.clone(),
            detail,
        };
        let apdu = profile
            .apdu
            .as_ref()
            .ok_or_else(|| err("a PKCS#11 profile has no APDU card to simulate".into()))?;
        let atr = match &image.atr {
            Some(a) => a.clone(),
            None => profile
                .atr
                .iter()
                .find_map(|r| match r {
                    AtrRule::Exact(a) => Some(a.clone()),
                    AtrRule::Masked { .. } => None,
                })
                .ok_or_else(|| {
                    err("the profile has no exact ATR and the image gives none".into())
                })?,
        };

        // Applications, one per distinct AID.
        let mut apps: Vec<App> = Vec::new();
        let mut app_index = |aid: &[u8]| -> usize {
            if let Some(i) = apps.iter().position(|a| a.aid == aid) {
                return i;
            }
            apps.push(App {
                aid: aid.to_vec(),
                efs: BTreeMap::new(),
                dfs: BTreeMap::new(),
            });
            apps.len() - 1
        };
        let main = app_index(apdu.applications.aid(Application::Main));
        let auth_app = app_index(apdu.applications.aid(apdu.certificates.auth.application));
        let sign_app = app_index(apdu.applications.aid(apdu.certificates.sign.application));
        app_index(apdu.applications.aid(Application::Auth));
        app_index(apdu.applications.aid(Application::Sign));

        apps[auth_app]
            .efs
            .insert(apdu.certificates.auth.file, image.auth.certificate.clone());
        apps[sign_app]
            .efs
            .insert(apdu.certificates.sign.file, image.sign.certificate.clone());

        if let Some(layout) = &apdu.personal_data {
            if let Some(unknown) = image
                .personal_data
                .keys()
                .find(|name| layout.field(name).is_none())
            {
                return Err(err(format!(
                    "the image has personal-data field {unknown:?}, which the profile does not name"
                )));
            }
            let files = layout
                .fields
                .iter()
                .map(|f| {
                    let value = image
                        .personal_data
                        .get(&f.name)
                        .cloned()
                        .unwrap_or_default();
                    (f.file, value.into_bytes())
                })
                .collect();
            apps[main].dfs.insert(layout.directory, files);
        } else if !image.personal_data.is_empty() {
            return Err(err("the profile has no personal-data file".into()));
        }

        let serial = match (&apdu.card_serial, &image.serial) {
            (CardSerialSource::GetData { tag }, Some(s)) => Some((*tag, s.as_bytes().to_vec())),
            (CardSerialSource::GetData { .. }, None) => {
                return Err(err(
                    "the profile reads the serial by GET DATA: give `serial`".into(),
                ));
            }
            (CardSerialSource::PersonalData { .. }, Some(_)) => {
                return Err(err(
                    "the profile takes the serial from the personal data: remove `serial`".into(),
                ));
            }
            (CardSerialSource::PersonalData { .. }, None) => None,
        };

        let keys = vec![
            key_slot(apdu, KeyRole::Authentication, auth_app, &image.auth.key).map_err(&err)?,
            key_slot(apdu, KeyRole::Signing, sign_app, &image.sign.key).map_err(&err)?,
        ];
        let pins = vec![
            pin_slot(apdu, PinKind::Pin1, &image.pins.pin1, Some(auth_app)).map_err(&err)?,
            pin_slot(apdu, PinKind::Pin2, &image.pins.pin2, Some(sign_app)).map_err(&err)?,
            pin_slot(apdu, PinKind::Puk, &image.pins.puk, Some(main)).map_err(&err)?,
        ];
        Ok(VirtualCard {
            profile_id: profile.id.clone(),
            atr,
            apps,
            serial,
            keys,
            pins,
            state: SecurityState::default(),
        })
    }

    /// The answer to reset.
    pub fn atr(&self) -> &[u8] {
        &self.atr
    }

    /// The profile the card runs.
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// Tries left for one PIN (0 = blocked).
    pub fn retries_left(&self, kind: PinKind) -> u8 {
        self.pins
            .iter()
            .find(|p| p.kind == kind)
            .map_or(0, |p| p.left)
    }

    /// Whether a PIN is verified in the current security state.
    pub fn is_verified(&self, kind: PinKind) -> bool {
        self.state.verified.contains(&kind)
    }

    /// Warm reset or power cycle: the security state and the selection are lost, PINs and
    /// counters are not.
    pub fn reset(&mut self) {
        self.state = SecurityState::default();
    }

    /// Processes one command APDU and returns the response APDU (data and SW1 SW2).
    pub fn process(&mut self, command: &[u8]) -> Vec<u8> {
        self.execute(command).to_bytes()
    }

    /// Processes one command APDU.
    pub fn execute(&mut self, command: &[u8]) -> Response {
        let reply = Command::parse(command).and_then(|c| self.dispatch(&c));
        reply.unwrap_or_else(Response::status)
    }

    fn dispatch(&mut self, c: &Command) -> Reply {
        match c.cla {
            0x00 => {}
            cla if cla & 0x10 != 0 && cla & 0x80 == 0 => {
                return Err(status::CHAINING_NOT_SUPPORTED);
            }
            _ => return Err(status::CLA_NOT_SUPPORTED),
        }
        match c.ins {
            0xA4 => self.select(c),
            0xB0 => self.read_binary(c),
            0xCA => self.get_data(c),
            0xCB => self.get_retry_counter(c),
            0x20 => self.verify(c),
            0x24 => self.change_reference_data(c),
            0x2C => self.reset_retry_counter(c),
            0x22 => self.manage_security_environment(c),
            0x88 => self.internal_authenticate(c),
            0x2A => self.perform_security_operation(c),
            _ => Err(status::INS_NOT_SUPPORTED),
        }
    }

    // ---- SELECT (ISO 7816-4 §11.2.2) ----

    fn select(&mut self, c: &Command) -> Reply {
        let fcp = match c.p2 {
            0x0C => false,
            0x00 | 0x04 => true,
            _ => return Err(status::WRONG_P1P2),
        };
        match c.p1 {
            0x04 => {
                if c.data.is_empty() {
                    self.enter(None);
                    return Ok(Response::ok(Vec::new()));
                }
                let app = self
                    .apps
                    .iter()
                    .position(|a| a.aid == c.data)
                    .ok_or(status::NOT_FOUND)?;
                self.enter(Some(app));
                let data = if fcp {
                    tlv(0x62, &tlv(0x84, &c.data))
                } else {
                    Vec::new()
                };
                Ok(Response::ok(data))
            }
            0x00..=0x02 => {
                let fid = match c.data.as_slice() {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => return Err(status::WRONG_LENGTH),
                };
                if c.p1 == 0x00 && fid == MF {
                    self.enter(None);
                    return Ok(Response::ok(if fcp { dir_fcp(MF) } else { Vec::new() }));
                }
                let want_df = c.p1 != 0x02;
                let want_ef = c.p1 != 0x01;
                if want_ef {
                    let path = (self.state.app, self.state.df, fid);
                    if let Some(content) = self.file(path) {
                        let size = content.len();
                        self.state.ef = Some(path);
                        return Ok(Response::ok(if fcp {
                            ef_fcp(fid, size)
                        } else {
                            Vec::new()
                        }));
                    }
                }
                if want_df && self.state.df.is_none() {
                    let has_df = self
                        .state
                        .app
                        .is_some_and(|a| self.apps[a].dfs.contains_key(&fid));
                    if has_df {
                        self.state.df = Some(fid);
                        self.state.ef = None;
                        return Ok(Response::ok(if fcp { dir_fcp(fid) } else { Vec::new() }));
                    }
                }
                Err(status::NOT_FOUND)
            }
            _ => Err(status::WRONG_P1P2),
        }
    }

    /// Makes `app` current (None = MF); another application loses the security state.
    fn enter(&mut self, app: Option<usize>) {
        if self.state.app != app || app.is_none() {
            self.state = SecurityState {
                app,
                ..SecurityState::default()
            };
        }
        self.state.df = None;
        self.state.ef = None;
    }

    fn file(&self, (app, df, fid): EfPath) -> Option<&Vec<u8>> {
        let app = &self.apps[app?];
        match df {
            None => app.efs.get(&fid),
            Some(d) => app.dfs.get(&d)?.get(&fid),
        }
    }

    // ---- READ BINARY (ISO 7816-4 §11.3.3) ----

    fn read_binary(&mut self, c: &Command) -> Reply {
        if c.p1 & 0x80 != 0 {
            // Short-EF addressing is not part of the profile.
            return Err(status::WRONG_P1P2);
        }
        if !c.data.is_empty() {
            return Err(status::WRONG_LENGTH);
        }
        let ne = c.ne.ok_or(status::WRONG_LENGTH)?;
        let path = self.state.ef.ok_or(status::NO_CURRENT_EF)?;
        let content = self.file(path).ok_or(status::NO_CURRENT_EF)?;
        let offset = usize::from(c.p1p2());
        if offset > content.len() {
            return Err(status::WRONG_OFFSET);
        }
        let end = content.len().min(offset + ne);
        let data = content[offset..end].to_vec();
        let sw = if data.len() < ne {
            status::END_OF_FILE
        } else {
            status::OK
        };
        Ok(Response { data, sw })
    }

    // ---- GET DATA ----

    fn get_data(&mut self, c: &Command) -> Reply {
        match &self.serial {
            Some((tag, value)) if *tag == c.p1p2() => Ok(Response::ok(value.clone())),
            _ => Err(status::REFERENCE_NOT_FOUND),
        }
    }

    /// `00 CB 3F FF 0A 4D 08 70 06 BF 81 <ref & 0F> 02 A0 80 00`: the PIN's retry counter.
    fn get_retry_counter(&mut self, c: &Command) -> Reply {
        if c.p1p2() != 0x3FFF {
            return Err(status::WRONG_P1P2);
        }
        let r = match c.data.as_slice() {
            [0x4D, 0x08, 0x70, 0x06, 0xBF, 0x81, r, 0x02, 0xA0, 0x80] => *r,
            _ => return Err(status::WRONG_DATA),
        };
        let pin = self
            .pins
            .iter()
            .find(|p| p.rule.reference & 0x0F == r && self.reachable(p))
            .ok_or(status::REFERENCE_NOT_FOUND)?;
        let counters = tlv(
            0xA0,
            &[0x9A, 0x01, pin.rule.max_tries, 0x9B, 0x01, pin.left],
        );
        let mut object = vec![0xBF, 0x81, r];
        object.extend(length(counters.len()));
        object.extend(counters);
        Ok(Response::ok(tlv(0x70, &object)))
    }

    // ---- PINs (ISO 7816-4 §11.5.6, §11.5.7, §11.5.10) ----

    fn reachable(&self, pin: &PinSlot) -> bool {
        !pin.rule.is_local() || pin.app == self.state.app
    }

    fn pin_index(&self, reference: u8) -> std::result::Result<usize, Sw> {
        self.pins
            .iter()
            .position(|p| p.rule.reference == reference && self.reachable(p))
            .ok_or(status::REFERENCE_NOT_FOUND)
    }

    /// Compares a padded block with a PIN and counts the try; `Ok` on a match.
    fn check(&mut self, i: usize, block: &[u8]) -> std::result::Result<(), Sw> {
        let pin = &mut self.pins[i];
        if pin.left == 0 {
            return Err(status::PIN_BLOCKED);
        }
        if unpad(block, pin.rule.pad_byte) == pin.value.as_slice() {
            pin.left = pin.rule.max_tries;
            return Ok(());
        }
        pin.left -= 1;
        let (kind, left) = (pin.kind, pin.left);
        self.state.verified.retain(|k| *k != kind);
        Err(status::wrong_pin(left))
    }

    fn verify(&mut self, c: &Command) -> Reply {
        let i = self.pin_index(c.p2)?;
        let kind = self.pins[i].kind;
        match c.p1 {
            // ISO 7816-4:2013: P1 = FF resets the verification status.
            0xFF if c.data.is_empty() => {
                self.state.verified.retain(|k| *k != kind);
                return Ok(Response::ok(Vec::new()));
            }
            0x00 => {}
            _ => return Err(status::WRONG_P1P2),
        }
        if c.data.is_empty() {
            // No data: the card reports the state without spending a try.
            let left = self.pins[i].left;
            return Err(if self.is_verified(kind) {
                status::OK
            } else if left == 0 {
                status::PIN_BLOCKED
            } else {
                status::wrong_pin(left)
            });
        }
        if c.data.len() != usize::from(self.pins[i].rule.pad_to) {
            return Err(status::WRONG_LENGTH);
        }
        self.check(i, &c.data)?;
        if !self.state.verified.contains(&kind) {
            self.state.verified.push(kind);
        }
        Ok(Response::ok(Vec::new()))
    }

    fn change_reference_data(&mut self, c: &Command) -> Reply {
        if c.p1 != 0x00 {
            return Err(status::WRONG_P1P2);
        }
        let i = self.pin_index(c.p2)?;
        let pad_to = usize::from(self.pins[i].rule.pad_to);
        if c.data.len() != 2 * pad_to {
            return Err(status::WRONG_LENGTH);
        }
        let (old, new) = c.data.split_at(pad_to);
        let new = self.acceptable(i, new)?;
        self.check(i, old)?;
        self.pins[i].value = new;
        Ok(Response::ok(Vec::new()))
    }

    /// `00 2C 02 <ref>` new PIN after a verified PUK; `00 2C 00` PUK and new PIN in the data;
    /// `00 2C 03` only the counter, after a verified PUK.
    fn reset_retry_counter(&mut self, c: &Command) -> Reply {
        let i = self.pin_index(c.p2)?;
        if self.pins[i].kind == PinKind::Puk {
            // Only the issuer resets the PUK.
            return Err(status::CONDITIONS_NOT_SATISFIED);
        }
        let puk = self
            .pins
            .iter()
            .position(|p| p.kind == PinKind::Puk)
            .ok_or(status::CONDITIONS_NOT_SATISFIED)?;
        let pad_to = usize::from(self.pins[i].rule.pad_to);
        let new = match c.p1 {
            0x00 => {
                let puk_len = usize::from(self.pins[puk].rule.pad_to);
                if c.data.len() != puk_len + pad_to {
                    return Err(status::WRONG_LENGTH);
                }
                let (puk_block, new) = c.data.split_at(puk_len);
                let new = self.acceptable(i, new)?;
                self.check(puk, puk_block)?;
                Some(new)
            }
            0x02 | 0x03 => {
                if !self.is_verified(PinKind::Puk) {
                    return Err(status::SECURITY_NOT_SATISFIED);
                }
                match (c.p1, c.data.len()) {
                    (0x02, n) if n == pad_to => Some(self.acceptable(i, &c.data)?),
                    (0x03, 0) => None,
                    _ => return Err(status::WRONG_LENGTH),
                }
            }
            _ => return Err(status::WRONG_P1P2),
        };
        let pin = &mut self.pins[i];
        if let Some(new) = new {
            pin.value = new;
        }
        pin.left = pin.rule.max_tries;
        Ok(Response::ok(Vec::new()))
    }

    /// A new PIN block the card accepts (length and characters of the profile), unpadded.
    fn acceptable(&self, i: usize, block: &[u8]) -> std::result::Result<Zeroizing<Vec<u8>>, Sw> {
        let rule = &self.pins[i].rule;
        let pin = unpad(block, rule.pad_byte);
        let len_ok = (usize::from(rule.min)..=usize::from(rule.max)).contains(&pin.len());
        if !len_ok || !rule.charset.allows(pin) {
            return Err(status::WRONG_DATA);
        }
        Ok(Zeroizing::new(pin.to_vec()))
    }

    // ---- Keys (ISO 7816-4 §11.5.11, §11.5.13; ISO 7816-8 §11) ----

    fn manage_security_environment(&mut self, c: &Command) -> Reply {
        if c.p1 != 0x41 {
            return Err(status::WRONG_P1P2);
        }
        let role = match c.p2 {
            0xA4 => KeyRole::Authentication,
            0xB6 => KeyRole::Signing,
            _ => return Err(status::WRONG_P1P2),
        };
        let (mut algorithm, mut reference) = (None, None);
        let mut rest = c.data.as_slice();
        while let [tag, len, tail @ ..] = rest {
            let len = usize::from(*len);
            if tail.len() < len {
                return Err(status::WRONG_DATA);
            }
            let value = &tail[..len];
            match (tag, value) {
                (0x80, [a]) => algorithm = Some(*a),
                (0x84, [r]) => reference = Some(*r),
                (0x80 | 0x84, _) => return Err(status::WRONG_DATA),
                _ => {}
            }
            rest = &tail[len..];
        }
        if !rest.is_empty() {
            return Err(status::WRONG_DATA);
        }
        let reference = reference.ok_or(status::WRONG_DATA)?;
        let slot = self
            .keys
            .iter()
            .find(|k| {
                k.role == role && k.spec.reference == reference && Some(k.app) == self.state.app
            })
            .ok_or(status::REFERENCE_NOT_FOUND)?;
        let expected = if slot.key.algorithm().is_ec() {
            slot.spec.ec_algorithm
        } else {
            slot.spec.rsa_algorithm
        };
        if algorithm.is_some_and(|a| Some(a) != expected) {
            return Err(status::WRONG_DATA);
        }
        self.state.environment = Some(role);
        Ok(Response::ok(Vec::new()))
    }

    fn internal_authenticate(&mut self, c: &Command) -> Reply {
        if c.p1p2() != 0x0000 {
            return Err(status::WRONG_P1P2);
        }
        self.compute(KeyRole::Authentication, &c.data)
    }

    fn perform_security_operation(&mut self, c: &Command) -> Reply {
        if c.p1p2() != 0x9E9A {
            return Err(status::WRONG_P1P2);
        }
        let reply = self.compute(KeyRole::Signing, &c.data);
        if reply.is_ok() {
            // docs/cards.md: a verified PIN2 is consumed by one signature.
            self.state.verified.retain(|k| *k != PinKind::Pin2);
        }
        reply
    }

    fn compute(&mut self, role: KeyRole, input: &[u8]) -> Reply {
        if self.state.environment != Some(role) {
            return Err(status::CONDITIONS_NOT_SATISFIED);
        }
        if !self.is_verified(role.pin_kind()) {
            return Err(status::SECURITY_NOT_SATISFIED);
        }
        let slot = self
            .keys
            .iter()
            .find(|k| k.role == role)
            .ok_or(status::REFERENCE_NOT_FOUND)?;
        Ok(Response::ok(slot.key.sign(input)?))
    }
}

fn key_slot(
    apdu: &ApduProfile,
    role: KeyRole,
    app: usize,
    key: &CardKey,
) -> std::result::Result<KeySlot, String> {
    let spec = apdu.keys.get(role);
    let fits = matches!(
        (key.algorithm(), spec.curve),
        (KeyAlgorithm::EcP256, Some(Curve::P256))
            | (KeyAlgorithm::EcP384, Some(Curve::P384))
            | (KeyAlgorithm::Rsa { .. }, None)
    );
    if !fits {
        return Err(format!(
            "the {} key is {:?} but the profile expects {:?}",
            role.id(),
            key.algorithm(),
            spec.curve.map_or("RSA".to_string(), |c| format!("{c:?}"))
        ));
    }
    Ok(KeySlot {
        role,
        spec,
        app,
        key: key.clone(),
    })
}

fn pin_slot(
    apdu: &ApduProfile,
    kind: PinKind,
    image: &PinImage,
    home: Option<usize>,
) -> std::result::Result<PinSlot, String> {
    let rule = apdu.pins.get(kind);
    let len = image.value.len();
    if len < usize::from(rule.min)
        || len > usize::from(rule.max)
        || !rule.charset.allows(&image.value)
    {
        return Err(format!(
            "{kind}: the image's value breaks the profile's rules ({} to {} characters)",
            rule.min, rule.max
        ));
    }
    let left = image.retries_left.unwrap_or(rule.max_tries);
    if left > rule.max_tries {
        return Err(format!(
            "{kind}: retries_left {left} exceeds max_tries {}",
            rule.max_tries
        ));
    }
    Ok(PinSlot {
        kind,
        rule,
        value: image.value.clone(),
        left,
        app: if rule.is_local() { home } else { None },
    })
}

/// The PIN inside a padded block: trailing pad bytes removed.
fn unpad(block: &[u8], pad: u8) -> &[u8] {
    let end = block.iter().rposition(|b| *b != pad).map_or(0, |i| i + 1);
    &block[..end]
}

/// BER length octets (ISO 7816-4 §6.2.1).
fn length(n: usize) -> Vec<u8> {
    match n {
        0..=0x7F => vec![n as u8],
        0x80..=0xFF => vec![0x81, n as u8],
        _ => vec![0x82, (n >> 8) as u8, n as u8],
    }
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(length(value.len()));
    out.extend_from_slice(value);
    out
}

/// FCP of an EF: `62 L 80 02 <size> 82 01 01 83 02 <FID>` (docs/cards.md).
fn ef_fcp(fid: u16, size: usize) -> Vec<u8> {
    let size = u16::try_from(size).unwrap_or(u16::MAX).to_be_bytes();
    let fid = fid.to_be_bytes();
    let mut body = vec![0x80, 0x02, size[0], size[1], 0x82, 0x01, 0x01, 0x83, 0x02];
    body.extend(fid);
    tlv(0x62, &body)
}

/// FCP of a DF: `62 L 82 01 38 83 02 <FID>`.
fn dir_fcp(fid: u16) -> Vec<u8> {
    let fid = fid.to_be_bytes();
    tlv(0x62, &[0x82, 0x01, 0x38, 0x83, 0x02, fid[0], fid[1]])
}
