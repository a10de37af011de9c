//! The store and cache micro-benchmarks: measured over the generated dataset, judged against
//! the database and cache operations' figures, and refusing a bad size or dataset file.

use crate::support::{assert_one_line_error, read_json, tta};

/// The store benchmarks run on the generated dataset (small here, [`crate::support::tta`]) and
/// are judged against the database operations' targets and thresholds.
#[test]
fn store_operations_are_measured_on_the_dataset_and_judged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("micro.json");
    let o = tta()
        .args([
            "micro",
            "--quick",
            "--filter",
            "^store_memory/(session_retrieval|complex_query)$|^store_wal/data_insertion$",
            "--out",
        ])
        .arg(&out)
        .env("TTA_BENCH_DATASET_DIR", tmp.path().join("datasets"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "generating the store benchmarks' database (40 patients, 80 sessions, 400 turns)"
        ),
        "{stderr}"
    );
    let run = read_json(&out);
    let ops = run["operations"].as_array().unwrap();
    let names: Vec<&str> = ops.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "store_memory/complex_query",
            "store_memory/session_retrieval",
            "store_wal/data_insertion"
        ]
    );
    let retrieval = &ops[1];
    assert_eq!(retrieval["budget_ns"], 300e6, "{retrieval}");
    assert!(
        retrieval["budget_source"]
            .as_str()
            .unwrap()
            .contains("session retrieval")
    );
    // Generated once: a second run reads the cached file and leaves it as it was.
    let cached = tmp.path().join("datasets/store-p40-s2-t5-seed2024-v2.db");
    let before = std::fs::read(&cached).unwrap();
    let again = tta()
        .args(["micro", "--quick", "--filter", "^store_wal/data_insertion$"])
        .env("TTA_BENCH_DATASET_DIR", tmp.path().join("datasets"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&again.stderr).contains("generating"));
    assert_eq!(
        std::fs::read(&cached).unwrap(),
        before,
        "the dataset is never written to"
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path().join("datasets"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn a_bad_dataset_size_or_file_is_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = tta()
        .args(["micro", "--quick", "--filter", "^store_wal/user_lookup$"])
        .env("TTA_BENCH_DATASET", "lots")
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "TTA_BENCH_DATASET: \"lots\" is not PATIENTS:SESSIONS_PER_PATIENT:TURNS_PER_SESSION",
    );
    let dir = tmp.path().join("datasets");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("store-p40-s2-t5-seed2024-v2.db");
    std::fs::write(
        &file,
        "this is not a SQLite database at all, only some text",
    )
    .unwrap();
    let o = tta()
        .args(["micro", "--quick", "--filter", "^store_wal/user_lookup$"])
        .env("TTA_BENCH_DATASET_DIR", &dir)
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        &format!("{}: not a store dataset of 40 patients", file.display()),
    );
    // A folder that cannot be made.
    let o = tta()
        .args(["micro", "--quick", "--filter", "^store_wal/user_lookup$"])
        .env("TTA_BENCH_DATASET_DIR", file.join("sub"))
        .output()
        .unwrap();
    assert_one_line_error(&o, &file.join("sub").display().to_string());
}

/// The cache benchmarks run on the dataset's views and are judged against the cache
/// operations' thresholds.
#[test]
fn cache_operations_are_measured_and_judged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("micro.json");
    let o = tta()
        .args(["micro", "--quick", "--filter", "^cache/", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let run = read_json(&out);
    let ops = run["operations"].as_array().unwrap();
    let budgets: Vec<(&str, f64)> = ops
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap(),
                o["budget_ns"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        budgets,
        [
            ("cache/compression", 300e6),
            ("cache/eviction", 50e6),
            ("cache/hit", 20e6),
            ("cache/miss", 200e6)
        ]
    );
    assert!(ops.iter().all(|o| o["mean_ns"].as_f64().unwrap() > 0.0));
}
