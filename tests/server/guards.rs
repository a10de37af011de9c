//! What the service refuses: bad tokens (401), role violations (403), bad input (400/404/413,
//! JSON bodies, never 500), rate limits (429), overload (503), and its fault injection.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

use super::{SECRET, Server, expect_error};
use crate::support::{assert_one_line_error, tta};

fn token(secret: &str, sub: &str, role: &str, exp_offset_s: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = json!({ "sub": sub, "role": role, "iat": now, "exp": now + exp_offset_s });
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[test]
fn missing_expired_forged_and_malformed_tokens_are_401() {
    let s = Server::start(&[]);
    let path = "/api/clinical/alerts";
    expect_error(s.get(path, None), 401, "unauthorized");
    let expired = token(SECRET, "clinician-1", "clinician", -10);
    assert_eq!(
        expect_error(s.get(path, Some(&expired)), 401, "unauthorized"),
        "token expired"
    );
    let forged = token(
        "another-secret-another-secret-xx",
        "clinician-1",
        "clinician",
        600,
    );
    assert_eq!(
        expect_error(s.get(path, Some(&forged)), 401, "unauthorized"),
        "invalid token"
    );
    expect_error(s.get(path, Some("not.a.jwt")), 401, "unauthorized");
    let r = s
        .client
        .get(format!("{}{path}", s.url))
        .header("authorization", "Basic abc")
        .send()
        .unwrap();
    expect_error(r, 401, "unauthorized");
    // A valid token signed with the server's secret works.
    assert_eq!(
        s.get(path, Some(&token(SECRET, "clinician-1", "clinician", 600)))
            .status(),
        200
    );
    let wrong = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "username": "patient-1", "password": "nope" }),
    );
    expect_error(wrong, 401, "unauthorized");
    let nobody = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "username": "nobody", "password": "tta-bench" }),
    );
    expect_error(nobody, 401, "unauthorized");
}

#[test]
fn roles_are_enforced_on_every_route() {
    let s = Server::start(&[]);
    let p1 = s.login("patient-1");
    let p2 = s.login("patient-2");
    let c1 = s.login("clinician-1");
    let c2 = s.login("clinician-2");
    let id = s.new_session(&p1);

    // Patients stay out of the clinical and admin APIs.
    for path in [
        "/api/clinical/dashboard/clinician-1",
        "/api/clinical/alerts",
        "/api/clinical/patients/patient-1/progress",
        "/api/admin/faults",
    ] {
        expect_error(s.get(path, Some(&p1)), 403, "forbidden");
    }
    expect_error(
        s.post(
            "/api/clinical/interventions",
            Some(&p1),
            &json!({ "patient_id": "patient-1", "type": "check_in" }),
        ),
        403,
        "forbidden",
    );
    expect_error(
        s.post("/api/clinical/alerts/1/acknowledge", Some(&p1), &json!({})),
        403,
        "forbidden",
    );
    // A patient never touches another patient's session.
    expect_error(
        s.get(&format!("/api/patient/sessions/{id}"), Some(&p2)),
        403,
        "forbidden",
    );
    expect_error(
        s.post(
            &format!("/api/patient/sessions/{id}/choices"),
            Some(&p2),
            &json!({ "text": "hi" }),
        ),
        403,
        "forbidden",
    );
    expect_error(
        s.patch(
            &format!("/api/patient/sessions/{id}/progress"),
            Some(&p2),
            &json!({}),
        ),
        403,
        "forbidden",
    );
    expect_error(
        s.post(
            &format!("/api/patient/sessions/{id}/emotional-state"),
            Some(&p2),
            &json!({ "mood": 5 }),
        ),
        403,
        "forbidden",
    );
    expect_error(
        s.post(
            &format!("/api/patient/sessions/{id}/interventions"),
            Some(&p2),
            &json!({ "type": "breathing" }),
        ),
        403,
        "forbidden",
    );
    // Clinicians do not play sessions and see only their own patients.
    expect_error(
        s.post("/api/patient/sessions", Some(&c1), &json!({})),
        403,
        "forbidden",
    );
    expect_error(
        s.get("/api/clinical/dashboard/clinician-1", Some(&c2)),
        403,
        "forbidden",
    );
    expect_error(
        s.get("/api/clinical/patients/patient-1/progress", Some(&c2)),
        403,
        "forbidden",
    );
    expect_error(
        s.get("/api/clinical/alerts?clinician=clinician-1", Some(&c2)),
        403,
        "forbidden",
    );
    expect_error(
        s.post(
            "/api/clinical/interventions",
            Some(&c2),
            &json!({ "patient_id": "patient-1", "type": "check_in" }),
        ),
        403,
        "forbidden",
    );
    assert_eq!(
        s.get("/api/clinical/patients/patient-1/progress", Some(&c1))
            .status(),
        200
    );
    // Admin reaches everything clinical.
    let admin = s.login("admin");
    assert_eq!(
        s.get("/api/clinical/patients/patient-1/progress", Some(&admin))
            .status(),
        200
    );
    assert_eq!(
        s.get("/api/clinical/alerts?clinician=clinician-1", Some(&admin))
            .status(),
        200
    );
    expect_error(
        s.get("/api/clinical/alerts", Some(&admin)),
        400,
        "bad_request",
    );
}

#[test]
fn bad_input_gets_json_errors_never_500() {
    let s = Server::start(&[]);
    let t = s.login("patient-1");
    let id = s.new_session(&t);
    let choices = format!("/api/patient/sessions/{id}/choices");
    let m = expect_error(
        s.post_raw(&choices, Some(&t), "{\"text\": "),
        400,
        "bad_request",
    );
    assert!(m.contains("EOF while parsing"), "{m}");
    let m = expect_error(
        s.post(&choices, Some(&t), &json!({ "text": 5 })),
        400,
        "bad_request",
    );
    assert!(
        m.contains("invalid type: integer `5`, expected a string"),
        "{m}"
    );
    let m = expect_error(
        s.post(&choices, Some(&t), &json!({ "text": "x", "extra": 1 })),
        400,
        "bad_request",
    );
    assert!(m.contains("unknown field `extra`"), "{m}");
    assert_eq!(
        expect_error(
            s.post(&choices, Some(&t), &json!({ "text": "  " })),
            400,
            "bad_request"
        ),
        "text is empty"
    );
    expect_error(
        s.post(
            "/api/patient/sessions/999/choices",
            Some(&t),
            &json!({ "text": "hi" }),
        ),
        404,
        "not_found",
    );
    expect_error(
        s.post(
            "/api/patient/sessions/abc/choices",
            Some(&t),
            &json!({ "text": "hi" }),
        ),
        400,
        "bad_request",
    );
    expect_error(
        s.post(
            &format!("/api/patient/sessions/{id}/emotional-state"),
            Some(&t),
            &json!({ "mood": 11 }),
        ),
        400,
        "bad_request",
    );
    expect_error(
        s.post(
            &format!("/api/patient/sessions/{id}/interventions"),
            Some(&t),
            &json!({ "type": "magic" }),
        ),
        400,
        "bad_request",
    );
    let r = s
        .client
        .post(format!("{}{choices}", s.url))
        .bearer_auth(&t)
        .body("{\"text\": \"hi\"}")
        .send()
        .unwrap();
    expect_error(r, 415, "bad_request");
    let huge = json!({ "text": "a".repeat(100 * 1024) });
    expect_error(s.post(&choices, Some(&t), &huge), 413, "bad_request");
    let c = s.login("clinician-1");
    expect_error(
        s.get("/api/clinical/alerts?status=weird", Some(&c)),
        400,
        "bad_request",
    );
    expect_error(
        s.get("/api/clinical/alerts?per_page=1000", Some(&c)),
        400,
        "bad_request",
    );
    expect_error(
        s.get("/api/clinical/patients/nobody/progress", Some(&c)),
        404,
        "not_found",
    );
    expect_error(
        s.post("/api/clinical/alerts/77/acknowledge", Some(&c), &json!({})),
        404,
        "not_found",
    );
    expect_error(s.get("/no/such/route", None), 404, "not_found");
    // The session is untouched by all of that.
    let session = s.session(&t, id);
    assert_eq!(
        (session["turns"].as_u64(), session["state"].as_str()),
        (Some(0), Some("active"))
    );
}

#[test]
fn rate_limit_answers_429_with_retry_after() {
    let s = Server::start(&["--rate-limit", "5/60"]);
    let t = s.login("patient-1");
    for _ in 0..5 {
        assert_eq!(s.get("/api/patient/sessions/1", Some(&t)).status(), 404);
    }
    let r = s.get("/api/patient/sessions/1", Some(&t));
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    expect_error(r, 429, "rate_limited");
    // Another user has their own window.
    let other = s.login("patient-2");
    assert_eq!(s.get("/api/patient/sessions/1", Some(&other)).status(), 404);
}

#[test]
fn overload_is_shed_with_503() {
    let s = Server::start(&["--max-in-flight", "1", "--inject-delay", "/health=800"]);
    let url = format!("{}/health", s.url);
    let slow = std::thread::spawn(move || reqwest::blocking::get(url).unwrap().status().as_u16());
    std::thread::sleep(std::time::Duration::from_millis(300));
    expect_error(s.get("/metrics", None), 503, "overloaded");
    assert_eq!(slow.join().unwrap(), 200);
    assert_eq!(s.get("/metrics", None).status(), 200, "capacity is back");
}

#[test]
fn faults_from_flags_and_from_the_admin_endpoint() {
    let s = Server::start(&["--inject-error", "/api/patient/sessions=1"]);
    let t = s.login("patient-1");
    expect_error(
        s.post("/api/patient/sessions", Some(&t), &json!({})),
        500,
        "internal",
    );
    let h: Value = s.get("/health", None).json().unwrap();
    assert_eq!(h["faults"]["error_rate"]["/api/patient/sessions"], 1.0);

    let admin = s.login("admin");
    let bad = json!({ "cpu_factor": { "/health": 0.5 } });
    expect_error(
        s.put("/api/admin/faults", Some(&admin), &bad),
        400,
        "bad_request",
    );
    let delay = json!({ "delay_ms": { "/api/patient/sessions/{id}": 30 } });
    assert_eq!(
        s.put("/api/admin/faults", Some(&admin), &delay).status(),
        200
    );
    assert_eq!(
        s.get("/api/admin/faults", Some(&admin))
            .json::<Value>()
            .unwrap(),
        json!({ "delay_ms": { "/api/patient/sessions/{id}": 30.0 }, "cpu_factor": {}, "error_rate": {} })
    );
    let id = s.new_session(&t);
    let start = std::time::Instant::now();
    assert_eq!(
        s.get(&format!("/api/patient/sessions/{id}"), Some(&t))
            .status(),
        200
    );
    assert!(
        start.elapsed() >= std::time::Duration::from_millis(30),
        "injected delay applied"
    );
    assert_eq!(
        s.put("/api/admin/faults", Some(&admin), &json!({}))
            .status(),
        200
    );
    assert_eq!(
        s.get("/health", None).json::<Value>().unwrap()["faults"],
        Value::Null
    );
}

#[test]
fn serve_refuses_bad_flags_with_one_line() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["serve", "--addr", "0.0.0.0:8080"],
            "binds loopback addresses only",
        ),
        (
            &["serve", "--addr", "nowhere"],
            "--addr \"nowhere\" is not an address",
        ),
        (
            &["serve", "--rate-limit", "fast"],
            "--rate-limit \"fast\": expected N/SECONDS",
        ),
        (
            &["serve", "--inject-delay", "/health"],
            "--inject-delay \"/health\": expected ROUTE=VALUE",
        ),
        (
            &["serve", "--inject-error", "/health=2"],
            "error rate for /health must be within 0-1, got 2",
        ),
    ];
    for (args, needle) in cases {
        let out = tta().args(args).output().unwrap();
        assert_one_line_error(&out, needle);
    }
}
