//! `knik card …`: readers, the card holder, certificates, PINs.

use crate::args::{CardCommand, Global, PinCommand};
use crate::config::Config;
use crate::device::{self, Device};
use crate::error::CliError;
use crate::output::Output;
use crate::pin;
use crate::trace::Tracer;
use knik_card::pcsc::{ReaderEvent, ReaderMonitor};
use knik_card::personal_data::PersonalData;
use knik_card::pin::PinKind;
use knik_card::pin_source::PinPurpose;
use knik_card::token::{HashAlgorithm, KeyRole, PinStatus, TokenInfo};
use knik_pki::{Certificate, Identity, PolicyMap};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Runs one `knik card` command.
pub fn run(
    cmd: &CardCommand,
    global: &Global,
    config: &Config,
    out: Output,
) -> Result<(), CliError> {
    match cmd {
        CardCommand::List { watch: false, .. } => list(config, out),
        CardCommand::List {
            watch: true,
            timeout,
        } => watch(out, *timeout),
        CardCommand::Info => info(global, config, out),
        CardCommand::Certs { export } => certs(global, config, out, export.as_deref()),
        CardCommand::Authenticate { challenge } => {
            authenticate(global, config, out, challenge.as_deref())
        }
        CardCommand::Pin(p) => pin_command(p, global, config, out),
    }
}

fn list(config: &Config, out: Output) -> Result<(), CliError> {
    let table = device::atr_table(config)?;
    let readers = device::readers()?;
    let mut text = String::new();
    let mut rows = Vec::new();
    if readers.is_empty() {
        text.push_str("No card readers are connected.\n");
    }
    for r in &readers {
        let profile = r.atr.as_deref().and_then(|a| table.identify(a));
        let atr = r.atr.as_deref().map(hex::encode_upper);
        let _ = writeln!(text, "{}", r.name);
        match (r.card_present, profile) {
            (false, _) => text.push_str("    no card\n"),
            (true, Some(p)) => {
                let _ = writeln!(text, "    card: {} [{}]", p.name, p.id);
            }
            (true, None) => text.push_str("    card: not supported by knik\n"),
        }
        if let Some(a) = &atr {
            let _ = writeln!(text, "    ATR:  {a}");
        }
        rows.push(json!({
            "reader": r.name,
            "card_present": r.card_present,
            "atr": atr,
            "profile": profile.map(|p| p.id.clone()),
            "card": profile.map(|p| p.name.clone()),
            "in_use": r.in_use,
        }));
    }
    out.result(&text, &json!({ "readers": rows }));
    Ok(())
}

fn watch(out: Output, timeout: Option<u64>) -> Result<(), CliError> {
    let mut monitor = ReaderMonitor::new()?;
    for r in monitor.readers() {
        let state = if r.card_present {
            "card present"
        } else {
            "no card"
        };
        out.event(
            &format!("{}: {state}", r.name),
            &json!({"event": "reader", "reader": r.name, "card_present": r.card_present}),
        );
    }
    let deadline = timeout.map(|s| Instant::now() + Duration::from_secs(s));
    loop {
        let wait = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) => left,
                None => return Ok(()),
            },
            None => Duration::from_secs(3600),
        };
        let Some(ev) = monitor.next_event(Some(wait))? else {
            continue;
        };
        let (text, value) = match &ev {
            ReaderEvent::ReaderAdded(n) => (
                format!("{n}: reader connected"),
                json!({"event": "reader-added", "reader": n}),
            ),
            ReaderEvent::ReaderRemoved(n) => (
                format!("{n}: reader disconnected"),
                json!({"event": "reader-removed", "reader": n}),
            ),
            ReaderEvent::CardInserted { reader, atr } => (
                format!("{reader}: card inserted (ATR {})", hex::encode_upper(atr)),
                json!({"event": "card-inserted", "reader": reader, "atr": hex::encode_upper(atr)}),
            ),
            ReaderEvent::CardRemoved(n) => (
                format!("{n}: card removed"),
                json!({"event": "card-removed", "reader": n}),
            ),
        };
        out.event(&text, &value);
    }
}

pub(crate) fn open(global: &Global, config: &Config) -> Result<Device, CliError> {
    device::open(global, config, global.trace.then_some(Tracer))
}

pub(crate) fn policies(config: &Config) -> Result<PolicyMap, CliError> {
    let mut map = PolicyMap::default();
    if let Some(path) = &config.pki.policies {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        map.extend_from_toml(&text)?;
    }
    Ok(map)
}

/// Runs `f` on the device; with `--trace` prints how many APDUs it took.
fn traced<R>(
    dev: &mut Device,
    global: &Global,
    what: &str,
    f: impl FnOnce(&mut Device) -> Result<R, knik_card::Error>,
) -> Result<R, CliError> {
    let r = f(dev);
    if global.trace
        && let Some(n) = dev.last_operation_apdus()
    {
        Tracer.summary(what, n);
    }
    Ok(r?)
}

fn info(global: &Global, config: &Config, out: Output) -> Result<(), CliError> {
    let policies = policies(config)?;
    let mut dev = open(global, config)?;
    let token_info = traced(&mut dev, global, "card info", |d| d.token().info())?;
    let pd = traced(&mut dev, global, "personal data", |d| {
        d.token().personal_data()
    })?;
    let mut certs = Vec::new();
    for role in [KeyRole::Authentication, KeyRole::Signing] {
        let der = traced(
            &mut dev,
            global,
            &format!("{} certificate", role.id()),
            |d| d.token().certificate(role),
        )?;
        certs.push((role, Certificate::from_der(&der)?));
    }
    let mut pins = Vec::new();
    for kind in [PinKind::Pin1, PinKind::Pin2, PinKind::Puk] {
        match traced(
            &mut dev,
            global,
            &format!("{} retry counter", kind.id()),
            |d| d.token().pin_status(kind),
        ) {
            Ok(s) => pins.push(s),
            // PKCS#11 tokens may know no PUK (SO PIN) state: leave it out rather than fail.
            Err(CliError::Card(knik_card::Error::NotFound(_))) => {}
            Err(e) => return Err(e),
        }
    }
    let identity = Identity::from_certificate(&certs[0].1, &policies)?;
    let now = OffsetDateTime::now_utc();
    let text = info_text(&token_info, pd.as_ref(), &identity, &certs, &pins, now);
    let value = json!({
        "card": token_json(&token_info),
        "holder": identity_json(&identity),
        "personal_data": pd.as_ref().map(|p| p.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect::<serde_json::Map<_, _>>()),
        "certificates": certs.iter().map(|(role, c)| cert_json(*role, c, now)).collect::<Vec<_>>(),
        "pins": pins.iter().map(pin_json).collect::<Vec<_>>(),
    });
    out.result(&text, &value);
    Ok(())
}

fn kind_label(kind: knik_pki::DocumentKind) -> &'static str {
    match kind {
        knik_pki::DocumentKind::Unknown => "unknown document",
        known => known.label(),
    }
}

fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

fn info_text(
    card: &TokenInfo,
    pd: Option<&PersonalData>,
    id: &Identity,
    certs: &[(KeyRole, Certificate)],
    pins: &[PinStatus],
    now: OffsetDateTime,
) -> String {
    let mut s = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(s, "{:<24}{value}", format!("{label}:"));
    };
    let name = [id.given_name.as_deref(), id.surname.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let native = pd.and_then(|p| {
        let n = [p.get("given_names_native"), p.get("surname_native")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (!n.is_empty()).then_some(n)
    });
    line(
        "Holder",
        &format!(
            "{name}{}",
            native.map(|n| format!(" ({n})")).unwrap_or_default()
        ),
    );
    let number_label = if id.country.as_deref() == Some("AM") {
        "Personal number (PSN)"
    } else {
        "Personal number"
    };
    let country = id
        .country
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    line(number_label, &format!("{}{country}", id.personal_number));
    line("Document", kind_label(id.document_kind));
    if let Some(p) = pd {
        for (field, label) in [
            ("document_number", "Document number"),
            ("expiry_date", "Valid until"),
            ("citizenship", "Citizenship"),
        ] {
            if let Some(v) = p.get(field) {
                line(label, v);
            }
        }
        if let Some(t) = p.get("residence_permit_type") {
            let v = p
                .get("residence_permit_validity")
                .map(|v| format!(", valid until {v}"))
                .unwrap_or_default();
            line("Residence permit", &format!("{t}{v}"));
        }
    }
    line("Card", &card.name);
    if let Some(r) = &card.reader {
        line("Reader", r);
    }
    if card.assumed_profile {
        line(
            "Profile",
            &format!(
                "{} (values assumed until the issuer publishes them)",
                card.profile
            ),
        );
    } else {
        line("Profile", &card.profile);
    }
    for (role, c) in certs {
        let label = match role {
            KeyRole::Authentication => "Authentication cert.",
            KeyRole::Signing => "Signing certificate",
        };
        let state = if c.is_valid_at(now) {
            "valid"
        } else if now > c.not_after() {
            "EXPIRED"
        } else {
            "not yet valid"
        };
        line(
            label,
            &format!(
                "{state}, {} to {}, {}, issued by {}",
                date(c.not_before()),
                date(c.not_after()),
                c.key_description(),
                c.issuer().common_name().unwrap_or("?")
            ),
        );
    }
    for p in pins {
        line(p.kind.label(), &pin_text(p));
    }
    s
}

fn pin_text(p: &PinStatus) -> String {
    if p.blocked {
        return match p.kind {
            PinKind::Puk => "BLOCKED".into(),
            k => format!("BLOCKED (unblock with `knik card pin unblock {}`)", k.id()),
        };
    }
    match (p.retries_left, p.max_tries) {
        (Some(l), Some(m)) => format!("{l} of {m} tries left"),
        (Some(l), None) => format!("{l} tries left"),
        _ => "not blocked".into(),
    }
}

fn token_json(t: &TokenInfo) -> Value {
    json!({
        "profile": t.profile,
        "name": t.name,
        "reader": t.reader,
        "serial": t.serial,
        "atr": t.atr.as_deref().map(hex::encode_upper),
        "assumed_profile": t.assumed_profile,
    })
}

fn identity_json(id: &Identity) -> Value {
    json!({
        "given_name": id.given_name,
        "surname": id.surname,
        "personal_number": id.personal_number,
        "identifier_type": id.identifier_type.as_ref().map(|t| t.as_str().to_string()),
        "country": id.country,
        "document_kind": id.document_kind.as_str(),
        "common_name": id.common_name,
        "semantics_identifier": id.semantics_identifier,
    })
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn cert_json(role: KeyRole, c: &Certificate, now: OffsetDateTime) -> Value {
    json!({
        "role": role.id(),
        "subject_cn": c.subject().common_name(),
        "issuer_cn": c.issuer().common_name(),
        "serial": c.serial_number_hex(),
        "not_before": rfc3339(c.not_before()),
        "not_after": rfc3339(c.not_after()),
        "valid_now": c.is_valid_at(now),
        "key": c.key_description(),
        "sha256": c.fingerprint_sha256_hex(),
    })
}

fn pin_json(p: &PinStatus) -> Value {
    json!({
        "pin": p.kind.id(),
        "retries_left": p.retries_left,
        "max_tries": p.max_tries,
        "blocked": p.blocked,
    })
}

fn certs(
    global: &Global,
    config: &Config,
    out: Output,
    export: Option<&Path>,
) -> Result<(), CliError> {
    let mut dev = open(global, config)?;
    let mut text = String::new();
    let mut files = Vec::new();
    let mut list = Vec::new();
    for role in [KeyRole::Authentication, KeyRole::Signing] {
        let der = traced(
            &mut dev,
            global,
            &format!("{} certificate", role.id()),
            |d| d.token().certificate(role),
        )?;
        let cert = Certificate::from_der(&der)?;
        if let Some(dir) = export {
            std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
            let pem_path = dir.join(format!("{}.pem", role.id()));
            let der_path = dir.join(format!("{}.der", role.id()));
            write_atomically(&pem_path, cert.to_pem().as_bytes())?;
            write_atomically(&der_path, &der)?;
            let _ = writeln!(
                text,
                "wrote {} and {}",
                pem_path.display(),
                der_path.display()
            );
            files.push(pem_path.display().to_string());
            files.push(der_path.display().to_string());
        } else {
            text.push_str(&cert.to_pem());
        }
        list.push(json!({"role": role.id(), "pem": cert.to_pem(), "sha256": cert.fingerprint_sha256_hex()}));
    }
    out.result(&text, &json!({"certificates": list, "files": files}));
    Ok(())
}

fn io_err(path: &Path, e: std::io::Error) -> CliError {
    CliError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Writes to a temporary file in the same directory, syncs it and renames it over `path`, so
/// a reader never sees half a file and an old file survives a failed write.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(path, e));
    }
    Ok(())
}

/// The PIN prompt for this card, from the PIN source the options choose.
pub(crate) fn prompt(
    dev: &mut Device,
    global: &Global,
    config: &Config,
) -> Result<pin::PinPrompt, CliError> {
    let source = pin::source(global.pin_source, config)?;
    let label = card_label(dev, config);
    Ok(pin::PinPrompt::new(source, dev.profile().cloned(), label))
}

/// "PETROSYAN ANI, citizen ID card" — how a PIN prompt names the card.
fn card_label(dev: &mut Device, config: &Config) -> String {
    let policies = policies(config).unwrap_or_default();
    let who = dev
        .token()
        .certificate(KeyRole::Authentication)
        .ok()
        .and_then(|der| Certificate::from_der(&der).ok())
        .and_then(|c| Identity::from_certificate(&c, &policies).ok());
    match who {
        Some(id) => format!(
            "{} {}, {}",
            id.surname.as_deref().unwrap_or(""),
            id.given_name.as_deref().unwrap_or(""),
            kind_label(id.document_kind)
        ),
        None => "your ID card".to_string(),
    }
}

fn pin_command(
    cmd: &PinCommand,
    global: &Global,
    config: &Config,
    out: Output,
) -> Result<(), CliError> {
    let mut dev = open(global, config)?;
    if let PinCommand::Status = cmd {
        let mut pins = Vec::new();
        for kind in [PinKind::Pin1, PinKind::Pin2, PinKind::Puk] {
            pins.push(traced(
                &mut dev,
                global,
                &format!("{} retry counter", kind.id()),
                |d| d.token().pin_status(kind),
            )?);
        }
        let text: String = pins
            .iter()
            .map(|p| format!("{:<5} {}\n", p.kind.label(), pin_text(p)))
            .collect();
        out.result(
            &text,
            &json!({"pins": pins.iter().map(pin_json).collect::<Vec<_>>()}),
        );
        return Ok(());
    }
    let mut prompt = prompt(&mut dev, global, config)?;
    let (kind, done) = match *cmd {
        PinCommand::Verify { which } => {
            let kind = which.into();
            let p = prompt.ask(dev.token(), kind, PinPurpose::Verify)?;
            traced(&mut dev, global, "verify", |d| {
                d.token().verify_pin(kind, &p)
            })?;
            (kind, format!("{} is correct.", kind.label()))
        }
        PinCommand::Change { which } => {
            let kind = which.into();
            let current = prompt.ask(dev.token(), kind, PinPurpose::ChangeCurrent)?;
            let new = prompt.ask(dev.token(), kind, PinPurpose::ChangeNew)?;
            traced(&mut dev, global, "change", |d| {
                d.token().change_pin(kind, &current, &new)
            })?;
            (kind, format!("{} was changed.", kind.label()))
        }
        PinCommand::Unblock { which } => {
            let kind = which.into();
            let puk = prompt.ask(dev.token(), kind, PinPurpose::Unblock)?;
            let new = prompt.ask(dev.token(), kind, PinPurpose::UnblockNew)?;
            traced(&mut dev, global, "unblock", |d| {
                d.token().unblock_pin(kind, &puk, &new)
            })?;
            (
                kind,
                format!("{} is unblocked and set to the new PIN.", kind.label()),
            )
        }
        PinCommand::Status => unreachable!("handled above"),
    };
    out.result(&format!("{done}\n"), &json!({"pin": kind.id(), "ok": true}));
    Ok(())
}

/// Signs SHA-384(challenge) with the authentication key and checks the result with the
/// certificate's public key. The certificate is read first, so the signing operation itself
/// runs on a warm certificate cache, as a login does (`--trace` shows its APDU count).
fn authenticate(
    global: &Global,
    config: &Config,
    out: Output,
    challenge: Option<&str>,
) -> Result<(), CliError> {
    let mut dev = open(global, config)?;
    let der = traced(&mut dev, global, "auth certificate", |d| {
        d.token().certificate(KeyRole::Authentication)
    })?;
    let cert = Certificate::from_der(&der)?;
    let message = match challenge {
        Some(c) => c.as_bytes().to_vec(),
        None => random_challenge(),
    };
    let digest = knik_pki::HashAlgorithm::Sha384.digest(&message);
    let pin1 = prompt(&mut dev, global, config)?.ask(
        dev.token(),
        PinKind::Pin1,
        PinPurpose::Authenticate,
    )?;
    let started = Instant::now();
    let sig = traced(&mut dev, global, "authenticate", |d| {
        d.token()
            .authenticate(&pin1, HashAlgorithm::Sha384, &digest)
    })?;
    let elapsed = started.elapsed();
    let verified = cert
        .public_key()
        .verify_digest_signature(knik_pki::HashAlgorithm::Sha384, &digest, &sig.value)
        .is_ok();
    if !verified {
        return Err(CliError::Card(knik_card::Error::Malformed {
            what: "authentication signature".into(),
            detail: "it does not verify with the card's authentication certificate".into(),
        }));
    }
    let text = format!(
        "The authentication key works: the signature over SHA-384 of the challenge verifies \
         with the certificate of {}.\nSignature ({} bytes): {}\nTime: {} ms\n",
        cert.subject().common_name().unwrap_or("?"),
        sig.value.len(),
        hex::encode_upper(&sig.value),
        elapsed.as_millis()
    );
    out.result(
        &text,
        &json!({
            "verified": true,
            "digest": hex::encode_upper(&digest),
            "signature": hex::encode_upper(&sig.value),
            "apdus": dev.last_operation_apdus(),
            "millis": elapsed.as_secs_f64() * 1000.0,
        }),
    );
    Ok(())
}

/// 32 bytes that differ per run; a login challenge needs no more than freshness here.
fn random_challenge() -> Vec<u8> {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = Vec::with_capacity(32);
    for i in 0..4u64 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        out.extend_from_slice(&h.finish().to_be_bytes());
    }
    out
}
