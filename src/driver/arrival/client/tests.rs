use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use super::*;

/// A loopback server that answers `answers_per_connection` requests on each connection it
/// accepts, then closes it; counts the connections.
async fn server(answers_per_connection: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let n = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for _ in 0..answers_per_connection {
                    // Each request here is a body-less GET: it ends at its blank line.
                    while !seen.ends_with(b"\r\n\r\n") {
                        let mut byte = [0];
                        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        seen.push(byte[0]);
                    }
                    seen.clear();
                    let body = format!("connection {n}");
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    stream.write_all(answer.as_bytes()).await.unwrap();
                }
                // Closes while the client holds the connection as idle.
            });
        }
    });
    (base, accepted)
}

/// `GET /x` on `link`.
async fn get(client: &Client, link: &mut Link) -> std::result::Result<Response, Failure> {
    client.send(link, Method::Get, "/x", None, None).await
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn connections_are_kept_alive_between_requests() {
    runtime().block_on(async {
        let (base, accepted) = server(usize::MAX).await;
        let client = Client::new(&base, Duration::from_secs(5)).unwrap();
        let mut kept = client.link();
        for _ in 0..5 {
            let answer = get(&client, &mut kept).await.ok().unwrap();
            assert_eq!(
                (answer.status, &answer.body[..]),
                (200, &b"connection 0"[..])
            );
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn a_kept_connection_the_server_closed_is_replaced_once() {
    runtime().block_on(async {
        let (base, accepted) = server(1).await;
        let client = Client::new(&base, Duration::from_secs(5)).unwrap();
        let mut kept = client.link();
        for expected in ["connection 0", "connection 1", "connection 2"] {
            let answer = get(&client, &mut kept).await.ok().unwrap();
            assert_eq!(&answer.body[..], expected.as_bytes());
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    });
}

#[test]
fn a_new_connection_closed_unanswered_is_an_error_not_a_retry() {
    runtime().block_on(async {
        let (base, accepted) = server(0).await;
        let client = Client::new(&base, Duration::from_secs(5)).unwrap();
        let mut kept = client.link();
        let failure = get(&client, &mut kept).await.err();
        assert_eq!(failure, Some(Failure::Request));
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn an_answer_slower_than_the_timeout_is_a_timeout() {
    runtime().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let held = tokio::spawn(async move { listener.accept().await });
        let client = Client::new(&base, Duration::from_millis(50)).unwrap();
        let mut kept = client.link();
        let failure = get(&client, &mut kept).await.err();
        assert_eq!(failure, Some(Failure::Timeout));
        assert!(
            kept.connection.is_none(),
            "a connection whose answer may still come is not kept"
        );
        drop(held);
    });
}
