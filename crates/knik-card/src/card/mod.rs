//! A card spoken to by APDUs (`am-eid`, `ee-idemia`): the [`Token`] operations of
//! docs/cards.md, each one transaction.
//!
//! - [`commands`]: the command APDUs, byte for byte;
//! - [`ops`]: the protocol steps on an open [`Channel`], with the [`ops::Verified`] proof that
//!   key operations require;
//! - [`Card`]: the operations, with the certificate cache and the rules for PINs: length and
//!   characters checked before anything is sent, the retry counter read before a PIN is
//!   presented, and no PIN sent to a blocked key.
//!
//! A transaction that presented a PIN ends with a card reset, so no verified PIN outlives the
//! operation (see [`crate::channel`]); [`Card::reset_after_operation`] resets after every
//! operation.

pub mod commands;
pub mod ops;

use crate::atr::AtrTable;
use crate::cache::CertificateCache;
use crate::channel::{Channel, TraceEvent};
use crate::error::{Error, Result};
use crate::personal_data::PersonalData;
use crate::pin::{Pin, PinKind};
use crate::profile::{ApduProfile, Application, Profile};
use crate::token::{
    HashAlgorithm, KeyRole, PinStatus, Signature, SignatureAlgorithm, Token, TokenInfo,
};
use crate::transport::CardTransport;

/// A boxed tracer, called for every APDU with PIN bytes masked.
pub type BoxedTracer = Box<dyn FnMut(&TraceEvent) + Send>;

/// A card with an APDU profile over some transport.
pub struct Card<T: CardTransport> {
    transport: T,
    profile: Profile,
    cache: CertificateCache,
    tracer: Option<BoxedTracer>,
    apdus: usize,
    last_apdus: usize,
    last_serial: Option<String>,
    reset_on_end: bool,
}

impl<T: CardTransport> std::fmt::Debug for Card<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Card")
            .field("profile", &self.profile.id)
            .field("reader", &self.transport.reader_name())
            .field("apdus", &self.apdus)
            .finish_non_exhaustive()
    }
}

/// What an operation sees besides the channel.
struct Context<'a> {
    id: &'a str,
    apdu: &'a ApduProfile,
    cache: &'a CertificateCache,
    last_serial: &'a mut Option<String>,
}

impl Context<'_> {
    /// Reads the card serial; when it differs from the last one seen through this card
    /// handle, the reader holds another card and the old card's certificates are dropped.
    fn serial(&mut self, ch: &mut Channel<'_>) -> Result<Option<String>> {
        let serial = ops::card_serial(ch, self.apdu)?;
        if let Some(previous) = self.last_serial.as_deref()
            && serial.as_deref() != Some(previous)
        {
            self.cache.invalidate(self.id, previous);
        }
        self.last_serial.clone_from(&serial);
        Ok(serial)
    }

    /// The certificate of `role`: from the cache when this card's serial is known and the
    /// entry exists, else read (select application, select EF with FCP, READ BINARY) and cached.
    fn certificate(
        &mut self,
        ch: &mut Channel<'_>,
        role: KeyRole,
        serial: Option<&str>,
    ) -> Result<Vec<u8>> {
        if let Some(serial) = serial
            && let Some(hit) = self.cache.get(self.id, serial, role)
        {
            return Ok(hit.der);
        }
        let file = self.apdu.certificates.get(role);
        ops::select_application(ch, self.apdu, file.application)?;
        let data = ops::read_ef(ch, file.file)?
            .ok_or_else(|| Error::NotFound(format!("the {} certificate", role.id())))?;
        let der = ops::trim_certificate(role, data)?;
        if let Some(serial) = serial {
            self.cache.insert(self.id, serial, role, der.clone());
        }
        Ok(der)
    }
}

impl<T: CardTransport> Card<T> {
    /// A card with a known profile; fails for PKCS#11 profiles. Uses the process-wide
    /// certificate cache.
    pub fn new(transport: T, profile: Profile) -> Result<Card<T>> {
        profile.apdu()?;
        Ok(Card {
            transport,
            profile,
            cache: CertificateCache::global(),
            tracer: None,
            apdus: 0,
            last_apdus: 0,
            last_serial: None,
            reset_on_end: false,
        })
    }

    /// A card whose profile is found from its ATR; [`Error::UnsupportedCard`] when no APDU
    /// profile matches.
    pub fn identify(transport: T, table: &AtrTable) -> Result<Card<T>> {
        let atr = transport.atr();
        match table.identify(atr) {
            Some(p) if p.apdu.is_some() => {
                let profile = p.clone();
                Card::new(transport, profile)
            }
            _ => Err(Error::UnsupportedCard {
                atr: hex::encode_upper(atr),
            }),
        }
    }

    /// Uses `cache` instead of the process-wide one.
    pub fn with_cache(mut self, cache: CertificateCache) -> Card<T> {
        self.cache = cache;
        self
    }

    /// Calls `tracer` for every APDU (for `--trace`); PIN bytes are shown as `**`.
    pub fn with_tracer(mut self, tracer: impl FnMut(&TraceEvent) + Send + 'static) -> Card<T> {
        self.tracer = Some(Box::new(tracer));
        self
    }

    /// Resets the card at the end of every operation, not only those that presented a PIN.
    pub fn reset_after_operation(mut self, reset: bool) -> Card<T> {
        self.reset_on_end = reset;
        self
    }

    /// The card's profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The certificate cache in use.
    pub fn cache(&self) -> &CertificateCache {
        &self.cache
    }

    /// APDU exchanges since this handle was made (GET RESPONSE included).
    pub fn apdu_count(&self) -> usize {
        self.apdus
    }

    /// APDU exchanges of the last operation.
    pub fn last_operation_apdus(&self) -> usize {
        self.last_apdus
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The transport, mutably.
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Gives the transport back.
    pub fn into_transport(self) -> T {
        self.transport
    }

    /// Runs one operation in one transaction. The operation's own error wins over a failure
    /// to end the transaction; a failure to end it after the card did its work does not
    /// throw the work away (the next operation meets the same transport error anyway).
    fn run<R>(
        &mut self,
        op: impl FnOnce(&mut Channel<'_>, &mut Context<'_>) -> Result<R>,
    ) -> Result<R> {
        let Card {
            transport,
            profile,
            cache,
            tracer,
            apdus,
            last_apdus,
            last_serial,
            reset_on_end,
        } = self;
        let apdu = profile.apdu()?;
        let mut ch = Channel::open(transport)?
            .with_short_read_chunk(apdu.certificates.short_read_chunk)
            .reset_on_end(*reset_on_end);
        if let Some(t) = tracer.as_deref_mut() {
            ch = ch.with_tracer(t);
        }
        let mut ctx = Context {
            id: &profile.id,
            apdu,
            cache,
            last_serial,
        };
        let result = op(&mut ch, &mut ctx);
        *last_apdus = ch.exchanges();
        *apdus += ch.exchanges();
        match result {
            Ok(v) => {
                let _ = ch.finish();
                Ok(v)
            }
            Err(e) => Err(e),
        }
    }

    fn apdu_profile(&self) -> Result<&ApduProfile> {
        self.profile.apdu()
    }

    /// Signature algorithm of `role`'s key, from the profile.
    fn signature_algorithm(&self, role: KeyRole) -> Result<SignatureAlgorithm> {
        Ok(match self.apdu_profile()?.keys.get(role).curve {
            Some(_) => SignatureAlgorithm::Ecdsa,
            None => SignatureAlgorithm::RsaPkcs1v15,
        })
    }
}

impl<T: CardTransport> Token for Card<T> {
    fn info(&mut self) -> Result<TokenInfo> {
        let reader = self.transport.reader_name().map(str::to_string);
        let atr = self.transport.atr().to_vec();
        let serial = self.run(|ch, ctx| ctx.serial(ch))?;
        Ok(TokenInfo {
            profile: self.profile.id.clone(),
            name: self.profile.name.clone(),
            reader,
            serial,
            atr: Some(atr),
            assumed_profile: self.profile.is_assumed(),
        })
    }

    fn certificate(&mut self, role: KeyRole) -> Result<Vec<u8>> {
        self.run(|ch, ctx| {
            let serial = ctx.serial(ch)?;
            ctx.certificate(ch, role, serial.as_deref())
        })
    }

    fn pin_status(&mut self, kind: PinKind) -> Result<PinStatus> {
        let rule = self.apdu_profile()?.pins.get(kind);
        let counter = self.run(|ch, ctx| {
            ops::select_application(ch, ctx.apdu, ops::pin_application(kind, &rule))?;
            ops::retry_counter(ch, kind, &rule)
        })?;
        Ok(PinStatus {
            kind,
            retries_left: Some(counter.left),
            max_tries: Some(counter.max),
            blocked: counter.left == 0,
        })
    }

    fn authenticate(&mut self, pin: &Pin, hash: HashAlgorithm, digest: &[u8]) -> Result<Signature> {
        self.authenticate_with_certificate(pin, hash, digest)
            .map(|(s, _)| s)
    }

    /// GET DATA serial → (certificate from the cache, or read) → SELECT auth ADF → GET DATA
    /// PIN1 retries → MSE:SET → VERIFY → INTERNAL AUTHENTICATE: six APDUs with a warm cache.
    fn authenticate_with_certificate(
        &mut self,
        pin: &Pin,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<(Signature, Vec<u8>)> {
        let role = KeyRole::Authentication;
        let apdu = self.apdu_profile()?;
        let rule = apdu.pins.pin1;
        let key = apdu.keys.auth;
        ops::check_pin_format(PinKind::Pin1, &rule, pin)?;
        let input = ops::signing_input(&key, hash, digest)?;
        let algorithm = self.signature_algorithm(role)?;
        let (value, certificate) = self.run(|ch, ctx| {
            let serial = ctx.serial(ch)?;
            let certificate = ctx.certificate(ch, role, serial.as_deref())?;
            ops::select_application(ch, ctx.apdu, Application::Auth)?;
            ops::ensure_not_blocked(ch, PinKind::Pin1, &rule)?;
            ops::set_security_environment(ch, role, &key)?;
            let pin1 = ops::verify(ch, PinKind::Pin1, &rule, pin)?;
            let value = ops::internal_authenticate(ch, &pin1, &key, &input)?;
            Ok((value, certificate))
        })?;
        Ok((
            Signature {
                value,
                algorithm,
                hash,
            },
            certificate,
        ))
    }

    /// SELECT sign ADF → GET DATA PIN2 retries (PIN2 is local to the ADF) → MSE:SET → VERIFY →
    /// PSO: COMPUTE DIGITAL SIGNATURE.
    fn sign(&mut self, pin: &Pin, hash: HashAlgorithm, digest: &[u8]) -> Result<Signature> {
        let role = KeyRole::Signing;
        let apdu = self.apdu_profile()?;
        let rule = apdu.pins.pin2;
        let key = apdu.keys.sign;
        ops::check_pin_format(PinKind::Pin2, &rule, pin)?;
        let input = ops::signing_input(&key, hash, digest)?;
        let algorithm = self.signature_algorithm(role)?;
        let value = self.run(|ch, ctx| {
            ops::select_application(ch, ctx.apdu, Application::Sign)?;
            ops::ensure_not_blocked(ch, PinKind::Pin2, &rule)?;
            ops::set_security_environment(ch, role, &key)?;
            let pin2 = ops::verify(ch, PinKind::Pin2, &rule, pin)?;
            ops::compute_digital_signature(ch, &pin2, &key, &input)
        })?;
        Ok(Signature {
            value,
            algorithm,
            hash,
        })
    }

    fn verify_pin(&mut self, kind: PinKind, pin: &Pin) -> Result<()> {
        let rule = self.apdu_profile()?.pins.get(kind);
        ops::check_pin_format(kind, &rule, pin)?;
        self.run(|ch, ctx| {
            ops::select_application(ch, ctx.apdu, ops::pin_application(kind, &rule))?;
            ops::ensure_not_blocked(ch, kind, &rule)?;
            ops::verify(ch, kind, &rule, pin).map(|_| ())
        })
    }

    fn change_pin(&mut self, kind: PinKind, current: &Pin, new: &Pin) -> Result<()> {
        let rule = self.apdu_profile()?.pins.get(kind);
        ops::check_pin_format(kind, &rule, current)?;
        ops::check_pin_format(kind, &rule, new)?;
        if current == new {
            return Err(Error::PinNotAccepted {
                kind,
                reason: "the new PIN is the same as the current one".into(),
            });
        }
        self.run(|ch, ctx| {
            ops::select_application(ch, ctx.apdu, ops::pin_application(kind, &rule))?;
            ops::ensure_not_blocked(ch, kind, &rule)?;
            ops::change_reference_data(ch, kind, &rule, current, new)
        })
    }

    /// SELECT (the PIN's application) → GET DATA PUK retries → VERIFY PUK → RESET RETRY
    /// COUNTER with the new PIN.
    fn unblock_pin(&mut self, kind: PinKind, puk: &Pin, new: &Pin) -> Result<()> {
        if kind == PinKind::Puk {
            return Err(Error::InvalidArgument(
                "the PUK cannot unblock itself; a blocked PUK needs the issuer".into(),
            ));
        }
        let pins = &self.apdu_profile()?.pins;
        let (rule, puk_rule) = (pins.get(kind), pins.puk);
        ops::check_pin_format(PinKind::Puk, &puk_rule, puk)?;
        ops::check_pin_format(kind, &rule, new)?;
        self.run(|ch, ctx| {
            ops::select_application(ch, ctx.apdu, ops::pin_application(kind, &rule))?;
            ops::ensure_not_blocked(ch, PinKind::Puk, &puk_rule)?;
            let verified = ops::verify(ch, PinKind::Puk, &puk_rule, puk)?;
            ops::reset_retry_counter(ch, &verified, kind, &rule, new)
        })
    }

    fn personal_data(&mut self) -> Result<Option<PersonalData>> {
        if self.apdu_profile()?.personal_data.is_none() {
            return Ok(None);
        }
        self.run(|ch, ctx| {
            let Some(layout) = ctx.apdu.personal_data.as_ref() else {
                return Ok(None);
            };
            ops::select_application(ch, ctx.apdu, Application::Main)?;
            ops::select_df(ch, layout.directory)?;
            let mut fields = Vec::with_capacity(layout.fields.len());
            for f in &layout.fields {
                if let Some(v) = ops::read_text_field(ch, &f.name, f.file)? {
                    fields.push((f.name.clone(), v));
                }
            }
            Ok(Some(PersonalData::from_fields(fields)))
        })
    }
}

#[cfg(test)]
mod tests;
