//! Helpers shared by the integration tests.

use std::path::PathBuf;

use assert_cmd::Command;

/// Asserts that `doc` is valid against the JSON Schema `schema` (the text of a file in
/// `schema/`), checked by a full JSON Schema validator.
pub fn assert_valid(schema: &str, doc: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(schema).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema is a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid against its schema: {errors:#?}"
    );
}

/// The binary, with the store benchmarks' dataset small (40 patients, 2 sessions of 5 turns:
/// a debug build would take minutes over the default million turns) and cached apart from
/// the default one, and the cache study's workload small ([`TEST_CACHE_WORKLOAD`]).
pub fn tta() -> Command {
    let mut c = Command::cargo_bin("tta-bench").expect("binary built");
    c.env("TTA_BENCH_DATASET", TEST_DATASET)
        .env("TTA_BENCH_DATASET_DIR", test_dataset_dir())
        .env("TTA_BENCH_CACHE_WORKLOAD", TEST_CACHE_WORKLOAD);
    c
}

pub const TEST_DATASET: &str = "40:2:5";

/// The cache study's workload in tests: 20 000 keys of under 2 KiB, which fit in every judged
/// size, and 8 MB for the memory measurement, so a debug build's gate fills no gigabyte.
pub const TEST_CACHE_WORKLOAD: &str =
    "keys=20000,settle=20000,requests=40000,values=512B..2KiB,memory=8MB";

pub fn test_dataset_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("datasets")
}

/// Asserts that a run failed with exit 2 and a single stderr line `tta-bench: error: …`
/// containing `needle`, and printed nothing on stdout.
pub fn assert_one_line_error(out: &std::process::Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line expected, got: {stderr}"
    );
    assert!(stderr.starts_with("tta-bench: error: "), "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Writes a Criterion-style result (`<dir>/<id>/new/*.json`) with the given mean.
pub fn criterion_result(dir: &std::path::Path, id: &str, mean_ns: f64) {
    let new = dir.join(id.replace('/', "_")).join("new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("benchmark.json"),
        format!(r#"{{"group_id":"g","function_id":"f","value_str":null,"throughput":null,"full_id":"{id}","directory_name":"d","title":"{id}"}}"#),
    )
    .unwrap();
    let est = |v: f64| {
        format!(
            r#"{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{},"upper_bound":{}}},"point_estimate":{v},"standard_error":1.0}}"#,
            v * 0.95,
            v * 1.05
        )
    };
    std::fs::write(
        new.join("estimates.json"),
        format!(
            r#"{{"mean":{},"median":{},"median_abs_dev":{},"slope":null,"std_dev":{}}}"#,
            est(mean_ns),
            est(mean_ns),
            est(1.0),
            est(2.0)
        ),
    )
    .unwrap();
    std::fs::write(
        new.join("sample.json"),
        r#"{"sampling_mode":"Linear","iters":[1.0,2.0,3.0,4.0],"times":[10.0,20.0,30.0,40.0]}"#,
    )
    .unwrap();
}

pub fn scenarios() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The shipped scenarios with a smoke profile of `seconds` and no ramp-up.
pub fn short_smoke(seconds: u32) -> tempfile::TempDir {
    scenario_copy(|t| {
        t.replacen(
            "    ramp_up_s: 1\n    duration_s: 8\n",
            &format!("    ramp_up_s: 0\n    duration_s: {seconds}\n"),
            1,
        )
    })
}

/// A copy of the shipped scenarios with `profiles.yaml` edited by `edit`.
pub fn scenario_copy(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    scenario_copy_editing("profiles.yaml", edit)
}

/// A copy of the shipped scenarios with `file` edited by `edit`.
pub fn scenario_copy_editing(file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["patient.yaml", "clinician.yaml", "profiles.yaml"] {
        let text = std::fs::read_to_string(scenarios().join(f)).unwrap();
        let text = if f == file { edit(text) } else { text };
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    dir
}

/// Tests that put real load on the machine hold this lock while they run, so they do not slow
/// one another into missing an SLA (a debug build's password hashing at login goes first).
pub fn load_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A copy of the shipped thresholds.yaml, edited by `edit`, written to `dir/t.yaml`.
pub fn thresholds_copy(dir: &std::path::Path, edit: impl Fn(String) -> String) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("thresholds.yaml")).unwrap();
    let path = dir.join("t.yaml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// thresholds.yaml with `regression.stored_timings: fail`, in `dir`.
pub fn thresholds_failing_stored_timings(dir: &std::path::Path) -> PathBuf {
    thresholds_copy(dir, |t| {
        t.replacen("stored_timings: warn", "stored_timings: fail", 1)
    })
}

/// The check called `name` in a `--json` verdict.
pub fn check_named<'a>(verdict: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    verdict["checks"]
        .as_array()
        .expect("a verdict has checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {verdict}"))
}

/// The JSON document in the file at `path` (a `--json` verdict, a baseline).
pub fn read_json(path: impl AsRef<std::path::Path>) -> serde_json::Value {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
