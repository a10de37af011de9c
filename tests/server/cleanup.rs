//! Idle sessions expired by the service: the cleanup pass on demand (admin), what it expires
//! and keeps, its figures in /metrics, and its settings refused when they do not parse.

use serde_json::{Value, json};

use super::Server;
use crate::support::{assert_one_line_error, tta};

fn cleanup(s: &Server, token: &str, idle_s: u64) -> reqwest::blocking::Response {
    s.post(
        "/api/admin/sessions/cleanup",
        Some(token),
        &json!({ "idle_s": idle_s }),
    )
}

#[test]
fn a_pass_expires_idle_sessions_but_never_one_a_crisis_paused() {
    let s = Server::start(&["--session-cleanup-every", "off"]);
    let patient = s.login("patient-1");
    let (a, b, paused) = (
        s.new_session(&patient),
        s.new_session(&patient),
        s.new_session(&patient),
    );
    let r = s.post(
        &format!("/api/patient/sessions/{paused}/choices"),
        Some(&patient),
        &json!({ "text": "I keep cutting myself" }),
    );
    assert_eq!(
        r.json::<Value>().unwrap()["session"]["state"],
        "crisis_paused"
    );
    assert_eq!(cleanup(&s, &patient, 0).status(), 403, "admins only");

    let admin = s.login("admin");
    // Nothing is idle for an hour yet.
    let pass: Value = cleanup(&s, &admin, 3600).json().unwrap();
    assert_eq!(
        (pass["candidates"].as_u64(), pass["expired"].as_u64()),
        (Some(0), Some(0))
    );
    std::thread::sleep(std::time::Duration::from_millis(5));
    let pass: Value = cleanup(&s, &admin, 0).json().unwrap();
    assert_eq!(
        (pass["candidates"].as_u64(), pass["expired"].as_u64()),
        (Some(3), Some(2)),
        "{pass}"
    );
    assert!(pass["duration_ms"].as_f64().unwrap() > 0.0);
    for id in [a, b] {
        assert_eq!(s.session(&patient, id)["state"], "completed");
    }
    assert_eq!(s.session(&patient, paused)["state"], "crisis_paused");
    // Completed sessions are not candidates again.
    let again: Value = cleanup(&s, &admin, 0).json().unwrap();
    assert_eq!(again["candidates"].as_u64(), Some(1), "{again}");
    assert_eq!(s.counter("tta_sessions_expired_total"), Some(2));
    assert_eq!(s.counter("tta_session_cleanup_passes_total"), Some(3));
    assert_eq!(s.counter("tta_active_sessions"), Some(1));
    assert_eq!(s.stop(), Some(0));
}

#[test]
fn cleanup_settings_that_do_not_parse_are_one_line_errors() {
    let o = tta()
        .args(["serve", "--session-idle-timeout", "a while"])
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "--session-idle-timeout \"a while\": expected a duration",
    );
    let o = tta()
        .args(["serve", "--session-cleanup-every", "0s"])
        .output()
        .unwrap();
    assert_one_line_error(&o, "--session-cleanup-every \"0s\": expected a duration");
}
