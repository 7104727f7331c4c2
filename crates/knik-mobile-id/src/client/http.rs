//! Just enough HTTP/1.1 for MID-REST (RFC 9112): one request per connection (`Connection:
//! close`), a JSON body with `Content-Length`, and an answer read with `Content-Length`,
//! chunked transfer coding or up to the end of the connection, never more than a size limit.
//!
//! Generic over the stream so the framing is tested without sockets; I/O errors are handed
//! back untouched so the caller can tell a TLS failure from a timeout.

use std::io::{self, BufRead, Read, Write};

/// The longest status line or header line accepted.
const MAX_LINE: usize = 8 * 1024;
/// The most header lines accepted.
const MAX_HEADERS: usize = 64;

/// A request: method, target, host and an optional JSON body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub method: &'static str,
    pub target: &'a str,
    pub host: &'a str,
    pub json_body: Option<&'a [u8]>,
}

/// An answer: the status and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why reading an answer failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The stream failed (TLS, timeout, reset).
    Io(io::Error),
    /// The bytes are not HTTP/1.1.
    Malformed(String),
    /// The body is larger than the limit.
    TooLarge { size: usize, limit: usize },
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn malformed(reason: impl Into<String>) -> ReadError {
    ReadError::Malformed(reason.into())
}

/// Writes `request` (head and body) and flushes.
pub(crate) fn write_request(out: &mut dyn Write, request: &Request<'_>) -> io::Result<()> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: knik-mobile-id/{}\r\n\
         Accept: application/json\r\nConnection: close\r\n",
        request.method,
        request.target,
        request.host,
        env!("CARGO_PKG_VERSION"),
    );
    if let Some(body) = request.json_body {
        head.push_str(&format!(
            "Content-Type: application/json; charset=UTF-8\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    // One write for head and body: a TLS record boundary in between is harmless, but one
    // write keeps small requests in one record.
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(request.json_body.unwrap_or_default());
    out.write_all(&bytes)?;
    out.flush()
}

/// How the body is delimited.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

/// How many 1xx answers may precede the real one (a server may not stall with them).
const MAX_INFORMATIONAL: usize = 5;

/// Reads one answer; a body longer than `limit` is refused without being read whole.
/// Informational (1xx) answers are skipped, at most [`MAX_INFORMATIONAL`] of them. A
/// `HEAD`-less client: every answer may have a body,
/// except 204 and 304.
pub(crate) fn read_response(input: &mut dyn BufRead, limit: usize) -> Result<Response, ReadError> {
    let mut informational = 0;
    loop {
        let status = read_status_line(input)?;
        let framing = read_headers(input)?;
        if (100..200).contains(&status) {
            informational += 1;
            if informational > MAX_INFORMATIONAL {
                return Err(malformed("too many informational (1xx) answers"));
            }
            continue;
        }
        let body = match (status, framing) {
            (204 | 304, _) => Vec::new(),
            (_, Framing::Length(len)) => read_exact_body(input, len, limit)?,
            (_, Framing::Chunked) => read_chunked(input, limit)?,
            (_, Framing::UntilClose) => read_to_close(input, limit)?,
        };
        return Ok(Response { status, body });
    }
}

/// One CRLF-terminated line (a bare LF is tolerated), without the terminator.
fn read_line(input: &mut dyn BufRead, what: &str) -> Result<String, ReadError> {
    let mut line = Vec::new();
    let n = Read::take(&mut *input, MAX_LINE as u64 + 2).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Err(malformed(format!(
            "the connection closed before the {what}"
        )));
    }
    if line.last() != Some(&b'\n') {
        return Err(malformed(format!(
            "{what} longer than {MAX_LINE} bytes or cut off"
        )));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| malformed(format!("{what} is not UTF-8")))
}

fn read_status_line(input: &mut dyn BufRead) -> Result<u16, ReadError> {
    let line = read_line(input, "status line")?;
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(malformed(format!(
            "status line does not start with HTTP/1.x: {:?}",
            cut(&line)
        )));
    }
    let code = parts.next().unwrap_or_default();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(format!("status code {:?}", cut(code))));
    }
    code.parse::<u16>()
        .ok()
        .filter(|c| *c >= 100)
        .ok_or_else(|| malformed(format!("status code {code}")))
}

fn read_headers(input: &mut dyn BufRead) -> Result<Framing, ReadError> {
    let mut length: Option<usize> = None;
    let mut chunked = false;
    for _ in 0..=MAX_HEADERS {
        let line = read_line(input, "header")?;
        if line.is_empty() {
            return match (chunked, length) {
                // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length.
                (true, _) => Ok(Framing::Chunked),
                (false, Some(len)) => Ok(Framing::Length(len)),
                (false, None) => Ok(Framing::UntilClose),
            };
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed(format!("header without a colon: {:?}", cut(&line))))?;
        if name.is_empty() || name.ends_with([' ', '\t']) {
            return Err(malformed(format!("header name {:?}", cut(name))));
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let len = Some(value)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<usize>().ok())
                .ok_or_else(|| malformed(format!("Content-Length {:?}", cut(value))))?;
            if length.is_some_and(|l| l != len) {
                return Err(malformed("two different Content-Length headers"));
            }
            length = Some(len);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            if !value.eq_ignore_ascii_case("chunked") {
                return Err(malformed(format!(
                    "Transfer-Encoding {:?} (only chunked is understood)",
                    cut(value)
                )));
            }
            chunked = true;
        }
    }
    Err(malformed(format!("more than {MAX_HEADERS} headers")))
}

fn read_exact_body(
    input: &mut dyn BufRead,
    len: usize,
    limit: usize,
) -> Result<Vec<u8>, ReadError> {
    if len > limit {
        return Err(ReadError::TooLarge { size: len, limit });
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            malformed(format!("the body ended before its Content-Length of {len}"))
        } else {
            ReadError::Io(e)
        }
    })?;
    Ok(body)
}

fn read_chunked(input: &mut dyn BufRead, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(input, "chunk size")?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = Some(size_text)
            .filter(|t| !t.is_empty() && t.len() <= 8 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|t| usize::from_str_radix(t, 16).ok())
            .ok_or_else(|| malformed(format!("chunk size {:?}", cut(size_text))))?;
        if size == 0 {
            // Trailer fields up to the empty line; their content is ignored.
            for _ in 0..=MAX_HEADERS {
                if read_line(input, "trailer")?.is_empty() {
                    return Ok(body);
                }
            }
            return Err(malformed(format!("more than {MAX_HEADERS} trailer fields")));
        }
        let total = body.len().saturating_add(size);
        if total > limit {
            return Err(ReadError::TooLarge { size: total, limit });
        }
        let start = body.len();
        body.resize(total, 0);
        input.read_exact(&mut body[start..]).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                malformed("the connection closed inside a chunk")
            } else {
                ReadError::Io(e)
            }
        })?;
        if !read_line(input, "chunk end")?.is_empty() {
            return Err(malformed("a chunk is longer than its size"));
        }
    }
}

fn read_to_close(input: &mut dyn BufRead, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    Read::take(&mut *input, limit as u64 + 1).read_to_end(&mut body)?;
    if body.len() > limit {
        return Err(ReadError::TooLarge {
            size: body.len(),
            limit,
        });
    }
    Ok(body)
}

/// At most 64 characters of peer text in an error.
fn cut(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(bytes: &[u8]) -> Result<Response, ReadError> {
        read_response(&mut Cursor::new(bytes.to_vec()), 100)
    }

    fn malformed_reason(bytes: &[u8]) -> String {
        match read(bytes) {
            Err(ReadError::Malformed(r)) => r,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn numbers_are_digits_only_and_1xx_answers_are_bounded() {
        let plus = b"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}";
        assert!(malformed_reason(plus).contains("Content-Length"));
        let chunk = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+2\r\n{}\r\n0\r\n\r\n";
        assert!(malformed_reason(chunk).contains("chunk size"));
        let mut stall = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(6);
        stall.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        assert!(malformed_reason(&stall).contains("informational"));
        let mut fine = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(5);
        fine.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(read(&fine).map(|r| r.body).ok(), Some(b"{}".to_vec()));
    }

    #[test]
    fn a_post_carries_host_length_and_json() {
        let mut out = Vec::new();
        write_request(
            &mut out,
            &Request {
                method: "POST",
                target: "/mid-api/certificate",
                host: "127.0.0.1:8890",
                json_body: Some(br#"{"a":1}"#),
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("POST /mid-api/certificate HTTP/1.1\r\nHost: 127.0.0.1:8890\r\n"));
        assert!(text.contains("\r\nContent-Type: application/json; charset=UTF-8\r\n"));
        assert!(text.contains("\r\nContent-Length: 7\r\n"));
        assert!(text.contains("\r\nConnection: close\r\n"));
        assert!(text.ends_with("\r\n\r\n{\"a\":1}"));
        let mut out = Vec::new();
        write_request(
            &mut out,
            &Request {
                method: "GET",
                target: "/s?timeoutMs=1000",
                host: "h",
                json_body: None,
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("Content-Length"), "{text}");
        assert!(text.ends_with("\r\n\r\n"));
    }

    #[test]
    fn content_length_chunked_and_close_delimited_bodies() {
        let r = read(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hello"[..]));
        let r = read(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n\
              5\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, b"Wikipedia");
        let r = read(b"HTTP/1.0 404 Not Found\nServer: x\n\n{\"error\":1}").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (404, &b"{\"error\":1}"[..]));
        let r = read(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n").unwrap();
        assert_eq!((r.status, r.body.len()), (204, 0));
    }

    #[test]
    fn bodies_over_the_limit_are_refused_before_reading_them() {
        assert!(matches!(
            read(b"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n"),
            Err(ReadError::TooLarge {
                size: 101,
                limit: 100
            })
        ));
        let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..3 {
            chunked.extend_from_slice(b"40\r\n");
            chunked.extend_from_slice(&[b'x'; 64]);
            chunked.extend_from_slice(b"\r\n");
        }
        assert!(matches!(
            read(&chunked),
            Err(ReadError::TooLarge { size: 128, .. })
        ));
        let mut close = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        close.extend_from_slice(&[b'x'; 150]);
        assert!(matches!(
            read(&close),
            Err(ReadError::TooLarge { size: 101, .. })
        ));
    }

    #[test]
    fn malformed_answers_say_what_is_wrong() {
        assert!(malformed_reason(b"").contains("closed before the status line"));
        assert!(malformed_reason(b"SSH-2.0-OpenSSH\r\n\r\n").contains("HTTP/1.x"));
        assert!(malformed_reason(b"HTTP/1.1 2000 OK\r\n\r\n").contains("status code"));
        assert!(malformed_reason(b"HTTP/1.1 200 OK\r\nbroken\r\n\r\n").contains("colon"));
        assert!(
            malformed_reason(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")
                .contains("Content-Length")
        );
        assert!(
            malformed_reason(
                b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"
            )
            .contains("two different")
        );
        assert!(
            malformed_reason(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")
                .contains("only chunked")
        );
        assert!(
            malformed_reason(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
                .contains("before its Content-Length")
        );
        assert!(
            malformed_reason(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                .contains("chunk size")
        );
        assert!(
            malformed_reason(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"
            )
            .contains("longer than its size")
        );
        let mut long = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
        long.extend_from_slice(&[b'a'; MAX_LINE + 10]);
        assert!(malformed_reason(&long).contains("longer than"));
        let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"X: y\r\n");
        }
        assert!(malformed_reason(&many).contains("more than 64 headers"));
    }
}
