//! The open model's HTTP/1.1 client: hyper's connection API over a pool of keep-alive
//! connections to one address, and nothing else. It follows no redirect (a 3xx is an answer
//! like any other), sends every request to the one origin checked at start, and sets only the
//! headers a journey needs, so the generator spends its CPU on requests rather than on a
//! general-purpose client's URL parsing, redirect policy and per-request bookkeeping.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper_util::rt::TokioIo;

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

pub struct Client {
    addr: SocketAddr,
    host: HeaderValue,
    timeout: Duration,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
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
            host: HeaderValue::from_str(&authority)
                .map_err(|e| Error::Usage(format!("{base}: {e}")))?,
            timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<SendRequest<Full<Bytes>>>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn connect(&self) -> std::result::Result<SendRequest<Full<Bytes>>, Failure> {
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .map_err(|_| Failure::Connect)?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|_| Failure::Connect)?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// A ready connection: an idle one, or a new one.
    async fn checkout(&self) -> std::result::Result<SendRequest<Full<Bytes>>, Failure> {
        loop {
            let Some(mut sender) = self.idle().pop() else {
                return self.connect().await;
            };
            if sender.ready().await.is_ok() {
                return Ok(sender);
            }
        }
    }

    /// Sends `method path` with an optional bearer token and JSON body; reads the whole answer.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        json: Option<Vec<u8>>,
    ) -> std::result::Result<Answer, Failure> {
        let exchange = async {
            let mut sender = self.checkout().await?;
            let mut request = hyper::Request::builder()
                .method(match method {
                    Method::Get => hyper::Method::GET,
                    Method::Post => hyper::Method::POST,
                    Method::Put => hyper::Method::PUT,
                    Method::Patch => hyper::Method::PATCH,
                    Method::Delete => hyper::Method::DELETE,
                })
                .uri(path)
                .header(HOST, self.host.clone());
            if let Some(token) = bearer {
                let value = HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| Failure::Request)?;
                request = request.header(AUTHORIZATION, value);
            }
            let body = match json {
                Some(bytes) => {
                    request =
                        request.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    Full::new(Bytes::from(bytes))
                }
                None => Full::new(Bytes::new()),
            };
            let request = request.body(body).map_err(|_| Failure::Request)?;
            let response = sender
                .send_request(request)
                .await
                .map_err(|_| Failure::Request)?;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get(hyper::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|_| Failure::Body)?
                .to_bytes();
            // Only a connection whose answer was read whole goes back: it is ready for the next.
            self.idle().push(sender);
            Ok(Answer {
                status,
                location,
                body,
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or(Err(Failure::Timeout))
    }
}
