//! The three card commands on one chosen card, whatever carries it (a PC/SC card in the host,
//! the virtual card in tests): reference/web-eid.md §1.4 and §2.
//!
//! - [`authenticate`]: the authentication certificate names the holder for the PIN dialog and
//!   fixes the token algorithm (ES256 for P-256, ES384 for P-384, RS256 / PS256 for RSA); PIN1;
//!   the key signs hash(hash(origin) ‖ hash(nonce)) in the same transaction that reads the
//!   certificate again, so the token's certificate is the key's.
//! - [`signing_certificate`]: the signing certificate and the digests the card signs, after the
//!   citizen agreed to release it ([`crate::consent`]).
//! - [`sign`]: only with the card whose signing certificate is the one the page sent; PIN2; the
//!   signature is checked against that certificate before it is returned, so a card swapped
//!   half-way cannot answer for another.

use knik_card::pin::PinKind;
use knik_card::pin_source::{PinPurpose, PinSource};
use knik_card::profile::Profile;
use knik_card::token::{
    HashAlgorithm as CardHash, KeyRole, SignatureAlgorithm as CardScheme, Token,
};
use knik_pki::{Certificate, HashAlgorithm, Identity, PolicyMap, PublicKey};
use knik_webeid::algorithm::{CryptoAlgorithm, HashFunction, PaddingScheme, SignatureAlgorithm};
use knik_webeid::native_messaging::{
    AuthenticateArguments, GetSigningCertificateArguments, SignArguments, SignResponse,
    SigningCertificateResponse,
};
use knik_webeid::origin::Origin;
use knik_webeid::token::{AuthToken, TokenAlgorithm, signed_value_digest};

use crate::consent::{Consent, ConsentRequest};
use crate::error::HostError;
use crate::log::Log;
use crate::pin_entry::{PinPrompt, with_pin};
use crate::timing::Timing;

/// What a flow needs besides the card: the dialogs, the PIN length rules of the card's profile,
/// where time goes and the log.
pub struct Context<'a> {
    /// The PIN dialog.
    pub pins: &'a mut dyn PinSource,
    /// The consent dialog.
    pub consent: &'a mut dyn Consent,
    /// The card's profile, for the PIN length rules (None for tokens without one).
    pub profile: Option<&'a Profile>,
    /// Time accounting.
    pub timing: &'a mut Timing,
    /// The log.
    pub log: &'a Log,
}

impl Context<'_> {
    fn lengths(&self, kind: PinKind) -> Option<(u8, u8)> {
        let rule = self.profile?.apdu().ok()?.pins.get(kind);
        Some((rule.min, rule.max))
    }
}

/// `authenticate`: a `web-eid:1.0` token signed by the authentication key.
pub fn authenticate(
    token: &mut dyn Token,
    cx: &mut Context<'_>,
    args: &AuthenticateArguments,
    app_version: &str,
) -> Result<AuthToken, HostError> {
    let der = token.certificate(KeyRole::Authentication)?;
    let certificate = Certificate::from_der(&der).map_err(HostError::Certificate)?;
    let algorithm = token_algorithm(certificate.public_key(), None)?;
    let digest = signed_value_digest(args.origin.as_str(), &args.challenge_nonce, algorithm);
    let hash = card_hash(algorithm.hash()).ok_or_else(|| unsupported_key(&certificate))?;
    let label = label(&certificate, &args.origin);
    let prompt = PinPrompt {
        kind: PinKind::Pin1,
        purpose: PinPurpose::Authenticate,
        label: &label,
        lengths: cx.lengths(PinKind::Pin1),
    };
    let (signature, used) = with_pin(token, cx.pins, &prompt, cx.timing, cx.log, |t, pin| {
        t.authenticate_with_certificate(pin, hash, &digest)
    })?;
    if used != der {
        return Err(HostError::CardChanged);
    }
    let algorithm = token_algorithm(certificate.public_key(), Some(signature.algorithm))?;
    Ok(AuthToken::create(
        &used,
        algorithm,
        &signature.value,
        app_version,
    ))
}

/// `get-signing-certificate`: the certificate and what the card signs, once the citizen agreed.
pub fn signing_certificate(
    token: &mut dyn Token,
    cx: &mut Context<'_>,
    args: &GetSigningCertificateArguments,
) -> Result<SigningCertificateResponse, HostError> {
    let der = token.certificate(KeyRole::Signing)?;
    let certificate = Certificate::from_der(&der).map_err(HostError::Certificate)?;
    let supported = supported_algorithms(certificate.public_key())
        .ok_or_else(|| unsupported_key(&certificate))?;
    let holder = holder(&certificate);
    let description = format!(
        "{} asks for the signing certificate of {}. It contains your name and personal \
         number. Allow the site to read it?",
        args.origin.host_and_port(),
        holder
    );
    let request = ConsentRequest {
        title: "Signing certificate",
        description: &description,
        ok: "Allow",
        cancel: "Cancel",
    };
    let started = std::time::Instant::now();
    let consent = cx.consent.confirm(&request);
    cx.timing.dialogs += started.elapsed();
    consent?;
    Ok(SigningCertificateResponse {
        certificate: der,
        supported_signature_algorithms: supported,
    })
}

/// `sign`: the digest signed by the signing key of the card holding `args.certificate`.
pub fn sign(
    token: &mut dyn Token,
    cx: &mut Context<'_>,
    args: &SignArguments,
) -> Result<SignResponse, HostError> {
    let der = token.certificate(KeyRole::Signing)?;
    if der != args.certificate {
        return Err(HostError::WrongCertificate { cards_checked: 1 });
    }
    let certificate = Certificate::from_der(&der).map_err(HostError::Certificate)?;
    let supported = supported_algorithms(certificate.public_key())
        .ok_or_else(|| unsupported_key(&certificate))?;
    let hash = card_hash_for(args.hash_function).ok_or_else(|| HostError::UnsupportedHash {
        hash: args.hash_function,
        supported: supported
            .iter()
            .map(|a| a.hash_function.name())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    let label = label(&certificate, &args.origin);
    let prompt = PinPrompt {
        kind: PinKind::Pin2,
        purpose: PinPurpose::Sign,
        label: &label,
        lengths: cx.lengths(PinKind::Pin2),
    };
    let signature = with_pin(token, cx.pins, &prompt, cx.timing, cx.log, |t, pin| {
        t.sign(pin, hash, &args.hash)
    })?;
    let pki_hash = pki_hash(hash);
    let key = certificate.public_key();
    let check = match signature.algorithm {
        CardScheme::RsaPss => {
            key.verify_digest_signature_pss(pki_hash, &args.hash, &signature.value, hash.len())
        }
        CardScheme::Ecdsa | CardScheme::RsaPkcs1v15 => {
            key.verify_digest_signature(pki_hash, &args.hash, &signature.value)
        }
    };
    if check.is_err() {
        // The card that signed is not the one whose certificate was read: swapped half-way.
        return Err(HostError::CardChanged);
    }
    Ok(SignResponse {
        signature: signature.value,
        signature_algorithm: SignatureAlgorithm {
            crypto_algorithm: crypto_algorithm(key).ok_or_else(|| unsupported_key(&certificate))?,
            hash_function: args.hash_function,
            padding_scheme: padding(signature.algorithm),
        },
    })
}

/// The token algorithm for a key: ES256 / ES384 by curve; RS256 for RSA, or PS256 once the
/// card is seen to sign with PSS.
fn token_algorithm(key: &PublicKey, made: Option<CardScheme>) -> Result<TokenAlgorithm, HostError> {
    let algorithm = match (key, made) {
        (PublicKey::EcP256(_), None | Some(CardScheme::Ecdsa)) => TokenAlgorithm::Es256,
        (PublicKey::EcP384(_), None | Some(CardScheme::Ecdsa)) => TokenAlgorithm::Es384,
        (PublicKey::Rsa(_), None | Some(CardScheme::RsaPkcs1v15)) => TokenAlgorithm::Rs256,
        (PublicKey::Rsa(_), Some(CardScheme::RsaPss)) => TokenAlgorithm::Ps256,
        _ => {
            return Err(HostError::UnsupportedKey {
                key: key.key_description(),
            });
        }
    };
    Ok(algorithm)
}

fn unsupported_key(certificate: &Certificate) -> HostError {
    HostError::UnsupportedKey {
        key: certificate.key_description(),
    }
}

fn crypto_algorithm(key: &PublicKey) -> Option<CryptoAlgorithm> {
    match key {
        PublicKey::EcP256(_) | PublicKey::EcP384(_) => Some(CryptoAlgorithm::Ecc),
        PublicKey::Rsa(_) => Some(CryptoAlgorithm::Rsa),
        _ => None,
    }
}

fn padding(scheme: CardScheme) -> PaddingScheme {
    match scheme {
        CardScheme::Ecdsa => PaddingScheme::None,
        CardScheme::RsaPkcs1v15 => PaddingScheme::Pkcs1v15,
        CardScheme::RsaPss => PaddingScheme::Pss,
    }
}

/// What the card signs: SHA-256, SHA-384 and SHA-512 digests (the hashes the card layer names;
/// an RSA card needs their DigestInfo).
pub fn supported_algorithms(key: &PublicKey) -> Option<Vec<SignatureAlgorithm>> {
    let (crypto_algorithm, padding_scheme) = match crypto_algorithm(key)? {
        CryptoAlgorithm::Ecc => (CryptoAlgorithm::Ecc, PaddingScheme::None),
        _ => (CryptoAlgorithm::Rsa, PaddingScheme::Pkcs1v15),
    };
    Some(
        [
            HashFunction::Sha256,
            HashFunction::Sha384,
            HashFunction::Sha512,
        ]
        .into_iter()
        .map(|hash_function| SignatureAlgorithm {
            crypto_algorithm,
            hash_function,
            padding_scheme,
        })
        .collect(),
    )
}

fn card_hash(hash: HashAlgorithm) -> Option<CardHash> {
    match hash {
        HashAlgorithm::Sha256 => Some(CardHash::Sha256),
        HashAlgorithm::Sha384 => Some(CardHash::Sha384),
        HashAlgorithm::Sha512 => Some(CardHash::Sha512),
        _ => None,
    }
}

fn card_hash_for(hash: HashFunction) -> Option<CardHash> {
    match hash {
        HashFunction::Sha256 => Some(CardHash::Sha256),
        HashFunction::Sha384 => Some(CardHash::Sha384),
        HashFunction::Sha512 => Some(CardHash::Sha512),
        _ => None,
    }
}

fn pki_hash(hash: CardHash) -> HashAlgorithm {
    match hash {
        CardHash::Sha256 => HashAlgorithm::Sha256,
        CardHash::Sha384 => HashAlgorithm::Sha384,
        CardHash::Sha512 => HashAlgorithm::Sha512,
    }
}

/// "PETROSYAN ANI, citizen ID card": whose card, as the holder knows it.
pub fn holder(certificate: &Certificate) -> String {
    match Identity::from_certificate(certificate, &PolicyMap::default()) {
        Ok(id) => id.holder_label(),
        Err(_) => certificate
            .subject()
            .common_name()
            .map_or_else(|| "the ID card in the reader".to_owned(), str::to_owned),
    }
}

/// The PIN dialog's name for the card and the site the PIN goes to (reference/web-eid.md §1.8:
/// the dialog shows `host[:port]` so the citizen sees where the PIN goes).
fn label(certificate: &Certificate, origin: &Origin) -> String {
    format!("{}, at {}", holder(certificate), origin.host_and_port())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::HostError;
    use knik_card::Error as CardError;
    use knik_card::card::Card;
    use knik_card::pin::Pin;
    use knik_card::pin_source::PinRequest;
    use knik_card_sim::{SimTransport, VirtualCard};
    use knik_webeid::origin::OriginPolicy;
    use knik_webeid::token::verify_token_signature;
    use std::path::PathBuf;

    struct Pins(&'static str, Vec<String>);
    impl PinSource for Pins {
        fn pin(&mut self, request: &PinRequest<'_>) -> knik_card::Result<Pin> {
            self.1.push(request.sentence());
            Ok(Pin::from_bytes(self.0.as_bytes()))
        }
    }
    struct Answer(Result<(), HostError>, Vec<String>);
    impl Consent for Answer {
        fn confirm(&mut self, request: &ConsentRequest<'_>) -> Result<(), HostError> {
            self.1.push(request.description.to_owned());
            self.0.clone()
        }
    }

    fn card(name: &str) -> Card<SimTransport> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../test-vectors/cards/{name}.toml"));
        let card = VirtualCard::load(path).expect("card image");
        let profile = Profile::builtin_by_id("am-eid").expect("am-eid").clone();
        Card::new(SimTransport::new(card), profile).expect("APDU profile")
    }

    fn origin() -> Origin {
        Origin::parse("https://login.example.am:8443", OriginPolicy::STRICT).expect("origin")
    }

    const NONCE: &str = "q8Vx0cNf7mO3QJm2Yt1bP9wzLk4hR6sA5dE8gU0iTyc=";

    #[test]
    fn token_verifies_for_the_origin_and_nonce_and_names_the_site_in_the_dialog() {
        let mut card = card("citizen");
        let profile = card.profile().clone();
        let (mut pins, mut consent) = (Pins("1234", vec![]), Answer(Ok(()), vec![]));
        let mut timing = Timing::default();
        let log = Log::discard();
        let mut cx = Context {
            pins: &mut pins,
            consent: &mut consent,
            profile: Some(&profile),
            timing: &mut timing,
            log: &log,
        };
        let args = AuthenticateArguments {
            challenge_nonce: NONCE.into(),
            origin: origin(),
            lang: None,
        };
        let token = authenticate(&mut card, &mut cx, &args, "https://x/1").expect("token");
        assert_eq!(token.algorithm, TokenAlgorithm::Es384);
        verify_token_signature(&token, "https://login.example.am:8443", NONCE).expect("verifies");
        assert!(verify_token_signature(&token, "https://login.example.am", NONCE).is_err());
        assert_eq!(
            pins.1,
            [
                "Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at \
              login.example.am:8443"
            ]
        );
    }

    #[test]
    fn refused_consent_releases_no_certificate_and_wrong_certificate_is_not_signed_with() {
        let mut citizen = card("citizen");
        let mut resident = card("resident");
        let (mut pins, mut refuse) = (
            Pins("12345", vec![]),
            Answer(Err(HostError::ConsentRefused), vec![]),
        );
        let mut timing = Timing::default();
        let log = Log::discard();
        let mut cx = Context {
            pins: &mut pins,
            consent: &mut refuse,
            profile: None,
            timing: &mut timing,
            log: &log,
        };
        let get = GetSigningCertificateArguments {
            origin: origin(),
            lang: None,
        };
        assert_eq!(
            signing_certificate(&mut citizen, &mut cx, &get),
            Err(HostError::ConsentRefused)
        );
        assert_eq!(
            refuse.1,
            [
                "login.example.am:8443 asks for the signing certificate of PETROSYAN ANI, citizen \
              ID card. It contains your name and personal number. Allow the site to read it?"
            ]
        );

        let citizen_cert = citizen.certificate(KeyRole::Signing).expect("certificate");
        let sign_args = SignArguments {
            hash: vec![1; 48],
            hash_function: HashFunction::Sha384,
            certificate: citizen_cert,
            origin: origin(),
            lang: None,
        };
        let mut agree = Answer(Ok(()), vec![]);
        let mut cx = Context {
            pins: &mut pins,
            consent: &mut agree,
            profile: None,
            timing: &mut timing,
            log: &log,
        };
        assert_eq!(
            sign(&mut resident, &mut cx, &sign_args),
            Err(HostError::WrongCertificate { cards_checked: 1 })
        );
        let sha3 = SignArguments {
            hash_function: HashFunction::Sha3_384,
            ..sign_args.clone()
        };
        assert!(matches!(
            sign(&mut citizen, &mut cx, &sha3),
            Err(HostError::UnsupportedHash {
                hash: HashFunction::Sha3_384,
                ..
            })
        ));
        let signed = sign(&mut citizen, &mut cx, &sign_args).expect("signs");
        assert_eq!(signed.signature.len(), 96);
        assert_eq!(
            signed.signature_algorithm.padding_scheme,
            PaddingScheme::None
        );
        assert_eq!(
            pins.1,
            ["Enter PIN2 to sign as PETROSYAN ANI, citizen ID card, at login.example.am:8443"],
            "one PIN dialog: none for the wrong card or the unsupported hash"
        );
    }

    #[test]
    fn blocked_pin2_is_reported_without_a_dialog() {
        let mut blocked = card("blocked");
        let cert = blocked.certificate(KeyRole::Signing).expect("certificate");
        let (mut pins, mut consent) = (Pins("12345", vec![]), Answer(Ok(()), vec![]));
        let mut timing = Timing::default();
        let log = Log::discard();
        let mut cx = Context {
            pins: &mut pins,
            consent: &mut consent,
            profile: None,
            timing: &mut timing,
            log: &log,
        };
        let args = SignArguments {
            hash: vec![1; 32],
            hash_function: HashFunction::Sha256,
            certificate: cert,
            origin: origin(),
            lang: None,
        };
        assert_eq!(
            sign(&mut blocked, &mut cx, &args),
            Err(HostError::Card(CardError::PinBlocked {
                kind: PinKind::Pin2
            }))
        );
        assert!(pins.1.is_empty());
    }
}
