//! Just enough HTTP/1.1 for MID-REST (RFC 9112): one request per connection, bodies framed by
//! `Content-Length` only, strict parsing with size limits. Anything else is refused with a
//! status, never guessed at.

use std::io::{self, Read, Write};

/// Largest request head (request line and headers).
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// Largest request body: the limit knik-mobile-id applies to every MID-REST body.
pub(crate) const MAX_BODY: usize = knik_mobile_id::rest::MAX_BODY_LEN;
/// Most header fields in one request.
const MAX_HEADERS: usize = 64;

/// A request as read from the connection.
#[derive(Debug)]
pub(crate) struct Request {
    /// `GET`, `POST`, ...
    pub(crate) method: String,
    /// The path of the request target, without the query.
    pub(crate) path: String,
    /// The query, without `?`.
    pub(crate) query: Option<String>,
    headers: Vec<(String, String)>,
    /// The body (empty without `Content-Length`).
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The value of the first header named `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name`, if present (first occurrence, not decoded).
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            (n == name).then_some(v)
        })
    }
}

/// Why no request could be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The connection closed, failed or timed out before a whole request arrived: there is
    /// nobody to answer.
    Gone,
    /// Not HTTP/1.1 as this server speaks it: 400.
    Malformed(&'static str),
    /// The head is larger than [`MAX_HEAD`]: 431.
    HeadTooLarge,
    /// `Content-Length` is above [`MAX_BODY`]: 413.
    BodyTooLarge,
}

/// Reads one request.
pub(crate) fn read_request(stream: &mut impl Read) -> Result<Request, ReadError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        if has_bare_lf(&buf) {
            return Err(ReadError::Malformed("line ends must be CRLF"));
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::HeadTooLarge);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(ReadError::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(ReadError::Gone),
        }
    };
    if head_end > MAX_HEAD {
        return Err(ReadError::HeadTooLarge);
    }
    let head = std::str::from_utf8(&buf[..head_end])
        .ok()
        .filter(|h| h.is_ascii())
        .ok_or(ReadError::Malformed("the request head must be ASCII"))?;
    let mut lines = head.split("\r\n");
    let (method, target, version) = parse_request_line(lines.next().unwrap_or(""))?;
    let mut headers = Vec::new();
    for line in lines {
        if headers.len() == MAX_HEADERS {
            return Err(ReadError::HeadTooLarge);
        }
        headers.push(parse_header(line)?);
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.to_owned(), None),
    };
    let mut request = Request {
        method: method.to_owned(),
        path,
        query,
        headers,
        body: Vec::new(),
    };
    if version == "HTTP/1.1" && request.header("host").is_none() {
        return Err(ReadError::Malformed("HTTP/1.1 requires a Host header"));
    }
    if request.header("transfer-encoding").is_some() {
        return Err(ReadError::Malformed(
            "Transfer-Encoding is not supported; send Content-Length",
        ));
    }
    let length = content_length(&request)?;
    if length > MAX_BODY {
        return Err(ReadError::BodyTooLarge);
    }
    let mut body = buf.split_off(head_end + 4);
    body.truncate(length);
    while body.len() < length {
        let want = (length - body.len()).min(chunk.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return Err(ReadError::Gone),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(ReadError::Gone),
        }
    }
    request.body = body;
    Ok(request)
}

fn parse_request_line(line: &str) -> Result<(&str, &str, &str), ReadError> {
    let bad = ReadError::Malformed("the request line must be `METHOD /target HTTP/1.1`");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    let method_ok =
        (1..=16).contains(&method.len()) && method.bytes().all(|b| b.is_ascii_uppercase());
    let target_ok = target.starts_with('/') && target.bytes().all(|b| b.is_ascii_graphic());
    if !method_ok || !target_ok || !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(bad);
    }
    Ok((method, target, version))
}

fn parse_header(line: &str) -> Result<(String, String), ReadError> {
    let (name, value) = line
        .split_once(':')
        .ok_or(ReadError::Malformed("a header line lacks ':'"))?;
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(ReadError::Malformed("invalid header name"));
    }
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(ReadError::Malformed("control character in a header value"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// RFC 9110 §5.6.2 token characters.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The body length: 0 without `Content-Length`; several fields must agree.
fn content_length(request: &Request) -> Result<usize, ReadError> {
    let mut length = None;
    for (_, value) in request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        if value.is_empty() || value.len() > 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReadError::Malformed(
                "Content-Length must be a decimal number",
            ));
        }
        let n: usize = value
            .parse()
            .map_err(|_| ReadError::Malformed("Content-Length out of range"))?;
        if length.is_some_and(|l| l != n) {
            return Err(ReadError::Malformed("conflicting Content-Length headers"));
        }
        length = Some(n);
    }
    Ok(length.unwrap_or(0))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn has_bare_lf(buf: &[u8]) -> bool {
    buf.iter()
        .enumerate()
        .any(|(i, b)| *b == b'\n' && (i == 0 || buf[i - 1] != b'\r'))
}

/// A response; always sent with `Connection: close`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub(crate) status: u16,
    content_type: Option<&'static str>,
    pub(crate) body: Vec<u8>,
    allow: Option<&'static str>,
}

impl Response {
    /// A JSON body.
    pub(crate) fn json(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: Some("application/json;charset=UTF-8"),
            body: body.into_bytes(),
            allow: None,
        }
    }

    /// A plain-text body.
    pub(crate) fn text(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: Some("text/plain;charset=UTF-8"),
            body: body.into_bytes(),
            allow: None,
        }
    }

    /// No body.
    pub(crate) fn empty(status: u16) -> Response {
        Response {
            status,
            content_type: None,
            body: Vec::new(),
            allow: None,
        }
    }

    /// Adds an `Allow` header (405 and OPTIONS answers).
    pub(crate) fn with_allow(mut self, allow: &'static str) -> Response {
        self.allow = Some(allow);
        self
    }
}

/// Writes `response`; the body is left out for a `HEAD` request (RFC 9110 §9.3.2).
pub(crate) fn write_response(
    stream: &mut impl Write,
    response: &Response,
    head_request: bool,
) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    if let Some(ct) = response.content_type {
        out.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    if let Some(allow) = response.allow {
        out.push_str(&format!("Allow: {allow}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_request {
        bytes.extend_from_slice(&response.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &[u8]) -> Result<Request, ReadError> {
        read_request(&mut &raw[..])
    }

    #[test]
    fn a_post_with_a_body_and_a_get_with_a_query_are_read() {
        let r = read(b"POST /mid-api/signature HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\n\r\n{}")
            .unwrap();
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/mid-api/signature")
        );
        assert_eq!(r.body, b"{}");
        let r = read(b"GET /a/session/x?timeoutMs=1000&b HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(r.query_param("timeoutMs"), Some("1000"));
        assert_eq!(r.query_param("b"), Some(""));
        assert_eq!(r.query_param("c"), None);
    }

    #[test]
    fn malformed_requests_are_refused() {
        for raw in [
            &b"GET /x HTTP/1.1\r\n\r\n"[..],
            b"GET  /x HTTP/1.1\r\nHost: x\r\n\r\n",
            b"get /x HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET x HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /x HTTP/2\r\nHost: x\r\n\r\n",
            b"GET /x HTTP/1.1\r\nHost x\r\n\r\n",
            b"GET /x HTTP/1.1\nHost: x\n\n",
            b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ] {
            assert!(
                matches!(read(raw), Err(ReadError::Malformed(_))),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn limits_and_truncation() {
        let big = format!(
            "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert_eq!(read(big.as_bytes()).unwrap_err(), ReadError::BodyTooLarge);
        let long = format!(
            "GET /x HTTP/1.1\r\nHost: x\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD)
        );
        assert_eq!(read(long.as_bytes()).unwrap_err(), ReadError::HeadTooLarge);
        // The connection closes before the announced body is complete.
        assert_eq!(
            read(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab").unwrap_err(),
            ReadError::Gone
        );
    }
}
