//! The open model's HTTP/1.1 client: keep-alive connections to one address, each carrying one
//! request at a time, each exchange written out by hand ([`super::http1`]), and nothing else.
//! It follows no redirect (a 3xx is an answer like any other), sends every request to the one
//! origin checked at start, and sets only the headers a journey needs, so the generator spends
//! its CPU on requests rather than on a general-purpose client's dispatch, URL parsing and
//! redirect policy.

use std::net::SocketAddr;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::Sleep;

use super::http1::{self, ReadError, Request, Response};
use crate::error::{Error, Result};
use crate::load::target::resolve_loopback;
use crate::scenario::Method;

/// Why no answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Connect,
    Timeout,
    Request,
    Body,
}

impl Failure {
    /// The kind of a transport error, as counted in a run's errors (as the closed model's).
    pub fn kind(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Request => "request",
            Self::Body => "body",
        }
    }
}

/// A keep-alive connection and the bytes read from it but not yet used.
struct Connection {
    stream: TcpStream,
    read: BytesMut,
}

/// What one request at a time is sent on: a connection (none until the first request, or after
/// an answer that left it unusable or a timeout) and a request timer. The timer is one entry
/// kept for the link's life and moved forward at most once per 1/60 of the timeout, not one
/// made per request: a request times out between 59/60 of the timeout and the whole of it
/// after it starts.
pub struct Link {
    connection: Option<Connection>,
    /// The request being sent, encoded (kept to reuse its allocation).
    request: Vec<u8>,
    timer: Pin<Box<Sleep>>,
    armed_at: Instant,
}

/// Where requests go: one loopback address, checked once.
pub struct Client {
    addr: SocketAddr,
    host: String,
    timeout: Duration,
}

impl Client {
    /// A client of the loopback service at `base` (`http://host:port`): the host is resolved
    /// once, at start, and every address it resolves to must be loopback.
    pub fn new(base: &str, timeout: Duration) -> Result<Self> {
        if !base.starts_with("http://") {
            return Err(Error::Usage(format!(
                "{base}: the open model speaks http:// only"
            )));
        }
        let (authority, addrs) = resolve_loopback(base)?;
        Ok(Self {
            addr: addrs[0],
            host: authority,
            timeout,
        })
    }

    /// A link with no connection yet.
    pub fn link(&self) -> Link {
        let now = Instant::now();
        Link {
            connection: None,
            request: Vec::with_capacity(256),
            timer: Box::pin(tokio::time::sleep_until((now + self.timeout).into())),
            armed_at: now,
        }
    }

    async fn connect(&self) -> std::result::Result<Connection, Failure> {
        let stream = TcpStream::connect(self.addr)
            .await
            .map_err(|_| Failure::Connect)?;
        let _ = stream.set_nodelay(true);
        Ok(Connection {
            stream,
            read: BytesMut::with_capacity(8 * 1024),
        })
    }

    /// Sends `method path` with an optional bearer token and JSON body on `link` and reads
    /// the whole answer (its status, its Location, as redirects are not followed, and its
    /// body).
    pub async fn send(
        &self,
        link: &mut Link,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        json: Option<&[u8]>,
    ) -> std::result::Result<Response, Failure> {
        http1::encode(
            &Request {
                method,
                path,
                host: &self.host,
                bearer,
                json,
            },
            &mut link.request,
        )?;
        let now = Instant::now();
        if now - link.armed_at >= self.timeout / 60 {
            link.timer.as_mut().reset((now + self.timeout).into());
            link.armed_at = now;
        }
        // The exchange holds the connection while it runs, so one cut off by the timer (whose
        // answer may still come) is dropped with it.
        tokio::select! {
            biased;
            answer = self.exchange(&mut link.connection, &link.request) => answer,
            () = link.timer.as_mut() => Err(Failure::Timeout),
        }
    }

    /// Writes `request` on the kept connection, or a new one, and reads its answer. A kept
    /// connection that turns out closed before answering (the server let it go while idle) is
    /// dropped and the request sent once more on a new one, as hyper's pool does.
    async fn exchange(
        &self,
        kept: &mut Option<Connection>,
        request: &[u8],
    ) -> std::result::Result<Response, Failure> {
        loop {
            let fresh = kept.is_none();
            let mut connection = match kept.take() {
                Some(c) => c,
                None => self.connect().await?,
            };
            let written = connection.stream.write_all(request).await;
            let answer = match written {
                Ok(()) => {
                    http1::read_response(&mut connection.stream, &mut connection.read, false).await
                }
                Err(_) => Err(ReadError::Closed),
            };
            match answer {
                Ok(response) => {
                    if response.reusable {
                        *kept = Some(connection);
                    }
                    return Ok(response);
                }
                Err(ReadError::Closed) if !fresh => continue,
                Err(ReadError::Closed) => return Err(Failure::Request),
                Err(ReadError::Failed(failure)) => return Err(failure),
            }
        }
    }
}

#[cfg(test)]
mod tests;
