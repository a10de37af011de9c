//! `tta-bench check` and `tta-bench thresholds check`: judging saved runs, and refusing bad ones.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use tta_bench::Resources;
use tta_bench::load_profiles;
use tta_bench::{RunResult, TargetInfo, assemble};
use tta_stats::{Recorder, RequestOutcome};

use crate::support::{assert_one_line_error, thresholds_copy, tta};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A smoke-profile run whose routes have the given latencies (ms), 100 requests each.
pub fn synthetic_run(routes: &[(&str, f64)]) -> RunResult {
    let recorder = Recorder::new();
    for (route, ms) in routes {
        for i in 0..100 {
            let jitter = 1.0 + (i % 10) as f64 / 100.0;
            recorder.record(
                route,
                &format!("j/{route}"),
                Duration::from_secs_f64(ms * jitter / 1000.0),
                &RequestOutcome::Ok,
            );
        }
    }
    let (r, s, t) = recorder.finish();
    let profile = load_profiles(&root().join("scenarios/profiles.yaml"))
        .unwrap()
        .profiles["smoke"]
        .clone();
    let target = TargetInfo {
        url: "http://127.0.0.1:1".into(),
        embedded: true,
    };
    assemble(
        target,
        "smoke",
        &profile,
        10.0,
        r,
        s,
        t,
        0,
        Resources::empty(250),
    )
}

fn write(dir: &Path, name: &str, v: &impl serde::Serialize) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

/// `check RUN` against the SLAs only (the repository's own baseline must not leak in).
fn check(run: &Path) -> std::process::Output {
    tta()
        .current_dir(root())
        .arg("check")
        .arg(run)
        .args(["--baseline", "none"])
        .output()
        .unwrap()
}

#[test]
fn thresholds_check_validates() {
    let out = tta()
        .current_dir(root())
        .args(["thresholds", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("thresholds.yaml: valid (27 micro budgets")
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = thresholds_copy(dir.path(), |t| {
        t.replacen("  cpu: 50%", "  cpu: 50 percent", 1)
    });
    let out = tta()
        .args(["thresholds", "check", "--thresholds"])
        .arg(&bad)
        .output()
        .unwrap();
    // Where the regression section's fields start (serde names the map, not the field).
    let line = std::fs::read_to_string(root().join("thresholds.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("  response_time: 10%"))
        .unwrap()
        + 1;
    assert_one_line_error(
        &out,
        &format!("t.yaml:{line}:3: regression: \"50 percent\": unit \"percent\" is not one of %"),
    );
}

#[test]
fn a_run_within_its_slas_passes_and_one_outside_fails() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "good.json",
        &synthetic_run(&[
            ("GET /api/patient/sessions/{session_id}", 5.0),
            ("POST /api/v1/auth/login", 40.0),
        ]),
    );
    let out = check(&good);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("PASS: 2 checks, 0 warnings"), "{stdout}");

    // A run written before the open model (schema version 1: no executor field) still reads,
    // as a closed-model run.
    let mut v1: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    v1["schema_version"] = 1.into();
    v1.as_object_mut().unwrap().remove("executor");
    let old = write(dir.path(), "v1.json", &v1);
    let out = check(&old);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");

    // 250 ms is past the warning (100 ms) but within critical (300 ms) of session retrieval;
    // 600 ms on login is past its critical 500 ms.
    let bad = write(
        dir.path(),
        "bad.json",
        &synthetic_run(&[
            ("GET /api/patient/sessions/{session_id}", 250.0),
            ("POST /api/v1/auth/login", 600.0),
        ]),
    );
    let out = check(&bad);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("FAIL: 1 of 2 checks failed (1 warnings)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL")
            && stdout.contains("p95 POST /api/v1/auth/login")
            && stdout.contains("<= 500 ms (warn 200 ms)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("WARN") && stdout.contains("p95 GET /api/patient/sessions/{session_id}"),
        "{stdout}"
    );

    // --catalogue: after the verdict, every figure of the benchmarks document; session
    // retrieval and authentication judged by this run's routes, the rest not.
    let out = tta()
        .args(["check", "--baseline", "none", "--catalogue"])
        .arg(&bad)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let catalogue = stdout.split_once("\ncatalogue (AI therapist performance benchmarks): 37 figures, 27 measured by tta-bench, 2 judged in this verdict\n");
    let (_, table) = catalogue.unwrap_or_else(|| panic!("{stdout}"));
    let line = |figure: &str| {
        table
            .lines()
            .find(|l| l.contains(figure))
            .unwrap()
            .to_string()
    };
    assert!(line("User authentication").contains("FAIL"), "{table}");
    assert!(line("Session retrieval").contains("WARN"), "{table}");
    assert!(line("Complex query").contains("not in this run"), "{table}");
    assert!(
        line("Voice session creation").contains("not measured yet"),
        "{table}"
    );
    assert!(
        line("Session cleanup").contains("not in this run"),
        "{table}"
    );
}

#[test]
fn bad_runs_exit_2_naming_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let run = serde_json::to_value(synthetic_run(&[("GET /x", 5.0)])).unwrap();
    let text = serde_json::to_string_pretty(&run).unwrap();
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let out = check(&truncated);
    assert_one_line_error(&out, "truncated.json:");
    assert_one_line_error(&out, "EOF while parsing");

    let edit = |name: &str, f: &dyn Fn(&mut Value)| -> PathBuf {
        let mut v = run.clone();
        f(&mut v);
        write(dir.path(), name, &v)
    };
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            edit("newer.json", &|v| v["schema_version"] = 9.into()),
            "newer.json: schema_version 9 of a load run is not supported (this tool reads 1-2; written by a newer tta-bench)",
        ),
        (
            // A histogram beyond tta-bench's bounds (an hour): it cannot be pooled.
            edit("bounds.json", &|v| {
                let mut h = hdrhistogram::Histogram::<u64>::new(3).unwrap();
                h.record(10_000_000_000_000).unwrap();
                v["routes"]["GET /x"]["histogram"] = tta_stats::encode(&h).into();
            }),
            "bounds.json: routes.GET /x.histogram: histogram cannot be added",
        ),
        (
            edit("kind.json", &|v| v["kind"] = "bake".into()),
            "kind.json: kind \"bake\" is neither \"load\" nor \"micro\"",
        ),
        (
            edit("nan.json", &|v| {
                v["routes"]["GET /x"]["summary"]["p95_ms"] = (-1.0).into()
            }),
            "nan.json: routes.GET /x.summary.p95_ms is -1",
        ),
        (
            edit("count.json", &|v| {
                v["routes"]["GET /x"]["summary"]["count"] = 7.into()
            }),
            "count.json: routes.GET /x: summary.count 7 but the histogram holds 100",
        ),
        (
            edit("p50.json", &|v| {
                v["routes"]["GET /x"]["summary"]["p50_ms"] = 1.0.into()
            }),
            "p50.json: routes.GET /x.summary.p50_ms is 1 but its histogram gives ",
        ),
        (
            edit("duration.json", &|v| v["duration_s"] = (-3.0).into()),
            "duration.json: duration_s is -3",
        ),
        (
            edit("stopped.json", &|v| {
                v["interrupted"] = serde_json::json!({"signal": "SIGINT", "cancelled": 0})
            }),
            "stopped.json: interrupted by SIGINT after ",
        ),
        (
            edit("totals.json", &|v| v["totals"]["count"] = 99.into()),
            "totals.json: totals: 99 requests and 0 errors, but the routes hold 100 and 0",
        ),
        (
            edit("timeline.json", &|v| {
                v["timeline"][0]["requests"] = 1.into()
            }),
            "timeline.json: timeline: 1 requests and 0 errors, but the routes hold 100 and 0",
        ),
        (
            edit("kinds.json", &|v| {
                v["errors_by_kind"]["status 500 (expected 200)"] = 2.into()
            }),
            "kinds.json: errors_by_kind adds up to 2, the routes' errors to 0",
        ),
        (
            edit("hist.json", &|v| {
                v["routes"]["GET /x"]["histogram"] = "@@@".into()
            }),
            "hist.json: routes.GET /x.histogram: histogram is not base64",
        ),
        (
            edit("type.json", &|v| v["duration_s"] = "long".into()),
            "type.json:",
        ),
        (
            edit("unknown.json", &|v| v["extra"] = 1.into()),
            "unknown field `extra`",
        ),
        (
            dir.path().join("missing.json"),
            "missing.json: No such file or directory",
        ),
    ];
    for (path, needle) in cases {
        assert_one_line_error(&check(&path), needle);
    }

    let empty = synthetic_run(&[("GET /x", 5.0)]);
    let mut v = serde_json::to_value(&empty).unwrap();
    let blank = tta_stats::encode(&tta_stats::new_histogram());
    v["routes"]["GET /x"]["histogram"] = blank.into();
    assert_one_line_error(
        &check(&write(dir.path(), "empty.json", &v)),
        "empty.json: routes.GET /x.histogram is empty",
    );
}

#[test]
fn micro_runs_are_checked_against_the_budgets() {
    let dir = tempfile::tempdir().unwrap();
    let op = |name: &str, mean: f64| {
        serde_json::json!({
            "name": name, "mean_ns": mean, "ci_low_ns": mean * 0.9, "ci_high_ns": mean * 1.1, "confidence_level": 0.95,
            "median_ns": mean, "std_dev_ns": 1.0, "samples": 10, "iterations": 100.0, "budget_ns": null,
            "budget_source": null, "headroom": null, "within_budget": null
        })
    };
    let run = |ops: Vec<Value>| {
        serde_json::json!({
            "schema_version": 1, "kind": "micro", "created_unix_s": 0,
            "environment": { "tool_version": "0", "os": "linux", "arch": "x86_64", "logical_cpus": 2, "cpu_model": null },
            "settings": { "mode": "quick", "filter": null, "budget_scale": 1.0 },
            "operations": ops, "passed": true
        })
    };
    let ok = write(
        dir.path(),
        "ok.json",
        &run(vec![
            op("init/cold", 1.6e6),
            op("crisis/long_crisis", 2800.0),
        ]),
    );
    assert_eq!(check(&ok).status.code(), Some(0));
    let slow = write(dir.path(), "slow.json", &run(vec![op("init/cold", 6e6)]));
    let out = check(&slow);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mean init/cold"));
    // Mean 5.5 ms over the 5 ms budget, but its interval (4.95–6.05 ms) reaches it: a warning.
    let close = write(dir.path(), "close.json", &run(vec![op("init/cold", 5.5e6)]));
    let out = check(&close);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("mean init/cold") && stdout.contains("not significantly over it"),
        "{stdout}"
    );
    let dup = write(
        dir.path(),
        "dup.json",
        &run(vec![op("init/cold", 1e6), op("init/cold", 1e6)]),
    );
    assert_one_line_error(&check(&dup), "dup.json: operation init/cold appears twice");
}
