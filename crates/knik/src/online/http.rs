//! The one HTTP exchange both clients make: POST a DER request, get a DER answer.

use std::time::Duration;

use super::error::{Error, Service};

/// Timeouts, size limit and User-Agent of the clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Time allowed to connect (DNS, TCP, TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// Time allowed for the whole exchange. Default 30 s.
    pub timeout: Duration,
    /// Largest answer accepted, in bytes. Default 1 MiB (an OCSP response is a few KiB; a
    /// time-stamp token with its certificates rarely more than 20 KiB).
    pub max_response_bytes: u64,
    /// The User-Agent header.
    pub user_agent: String,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_response_bytes: 1 << 20,
            user_agent: concat!("knik/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// An HTTP agent configured from [`HttpOptions`]: no redirects (a responder that moves is a
/// configuration matter, and a POST body must not be replayed elsewhere), statuses returned
/// rather than raised, so they can be reported with the URL.
#[derive(Debug, Clone)]
pub(super) struct Http {
    agent: ureq::Agent,
    options: HttpOptions,
}

impl Http {
    pub(super) fn new(options: HttpOptions) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(options.user_agent.as_str())
            .build()
            .into();
        Http { agent, options }
    }

    /// POSTs `body` as `content_type` to `url` and returns the body of a 200 answer whose
    /// media type is one of `accepted` (the first is the one named in errors).
    pub(super) fn post(
        &self,
        service: Service,
        url: &str,
        content_type: &str,
        body: &[u8],
        accepted: &[&'static str],
    ) -> Result<Vec<u8>, Error> {
        check_url(service, url)?;
        // What errors show: never a user:password@ the URL may carry.
        let shown = without_userinfo(url);
        let unreachable = |reason: String| Error::Unreachable {
            service,
            url: shown.clone(),
            reason: scrub_userinfo(&reason, url),
        };
        let limit = self.options.max_response_bytes;
        let map = |e: ureq::Error| match e {
            ureq::Error::BodyExceedsLimit(_) => Error::TooLarge {
                service,
                url: shown.clone(),
                limit,
            },
            ureq::Error::Timeout(which) => unreachable(format!(
                "timed out ({which}, limit {} s)",
                self.options.timeout.as_secs()
            )),
            other => unreachable(other.to_string()),
        };
        let mut response = self
            .agent
            .post(url)
            .header("Content-Type", content_type)
            .header("Accept", accepted[0])
            .send(body)
            .map_err(map)?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(Error::HttpStatus {
                service,
                url: shown,
                status,
            });
        }
        let found = response
            .headers()
            .get("content-type")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let media_type = found
            .as_deref()
            .map(|v| v.split(';').next().unwrap_or_default().trim());
        if !media_type.is_some_and(|m| accepted.iter().any(|a| m.eq_ignore_ascii_case(a))) {
            return Err(Error::ContentType {
                service,
                url: shown,
                found,
                expected: accepted[0],
            });
        }
        response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(map)
    }
}

fn check_url(service: Service, url: &str) -> Result<(), Error> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    let reason = match rest {
        None => "only http:// and https:// URLs are supported",
        Some("") => "the URL has no host",
        Some(_) if url.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            "the URL contains spaces or control characters"
        }
        Some(_) => return Ok(()),
    };
    Err(Error::BadUrl {
        service,
        url: without_userinfo(url),
        reason,
    })
}

/// The `user:password@` part of `url`'s authority, with its `@`; empty when there is none.
/// The authority starts after `scheme://` (or at the start of a string that is not a URL)
/// and ends at the first `/`, `?` or `#`.
fn userinfo(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => &authority[..=at],
        None => "",
    }
}

/// `url` without its userinfo (`user:password@`): what errors and messages may show. The
/// request itself still goes to the URL as given.
pub(super) fn without_userinfo(url: &str) -> String {
    scrub_userinfo(url, url)
}

/// `text` with every copy of `url`'s userinfo removed (an HTTP library's message may quote
/// the URL).
pub(super) fn scrub_userinfo(text: &str, url: &str) -> String {
    match userinfo(url) {
        "" => text.to_owned(),
        secret => text.replace(secret, ""),
    }
}

/// `N` random bytes from the operating system.
pub(super) fn random<const N: usize>() -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    getrandom::getrandom(&mut out).map_err(|e| Error::Random {
        reason: e.to_string(),
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls() {
        assert!(check_url(Service::Ocsp, "http://127.0.0.1:8881/").is_ok());
        assert!(check_url(Service::Tsa, "HTTPS://tsa.example/ts").is_ok());
        for bad in [
            "ftp://x/",
            "http://",
            "file:///etc/passwd",
            "http://a b/",
            "127.0.0.1",
        ] {
            let err = check_url(Service::Ocsp, bad).unwrap_err();
            assert_eq!(err.code(), "SERVICE_URL_INVALID", "{bad}");
        }
    }

    #[test]
    fn userinfo_is_stripped_from_what_is_shown() {
        for (url, shown) in [
            ("http://127.0.0.1:8881/", "http://127.0.0.1:8881/"),
            (
                "https://user:s3cret@tsa.example/ts",
                "https://tsa.example/ts",
            ),
            ("http://user@tsa.example", "http://tsa.example"),
            ("http://a:b@c@host:80/p?q=x@y#f", "http://host:80/p?q=x@y#f"),
            (
                "http://host/path@not-userinfo",
                "http://host/path@not-userinfo",
            ),
            ("user:s3cret@host/", "host/"),
        ] {
            assert_eq!(without_userinfo(url), shown, "{url}");
        }
        assert_eq!(
            scrub_userinfo(
                "error sending to http://u:s3cret@h/: refused",
                "http://u:s3cret@h/"
            ),
            "error sending to http://h/: refused"
        );
    }

    #[test]
    fn a_bad_url_error_does_not_show_the_password() {
        for bad in ["ftp://user:s3cret@host/", "http://user:s3cret@a b/"] {
            let err = check_url(Service::Tsa, bad).unwrap_err();
            assert_eq!(err.code(), "SERVICE_URL_INVALID", "{bad}");
            assert!(!err.to_string().contains("s3cret"), "{err}");
            assert!(!format!("{err:?}").contains("s3cret"), "{err:?}");
        }
    }

    #[test]
    fn nonces_differ() {
        let a = random::<32>().unwrap();
        let b = random::<32>().unwrap();
        assert_ne!(a, b);
    }
}
