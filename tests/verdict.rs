//! Every path of a verdict, through the real binary (`check` with repeated runs and a baseline):
//! pass, regression, improvement, missing/corrupt baseline, malformed thresholds, environment
//! mismatch, too few repetitions, and the JSON / Markdown / JUnit outputs.

use std::path::PathBuf;

use serde_json::Value;
use tta_bench::{Baseline, BaselineStore};

use crate::check::synthetic_run;
use crate::support::{
    assert_one_line_error, check_named, read_json, thresholds_failing_stored_timings, tta,
};

const CHOICES: &str = "POST /api/patient/sessions/{session_id}/choices";
const SESSION: &str = "GET /api/patient/sessions/{session_id}";

const PROGRESS: &str = "PATCH /api/patient/sessions/{session_id}/progress";
const INTERVENTIONS: &str = "POST /api/patient/sessions/{session_id}/interventions";

/// `n` runs with the choice route at `choice_ms` (±2 % between runs) and three more routes at
/// 5, 8 and 12 ms (the gate judges a route relative to the median of the others' medians).
fn runs(n: usize, choice_ms: f64) -> Vec<tta_bench::RunResult> {
    (0..n)
        .map(|i| {
            let drift = 0.99 + 0.005 * i as f64;
            synthetic_run(&[
                (CHOICES, choice_ms * (0.98 + 0.01 * i as f64)),
                (SESSION, 5.0 * drift),
                (PROGRESS, 8.0 * drift),
                (INTERVENTIONS, 12.0 * drift),
            ])
        })
        .collect()
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// A baselines directory whose current baseline holds `base`.
    fn new(base: Vec<tta_bench::RunResult>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = BaselineStore::new(dir.path().join("baselines"));
        let path = store
            .save(&Baseline::new("base", base, Vec::new()), false)
            .unwrap();
        store.promote(&path).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write_runs(&self, runs: &[tta_bench::RunResult]) -> Vec<PathBuf> {
        runs.iter()
            .enumerate()
            .map(|(i, r)| {
                let p = self.path(&format!("run{i}.json"));
                std::fs::write(&p, serde_json::to_string(r).unwrap()).unwrap();
                p
            })
            .collect()
    }

    fn check(&self, runs: &[PathBuf], extra: &[&str]) -> std::process::Output {
        tta()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("check")
            .args(runs)
            .arg("--baselines-dir")
            .arg(self.path("baselines"))
            .args(extra)
            .output()
            .unwrap()
    }
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn same_build_passes_against_its_baseline() {
    let f = Fixture::new(runs(5, 40.0));
    let o = f.check(&f.write_runs(&runs(5, 40.0)), &["--all"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.starts_with("PASS: ") && out.contains("baseline base"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "median {CHOICES} vs baseline, relative to other routes"
        )),
        "{out}"
    );
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn a_slower_route_fails_with_its_numbers() {
    let f = Fixture::new(runs(5, 40.0));
    let json = f.path("verdict.json");
    let md = f.path("summary.md");
    let junit = f.path("junit.xml");
    let o = f.check(
        &f.write_runs(&runs(5, 52.0)),
        &[
            "--json",
            json.to_str().unwrap(),
            "--markdown",
            md.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    // The choice route (relative to the other routes) fails; the p95 over all routes (it lies
    // in that route's band) regressed too, a timing as measured: a warning against a stored
    // baseline.
    assert!(
        out.starts_with("FAIL: 1 of 11 checks failed (1 warnings)"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "median {CHOICES} vs baseline, relative to other routes"
        )) && out.contains("+30.0 % vs baseline"),
        "{out}"
    );
    assert!(out.contains("Holm over 6 metrics"), "{out}");

    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(
        (
            v["kind"].as_str(),
            v["outcome"].as_str(),
            v["load_repetitions"].as_u64()
        ),
        (Some("verdict"), Some("fail"), Some(5))
    );
    let failed: Vec<&Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed.iter().all(|c| c["kind"] == "regression"));
    let p95 = check_named(&v, "p95 all routes vs baseline");
    assert_eq!(p95["status"], "warn", "{p95}");
    assert!(
        p95["detail"]
            .as_str()
            .unwrap()
            .ends_with("(regression.stored_timings: warn); judge it with --against"),
        "{p95}"
    );
    held_to_schema(&v);

    let md = std::fs::read_to_string(&md).unwrap();
    assert!(
        md.starts_with("## ❌ tta-bench: FAIL"),
        "verdict first: {md}"
    );
    assert!(md.contains("| **FAIL** | median POST"), "{md}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let testcases = xml.matches("<testcase ").count();
    assert_eq!(
        testcases,
        v["checks"].as_array().unwrap().len(),
        "one testcase per check"
    );
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert!(xml.contains("+30.0 %"), "the failure carries the numbers");
}

#[test]
fn stored_timings_fail_makes_a_timing_regression_fail() {
    let f = Fixture::new(runs(5, 40.0));
    let thresholds = thresholds_failing_stored_timings(f.dir.path());
    let o = f.check(
        &f.write_runs(&runs(5, 52.0)),
        &["--thresholds", thresholds.to_str().unwrap()],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.starts_with("FAIL: 2 of 11 checks failed (0 warnings)"),
        "{out}"
    );
    assert!(out.contains("p95 all routes vs baseline"), "{out}");
}

#[test]
fn a_faster_route_is_reported_not_failed() {
    let f = Fixture::new(runs(5, 40.0));
    let o = f.check(&f.write_runs(&runs(5, 28.0)), &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("2 improvements") && out.contains("IMPROVED"),
        "{out}"
    );
}

#[test]
fn too_few_repetitions_fail_the_completeness_check() {
    let f = Fixture::new(runs(3, 40.0));
    let o = f.check(&f.write_runs(&runs(3, 80.0)), &[]);
    let out = stdout(&o);
    // Doubled latency, but 3+3 runs cannot be judged: not a pass either. The completeness
    // check fails and says why each route went unguarded.
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("note: 6 regression checks not judged"),
        "{out}"
    );
    assert!(
        out.starts_with("FAIL: 1 of 11 checks failed")
            && out.contains("routes and micro operations guarded against regression")
            && out.contains("0 of 4 routes with an SLA")
            && out.contains("(not judged: 3+3 runs; at least 5 per side are needed)"),
        "{out}"
    );
}

#[test]
fn a_missing_baseline_is_not_a_failure() {
    let f = Fixture::new(runs(5, 40.0));
    let runs = f.write_runs(&runs(5, 40.0));
    let o = tta()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("check")
        .args(&runs)
        .arg("--baselines-dir")
        .arg(f.path("none"))
        .output()
        .unwrap();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("note: no baseline: SLAs were checked, regressions were not"),
        "{out}"
    );
    let o = f.check(&runs, &["--baseline", "none"]);
    assert!(stdout(&o).contains("note: no baseline"));
}

#[test]
fn an_environment_mismatch_is_a_warning_note() {
    let f = Fixture::new(runs(5, 40.0));
    let path = std::fs::read_to_string(f.path("baselines/current")).unwrap();
    let file = f.path("baselines").join(path.trim());
    let mut b = read_json(&file);
    b["environment"]["logical_cpus"] = 64.into();
    std::fs::write(&file, b.to_string()).unwrap();
    let o = f.check(&f.write_runs(&runs(5, 40.0)), &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("note: environment differs from the baseline's:")
            && out.contains("vs baseline 64"),
        "{out}"
    );
}

#[test]
fn bad_baselines_and_thresholds_exit_2_and_write_nothing() {
    let f = Fixture::new(runs(5, 40.0));
    let runs = f.write_runs(&runs(5, 40.0));
    let json = f.path("v.json");
    let current = std::fs::read_to_string(f.path("baselines/current")).unwrap();
    let file = f.path("baselines").join(current.trim());
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &good[..good.len() / 3]).unwrap();
    let o = f.check(&runs, &["--json", json.to_str().unwrap()]);
    assert_one_line_error(&o, &format!("{}:", file.display()));
    assert_one_line_error(&o, "EOF while parsing");
    assert!(!json.exists(), "nothing written");
    std::fs::write(&file, good).unwrap();

    let bad = f.path("t.yaml");
    std::fs::write(&bad, "version: 1\nmicro: {}\n").unwrap();
    let o = f.check(
        &runs,
        &[
            "--thresholds",
            bad.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
    );
    assert_one_line_error(&o, "t.yaml:");
    assert_one_line_error(&o, "missing field `api`");
    assert!(!json.exists());

    let o = f.check(&runs, &["--baseline", "/no/such/baseline.json"]);
    assert_one_line_error(&o, "/no/such/baseline.json: No such file or directory");
}

/// The published verdict schema names exactly the fields written.
fn held_to_schema(v: &Value) {
    crate::support::assert_valid(include_str!("../schema/verdict.schema.json"), v);
    let schema: Value =
        serde_json::from_str(include_str!("../schema/verdict.schema.json")).unwrap();
    let keys = |x: &Value| -> Vec<String> { x.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(v), keys(&schema["properties"]));
    assert_eq!(
        keys(&v["checks"][0]),
        keys(&schema["$defs"]["check"]["properties"])
    );
    assert_eq!(
        keys(&v["baseline"]),
        keys(&schema["properties"]["baseline"]["properties"])
    );
}
