//! No load follows a redirect: a target answering 307 towards another loopback address gets
//! its answer recorded as the wrong status it is, naming where it pointed, and that address
//! sees nothing, in the closed model, the open one and the health check before either.

use serde_json::Value;

use crate::load::load;
use crate::support::{assert_one_line_error, short_smoke};

/// A loopback server that answers `/health` with 200 (or, with `redirect_health`, everything)
/// by a 307 to `location`, and counts the requests it saw.
fn redirecting_server(location: String, redirect_health: bool) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut head = [0u8; 4096];
            let n = stream.read(&mut head).unwrap_or(0);
            let health = head[..n].starts_with(b"GET /health ");
            let answer = if health && !redirect_health {
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".to_string()
            } else {
                format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                )
            };
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

/// A second loopback address that counts the connections made to it.
fn counting_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stream.is_err() {
                return;
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    (url, seen)
}

/// Loads (with `extra` flags) a target that answers every login with a 307 towards a second
/// loopback address: the run fails on the wrong status, which names where the redirect
/// pointed, and that address sees nothing (no login body re-sent). Returns the address, its
/// count and the scenario directory, for more checks.
pub(crate) fn a_redirected_login_is_not_followed(
    extra: &[&str],
) -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tempfile::TempDir,
) {
    let (elsewhere, seen) = counting_server();
    let target = redirecting_server(format!("{elsewhere}/api/v1/auth/login"), false);
    let short = short_smoke(1);
    let out = tempfile::tempdir().unwrap();
    let run = out.path().join("run.json");
    let o = load(
        short.path(),
        &[&["--target", &target][..], extra].concat(),
        &run,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&run).unwrap()).unwrap();
    let login = &v["routes"]["POST /api/v1/auth/login"];
    assert!(login["summary"]["count"].as_u64().unwrap() > 0, "{login}");
    let redirect = format!(
        "redirect to {} not followed",
        elsewhere.trim_start_matches("http://")
    );
    assert!(login["errors"].to_string().contains(&redirect), "{login}");
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
    (elsewhere, seen, short)
}

/// No redirect is followed by the closed model, nor by the health check before any run.
#[test]
fn redirects_are_never_followed() {
    let (elsewhere, seen, short) = a_redirected_login_is_not_followed(&[]);
    let out = tempfile::tempdir().unwrap();

    // Nor by the health check before the run: a /health that redirects is a target not up.
    let target = redirecting_server(format!("{elsewhere}/health"), true);
    let o = load(
        short.path(),
        &["--target", &target],
        &out.path().join("never.json"),
    );
    assert_one_line_error(&o, "/health answered 307");
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
}
