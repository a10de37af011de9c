//! `tta-bench micro`: the real Criterion pipeline on one cheap benchmark, and judging of
//! Criterion results read from disk.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::{
    assert_one_line_error, check_named, criterion_result, read_json, thresholds_copy, tta,
};

const RUN_KEYS: [&str; 7] = [
    "schema_version",
    "kind",
    "created_unix_s",
    "environment",
    "settings",
    "operations",
    "passed",
];
const OPERATION_KEYS: [&str; 13] = [
    "name",
    "mean_ns",
    "ci_low_ns",
    "ci_high_ns",
    "confidence_level",
    "median_ns",
    "std_dev_ns",
    "samples",
    "iterations",
    "budget_ns",
    "budget_source",
    "headroom",
    "within_budget",
];

/// `tta-bench micro --from DIR --out FILE`.
fn micro_from_to(dir: &Path, out_file: &Path) -> Output {
    tta()
        .args(["micro", "--from"])
        .arg(dir)
        .arg("--out")
        .arg(out_file)
        .output()
        .unwrap()
}

fn micro_from(dir: &Path) -> Output {
    tta().args(["micro", "--from"]).arg(dir).output().unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn quick_run_measures_writes_json_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("micro.json");
    let out = tta()
        .args([
            "micro",
            "--quick",
            "--filter",
            "^difficulty/adapt$",
            "--out",
        ])
        .arg(&out_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stdout.contains("difficulty/adapt") && stdout.contains("PASS: 1 operations within budget"),
        "{stdout}"
    );
    assert!(
        stderr.contains("Benchmarking difficulty/adapt"),
        "Criterion progress goes to stderr: {stderr}"
    );

    let run: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(keys(&run), RUN_KEYS, "schema is held steady");
    crate::support::assert_valid(include_str!("../schema/micro-run.schema.json"), &run);
    assert_eq!(run["schema_version"], 1);
    assert_eq!(run["settings"]["mode"], "quick");
    let ops = run["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 1);
    let op = &ops[0];
    assert_eq!(keys(op), OPERATION_KEYS);
    assert_eq!(op["name"], "difficulty/adapt");
    assert_eq!(op["budget_ns"], 1e8);
    assert_eq!(op["samples"], 10);
    let (low, mean, high) = (
        op["ci_low_ns"].as_f64().unwrap(),
        op["mean_ns"].as_f64().unwrap(),
        op["ci_high_ns"].as_f64().unwrap(),
    );
    assert!(
        0.0 < low && low <= mean && mean <= high,
        "{low} {mean} {high}"
    );
}

#[test]
fn ingested_results_within_budget_pass() {
    let dir = tempfile::tempdir().unwrap();
    criterion_result(dir.path(), "init/cold", 1.5e6);
    criterion_result(dir.path(), "crisis/long_crisis", 3e3);
    let out = micro_from(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("PASS: 2 operations within budget; least headroom 3.33× (init/cold)"),
        "{stdout}"
    );
}

#[test]
fn a_mean_over_budget_within_noise_is_flagged_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    criterion_result(dir.path(), "init/cold", 5.2e6); // budget 5 ms; interval 4.94–5.46 ms
    let out = micro_from(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("over? CI reaches budget"), "{stdout}");
}

#[test]
fn an_operation_over_budget_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    criterion_result(dir.path(), "init/cold", 6e6); // budget 5 ms
    criterion_result(dir.path(), "crisis/short_benign", 800.0);
    let out_file = dir.path().join("run.json");
    let out = micro_from_to(dir.path(), &out_file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("OVER BUDGET") && stdout.contains("FAIL: 1 of 2 operations over budget"),
        "{stdout}"
    );
    let run: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(run["passed"], false);
    assert_eq!(run["operations"][1]["within_budget"], false);
}

#[test]
fn budget_scale_tightens_every_budget() {
    let dir = tempfile::tempdir().unwrap();
    criterion_result(dir.path(), "crisis/short_benign", 800.0);
    tta()
        .args(["micro", "--budget-scale", "0.01", "--from"])
        .arg(dir.path())
        .assert()
        .code(0);
    // 1 s × 1e-7 = 100 ns < 800 ns.
    tta()
        .args(["micro", "--budget-scale", "1e-7", "--from"])
        .arg(dir.path())
        .assert()
        .code(1);
}

#[test]
fn corrupt_results_and_bad_paths_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    criterion_result(dir.path(), "init/cold", 1e6);
    let est = dir.path().join("init_cold/new/estimates.json");
    std::fs::write(&est, "{\"mean\": {\"confidence_interval\": ").unwrap();
    let out_file = dir.path().join("run.json");
    let out = micro_from_to(dir.path(), &out_file);
    assert_one_line_error(
        &out,
        "init_cold/new/estimates.json:1:33: EOF while parsing a value",
    );
    assert!(!out_file.exists(), "nothing written on error");

    let out = tta()
        .args(["micro", "--from", "/no/such/criterion"])
        .output()
        .unwrap();
    assert_one_line_error(&out, "--from /no/such/criterion: no such directory");

    let empty = tempfile::tempdir().unwrap();
    let out = micro_from(empty.path());
    assert_one_line_error(&out, "no Criterion results found");

    let good = tempfile::tempdir().unwrap();
    criterion_result(good.path(), "init/cold", 1e6);
    let out = tta()
        .args(["micro", "--from"])
        .arg(good.path())
        .args(["--out", "/no/such/dir/run.json"])
        .output()
        .unwrap();
    assert_one_line_error(&out, "/no/such/dir: No such file or directory");
}

#[test]
fn published_schema_requires_exactly_the_written_fields() {
    let schema: Value = serde_json::from_str(include_str!("../schema/micro-run.schema.json"))
        .expect("schema is JSON");
    let required = |v: &Value| -> Vec<String> {
        v["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(required(&schema), RUN_KEYS);
    assert_eq!(
        required(&schema["properties"]["operations"]["items"]),
        OPERATION_KEYS
    );
    let props = |v: &Value| -> Vec<String> {
        v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    // Written only when the cache study ran with the run, and when counted (`micro::count`).
    let optional = ["cache_study", "instructions"];
    assert_eq!(props(&schema), [&RUN_KEYS[..], &optional[..]].concat());
    assert_eq!(
        props(&schema["properties"]["operations"]["items"]),
        OPERATION_KEYS
    );
}

/// The gate measures again the operations its quick run found over budget and fails only on
/// those over again. With a 1-ns budget for `init/warm` (and a loose one for init/cold, slow
/// in a debug build) init/warm is over in both runs.
#[test]
fn the_gate_retests_operations_over_budget_before_failing_them() {
    let tmp = tempfile::tempdir().unwrap();
    let thresholds = thresholds_copy(tmp.path(), |t| {
        t.replace(
            "  init/: { max: 5ms,",
            "  init/warm: { max: 1ns, source: test }\n  init/: { max: 1s,",
        )
    });
    let verdict = tmp.path().join("verdict.json");
    let o = tta()
        .args(["gate", "--micro", "--baseline", "none", "--thresholds"])
        .arg(&thresholds)
        .arg("--json")
        .arg(&verdict)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("over budget in the quick micro run: init/warm; measuring again to confirm"),
        "{stderr}"
    );
    assert!(
        stderr.contains("running 1 micro-benchmark(s) (retest mode)"),
        "{stderr}"
    );
    let v = read_json(&verdict);
    let check = |name: &str| check_named(&v, name).clone();
    let c = check("mean init/warm");
    assert_eq!(c["status"], "fail", "{c}");
    let detail = c["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("first run: 95% confidence interval")
            && detail.contains("; retest: mean ")
            && detail.ends_with("wholly above the budget; failed: over budget in both runs"),
        "{detail}"
    );
    assert_eq!(check("mean init/cold")["status"], "pass");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("1 operation(s) over budget in the quick run were measured again: 1 over again (failed), 0 not (warnings)"),
        "{notes}"
    );
}

/// Callgrind counts one operation of the real binary twice alike; without valgrind, the count
/// says why instead of pretending (`.ci/run` installs valgrind, so CI takes the first path).
#[test]
fn instructions_are_counted_under_callgrind_and_repeat() {
    let exe = Path::new(env!("CARGO_BIN_EXE_tta-bench"));
    let filter = regex::Regex::new("^difficulty/adapt$").unwrap();
    let once = tta_bench::count_instructions(exe, Some(&filter), &Default::default());
    match &once {
        tta_bench::Counting::Counted {
            per_call,
            iterations,
            tool,
        } => {
            assert!(tool.starts_with("callgrind (valgrind-"), "{tool}");
            assert!(*iterations > 0);
            let n = per_call["difficulty/adapt"];
            assert!(n > 100.0, "{per_call:?}");
            let again = tta_bench::count_instructions(exe, Some(&filter), &Default::default());
            let m = again.per_call("difficulty/adapt").unwrap();
            assert!((m / n - 1.0).abs() < 0.01, "{n} then {m}");
        }
        tta_bench::Counting::Unavailable { reason } => {
            assert!(reason.contains("valgrind not installed"), "{reason}");
        }
    }
}

/// The worker counts the operations a filter selects and names them in order.
#[test]
fn the_count_worker_names_what_it_ran() {
    let o = tta()
        .args([
            "micro-worker",
            "--count",
            "3",
            "--filter",
            "^(init/warm|difficulty/adapt|store/argon2_verify)$",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Each line: the operation, the pid of the child that counted it, and the calls counted:
    // the asked 3, or fewer for argon2 (2).
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<(&str, u32, u64)> = stdout
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (f[0], f[1].parse().unwrap(), f[2].parse().unwrap())
        })
        .collect();
    assert_eq!(
        lines.iter().map(|l| (l.0, l.2)).collect::<Vec<_>>(),
        [
            ("init/warm", 3),
            ("difficulty/adapt", 3),
            ("store/argon2_verify", 2)
        ]
    );
    assert_ne!(lines[0].1, lines[1].1, "one child each");
}

/// `micro --instructions` counts what it timed, into the table and the run file.
#[test]
fn micro_counts_instructions_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("micro.json");
    let o = tta()
        .args([
            "micro",
            "--quick",
            "--filter",
            "^difficulty/adapt$",
            "--instructions",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    let run = read_json(&out);
    match run["instructions"]["status"].as_str() {
        Some("counted") => {
            assert!(
                run["instructions"]["per_call"]["difficulty/adapt"]
                    .as_f64()
                    .unwrap()
                    > 0.0
            );
            assert!(stdout.contains("instructions per call"), "{stdout}");
        }
        Some("unavailable") => assert!(
            stdout.contains("instructions not counted: valgrind"),
            "{stdout}"
        ),
        other => panic!("{other:?}: {run}"),
    }
}
