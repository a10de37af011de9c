//! One HTTP/1.1 exchange on a keep-alive connection, written out by hand: the request encoded
//! into one buffer and written at once, the answer's head parsed by `httparse` and its body
//! framed as RFC 9112 §6.3 says (no body for 1xx/204/304 and HEAD, then chunked, then
//! Content-Length, else up to the close). The open model spends a few microseconds of CPU per
//! request here, where a general-purpose client's dispatch task, channel and header map cost
//! several times that (scripts/generator-cost.sh measures it against wrk).

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::client::Failure;
use crate::scenario::Method;

/// The longest answer head read; beyond it the answer is malformed.
const MAX_HEAD: usize = 64 * 1024;
/// The longest answer body read: a journey's answers are small, and a hostile target must not
/// make the generator hold gigabytes.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Headers of one answer, at most.
const MAX_HEADERS: usize = 64;

/// What a request is made of.
pub struct Request<'a> {
    pub method: Method,
    /// Path and query, as sent: visible ASCII only.
    pub path: &'a str,
    /// The Host header: the target's authority.
    pub host: &'a str,
    pub bearer: Option<&'a str>,
    pub json: Option<&'a [u8]>,
}

/// Writes `request` to `out` (cleared first). A path or token that could not be sent as it is
/// (a space, a line break, a byte outside ASCII) is refused, as a URI parser would.
pub fn encode(request: &Request<'_>, out: &mut Vec<u8>) -> Result<(), Failure> {
    let visible = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
    if !request.path.starts_with('/') || !visible(request.path) {
        return Err(Failure::Request);
    }
    out.clear();
    out.extend_from_slice(request.method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(request.path.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\nhost: ");
    out.extend_from_slice(request.host.as_bytes());
    if let Some(token) = request.bearer {
        if !visible(token) {
            return Err(Failure::Request);
        }
        out.extend_from_slice(b"\r\nauthorization: Bearer ");
        out.extend_from_slice(token.as_bytes());
    }
    match request.json {
        Some(json) => {
            out.extend_from_slice(b"\r\ncontent-type: application/json\r\ncontent-length: ");
            out.extend_from_slice(json.len().to_string().as_bytes());
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(json);
        }
        // A body-less POST, PUT or PATCH says so; GET and DELETE need not.
        None if matches!(request.method, Method::Post | Method::Put | Method::Patch) => {
            out.extend_from_slice(b"\r\ncontent-length: 0\r\n\r\n");
        }
        None => out.extend_from_slice(b"\r\n\r\n"),
    }
    Ok(())
}

/// An answer read whole.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Where a redirect points (never followed: a 3xx is an answer like any other).
    pub location: Option<String>,
    pub body: Bytes,
    /// The connection may carry the next request: framed body, no `Connection: close`, nothing
    /// left over.
    pub reusable: bool,
}

/// Why an answer could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The connection closed before the first byte of an answer: on a reused keep-alive
    /// connection, the server had closed it while idle, and the request may be sent again.
    Closed,
    Failed(Failure),
}

/// How the body of an answer is delimited.
enum Framing {
    None,
    Chunked,
    Length(usize),
    UntilClose,
}

/// The head's fields a journey needs.
struct Head {
    status: u16,
    location: Option<String>,
    framing: Framing,
    close: bool,
}

/// Reads one answer from `io`; `buf` holds bytes already read and keeps none beyond the answer
/// when it is reusable. `head_only`: the request was HEAD, so the answer has no body.
pub async fn read_response<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut BytesMut,
    head_only: bool,
) -> Result<Response, ReadError> {
    let mut any = !buf.is_empty();
    let head = loop {
        match parse_head(buf)? {
            Some(head) if (100..200).contains(&head.status) && head.status != 101 => {
                any = true; // An interim answer (100 Continue): the final one follows.
            }
            Some(head) => break head,
            None => {
                if buf.len() > MAX_HEAD {
                    return Err(ReadError::Failed(Failure::Request));
                }
                // An end or a reset before any byte of the answer: the connection was closed.
                match fill(io, buf).await {
                    Ok(n) if n > 0 => any = true,
                    _ if !any => return Err(ReadError::Closed),
                    _ => return Err(ReadError::Failed(Failure::Request)),
                }
            }
        }
    };
    let framing = if head_only || matches!(head.status, 204 | 304) {
        Framing::None
    } else {
        head.framing
    };
    let (body, framed) = match framing {
        Framing::None => (Bytes::new(), true),
        Framing::Length(n) => {
            while buf.len() < n {
                if fill(io, buf).await? == 0 {
                    return Err(ReadError::Failed(Failure::Body));
                }
            }
            (buf.split_to(n).freeze(), true)
        }
        Framing::Chunked => (read_chunked(io, buf).await?, true),
        Framing::UntilClose => {
            while fill(io, buf).await? > 0 {
                if buf.len() > MAX_BODY {
                    return Err(ReadError::Failed(Failure::Body));
                }
            }
            (buf.split().freeze(), false)
        }
    };
    Ok(Response {
        status: head.status,
        location: head.location,
        body,
        reusable: framed && !head.close && buf.is_empty() && head.status != 101,
    })
}

/// Reads more of the answer into `buf`: the count read, 0 at the end of the stream.
async fn fill<R: AsyncRead + Unpin>(io: &mut R, buf: &mut BytesMut) -> Result<usize, ReadError> {
    buf.reserve(8 * 1024);
    io.read_buf(buf)
        .await
        .map_err(|_| ReadError::Failed(Failure::Body))
}

/// Parses a complete head at the front of `buf` and consumes it; `None` while incomplete.
fn parse_head(buf: &mut BytesMut) -> Result<Option<Head>, ReadError> {
    let malformed = ReadError::Failed(Failure::Request);
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(malformed),
    };
    let status = response.code.ok_or(malformed)?;
    // HTTP/1.0 closes after each answer unless it says keep-alive; 1.1 keeps it unless it
    // says close.
    let mut close = response.version == Some(0);
    let mut location = None;
    let mut chunked = false;
    let mut length = None;
    for header in response.headers.iter() {
        let name = header.name;
        if name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(header.value)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|&n| n <= MAX_BODY)
                .ok_or(ReadError::Failed(Failure::Body))?;
            if length.is_some_and(|m| m != n) {
                return Err(ReadError::Failed(Failure::Body));
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = last_token(header.value).eq_ignore_ascii_case(b"chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            let tokens = header.value.split(|&b| b == b',');
            for token in tokens.map(<[u8]>::trim_ascii) {
                close |= token.eq_ignore_ascii_case(b"close");
                close &= !token.eq_ignore_ascii_case(b"keep-alive");
            }
        } else if name.eq_ignore_ascii_case("location") {
            location = Some(String::from_utf8_lossy(header.value).into_owned());
        }
    }
    let framing = match (chunked, length) {
        (true, _) => Framing::Chunked,
        (false, Some(n)) => Framing::Length(n),
        (false, None) => Framing::UntilClose,
    };
    buf.advance(len);
    Ok(Some(Head {
        status,
        location,
        framing,
        close,
    }))
}

/// The last coding of a Transfer-Encoding value (`gzip, chunked` → `chunked`).
fn last_token(value: &[u8]) -> &[u8] {
    value
        .rsplit(|&b| b == b',')
        .next()
        .unwrap_or_default()
        .trim_ascii()
}

/// Reads a chunked body (RFC 9112 §7.1), trailers skipped.
async fn read_chunked<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut BytesMut,
) -> Result<Bytes, ReadError> {
    let malformed = ReadError::Failed(Failure::Body);
    let mut body = Vec::new();
    loop {
        let (len, size) = loop {
            match httparse::parse_chunk_size(buf) {
                Ok(httparse::Status::Complete((len, size))) => break (len, size),
                Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => {
                    if fill(io, buf).await? == 0 {
                        return Err(malformed);
                    }
                }
                _ => return Err(malformed),
            }
        };
        buf.advance(len);
        let size = usize::try_from(size)
            .ok()
            .filter(|&s| body.len() + s <= MAX_BODY)
            .ok_or(ReadError::Failed(Failure::Body))?;
        if size == 0 {
            break;
        }
        while buf.len() < size + 2 {
            if fill(io, buf).await? == 0 {
                return Err(malformed);
            }
        }
        body.extend_from_slice(&buf[..size]);
        if &buf[size..size + 2] != b"\r\n" {
            return Err(malformed);
        }
        buf.advance(size + 2);
    }
    // Trailer lines, up to the empty line that ends the message.
    loop {
        match buf.windows(2).position(|w| w == b"\r\n") {
            Some(0) => {
                buf.advance(2);
                return Ok(Bytes::from(body));
            }
            Some(end) => buf.advance(end + 2),
            None if buf.len() < MAX_HEAD => {
                if fill(io, buf).await? == 0 {
                    return Err(malformed);
                }
            }
            None => return Err(malformed),
        }
    }
}

#[cfg(test)]
mod tests;
