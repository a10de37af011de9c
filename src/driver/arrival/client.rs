//! The open model's HTTP/1.1 client: a pool of keep-alive connections to one address, each
//! exchange written out by hand ([`super::http1`]) on the requesting task, and nothing else.
//! It follows no redirect (a 3xx is an answer like any other), sends every request to the one
//! origin checked at start, and sets only the headers a journey needs, so the generator spends
//! its CPU on requests rather than on a general-purpose client's dispatch, URL parsing and
//! redirect policy.

use std::net::SocketAddr;
use std::sync::Mutex;
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
struct Connection {
    stream: TcpStream,
    read: BytesMut,
}

pub struct Client {
    addr: SocketAddr,
    host: String,
    timeout: Duration,
    idle: Mutex<Vec<Connection>>,
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
            idle: Mutex::new(Vec::new()),
        })
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
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

    /// Sends `method path` with an optional bearer token and JSON body; reads the whole answer.
    pub async fn send(
        &self,
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
        tokio::time::timeout(self.timeout, self.exchange(&request))
            .await
            .unwrap_or(Err(Failure::Timeout))
    }

    /// Writes `request` on an idle connection, or a new one, and reads its answer. A reused
    /// connection that turns out closed before answering (the server let it go while idle) is
    /// dropped and the request sent once more on a new one, as hyper's pool does.
    async fn exchange(&self, request: &[u8]) -> std::result::Result<Answer, Failure> {
        loop {
            let reused = self.idle().pop();
            let fresh = reused.is_none();
            let mut connection = match reused {
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
                        self.idle().push(connection);
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
