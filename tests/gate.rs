//! `tta-bench gate --against BINARY`: another build's service loaded with this one's in paired
//! rounds of 1-s blocks; and `gate` against a stored baseline, whose regressions are measured
//! again before they fail. Both on a smoke profile of seconds so a gate is short.

use std::path::Path;

use crate::support::{
    assert_one_line_error, check_named, load_lock, read_json, short_smoke,
    thresholds_failing_stored_timings, tta,
};

/// This very binary, as the "other build".
fn this_binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_tta-bench"))
}

fn gate(scenarios: &Path, tmp: &Path, extra: &[&str]) -> std::process::Output {
    let _lock = load_lock();
    tta()
        .args(["gate", "--load", "--scenario-dir"])
        .arg(scenarios)
        .arg("--against")
        .arg(this_binary())
        .arg("--json")
        .arg(tmp.join("verdict.json"))
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn paired_blocks_are_kept_by_round_and_judged_against_the_other_build() {
    let scenarios = short_smoke(1);
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("runs");
    let args = [
        "--repeat",
        "2",
        "--block",
        "1",
        "--keep-runs",
        keep.to_str().unwrap(),
    ];
    let o = gate(scenarios.path(), tmp.path(), &args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    // 0 or 1: a debug build under parallel tests can miss an SLA; what is checked here is how
    // the blocks were made, kept and compared.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}\n{stderr}",
        String::from_utf8_lossy(&o.stdout)
    );
    // 2 repetitions of a 1-s profile in 1-s blocks: 2 rounds, each with both builds.
    let rounds: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("tta-bench: round "))
        .collect();
    assert_eq!(rounds.len(), 2, "{stderr}");
    for (i, r) in rounds.iter().enumerate() {
        let (n, order) = r.split_once(": ").unwrap();
        assert_eq!(n, format!("{}/2", i + 1));
        assert!(
            order == "reference then current" || order == "current then reference",
            "{order}"
        );
    }
    let mut kept: Vec<String> = std::fs::read_dir(&keep)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "current-1.json",
            "current-2.json",
            "reference-1.json",
            "reference-2.json"
        ]
    );
    // Each kept run is a whole RunResult that `check` accepts.
    let check = tta()
        .args(["check", "--baseline", "none", "--all"])
        .arg(keep.join("reference-2.json"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(matches!(check.status.code(), Some(0 | 1)), "{check:?}");
    assert!(String::from_utf8_lossy(&check.stdout).contains("p95 POST /api/v1/auth/login"));

    // The header counts rounds, not repetitions of the profile.
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("2 paired rounds (one block of each build)"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = read_json(tmp.path().join("verdict.json"));
    assert_eq!(v["pairing"], "interleaved", "{v}");
    assert_eq!(
        v["baseline"]["file"].as_str(),
        this_binary().to_str(),
        "{v}"
    );
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("2 rounds of one 1-s block of each build"),
        "{notes}"
    );
    assert!(!notes.contains("environment differs"), "{notes}");
    // 2 rounds: too few to judge a regression, and the verdict says so: every regression
    // check skipped, so the completeness check fails.
    let guarded = check_named(&v, "routes and micro operations guarded against regression");
    assert_eq!(guarded["status"], "fail", "{guarded}");
    assert_eq!(v["outcome"], "fail", "{v}");
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "regression" && c["name"] != guarded["name"])
            .all(|c| c["status"] == "skipped"),
        "{v}"
    );

    // The same directory again: refused before measuring, nothing overwritten.
    let before = std::fs::read(keep.join("current-1.json")).unwrap();
    let again = gate(scenarios.path(), tmp.path(), &args);
    assert_one_line_error(&again, "current-1.json: already exists");
    assert_eq!(std::fs::read(keep.join("current-1.json")).unwrap(), before);
}

#[test]
fn a_slowed_build_fails_against_the_reference() {
    // 20 ms on the choices route and on the alerts list, about 30 times their usual latency:
    // caught by any sound rule, the quiet alerts list (5 requests a block) on its requests
    // pooled. 5 repetitions of a 3-s profile in 1-s blocks: 15 rounds, enough for Holm over
    // the gate's metrics (2^-15; 8 rounds could not go below 1/256 > 0.05 / 16).
    let scenarios = short_smoke(3);
    let tmp = tempfile::tempdir().unwrap();
    let o = gate(
        scenarios.path(),
        tmp.path(),
        &[
            "--repeat",
            "5",
            "--block",
            "1",
            "--inject-delay",
            "/api/patient/sessions/{id}/choices=20,/api/clinical/alerts=20",
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = read_json(tmp.path().join("verdict.json"));
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for name in [
        "p95 all routes vs baseline",
        "median POST /api/patient/sessions/{session_id}/choices vs baseline",
        "median GET /api/clinical/alerts vs baseline",
    ] {
        assert!(
            failed.contains(&name),
            "{name}: {failed:?}\n{:#}",
            v["checks"]
        );
    }
    let alerts = check_named(&v, "median GET /api/clinical/alerts vs baseline");
    assert!(
        alerts["detail"]
            .as_str()
            .unwrap()
            .contains("pooled median, randomization over rounds"),
        "{alerts}"
    );
}

#[test]
fn a_regression_against_a_stored_baseline_is_measured_again_before_it_fails() {
    let scenarios = short_smoke(1);
    let tmp = tempfile::tempdir().unwrap();
    let (first, again, baselines) = (
        tmp.path().join("first"),
        tmp.path().join("again"),
        tmp.path().join("baselines"),
    );
    // The p95 over all routes can fail the gate against a stored baseline only with this.
    let thresholds = thresholds_failing_stored_timings(tmp.path());
    let _lock = load_lock();
    let gate = |repeat: &str, extra: &[&str]| {
        tta()
            // The idle watch of the first run, shortened from its 10 s.
            .args([
                "gate",
                "--load",
                "--idle",
                "1",
                "--repeat",
                repeat,
                "--scenario-dir",
            ])
            .arg(scenarios.path())
            .arg("--baselines-dir")
            .arg(&baselines)
            .arg("--thresholds")
            .arg(&thresholds)
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    // A baseline of 10 one-second runs of this build: with 5 + 5, no p-value could pass Holm
    // over the 16 metrics judged (1/252 > 0.05/16).
    let o = gate(
        "10",
        &["--baseline", "none", "--keep-runs", first.to_str().unwrap()],
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{o:?}");
    let saved = tta()
        .args([
            "baseline",
            "save",
            "--label",
            "base",
            "--promote",
            "--baselines-dir",
        ])
        .arg(&baselines)
        .arg("--from")
        .args((1..=10).map(|i| first.join(format!("current-{i}.json"))))
        .output()
        .unwrap();
    assert_eq!(saved.status.code(), Some(0), "{saved:?}");

    // 50 ms on the choices route: the p95 over all routes, a few ms before, is past it.
    let verdict = tmp.path().join("verdict.json");
    let o = gate(
        "5",
        &[
            "--inject-delay",
            "/api/patient/sessions/{id}/choices=50",
            "--keep-runs",
            again.to_str().unwrap(),
            "--json",
            verdict.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("p95 all routes vs baseline")
            && stderr.contains("; measuring 5 load runs again to confirm"),
        "{stderr}"
    );
    for i in 1..=5 {
        assert!(
            again.join(format!("retest-{i}.json")).is_file(),
            "retest {i}"
        );
    }
    let v = read_json(&verdict);
    assert_eq!(v["pairing"], "stored", "{v}");
    let p95 = check_named(&v, "p95 all routes vs baseline");
    assert_eq!(p95["status"], "fail", "{p95}");
    let detail = p95["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("first runs: +")
            && detail.contains("; retest: +")
            && detail.ends_with("; failed: regressed in both"),
        "{detail}"
    );
    assert!(
        v["notes"]
            .to_string()
            .contains("in the first 5 load runs and were judged again on 5 new runs"),
        "{}",
        v["notes"]
    );
}

#[test]
fn a_bad_reference_is_refused_before_measuring() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("runs");
    let o = tta()
        .args(["gate", "--load", "--keep-runs"])
        .arg(&keep)
        .arg("--against")
        .arg(tmp.path().join("no-such-build"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_one_line_error(&o, "no-such-build");
    assert!(!keep.exists(), "nothing is written for a bad reference");
    let o = tta()
        .args(["gate", "--load", "--baseline", "current", "--against"])
        .arg(this_binary())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be used with"));
}
