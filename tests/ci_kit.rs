//! The CI kit under `ci/` and `baseline refresh`, the command its quarterly workflow runs.

use std::path::Path;

use serde_json::Value;
use tta_bench::{Baseline, BaselineStore};

use crate::support::{load_lock, tta};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workflow(name: &str) -> Value {
    let path = root().join("ci/github").join(name);
    tta_bench::parse_yaml(
        &path.display().to_string(),
        &std::fs::read_to_string(&path).unwrap(),
    )
    .unwrap()
}

/// The `run:` scripts of a workflow's steps, in order.
fn runs(w: &Value, job: &str) -> Vec<String> {
    w["jobs"][job]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_pull_request_gate_fails_on_exit_1_and_keeps_its_reports() {
    let w = workflow("perf-gate.yml");
    assert!(w["on"]["pull_request"].is_null() && w["on"].get("pull_request").is_some());
    assert_eq!(
        runs(&w, "gate"),
        [
            "sudo apt-get update -q && sudo apt-get install -y -q valgrind",
            "ci/gate.sh"
        ]
    );
    let steps = w["jobs"]["gate"]["steps"].as_array().unwrap();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact"))
        })
        .unwrap();
    assert_eq!(
        upload["if"], "always()",
        "reports are kept when the gate fails"
    );
    assert_eq!(upload["with"]["path"], "perf-gate/");
    // Pull requests are judged interleaved against their base branch's build.
    let gate = steps.iter().find(|s| s["run"] == "ci/gate.sh").unwrap();
    assert!(
        gate["env"]["AGAINST_REF"]
            .as_str()
            .unwrap()
            .contains("github.base_ref")
    );
    assert_eq!(steps[0]["with"]["fetch-depth"], 0);

    let script = std::fs::read_to_string(root().join("ci/gate.sh")).unwrap();
    for flag in [
        "--json",
        "--markdown",
        "--junit",
        "--html",
        "GITHUB_STEP_SUMMARY",
        "exit $code",
        "AGAINST_REF",
        "--against",
    ] {
        assert!(script.contains(flag), "ci/gate.sh lacks {flag}");
    }
    let o = std::process::Command::new("bash")
        .args(["-n"])
        .arg(root().join("ci/gate.sh"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_quarterly_workflow_refreshes_the_baseline_and_asks_by_pull_request() {
    let w = workflow("baseline-refresh.yml");
    assert_eq!(w["on"]["schedule"][0]["cron"], "0 3 1 1,4,7,10 *");
    let steps = runs(&w, "refresh").join("\n");
    assert!(steps.contains("tta-bench baseline refresh") && steps.contains("--yes"));
    assert!(steps.contains("gh pr create"));
}

#[test]
fn refresh_saves_a_dated_baseline_shows_the_trend_and_moves_current_when_told() {
    let _lock = load_lock();
    let tmp = tempfile::tempdir().unwrap();
    let store = BaselineStore::new(tmp.path().join("baselines"));
    let shipped = BaselineStore::new(root().join("baselines"));
    let old = Baseline::load(&shipped.resolve("current").unwrap().unwrap()).unwrap();
    let old_path = store.save(&old, false).unwrap();
    store.promote(&old_path).unwrap();
    let report = tmp.path().join("report");
    let o = tta()
        .current_dir(root())
        .args([
            "baseline", "refresh", "--label", "q1", "--load", "--repeat", "1", "--yes",
        ])
        .arg("--baselines-dir")
        .arg(&store.dir)
        .arg("--html")
        .arg(&report)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let files = store.list().unwrap();
    assert_eq!(files.len(), 2, "{files:?}");
    let new = files
        .iter()
        .find(|f| f.to_string_lossy().ends_with("-q1.json"))
        .unwrap();
    assert_eq!(store.resolve("current").unwrap().as_ref(), Some(new));
    assert!(stdout.contains("Trend across baselines") && stdout.contains(&old.label));
    assert!(stdout.contains("q1"), "{stdout}");
    assert!(
        stdout.contains(&format!("current → {}", new.display())),
        "{stdout}"
    );
    assert!(report.join("index.html").exists());

    // Same date and label again: refused before measuring, nothing changed.
    let o = tta()
        .current_dir(root())
        .args([
            "baseline", "refresh", "--label", "q1", "--load", "--repeat", "1",
        ])
        .arg("--baselines-dir")
        .arg(&store.dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists; baselines are immutable"));
    assert_eq!(store.list().unwrap().len(), 2);
}
