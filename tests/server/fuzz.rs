//! Fuzzing the JSON bodies: arbitrary JSON values, and mutations of valid bodies, to every
//! route that takes a body. No answer may be a 5xx, every answer must be JSON, and afterwards
//! the server and its data must still be sound.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use super::Server;

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        prop::sample::select(vec![
            "text",
            "mood",
            "type",
            "status",
            "goals",
            "I want to die",
            "breathing",
            "paused",
            "anxiety_management"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "text",
                    "mood",
                    "emotions",
                    "type",
                    "status",
                    "note",
                    "goals",
                    "concerns",
                    "patient_id",
                    "session_id",
                    "username",
                    "password",
                    "x"
                ])
                .prop_map(String::from),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn fuzzed_bodies_never_break_the_server() {
    let s = Server::start(&["--rate-limit", "off"]);
    let patient = s.login("patient-1");
    let clinician = s.login("clinician-1");
    let admin = s.login("admin");
    let id = s.new_session(&patient);
    let routes: Vec<(String, &str, &str)> = vec![
        ("/api/v1/auth/login".into(), "POST", ""),
        ("/api/patient/sessions".into(), "POST", patient.as_str()),
        (
            format!("/api/patient/sessions/{id}/progress"),
            "PATCH",
            patient.as_str(),
        ),
        (
            format!("/api/patient/sessions/{id}/choices"),
            "POST",
            patient.as_str(),
        ),
        (
            format!("/api/patient/sessions/{id}/emotional-state"),
            "POST",
            patient.as_str(),
        ),
        (
            format!("/api/patient/sessions/{id}/interventions"),
            "POST",
            patient.as_str(),
        ),
        (
            "/api/clinical/interventions".into(),
            "POST",
            clinician.as_str(),
        ),
        ("/api/admin/faults".into(), "PUT", admin.as_str()),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 64,
        ..Config::default()
    });
    let statuses = std::cell::RefCell::new(std::collections::BTreeMap::<u16, u32>::new());
    for (path, method, token) in &routes {
        runner
            .run(&arbitrary_json(), |body| {
                let mut req = s
                    .client
                    .request(method.parse().unwrap(), format!("{}{path}", s.url))
                    .json(&body);
                if !token.is_empty() {
                    req = req.bearer_auth(token);
                }
                let r = req.send().unwrap();
                let status = r.status().as_u16();
                *statuses.borrow_mut().entry(status).or_default() += 1;
                let text = r.text().unwrap();
                prop_assert!(status < 500, "{method} {path} {body} → {status} {text}");
                prop_assert!(
                    serde_json::from_str::<Value>(&text).is_ok(),
                    "not JSON: {text}"
                );
                Ok(())
            })
            .unwrap();
        // Reset anything a fuzzed admin body turned on.
        s.put("/api/admin/faults", Some(&admin), &json!({}));
    }
    let statuses = statuses.into_inner();
    assert!(
        statuses.keys().any(|s| *s >= 400),
        "the fuzzer reached the validation paths: {statuses:?}"
    );
    // Still healthy, still consistent: the session reads back and the dashboard renders.
    let h: Value = s.get("/health", None).json().unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!(
        s.get(&format!("/api/patient/sessions/{id}"), Some(&patient))
            .status(),
        200
    );
    assert_eq!(
        s.get("/api/clinical/dashboard/clinician-1", Some(&clinician))
            .status(),
        200
    );
    assert_eq!(
        s.get(
            "/api/clinical/patients/patient-1/progress",
            Some(&clinician)
        )
        .status(),
        200
    );
}
