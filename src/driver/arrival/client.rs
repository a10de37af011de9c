//! The open model's HTTP/1.1 client: keep-alive connections to one address, each held by the
//! task that sends on it, each exchange written out by hand ([`super::http1`]), and nothing
//! else.
//! It follows no redirect (a 3xx is an answer like any other), sends every request to the one
//! origin checked at start, and sets only the headers a journey needs, so the generator spends
//! its CPU on requests rather than on a general-purpose client's dispatch, URL parsing and
//! redirect policy.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::http1::{self, ReadError, Request};
use crate::error::{Error, Result};
use crate::load::target::resolve_loopback;
use crate::scenario::Method;

/// An answer: its status, its Location (redirects are not followed) and its whole body.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: Bytes,
}

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
pub struct Connection {
    stream: TcpStream,
    read: BytesMut,
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

    /// Sends `method path` with an optional bearer token and JSON body on `connection` (made
    /// when there is none; emptied when the answer leaves it unusable) and reads the whole
    /// answer.
    pub async fn send(
        &self,
        connection: &mut Option<Connection>,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        json: Option<&[u8]>,
    ) -> std::result::Result<Answer, Failure> {
        let mut request = Vec::with_capacity(128 + json.map_or(0, <[u8]>::len));
        http1::encode(
            &Request {
                method,
                path,
                host: &self.host,
                bearer,
                json,
            },
            &mut request,
        )?;
        tokio::time::timeout(self.timeout, self.exchange(connection, &request))
            .await
            .unwrap_or_else(|_| {
                *connection = None; // Its answer may still come: the connection is unusable.
                Err(Failure::Timeout)
            })
    }

    /// Writes `request` on the kept connection, or a new one, and reads its answer. A kept
    /// connection that turns out closed before answering (the server let it go while idle) is
    /// dropped and the request sent once more on a new one, as hyper's pool does.
    async fn exchange(
        &self,
        kept: &mut Option<Connection>,
        request: &[u8],
    ) -> std::result::Result<Answer, Failure> {
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
                    return Ok(Answer {
                        status: response.status,
                        location: response.location,
                        body: response.body,
                    });
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
