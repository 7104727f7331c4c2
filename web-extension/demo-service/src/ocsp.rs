//! The validator's way to OCSP responders: a plain `http://` POST over a std `TcpStream`
//! (RFC 6960 Appendix A.1). Enough for the loopback test responders; a deployed e-service
//! would use its HTTP client with proxies and TLS.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use knik_webeid::validator::{OcspTransport, OcspTransportError};

/// Largest OCSP response read.
const MAX_RESPONSE: u64 = 1 << 20;

/// OCSP over plain HTTP/1.0 with `std::net`.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpOcspTransport;

impl OcspTransport for HttpOcspTransport {
    fn post(
        &self,
        url: &str,
        request_der: &[u8],
        timeout: Duration,
    ) -> Result<Vec<u8>, OcspTransportError> {
        let bad = |reason: String| OcspTransportError::BadAnswer { reason };
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| bad(format!("{url}: only http:// responders are supported")))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let address = authority
            .to_socket_addrs()
            .map_err(network)?
            .next()
            .ok_or_else(|| OcspTransportError::Unreachable {
                reason: format!("{authority}: no address"),
            })?;
        let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(network)?;
        stream.set_read_timeout(Some(timeout)).map_err(network)?;
        stream.set_write_timeout(Some(timeout)).map_err(network)?;
        let head = format!(
            "POST {} HTTP/1.0\r\nHost: {authority}\r\nContent-Type: application/ocsp-request\r\n\
             Content-Length: {}\r\n\r\n",
            if path.is_empty() { "/" } else { path },
            request_der.len()
        );
        stream.write_all(head.as_bytes()).map_err(network)?;
        stream.write_all(request_der).map_err(network)?;
        let mut answer = Vec::new();
        stream
            .take(MAX_RESPONSE)
            .read_to_end(&mut answer)
            .map_err(network)?;
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| bad("no end of the HTTP headers".to_owned()))?;
        let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
        let status_line = head.lines().next().unwrap_or_default();
        if !(status_line.starts_with("http/1.0 200") || status_line.starts_with("http/1.1 200")) {
            return Err(bad(format!("HTTP answer `{status_line}`")));
        }
        if !head.contains("content-type: application/ocsp-response") {
            return Err(bad("not application/ocsp-response".to_owned()));
        }
        Ok(answer[split + 4..].to_vec())
    }
}

fn network(e: std::io::Error) -> OcspTransportError {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            OcspTransportError::Timeout
        }
        _ => OcspTransportError::Unreachable {
            reason: e.to_string(),
        },
    }
}
