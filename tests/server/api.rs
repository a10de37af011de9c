//! Happy paths of every route, the crisis-alert flow and persistence across restarts.

use serde_json::{Value, json};

use super::{Server, expect_error};

#[test]
fn patient_journey_happy_path() {
    let s = Server::start(&[]);
    let t = s.login("patient-1");
    let created: Value = {
        let r = s.post(
            "/api/patient/sessions",
            Some(&t),
            &json!({ "goals": ["anxiety_management"], "concerns": ["anxiety"], "character_name": "Ari" }),
        );
        assert_eq!(r.status(), 201);
        r.json().unwrap()
    };
    let id = created["id"].as_u64().unwrap();
    assert_eq!(created["state"], "active");
    assert_eq!(created["character"]["name"], "Ari");
    assert_eq!(created["recommendations"][0]["framework"], "cbt");

    let r = s.get(&format!("/api/patient/sessions/{id}"), Some(&t));
    assert_eq!(r.status(), 200);

    let r = s.post(
        &format!("/api/patient/sessions/{id}/choices"),
        Some(&t),
        &json!({ "text": "I breathe slowly and stay calm" }),
    );
    assert_eq!(r.status(), 200);
    let turn: Value = r.json().unwrap();
    assert_eq!(turn["crisis"]["level"], "NONE");
    assert_eq!(turn["consequence"]["choice_type"], "coping");
    assert_eq!(turn["session"]["turns"], 1);
    assert_eq!(turn["alert"], Value::Null);

    let r = s.post(
        &format!("/api/patient/sessions/{id}/emotional-state"),
        Some(&t),
        &json!({ "mood": 6, "emotions": ["calm"] }),
    );
    assert_eq!(r.status(), 200);
    let r = s.post(
        &format!("/api/patient/sessions/{id}/interventions"),
        Some(&t),
        &json!({ "type": "grounding" }),
    );
    assert_eq!(r.status(), 201);
    assert_eq!(
        r.json::<Value>().unwrap()["steps"][0],
        "Name 5 things you see"
    );

    let r = s.patch(
        &format!("/api/patient/sessions/{id}/progress"),
        Some(&t),
        &json!({ "status": "paused", "note": "tired" }),
    );
    assert_eq!(r.json::<Value>().unwrap()["state"], "paused");
    let r = s.patch(
        &format!("/api/patient/sessions/{id}/progress"),
        Some(&t),
        &json!({ "status": "completed" }),
    );
    assert_eq!(r.json::<Value>().unwrap()["state"], "completed");
    let r = s.patch(
        &format!("/api/patient/sessions/{id}/progress"),
        Some(&t),
        &json!({ "status": "active" }),
    );
    expect_error(r, 409, "conflict");

    let c = s.login("clinician-1");
    let progress: Value = s
        .get("/api/clinical/patients/patient-1/progress", Some(&c))
        .json()
        .unwrap();
    assert_eq!(progress["sessions"][0]["state"], "completed");
    let kinds: Vec<&str> = progress["recent_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "progress",
            "progress",
            "intervention",
            "emotional_state",
            "choice",
            "session_started"
        ]
    );
    let dash: Value = s
        .get("/api/clinical/dashboard/clinician-1", Some(&c))
        .json()
        .unwrap();
    let me = dash["patients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["patient_id"] == "patient-1")
        .unwrap();
    assert_eq!(
        (me["sessions"].as_u64(), me["total_turns"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn crisis_alert_reaches_the_assigned_clinician_only() {
    let s = Server::start(&[]);
    let t = s.login("patient-1");
    let id = s.new_session(&t);
    let r = s.post(
        &format!("/api/patient/sessions/{id}/choices"),
        Some(&t),
        &json!({ "text": "I keep cutting myself" }),
    );
    let turn: Value = r.json().unwrap();
    assert_eq!(turn["crisis"]["level"], "HIGH");
    assert_eq!(turn["session"]["state"], "crisis_paused");
    let alert = &turn["alert"];
    assert_eq!(
        (
            alert["patientId"].as_str(),
            alert["type"].as_str(),
            alert["severity"].as_str()
        ),
        (Some("patient-1"), Some("crisis"), Some("HIGH"))
    );
    for key in [
        "id",
        "patientId",
        "type",
        "severity",
        "message",
        "timestamp",
        "acknowledged",
    ] {
        assert!(alert.get(key).is_some(), "alert has {key}");
    }
    // Further choices wait for a clinician.
    let r = s.post(
        &format!("/api/patient/sessions/{id}/choices"),
        Some(&t),
        &json!({ "text": "hello" }),
    );
    expect_error(r, 409, "conflict");

    // patient-1 belongs to clinician-1 (of 2 clinicians for 8 patients).
    let c1 = s.login("clinician-1");
    let c2 = s.login("clinician-2");
    let page: Value = s
        .get("/api/clinical/alerts?status=active", Some(&c1))
        .json()
        .unwrap();
    assert_eq!(page["total"], 1);
    let alert_id = page["alerts"][0]["id"].as_i64().unwrap();
    let other: Value = s.get("/api/clinical/alerts", Some(&c2)).json().unwrap();
    assert_eq!(other["total"], 0);
    expect_error(
        s.post(
            &format!("/api/clinical/alerts/{alert_id}/acknowledge"),
            Some(&c2),
            &json!({}),
        ),
        403,
        "forbidden",
    );

    let acked: Value = s
        .post(
            &format!("/api/clinical/alerts/{alert_id}/acknowledge"),
            Some(&c1),
            &json!({}),
        )
        .json()
        .unwrap();
    assert_eq!(acked["acknowledged"], true);
    let active: Value = s
        .get("/api/clinical/alerts?status=active", Some(&c1))
        .json()
        .unwrap();
    assert_eq!(active["total"], 0);
    let done: Value = s
        .get(
            "/api/clinical/alerts?status=acknowledged&page=1&per_page=5",
            Some(&c1),
        )
        .json()
        .unwrap();
    assert_eq!(
        (done["total"].as_u64(), done["per_page"].as_u64()),
        (Some(1), Some(5))
    );

    // The clinician lifts the pause; the patient carries on.
    let r = s.post(
        "/api/clinical/interventions",
        Some(&c1),
        &json!({ "patient_id": "patient-1", "type": "resume_session", "session_id": id }),
    );
    assert_eq!(r.status(), 201);
    let r = s.post(
        &format!("/api/patient/sessions/{id}/choices"),
        Some(&t),
        &json!({ "text": "I talk to my friend" }),
    );
    assert_eq!(r.status(), 200);
}

#[test]
fn alerts_page_in_order() {
    let s = Server::start(&[]);
    let t = s.login("patient-1");
    for _ in 0..3 {
        let id = s.new_session(&t);
        s.post(
            &format!("/api/patient/sessions/{id}/emotional-state"),
            Some(&t),
            &json!({ "mood": 1, "text": "I want to die" }),
        );
    }
    let c = s.login("clinician-1");
    let p1: Value = s
        .get("/api/clinical/alerts?per_page=2", Some(&c))
        .json()
        .unwrap();
    let p2: Value = s
        .get("/api/clinical/alerts?per_page=2&page=2", Some(&c))
        .json()
        .unwrap();
    assert_eq!(p1["total"], 3);
    let ids: Vec<i64> = [&p1, &p2]
        .iter()
        .flat_map(|p| {
            p["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(ids, [3, 2, 1], "newest first across pages");
}

#[test]
fn data_survives_a_restart_with_a_file_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tta.db");
    let db = db.to_str().unwrap();
    let s = Server::start(&["--db", db]);
    let t = s.login("patient-2");
    let id = s.new_session(&t);
    s.post(
        &format!("/api/patient/sessions/{id}/choices"),
        Some(&t),
        &json!({ "text": "I call my friend" }),
    );
    s.post(
        &format!("/api/patient/sessions/{id}/choices"),
        Some(&t),
        &json!({ "text": "I am having a panic attack" }),
    );
    assert_eq!(s.stop(), Some(0), "graceful shutdown exits 0");

    let s = Server::start(&["--db", db]);
    let t = s.login("patient-2");
    let session = s.session(&t, id);
    assert_eq!(
        (session["turns"].as_u64(), session["state"].as_str()),
        (Some(2), Some("crisis_paused"))
    );
    assert_eq!(
        session["difficulty_level"], 1,
        "therapeutic override persisted"
    );
    let next = s.new_session(&t);
    assert_eq!(next, id + 1, "ids continue after a restart");
    let c = s.login("clinician-2");
    let progress: Value = s
        .get("/api/clinical/patients/patient-2/progress", Some(&c))
        .json()
        .unwrap();
    assert_eq!(progress["character"]["user"], "patient-2");
}

#[test]
fn health_metrics_and_openapi() {
    let s = Server::start(&[]);
    let h: Value = s.get("/health", None).json().unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["checks"]["database"]["status"], "ok");
    assert_eq!(h["checks"]["cache"]["status"], "ok");
    assert_eq!(h["faults"], Value::Null);

    let t = s.login("patient-1");
    let id = s.new_session(&t);
    s.post(
        &format!("/api/patient/sessions/{id}/choices"),
        Some(&t),
        &json!({ "text": "I feel hopeless" }),
    );
    let r = s.get("/metrics", None);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text().unwrap();
    for needle in [
        "tta_requests_total{route=\"/api/patient/sessions/{id}/choices\",method=\"POST\",status=\"200\"} 1",
        "tta_request_duration_seconds_bucket{route=\"/api/v1/auth/login\",method=\"POST\",le=\"+Inf\"} 1",
        "tta_active_sessions 1",
        "tta_crisis_detections_total{level=\"MODERATE\"} 1",
        "tta_cache_misses_total",
    ] {
        assert!(text.contains(needle), "{needle} missing in\n{text}");
    }

    let api: Value = s.get("/openapi.json", None).json().unwrap();
    let paths = api["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/login",
        "/api/patient/sessions",
        "/api/patient/sessions/{id}",
        "/api/patient/sessions/{id}/progress",
        "/api/patient/sessions/{id}/choices",
        "/api/patient/sessions/{id}/emotional-state",
        "/api/patient/sessions/{id}/interventions",
        "/api/clinical/dashboard/{clinician_id}",
        "/api/clinical/alerts",
        "/api/clinical/alerts/{id}/acknowledge",
        "/api/clinical/patients/{id}/progress",
        "/api/clinical/interventions",
        "/health",
        "/metrics",
        "/api/admin/faults",
    ] {
        assert!(paths.contains_key(p), "{p} not in openapi.json");
    }
    // The layers' and extractors' errors are listed where they can happen.
    let statuses = |path: &str, method: &str| -> Vec<String> {
        paths[path][method]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    let choices = statuses("/api/patient/sessions/{id}/choices", "post");
    for code in ["400", "401", "413", "415", "429", "503"] {
        assert!(choices.contains(&code.to_string()), "{code}: {choices:?}");
    }
    let health = statuses("/health", "get");
    assert!(health.contains(&"503".to_string()), "{health:?}");
    assert!(!health.contains(&"401".to_string()), "no token: {health:?}");
}

/// Spawns `serve` with stdin piped, `watch` deciding whether it watches stdin; returns the
/// child once it printed its URL.
fn serve_child(watch: bool) -> std::process::Child {
    use std::io::BufRead;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tta-bench"));
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    if watch {
        cmd.env(tta_service::EXIT_WITH_STDIN_ENV, "1");
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("http://127.0.0.1:"), "{line}");
    child
}

fn exited_within(child: &mut std::process::Child, secs: u64) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    None
}

#[test]
fn a_service_started_by_a_parent_stops_when_its_stdin_closes() {
    // As the load engine starts it: closing stdin (the parent's death) stops it, gracefully.
    let mut watched = serve_child(true);
    drop(watched.stdin.take());
    let status = exited_within(&mut watched, 10);
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{status:?}");
    // Started by hand, a closed stdin means nothing: it keeps serving.
    let mut by_hand = serve_child(false);
    drop(by_hand.stdin.take());
    assert!(exited_within(&mut by_hand, 1).is_none());
    by_hand.kill().unwrap();
    by_hand.wait().unwrap();
}
