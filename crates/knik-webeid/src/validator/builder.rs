//! The validator's options and their defaults, as Web eID's `AuthTokenValidatorBuilder`
//! (reference/web-eid.md §2.8).

use core::fmt;
use core::time::Duration;
use std::sync::Arc;

use knik_pki::{Certificate, PolicyMap, TrustStore};
use time::OffsetDateTime;

use crate::Error;
use crate::challenge::{Clock, DEFAULT_NONCE_TTL, NonceGenerator};
use crate::origin::{Origin, OriginPolicy};
use crate::validator::AuthTokenValidator;
use crate::validator::transport::OcspTransport;

/// Policies refused unless the e-service says otherwise: Estonian SK Mobile-ID, whose
/// authentication certificates are for Mobile-ID's own protocol, never for Web eID (§2.5 step 2.4).
pub const DEFAULT_DISALLOWED_POLICIES: [&str; 4] = [
    "1.3.6.1.4.1.10015.1.3",
    "1.3.6.1.4.1.10015.1.3.1",
    "1.3.6.1.4.1.10015.1.3.2",
    "1.3.6.1.4.1.10015.1.3.3",
];

/// Connect-and-answer timeout of an OCSP request: 5 s.
pub const DEFAULT_OCSP_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// How far an OCSP response's thisUpdate may lie in the future (and nextUpdate in the past):
/// 15 minutes, chosen by Web eID for a responder that updates from CRLs every 15 minutes.
pub const DEFAULT_ALLOWED_OCSP_TIME_SKEW: Duration = Duration::from_secs(15 * 60);

/// How old an OCSP response's thisUpdate may be: 2 minutes.
pub const DEFAULT_MAX_OCSP_THIS_UPDATE_AGE: Duration = Duration::from_secs(2 * 60);

/// An OCSP service the e-service designates for some CAs instead of the certificates'
/// authorityInfoAccess (reference/web-eid.md §2.7 "designated OCSP service").
///
/// Its responses must be signed by exactly the pinned responder certificate, which need not
/// be issued by the CAs it answers for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignatedOcspService {
    url: String,
    responder: Certificate,
    supported_issuers: Vec<Certificate>,
    supports_nonce: bool,
}

impl DesignatedOcspService {
    /// The service at `url` (`http://` or `https://`), whose responses `responder` signs,
    /// answering for certificates issued by `supported_issuers`. The responder certificate must
    /// carry the OCSPSigning extended key usage; nonces are sent unless
    /// [`without_nonce`](Self::without_nonce).
    pub fn new(
        url: impl Into<String>,
        responder: Certificate,
        supported_issuers: Vec<Certificate>,
    ) -> Result<Self, Error> {
        let url = url.into();
        let refuse = |reason: String| Error::ValidatorConfig {
            option: "designated_ocsp_service",
            reason,
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(refuse(format!("`{url}` is not an http(s) URL")));
        }
        if !responder
            .extended_key_usage()
            .is_some_and(|eku| eku.is_ocsp_signing())
        {
            return Err(refuse(format!(
                "the responder certificate \"{}\" lacks the OCSPSigning extended key usage",
                responder.subject().to_rfc4514()
            )));
        }
        if supported_issuers.is_empty() {
            return Err(refuse("no supported issuer CA given".to_owned()));
        }
        Ok(DesignatedOcspService {
            url,
            responder,
            supported_issuers,
            supports_nonce: true,
        })
    }

    /// For a service that does not echo nonces: requests go without one.
    pub fn without_nonce(mut self) -> Self {
        self.supports_nonce = false;
        self
    }

    /// The service's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The pinned responder certificate.
    pub fn responder(&self) -> &Certificate {
        &self.responder
    }

    /// Whether requests carry a nonce.
    pub fn supports_nonce(&self) -> bool {
        self.supports_nonce
    }

    /// Whether the service answers for `certificate`: its issuer name is the subject of a
    /// supported issuer.
    pub fn serves(&self, certificate: &Certificate) -> bool {
        self.supported_issuers
            .iter()
            .any(|ca| ca.subject().as_der() == certificate.issuer().as_der())
    }
}

/// Builds an [`AuthTokenValidator`]. Start with [`AuthTokenValidator::builder`].
///
/// Required: [`site_origin`](Self::site_origin), at least one trusted CA and, while OCSP is on
/// (the default), an [`ocsp_transport`](Self::ocsp_transport). Everything else defaults as in
/// Web eID.
pub struct AuthTokenValidatorBuilder {
    site_origin: Option<String>,
    origin_policy: OriginPolicy,
    trust: TrustStore,
    disallowed_policies: Vec<String>,
    ocsp: bool,
    transport: Option<Arc<dyn OcspTransport>>,
    ocsp_timeout: Duration,
    allowed_time_skew: Duration,
    max_this_update_age: Duration,
    nonce_disabled_urls: Vec<String>,
    designated: Option<DesignatedOcspService>,
    nonce_ttl: Duration,
    generator: Option<Arc<dyn NonceGenerator + Send + Sync>>,
    clock: Clock,
    policy_map: PolicyMap,
    strict_fields: bool,
}

impl fmt::Debug for AuthTokenValidatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthTokenValidatorBuilder")
            .field("site_origin", &self.site_origin)
            .field("trusted_cas", &self.trust.len())
            .field("ocsp", &self.ocsp)
            .finish_non_exhaustive()
    }
}

impl Default for AuthTokenValidatorBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl AuthTokenValidatorBuilder {
    /// A builder with Web eID's defaults: OCSP on with a 5 s timeout, 15 min skew, 2 min
    /// maximum thisUpdate age; the SK Mobile-ID policies disallowed; nonces live 5 minutes;
    /// the system clock and the operating system's random generator (neither exists on
    /// `wasm32-unknown-unknown`: pass [`clock`](Self::clock) and
    /// [`nonce_generator`](Self::nonce_generator) there); knik's built-in policy map; unknown
    /// token fields refused.
    pub fn new() -> Self {
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        let generator: Option<Arc<dyn NonceGenerator + Send + Sync>> =
            Some(Arc::new(crate::challenge::OsNonceGenerator));
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        let generator: Option<Arc<dyn NonceGenerator + Send + Sync>> = None;
        AuthTokenValidatorBuilder {
            site_origin: None,
            origin_policy: OriginPolicy::STRICT,
            trust: TrustStore::new(),
            disallowed_policies: DEFAULT_DISALLOWED_POLICIES.map(str::to_owned).to_vec(),
            ocsp: true,
            transport: None,
            ocsp_timeout: DEFAULT_OCSP_REQUEST_TIMEOUT,
            allowed_time_skew: DEFAULT_ALLOWED_OCSP_TIME_SKEW,
            max_this_update_age: DEFAULT_MAX_OCSP_THIS_UPDATE_AGE,
            nonce_disabled_urls: Vec::new(),
            designated: None,
            nonce_ttl: DEFAULT_NONCE_TTL,
            generator,
            clock: Arc::new(OffsetDateTime::now_utc),
            policy_map: PolicyMap::default(),
            strict_fields: true,
        }
    }

    /// The e-service's origin, `https://host[:port]` in ASCII (punycode), no path or slash:
    /// exactly what the browser passes to the extension. Required.
    pub fn site_origin(mut self, origin: impl Into<String>) -> Self {
        self.site_origin = Some(origin.into());
        self
    }

    /// Developer mode: [`site_origin`](Self::site_origin) may also be `http://localhost[:port]`
    /// or `http://127.0.0.1[:port]`, for an e-service run on the developer's machine whose
    /// browser host also allows it (`allow_http_localhost`). Never for a deployed site.
    pub fn allow_http_localhost_origin(mut self) -> Self {
        self.origin_policy = OriginPolicy::DEVELOPER;
        self
    }

    /// The CAs trusted to issue authentication certificates (and, in the AIA case, to
    /// delegate OCSP responders). Web eID configures the issuing (intermediate) CAs; a root
    /// works too when tokens carry their intermediates (`web-eid:1.1`). Replaces earlier ones.
    pub fn trusted_certificate_authorities(mut self, store: TrustStore) -> Self {
        self.trust = store;
        self
    }

    /// Adds one trusted CA.
    pub fn trusted_certificate_authority(mut self, certificate: Certificate) -> Self {
        self.trust
            .add_certificate(certificate, "trusted certificate authority");
        self
    }

    /// Adds policy OIDs to refuse (to the SK Mobile-ID defaults).
    pub fn disallowed_certificate_policies<I, S>(mut self, policies: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for policy in policies {
            let policy = policy.into();
            if !self.disallowed_policies.contains(&policy) {
                self.disallowed_policies.push(policy);
            }
        }
        self
    }

    /// Turns the OCSP check off. **Dangerous**: a revoked (stolen, lost) card then logs in.
    pub fn without_ocsp(mut self) -> Self {
        self.ocsp = false;
        self
    }

    /// How OCSP requests reach responders. Required while OCSP is on.
    pub fn ocsp_transport(mut self, transport: impl OcspTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Connect-and-answer timeout of one OCSP request (default 5 s).
    pub fn ocsp_request_timeout(mut self, timeout: Duration) -> Self {
        self.ocsp_timeout = timeout;
        self
    }

    /// How far thisUpdate may lie in the future and nextUpdate in the past (default 15 min).
    pub fn allowed_ocsp_response_time_skew(mut self, skew: Duration) -> Self {
        self.allowed_time_skew = skew;
        self
    }

    /// How old thisUpdate may be (default 2 min).
    pub fn max_ocsp_response_this_update_age(mut self, age: Duration) -> Self {
        self.max_this_update_age = age;
        self
    }

    /// AIA responder URLs to ask without a nonce (responders that ignore nonces). Adds.
    pub fn nonce_disabled_ocsp_urls<I, S>(mut self, urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.nonce_disabled_urls
            .extend(urls.into_iter().map(Into::into));
        self
    }

    /// An OCSP service that answers for some CAs instead of their certificates' AIA URLs.
    pub fn designated_ocsp_service(mut self, service: DesignatedOcspService) -> Self {
        self.designated = Some(service);
        self
    }

    /// Lifetime of the nonces [`AuthTokenValidator::issue_challenge`] makes (default 5 min).
    pub fn nonce_ttl(mut self, ttl: Duration) -> Self {
        self.nonce_ttl = ttl;
        self
    }

    /// The random source of challenge and OCSP nonces (default: the operating system's).
    pub fn nonce_generator(
        mut self,
        generator: impl NonceGenerator + Send + Sync + 'static,
    ) -> Self {
        self.generator = Some(Arc::new(generator));
        self
    }

    /// The clock validations read "now" from (default: the system clock).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How certificate policies map to document kinds in the returned identity (default:
    /// knik's built-in map).
    pub fn policy_map(mut self, map: PolicyMap) -> Self {
        self.policy_map = map;
        self
    }

    /// Accepts token fields outside the `web-eid:1.0`/`1.1` vocabulary, ignoring them, as the
    /// Java reference does. Off by default.
    pub fn allow_unknown_token_fields(mut self) -> Self {
        self.strict_fields = false;
        self
    }

    /// The validator, or [`Error::ValidatorConfig`] naming the option at fault.
    pub fn build(self) -> Result<AuthTokenValidator, Error> {
        let config = |option, reason: &str| Error::ValidatorConfig {
            option,
            reason: reason.to_owned(),
        };
        let text = self
            .site_origin
            .ok_or_else(|| config("site_origin", "the site origin is required"))?;
        let origin =
            Origin::parse(&text, self.origin_policy).map_err(|e| Error::ValidatorConfig {
                option: "site_origin",
                reason: e.to_string(),
            })?;
        if self.trust.is_empty() {
            return Err(config(
                "trusted_certificate_authorities",
                "at least one trusted CA certificate is required",
            ));
        }
        if self.nonce_ttl.is_zero() {
            return Err(config("nonce_ttl", "the nonce lifetime must be positive"));
        }
        let ocsp = if self.ocsp {
            let transport = self.transport.ok_or_else(|| {
                config(
                    "ocsp_transport",
                    "OCSP is on but no transport was given: pass one, or turn OCSP off with \
                     without_ocsp()",
                )
            })?;
            let generator = self.generator.clone().ok_or_else(|| {
                config(
                    "nonce_generator",
                    "OCSP nonces need a random generator on this platform",
                )
            })?;
            if self.ocsp_timeout.is_zero() {
                return Err(config(
                    "ocsp_request_timeout",
                    "the timeout must be positive",
                ));
            }
            Some(OcspSettings {
                transport,
                generator,
                timeout: self.ocsp_timeout,
                allowed_time_skew: self.allowed_time_skew,
                max_this_update_age: self.max_this_update_age,
                nonce_disabled_urls: self.nonce_disabled_urls,
                designated: self.designated,
            })
        } else {
            None
        };
        Ok(AuthTokenValidator {
            settings: Settings {
                origin,
                trust: self.trust,
                disallowed_policies: self.disallowed_policies,
                ocsp,
                nonce_ttl: self.nonce_ttl,
                generator: self.generator,
                clock: self.clock,
                policy_map: self.policy_map,
                strict_fields: self.strict_fields,
            },
        })
    }
}

/// Everything a validation needs, fixed at build time.
pub(super) struct Settings {
    pub(super) origin: Origin,
    pub(super) trust: TrustStore,
    pub(super) disallowed_policies: Vec<String>,
    pub(super) ocsp: Option<OcspSettings>,
    pub(super) nonce_ttl: Duration,
    pub(super) generator: Option<Arc<dyn NonceGenerator + Send + Sync>>,
    pub(super) clock: Clock,
    pub(super) policy_map: PolicyMap,
    pub(super) strict_fields: bool,
}

/// The OCSP part of [`Settings`], present while OCSP is on.
pub(super) struct OcspSettings {
    pub(super) transport: Arc<dyn OcspTransport>,
    pub(super) generator: Arc<dyn NonceGenerator + Send + Sync>,
    pub(super) timeout: Duration,
    pub(super) allowed_time_skew: Duration,
    pub(super) max_this_update_age: Duration,
    pub(super) nonce_disabled_urls: Vec<String>,
    pub(super) designated: Option<DesignatedOcspService>,
}
