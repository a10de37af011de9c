//! `tta-bench load`: a smoke run against the real embedded service, and every way a run is
//! refused or judged.

use std::path::Path;

use serde_json::Value;

use crate::support::{
    assert_one_line_error, load_lock, scenario_copy, scenario_copy_editing, scenarios, short_smoke,
    tta,
};

pub(crate) fn load(dir: &Path, extra: &[&str], out: &Path) -> std::process::Output {
    let _lock = load_lock();
    tta()
        .args(["load", "--profile", "smoke", "--scenario-dir"])
        .arg(dir)
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn smoke_run_records_every_step_losslessly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run.json");
    let o = load(
        &scenarios(),
        &[
            "--think-scale",
            "0",
            "--duration",
            "5",
            "--sample-ms",
            "100",
        ],
        &out,
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.starts_with('┌'),
        "stdout holds only our table: {stdout}"
    );
    assert!(
        stdout.contains("PASS: profile smoke met its SLA"),
        "{stdout}"
    );

    let run: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    crate::run_schema::held_to_schema(&run);
    assert_eq!(
        (run["schema_version"].as_u64(), run["kind"].as_str()),
        (Some(2), Some("load"))
    );
    assert_eq!(run["target"]["embedded"], true);
    let steps = run["steps"].as_object().unwrap();
    for step in [
        "patient/login",
        "patient/create_session",
        "patient/create_check_in_session",
        "patient/choice",
        "patient/progress_update",
        "patient/character_interaction",
        "patient/emotional_state",
        "patient/intervention",
        "patient/crisis_check_in",
        "clinician/login",
        "clinician/dashboard",
        "clinician/active_alerts",
        "clinician/patient_progress",
        "clinician/acknowledge_alert",
    ] {
        let count = steps
            .get(step)
            .map_or(0, |s| s["summary"]["count"].as_u64().unwrap());
        assert!(count > 0, "step {step} never ran");
    }
    let mut total = 0;
    for (route, r) in run["routes"].as_object().unwrap() {
        let s = &r["summary"];
        let ps: Vec<f64> = [
            "min_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms",
        ]
        .iter()
        .map(|k| s[k].as_f64().unwrap())
        .collect();
        assert!(
            ps.windows(2).all(|w| w[0] <= w[1]),
            "{route}: percentiles not monotone: {ps:?}"
        );
        let h = tta_stats::decode(r["histogram"].as_str().unwrap()).unwrap();
        assert_eq!(
            h.len(),
            s["count"].as_u64().unwrap(),
            "{route}: histogram holds every request"
        );
        total += h.len();
    }
    assert_eq!(total, run["totals"]["count"].as_u64().unwrap());
    let timeline: u64 = run["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(timeline, total);
    for process in ["server", "harness"] {
        let s = &run["resources"]["summaries"][process];
        assert!(s["samples"].as_u64().unwrap() >= 5, "{process}: {s}");
        assert!(s["rss_peak_bytes"].as_u64().unwrap() > 0, "{process}: {s}");
    }
    assert!(
        run["resources"]["summaries"]["server"]["cpu_peak_percent"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    // The embedded service runs as deployed: a log, a WAL, cache snapshots every few
    // seconds; each writer's bytes over the run, from its counters, and judged.
    let writes = &run["service_writes"];
    assert!(writes["seconds"].as_f64().unwrap() >= 5.0, "{writes}");
    for writer in ["log_bytes", "wal_bytes", "cache_snapshot_bytes"] {
        assert!(writes[writer].as_u64().unwrap() > 0, "{writer}: {writes}");
    }
    assert!(stdout.contains("service wrote: log "), "{stdout}");
    // And what its database cost: CPU in its calls, the engine's memory peak.
    let db = &run["database"];
    assert!(db["cpu_seconds"].as_f64().unwrap() > 0.0, "{db}");
    assert!(db["memory_peak_bytes"].as_u64().unwrap() > 0, "{db}");
    assert!(stdout.contains("\ndatabase: "), "{stdout}");
    // `check` judges them against thresholds.yaml.
    let verdict = tmp.path().join("verdict.json");
    tta()
        .arg("check")
        .arg(&out)
        .arg("--json")
        .arg(&verdict)
        .output()
        .unwrap();
    let verdict: Value = serde_json::from_slice(&std::fs::read(&verdict).unwrap()).unwrap();
    let judged: Vec<&str> = verdict["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .filter(|n| n.starts_with("disk write rate of ") || n.starts_with("database "))
        .collect();
    assert_eq!(
        judged,
        [
            "disk write rate of log",
            "disk write rate of cache snapshots",
            "disk write rate of database WAL",
            "database memory peak",
            "database CPU (share of machine)"
        ]
    );
}

#[test]
fn a_missed_sla_exits_1() {
    let dir = scenario_copy(|t| {
        t.replacen(
            "sla: { p95_ms: 1000, success_rate: 0.99 }",
            "sla: { p95_ms: 0.001, success_rate: 0.99 }",
            1,
        )
    });
    let out = dir.path().join("run.json");
    let o = load(dir.path(), &["--duration", "2"], &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("MISSED") && stdout.contains("FAIL: profile smoke: p95 "),
        "{stdout}"
    );
    let run: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(run["passed"], false);
}

/// Patients whose login fails skip every later step (no session to address). With think times
/// scaled to zero such users once spun without yielding and the run never ended.
#[test]
fn users_whose_steps_are_all_skipped_still_stop_on_time() {
    let _lock = load_lock();
    let dir = scenario_copy_editing("patient.yaml", |t| {
        t.replacen("password: tta-bench", "password: wrong-password", 1)
    });
    let out = dir.path().join("run.json");
    let o = tta()
        .args(["load", "--profile", "smoke", "--scenario-dir"])
        .arg(dir.path())
        .args(["--think-scale", "0", "--duration", "2", "--out"])
        .arg(&out)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    // Clinicians still pass: whether the run meets its SLA depends on the share of failed logins.
    assert!(matches!(o.status.code(), Some(0 | 1)), "{stdout}");
    assert!(
        stdout.contains("skipped: ") && stdout.contains("steps not sent"),
        "{stdout}"
    );
    let run: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(run["skipped_steps"].as_u64().unwrap() > 0, "{run}");
    assert!(run["duration_s"].as_f64().unwrap() < 10.0, "{run}");
}

#[test]
fn a_target_that_is_down_exits_2_naming_it() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = tempfile::tempdir().unwrap().path().join("never.json");
    let o = tta()
        .args(["load", "--target", &url, "--scenario-dir"])
        .arg(scenarios())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_one_line_error(&o, &format!("target {url} is down: connection refused"));
    assert!(!out.exists());
}

#[test]
fn targets_off_this_machine_are_refused() {
    for (url, needle) in [
        (
            "http://10.1.2.3:8080",
            "loads may only target loopback addresses",
        ),
        (
            "http://192.168.0.1",
            "loads may only target loopback addresses",
        ),
        ("127.0.0.1:80", "must start with http:// or https://"),
    ] {
        let o = tta()
            .args(["load", "--target", url, "--scenario-dir"])
            .arg(scenarios())
            .output()
            .unwrap();
        assert_one_line_error(&o, needle);
    }
}

#[test]
fn invalid_scenarios_and_flags_exit_2_with_the_place() {
    let dir = scenario_copy(|t| t.replacen("    users: 4\n", "    users: 4\n    userz: 5\n", 1));
    let o = tta()
        .args(["load", "--scenario-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "profiles.yaml:11:5: profiles.smoke: unknown field `userz`",
    );

    let dir = scenario_copy(|t| t);
    let patient = dir.path().join("patient.yaml");
    let text = std::fs::read_to_string(&patient)
        .unwrap()
        .replace("{{session_id}}/choices", "{{sesion_id}}/choices");
    std::fs::write(&patient, text).unwrap();
    let o = tta()
        .args(["load", "--scenario-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_one_line_error(&o, "patient.yaml:");
    assert_one_line_error(&o, "step choice: undefined variable {{sesion_id}}");

    for (args, needle) in [
        (&["load", "--profile", "huge"][..], "--profile huge: not in"),
        (
            &["load", "--duration", "soon"][..],
            "--duration \"soon\": expected a duration",
        ),
        (&["load", "--users", "5000"][..], "--users must be 1-1000"),
        (
            &["load", "--inject-delay", "/health"][..],
            "--inject-delay \"/health\": expected ROUTE=VALUE",
        ),
        (
            &[
                "load",
                "--inject-cpu",
                "/api/patient/sessions/{session_id}/choices=2",
            ][..],
            "route \"/api/patient/sessions/{session_id}/choices\" is not a route of the service; routes: ",
        ),
    ] {
        let o = tta()
            .args(args)
            .arg("--scenario-dir")
            .arg(scenarios())
            .output()
            .unwrap();
        assert_one_line_error(&o, needle);
    }
}

/// A load opens no controller port: with goose's telnet port (5116) already taken, as by a
/// second run on the machine, nothing complains about it.
#[test]
fn a_load_opens_no_controller_port() {
    // Held for the test; if another process holds it already, the point stands.
    let _held = std::net::TcpListener::bind("127.0.0.1:5116");
    let short = short_smoke(1);
    let out = tempfile::tempdir().unwrap();
    let o = load(short.path(), &[], &out.path().join("run.json"));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{all}");
    assert!(!all.contains("Controller"), "{all}");
}

/// `--idle`: the service watched before the load, its CPU in the run and judged by `check`.
#[test]
fn the_idle_service_is_watched_before_the_load_and_judged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run.json");
    let short = short_smoke(1);
    let o = load(short.path(), &["--idle", "1", "--sample-ms", "100"], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("watching the service idle for 1 s"));
    let run: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    crate::run_schema::held_to_schema(&run);
    let idle = &run["idle"];
    assert!(idle["seconds"].as_f64().unwrap() >= 1.0, "{idle}");
    assert!(idle["samples"].as_u64().unwrap() >= 5, "{idle}");
    let verdict = tmp.path().join("verdict.json");
    let o = tta()
        .args(["check", "--baseline", "none", "--json"])
        .arg(&verdict)
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = crate::support::read_json(&verdict);
    let check = crate::support::check_named(&v, "server CPU idle (share of machine)");
    assert_eq!(check["limit"], 15.0);
    assert!(
        check["detail"]
            .as_str()
            .unwrap()
            .contains("s idle before the load"),
        "{check}"
    );
    let o = tta().args(["load", "--idle", "soon"]).output().unwrap();
    assert_one_line_error(&o, "--idle \"soon\": expected a duration");
}
