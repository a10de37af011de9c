use std::pin::Pin;
use std::task::{Context, Poll};

use proptest::prelude::*;
use tokio::io::ReadBuf;

use super::*;

/// A stream that gives out its bytes a few at a time, as a socket may.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = self
            .step
            .min(self.data.len() - self.at)
            .min(out.remaining());
        let at = self.at;
        out.put_slice(&self.data[at..at + n]);
        self.at += n;
        Poll::Ready(Ok(()))
    }
}

fn read_all(raw: &[u8], step: usize, head_only: bool) -> Result<Response, ReadError> {
    let mut io = Trickle {
        data: raw.to_vec(),
        at: 0,
        step,
    };
    let mut buf = BytesMut::new();
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(read_response(&mut io, &mut buf, head_only))
}

fn read(raw: &str) -> Result<Response, ReadError> {
    read_all(raw.as_bytes(), 3, false)
}

fn encoded(method: Method, path: &str, bearer: Option<&str>, json: Option<&[u8]>) -> String {
    let mut out = Vec::new();
    let request = Request {
        method,
        path,
        host: "127.0.0.1:8080",
        bearer,
        json,
    };
    encode(&request, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn requests_carry_only_what_a_journey_needs() {
    assert_eq!(
        encoded(Method::Get, "/health", None, None),
        "GET /health HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n\r\n"
    );
    assert_eq!(
        encoded(
            Method::Post,
            "/api/x?y=1",
            Some("t.k-n"),
            Some(br#"{"a":1}"#)
        ),
        "POST /api/x?y=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nauthorization: Bearer t.k-n\r\n\
         content-type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}"
    );
    assert_eq!(
        encoded(Method::Put, "/p", None, None),
        "PUT /p HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-length: 0\r\n\r\n"
    );
}

#[test]
fn a_path_or_token_that_would_change_the_request_is_refused() {
    let mut out = Vec::new();
    let refuse = |path: &str, bearer: Option<&str>, out: &mut Vec<u8>| {
        let request = Request {
            method: Method::Get,
            path,
            host: "h",
            bearer,
            json: None,
        };
        encode(&request, out)
    };
    for path in ["/a b", "/a\r\nx: y", "/é", "health", ""] {
        assert_eq!(
            refuse(path, None, &mut out),
            Err(Failure::Request),
            "{path:?}"
        );
    }
    assert_eq!(
        refuse("/a", Some("t\r\nx: y"), &mut out),
        Err(Failure::Request)
    );
}

#[test]
fn a_length_framed_answer_is_read_whole_and_keeps_the_connection() {
    let r = read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello").unwrap();
    assert_eq!(
        (r.status, &r.body[..], r.reusable),
        (200, &b"hello"[..], true)
    );
    assert_eq!(r.location, None);
}

#[test]
fn a_redirect_is_an_answer_with_its_location() {
    let r = read("HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.2:9/x\r\ncontent-length: 0\r\n\r\n")
        .unwrap();
    assert_eq!(r.status, 307);
    assert_eq!(r.location.as_deref(), Some("http://127.0.0.2:9/x"));
}

#[test]
fn a_chunked_answer_is_decoded_with_extensions_and_trailers() {
    let raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
               4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nTrailer: x\r\n\r\n";
    for step in [1, 2, 7, 4096] {
        let r = read_all(raw.as_bytes(), step, false).unwrap();
        assert_eq!(
            (&r.body[..], r.reusable),
            (&b"abcdefg"[..], true),
            "step {step}"
        );
    }
}

#[test]
fn connection_close_and_http_1_0_end_the_connection() {
    let close = read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").unwrap();
    assert!(!close.reusable);
    let old = read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").unwrap();
    assert!(!old.reusable);
    let kept = read("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n");
    assert!(kept.unwrap().reusable);
}

#[test]
fn an_unframed_body_runs_to_the_close() {
    let r = read("HTTP/1.1 200 OK\r\n\r\nall of it").unwrap();
    assert_eq!((&r.body[..], r.reusable), (&b"all of it"[..], false));
}

#[test]
fn no_body_for_204_304_and_head() {
    let r = read("HTTP/1.1 204 No Content\r\n\r\n").unwrap();
    assert!(r.body.is_empty() && r.reusable);
    let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n";
    let r = read_all(raw, 5, true).unwrap();
    assert!(r.body.is_empty() && r.reusable);
}

#[test]
fn an_interim_answer_is_skipped() {
    let r =
        read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
            .unwrap();
    assert_eq!((r.status, &r.body[..]), (201, &b"ok"[..]));
}

#[test]
fn bytes_read_beyond_the_answer_make_the_connection_unusable() {
    let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1";
    let r = read_all(raw, 4096, false).unwrap();
    assert_eq!((&r.body[..], r.reusable), (&b"x"[..], false));
}

#[test]
fn where_the_stream_ends_decides_the_error() {
    assert_eq!(read("").unwrap_err(), ReadError::Closed);
    assert_eq!(
        read("HTTP/1.1 200 OK\r\nContent-").unwrap_err(),
        ReadError::Failed(Failure::Request)
    );
    assert_eq!(
        read("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort").unwrap_err(),
        ReadError::Failed(Failure::Body)
    );
    assert_eq!(
        read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").unwrap_err(),
        ReadError::Failed(Failure::Body)
    );
}

#[test]
fn malformed_answers_are_errors() {
    let cases = [
        ("NOT HTTP\r\n\r\n", Failure::Request),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            Failure::Body,
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            Failure::Body,
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            Failure::Body,
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n",
            Failure::Body,
        ),
    ];
    for (raw, failure) in cases {
        assert_eq!(
            read(raw).unwrap_err(),
            ReadError::Failed(failure),
            "{raw:?}"
        );
    }
    let huge = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
        MAX_BODY + 1
    );
    assert_eq!(read(&huge).unwrap_err(), ReadError::Failed(Failure::Body));
    let endless = format!("HTTP/1.1 200 OK\r\nX: {}", "a".repeat(MAX_HEAD + 10));
    assert_eq!(
        read_all(endless.as_bytes(), 4096, false).unwrap_err(),
        ReadError::Failed(Failure::Request)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the body, however it is cut into chunks and however the stream trickles,
    /// the body read is the body sent.
    #[test]
    fn any_chunking_decodes_to_the_body(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        sizes in proptest::collection::vec(1usize..50, 1..20),
        step in 1usize..64,
    ) {
        let mut raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        let mut rest = &body[..];
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, tail) = rest.split_at((*size).min(rest.len()));
            raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            raw.extend_from_slice(chunk);
            raw.extend_from_slice(b"\r\n");
            rest = tail;
        }
        raw.extend_from_slice(b"0\r\n\r\n");
        let r = read_all(&raw, step, false).unwrap();
        prop_assert_eq!(&r.body[..], &body[..]);
        prop_assert!(r.reusable);
    }
}
