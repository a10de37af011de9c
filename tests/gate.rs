//! `tta-bench gate --against BINARY`: another build's service loaded with this one's in paired
//! rounds of 1-s blocks, on a smoke profile of seconds so a gate is short.

use std::path::Path;

use serde_json::Value;

use crate::support::{assert_one_line_error, load_lock, scenario_copy, tta};

/// The shipped scenarios with a smoke profile of `seconds` and no ramp-up.
fn short_smoke(seconds: u32) -> tempfile::TempDir {
    scenario_copy(|t| {
        t.replacen(
            "    ramp_up_s: 1\n    duration_s: 8\n",
            &format!("    ramp_up_s: 0\n    duration_s: {seconds}\n"),
            1,
        )
    })
}

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

    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("verdict.json")).unwrap())
            .unwrap();
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
    // 2 rounds: too few to judge a regression, and the verdict says so.
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "regression")
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
    // 20 ms on the choices route, about 30 times its usual latency: caught by any sound rule.
    // 5 repetitions of a 3-s profile in 1-s blocks: 15 rounds, enough for Holm over the gate's
    // metrics (2^-15; 8 rounds could not go below 1/256 > 0.05 / 13).
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
            "/api/patient/sessions/{id}/choices=20",
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("verdict.json")).unwrap())
            .unwrap();
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        failed.contains(&"p95 all routes vs baseline"),
        "{failed:?}\n{:#}",
        v["checks"]
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
