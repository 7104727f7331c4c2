//! `knik sign`, `knik extend`: signatures into containers.

use std::path::{Path, PathBuf};

use knik::sign::{self, InputFile, SignOptions};
use knik::signer::{Signer, SoftwareKey};
use knik::{Error as KnikError, Level};
use knik_card::pin::PinKind;
use knik_card::pin_source::PinPurpose;
use knik_card::token::{HashAlgorithm as CardHash, KeyRole};
use knik_pki::{Certificate, HashAlgorithm};
use knik_xades::c14n::Algorithm;
use serde_json::json;

use crate::args::{ExtendArgs, Global, ServiceArgs, SignArgs};
use crate::commands::card;
use crate::commands::mobile_id;
use crate::commands::trust;
use crate::config::Config;
use crate::device::Device;
use crate::error::CliError;
use crate::output::Output;
use crate::pin::PinPrompt;
use crate::progress::Bar;

/// The card (or PKCS#11 token) as a [`Signer`]: PIN2 from the PIN source, the card's own
/// errors kept so the CLI can give the card's hint and exit code.
struct CardSigner<'a> {
    device: &'a mut Device,
    prompt: PinPrompt,
    last_error: Option<CliError>,
}

impl CardSigner<'_> {
    fn fail(&mut self, e: CliError) -> KnikError {
        let err = KnikError::Signer {
            code: "CARD",
            message: e.message(),
        };
        self.last_error = Some(e);
        err
    }
}

impl Signer for CardSigner<'_> {
    fn certificate(&mut self) -> Result<Vec<u8>, KnikError> {
        self.device
            .token()
            .certificate(KeyRole::Signing)
            .map_err(|e| self.fail(e.into()))
    }

    fn sign_digest(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, KnikError> {
        let card_hash = match hash {
            HashAlgorithm::Sha256 => CardHash::Sha256,
            HashAlgorithm::Sha384 => CardHash::Sha384,
            HashAlgorithm::Sha512 => CardHash::Sha512,
            _ => {
                return Err(KnikError::InvalidRequest {
                    reason: format!("{hash:?} signatures are not made"),
                });
            }
        };
        let pin = match self
            .prompt
            .ask(self.device.token(), PinKind::Pin2, PinPurpose::Sign)
        {
            Ok(p) => p,
            Err(e) => return Err(self.fail(e)),
        };
        match self.device.token().sign(&pin, card_hash, digest) {
            Ok(s) => Ok(s.value),
            Err(e) => Err(self.fail(e.into())),
        }
    }
}

fn level(arg: Option<&str>, config: &Config) -> Result<Level, CliError> {
    match arg.or(config.signing.level.as_deref()) {
        None => Ok(Level::Lt),
        Some(s) => Level::parse(s)
            .ok_or_else(|| CliError::Usage(format!("unknown level {s:?}: use B, T, LT or LTA"))),
    }
}

fn c14n(arg: Option<&str>, config: &Config) -> Result<Algorithm, CliError> {
    match arg.or(config.signing.c14n.as_deref()) {
        None | Some("c14n11") | Some("1.1") => Ok(Algorithm::Inclusive11),
        Some("exc") | Some("exclusive") | Some("exc-c14n") => Ok(Algorithm::Exclusive10),
        Some("c14n") | Some("1.0") => Ok(Algorithm::Inclusive10),
        Some(other) => Err(CliError::Usage(format!(
            "unknown canonicalization {other:?}: use c14n11 or exc"
        ))),
    }
}

/// The online services from the command line and the configuration.
fn services(args: &ServiceArgs, config: &Config) -> knik::online::Services {
    knik::online::Services::new(
        args.tsa.clone().or_else(|| config.signing.tsa_url.clone()),
        args.ocsp
            .clone()
            .or_else(|| config.signing.ocsp_url.clone()),
    )
}

/// Certificates that may complete a signer's chain: --chain, `[pki] chain`, the trust
/// anchors.
fn known_certificates(
    args: &ServiceArgs,
    config: &Config,
    extra: &[Vec<u8>],
) -> Result<Vec<Certificate>, CliError> {
    let mut out = Vec::new();
    for path in args
        .chain
        .iter()
        .chain(&config.pki.chain)
        .chain(&config.pki.trust)
    {
        out.extend(trust::read_certificates(path)?);
    }
    for der in extra {
        out.push(Certificate::from_der(der)?);
    }
    Ok(out)
}

fn is_container(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("asice" | "sce" | "bdoc"))
}

fn software_key(key: &Path, cert: Option<&Path>) -> Result<SoftwareKey, CliError> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| CliError::Io {
            path: p.display().to_string(),
            message: e.to_string(),
        })
    };
    let bytes = read(key)?;
    match cert {
        Some(cert) => {
            let key_pem = String::from_utf8(bytes)
                .map_err(|_| CliError::Usage("a --key with --cert must be a PEM file".into()))?;
            let cert_pem = String::from_utf8_lossy(&read(cert)?).into_owned();
            Ok(SoftwareKey::from_pem(&key_pem, &cert_pem)?)
        }
        None => {
            let password = match std::env::var("KNIK_KEY_PASSWORD") {
                Ok(p) => zeroize::Zeroizing::new(p),
                Err(_) => zeroize::Zeroizing::new(
                    rpassword::prompt_password("Password of the key file: ")
                        .map_err(|e| CliError::Usage(format!("cannot read the password: {e}")))?,
                ),
            };
            Ok(SoftwareKey::from_pkcs12(&bytes, &password)?)
        }
    }
}

/// `knik sign`
pub fn run_sign(
    args: &SignArgs,
    global: &Global,
    config: &Config,
    out: Output,
) -> Result<(), CliError> {
    let level = level(args.level.as_deref(), config)?;
    let mut options = SignOptions {
        level,
        c14n: c14n(args.c14n.as_deref(), config)?,
        signing_certificate_v2: !args.signing_certificate_v1,
        rsa_pss: args.rsa_pss,
        claimed_roles: args.role.clone(),
        ..SignOptions::default()
    };
    if args.city.is_some() || args.country.is_some() {
        options.production_place = Some(knik_xades::xades::ProductionPlace {
            city: args.city.clone(),
            country_name: args.country.clone(),
            ..Default::default()
        });
    }
    // New container from files, or one more signature on an existing container.
    let target: PathBuf;
    let inputs: Vec<InputFile>;
    match &args.output {
        Some(o) => {
            if o.exists() && !args.force {
                return Err(CliError::Usage(format!(
                    "{} exists; pass --force to replace it",
                    o.display()
                )));
            }
            target = o.clone();
            inputs = args
                .files
                .iter()
                .map(|p| {
                    let mut f = InputFile::from_path(p)?;
                    if let Some(mt) = &args.media_type {
                        f.media_type = mt.clone();
                    }
                    Ok(f)
                })
                .collect::<Result<_, KnikError>>()?;
        }
        None => {
            if args.files.len() != 1 || !is_container(&args.files[0]) {
                return Err(CliError::Usage(
                    "give the container to create with -o OUT.asice (or one existing .asice \
                     to add a signature to)"
                        .into(),
                ));
            }
            target = args.files[0].clone();
            inputs = Vec::new();
        }
    }
    let mut svc = services(&args.services, config);
    let mut bar = Bar::new(args.quiet || global.json);
    if !args.mobile_id && (args.mobile.phone.is_some() || args.mobile.national_id.is_some()) {
        return Err(CliError::Usage(
            "--phone and --id are for mobile ID: add --mobile-id".into(),
        ));
    }
    let result = match (&args.key, args.mobile_id) {
        (_, true) => {
            options.known_certificates = known_certificates(&args.services, config, &[])?;
            let client = mobile_id::client(&args.mobile, config)?;
            let mut signer = mobile_id::signer(&client, &args.mobile, config)?;
            sign_with(&inputs, &target, &mut signer, &mut svc, &options, &mut bar)
        }
        (Some(key), false) => {
            let mut signer = software_key(key, args.cert.as_deref())?.with_rsa_pss(args.rsa_pss);
            options.known_certificates =
                known_certificates(&args.services, config, &signer.chain())?;
            sign_with(&inputs, &target, &mut signer, &mut svc, &options, &mut bar)
        }
        (None, false) => {
            options.known_certificates = known_certificates(&args.services, config, &[])?;
            let mut device = card::open(global, config)?;
            let prompt = card::prompt(&mut device, global, config)?;
            let mut signer = CardSigner {
                device: &mut device,
                prompt,
                last_error: None,
            };
            let r = sign_with(&inputs, &target, &mut signer, &mut svc, &options, &mut bar);
            if let (Err(KnikError::Signer { .. }), Some(e)) = (&r, signer.last_error.take()) {
                return Err(e);
            }
            r
        }
    };
    bar.clear();
    let signed = result?;
    let text = format!(
        "Signed by {}\n  container: {}\n  signature: {} ({}), level {}\n",
        signed.signer,
        signed.container.display(),
        signed.signature_file,
        signed.signature_id,
        signed.level
    );
    out.result(
        &text,
        &json!({
            "container": signed.container.display().to_string(),
            "signature_file": signed.signature_file,
            "signature_id": signed.signature_id,
            "level": signed.level.name(),
            "signer": signed.signer,
        }),
    );
    Ok(())
}

fn sign_with(
    inputs: &[InputFile],
    target: &Path,
    signer: &mut dyn Signer,
    svc: &mut knik::online::Services,
    options: &SignOptions,
    bar: &mut Bar,
) -> Result<sign::Signed, KnikError> {
    if inputs.is_empty() {
        let (tsa, ocsp) = svc.split();
        sign::add_signature(target, signer, tsa, ocsp, options, bar)
    } else {
        let (tsa, ocsp) = svc.split();
        sign::create_container(inputs, target, signer, tsa, ocsp, options, bar)
    }
}

/// `knik extend`
pub fn run_extend(
    args: &ExtendArgs,
    _global: &Global,
    config: &Config,
    out: Output,
) -> Result<(), CliError> {
    let target = Level::parse(&args.level)
        .ok_or_else(|| CliError::Usage(format!("unknown level {:?}", args.level)))?;
    let mut known = known_certificates(&args.services, config, &[])?;
    for p in &args.trust.trust {
        known.extend(trust::read_certificates(p)?);
    }
    let mut svc = services(&args.services, config);
    let mut bar = Bar::new(false);
    let (tsa, ocsp) = svc.split();
    let done = sign::extend_container(&args.file, target, tsa, ocsp, &known, &mut bar)?;
    bar.clear();
    let mut text = String::new();
    if done.is_empty() {
        text.push_str("Nothing to do: every signature is already at that level or above.\n");
    }
    for d in &done {
        text.push_str(&format!("{}: {} → {}\n", d.file, d.from, d.to));
    }
    out.result(
        &text,
        &json!({
            "container": args.file.display().to_string(),
            "extended": done.iter().map(|d| json!({
                "file": d.file, "from": d.from.name(), "to": d.to.name()
            })).collect::<Vec<_>>(),
        }),
    );
    Ok(())
}
