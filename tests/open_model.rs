//! `tta-bench load` with the open model (`--executor arrival-rate`): a stall shows in the
//! latencies from the intended start, the run holds to its schema, no redirect is followed, and
//! bad arrival flags are refused.

use serde_json::Value;

use crate::load::load;
use crate::redirects::a_redirected_login_is_not_followed;
use crate::run_schema::held_to_schema;
use crate::support::{assert_one_line_error, scenarios};

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A 200 ms stall every 2 s: requests arriving during it wait for its end, so the latency from
/// the intended start reaches at least half the stall at p99 (a tenth of the time is stalled).
/// The figures are the executor's own: the schedule kept, every arrival accounted for.
#[test]
fn a_stall_shows_in_latency_from_the_intended_start() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run.json");
    let o = load(
        &scenarios(),
        &[
            "--rate",
            "100/s",
            "--duration",
            "4",
            "--inject-stall",
            "200ms/2s",
        ],
        &out,
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let run = read(&out);
    held_to_schema(&run);
    assert_eq!(run["executor"], "arrival-rate");
    let a = &run["arrival"];
    assert_eq!(a["scheduled"], 400, "{a}");
    let n = |k: &str| a[k].as_u64().unwrap();
    assert_eq!(n("sent") + n("skipped") + n("dropped"), 400, "{a}");
    // The smoke profile's 4 users logged in (and opened their sessions) before the schedule.
    assert!(n("warm_up") >= 4, "{a}");
    assert_eq!(
        run["totals"]["count"].as_u64(),
        Some(n("sent") + n("warm_up"))
    );
    let p99 = run["totals"]["p99_ms"].as_f64().unwrap();
    assert!(
        p99 >= 100.0,
        "p99 {p99} ms from the intended start, under a 200 ms stall"
    );
    // Every route keeps its service time and lag beside it, and the lag is never above the
    // latency it is part of.
    for (route, r) in run["routes"].as_object().unwrap() {
        let open = &r["open"];
        let max = |v: &Value| v["summary"]["max_ms"].as_f64().unwrap();
        assert!(
            max(&open["lag"]) <= r["summary"]["max_ms"].as_f64().unwrap() + 0.01,
            "{route}"
        );
        assert!(
            max(&open["service"]) <= r["summary"]["max_ms"].as_f64().unwrap() + 0.01,
            "{route}"
        );
    }
    assert!(stdout.contains("open model: 100/s for 4s"), "{stdout}");
    assert!(stdout.contains("p99 intended"), "{stdout}");
}

/// The open model follows no redirect either: a 307 is a wrong status and the address it
/// points to sees nothing.
#[test]
fn the_open_model_follows_no_redirect() {
    a_redirected_login_is_not_followed(&["--rate", "50/s"]);
}

#[test]
fn bad_arrival_flags_exit_2_naming_the_flag() {
    let out = tempfile::tempdir().unwrap();
    for (flags, needle) in [
        (
            &["--rate", "0"][..],
            "--rate \"0\": the rate must be above 0",
        ),
        (
            &["--rate", "-5/s"],
            "--rate \"-5/s\": the rate must be above 0",
        ),
        (
            &["--rate", "fast"],
            "--rate \"fast\": expected a rate such as 150/s",
        ),
        (
            &["--stages", "30s"],
            "--stages \"30s\": expected DURATION:RATE",
        ),
        (
            &["--stages", "10s:5/s", "--duration", "5"],
            "--duration and --stages exclude each other",
        ),
        (
            &["--rate", "5", "--max-in-flight", "0"],
            "--max-in-flight must be 1-10000, got 0",
        ),
        (
            &["--rate", "5", "--spacing", "bursty"],
            "--spacing \"bursty\": expected uniform or poisson",
        ),
        (
            &["--executor", "closed", "--rate", "5"],
            "--rate and --stages are for --executor arrival-rate",
        ),
        (
            &["--executor", "open"],
            "--executor \"open\": expected closed or arrival-rate",
        ),
        (
            &["--executor", "arrival-rate"],
            "needs --rate or --stages: profile smoke has no arrival: block",
        ),
    ] {
        let o = load(&scenarios(), flags, &out.path().join("never.json"));
        assert_one_line_error(&o, needle);
    }
    assert!(!out.path().join("never.json").exists());
}

/// Arrivals that find the in-flight cap reached are dropped, counted per route and per second,
/// and `check` fails the run on them (thresholds.yaml: dropped_arrivals, critical above 1 %).
/// Pooled with a second run of the same plan, the drops add up.
#[test]
fn dropped_arrivals_are_counted_and_fail_the_check() {
    let tmp = tempfile::tempdir().unwrap();
    let runs: Vec<std::path::PathBuf> = (1..=2)
        .map(|i| {
            let out = tmp.path().join(format!("run-{i}.json"));
            let flags = [
                "--rate",
                "60/s",
                "--duration",
                "2",
                "--max-in-flight",
                "2",
                "--inject-stall",
                "300ms/1s",
            ];
            let o = load(&scenarios(), &flags, &out);
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            out
        })
        .collect();
    let mut dropped = 0;
    for path in &runs {
        let run = read(path);
        held_to_schema(&run);
        let a = &run["arrival"];
        let n = a["dropped"].as_u64().unwrap();
        assert!(n > 0, "a 300 ms stall at 60/s fills 2 slots: {a}");
        let per_route: u64 = run["routes"]
            .as_object()
            .unwrap()
            .values()
            .map(|r| r["open"]["dropped"].as_u64().unwrap())
            .sum();
        let per_second: u64 = run["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["dropped"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!((per_route, per_second), (n, n));
        dropped += n;
    }
    let o = crate::support::tta()
        .arg("check")
        .args(&runs)
        .args(["--baseline", "none", "--json"])
        .arg(tmp.path().join("verdict.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    let verdict = read(&tmp.path().join("verdict.json"));
    let check = verdict["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "dropped arrivals")
        .unwrap_or_else(|| panic!("no dropped arrivals check: {stdout}"));
    assert_eq!(check["status"], "fail", "{check}");
    let detail = check["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(&format!("{dropped} of 240 arrivals")),
        "{detail}"
    );
}
