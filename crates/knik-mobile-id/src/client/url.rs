//! The service's base URL, e.g. `https://mid.example.am/mid-api`: HTTPS only, no user info,
//! query or fragment (the MID-REST paths are appended to it).

use crate::error::Error;

/// A parsed `https://host[:port][/base/path]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceUrl {
    /// Host name or IP address, without brackets for IPv6.
    pub host: String,
    /// TCP port (443 when not given).
    pub port: u16,
    /// The base path without a trailing slash (`""` or `/mid-api`).
    pub base_path: String,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidServiceUrl {
        reason: reason.into(),
    }
}

impl ServiceUrl {
    pub(crate) fn parse(url: &str) -> Result<Self, Error> {
        let rest = url.strip_prefix("https://").ok_or_else(|| {
            invalid("must start with https:// (MID-REST is only spoken over TLS)")
        })?;
        if rest.contains(['?', '#']) {
            return Err(invalid("must not have a query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(invalid("must not contain user information"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| invalid("unclosed [ in an IPv6 address"))?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(invalid("has no host"));
        }
        if !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        {
            return Err(invalid("the host has characters a host name cannot have"));
        }
        let port = match port {
            None => 443,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| invalid("the port must be a number from 1 to 65535"))?,
        };
        if !path
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'\\' | b'"' | b'<' | b'>'))
        {
            return Err(invalid("the path has characters that need escaping"));
        }
        Ok(ServiceUrl {
            host: host.to_ascii_lowercase(),
            port,
            base_path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The `Host` header value.
    pub(crate) fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == 443 {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// The request target for a MID-REST path (`/certificate`, `/signature/session/…`).
    pub(crate) fn target(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }
}

impl core::fmt::Display for ServiceUrl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "https://{}{}", self.host_header(), self.base_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_forms_parse() {
        let u = ServiceUrl::parse("https://127.0.0.1:8890/mid-api").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("127.0.0.1", 8890));
        assert_eq!(u.target("/certificate"), "/mid-api/certificate");
        assert_eq!(u.host_header(), "127.0.0.1:8890");
        let u = ServiceUrl::parse("https://MID.example.am/mid-api/").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("mid.example.am", 443));
        assert_eq!(u.to_string(), "https://mid.example.am/mid-api");
        let u = ServiceUrl::parse("https://[::1]:8890").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 8890));
        assert_eq!(u.host_header(), "[::1]:8890");
        assert_eq!(u.target("/version"), "/version");
    }

    #[test]
    fn anything_but_plain_https_is_refused() {
        for bad in [
            "http://127.0.0.1:8890/mid-api",
            "https://",
            "https://user:pw@host/",
            "https://host:0/",
            "https://host:99999/",
            "https://host/x?y=1",
            "https://host/a b",
            "https://ho st/",
            "https://[::1/",
        ] {
            let err = ServiceUrl::parse(bad).unwrap_err();
            assert_eq!(err.code(), "MID_INVALID_URL", "{bad}");
        }
    }
}
