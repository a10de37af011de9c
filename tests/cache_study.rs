//! The cache hit-rate study: run by `micro` at the sizes asked, written with the run, judged by
//! `check` against thresholds.yaml's `cache_hit_rate`, and refusing a workload that does not
//! parse.

use crate::support::{assert_one_line_error, assert_valid, read_json, thresholds_copy, tta};

#[test]
fn the_study_runs_at_each_size_and_is_judged_by_check() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("micro.json");
    let o = tta()
        .args([
            "micro",
            "--filter",
            "^cache_hit_rate/",
            "--cache-sizes",
            "2MiB,8MiB",
            "--cache-workload",
            crate::support::TEST_CACHE_WORKLOAD,
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("workload: Zipf s = 0.99 over 20000 keys"),
        "{stdout}"
    );
    let run = read_json(&out);
    assert_valid(include_str!("../schema/micro-run.schema.json"), &run);
    assert_eq!(run["operations"].as_array().unwrap().len(), 0);
    let sizes = run["cache_study"]["sizes"].as_array().unwrap();
    let labels: Vec<&str> = sizes.iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["2MiB", "8MiB"]);
    let rate = |i: usize| sizes[i]["hit_rate"].as_f64().unwrap();
    assert!(rate(0) < rate(1), "{sizes:?}");

    // Judged at the sizes thresholds.yaml names: here 8MiB held to more than it can do.
    let t = thresholds_copy(tmp.path(), |t| {
        t.replacen(
            "cache_hit_rate:\n",
            "cache_hit_rate:\n  8MiB: { target: 99.9%, threshold: 99.5%, eviction: 50ms, source: \"test\" }\n",
            1,
        )
    });
    let verdict = tmp.path().join("verdict.json");
    let o = tta()
        .args(["check", "--baseline", "none", "--thresholds"])
        .arg(&t)
        .arg("--json")
        .arg(&verdict)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = read_json(&verdict);
    let hit = crate::support::check_named(&v, "cache hit rate at 8MiB");
    assert_eq!(hit["status"], "fail");
    assert_eq!(hit["comparison"], ">=");
    let eviction = crate::support::check_named(&v, "cache eviction pass p99 at 8MiB");
    assert_eq!(eviction["status"], "pass");

    // The report shows the study beside the checks.
    let report = tmp.path().join("report");
    let o = tta()
        .args(["report", "--baseline", "none", "--thresholds"])
        .arg(&t)
        .arg("--out")
        .arg(&report)
        .arg(&out)
        .output()
        .unwrap();
    // A report is written whatever the verdict (its exit says the page was made).
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    let page = scraper::Html::parse_document(&html);
    let rows = scraper::Selector::parse("#cache-study tbody tr").unwrap();
    let sizes: Vec<String> = page
        .select(&rows)
        .map(|r| r.text().next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(sizes, ["2MiB", "8MiB"]);
}

#[test]
fn a_workload_or_sizes_that_do_not_parse_are_one_line_errors() {
    let o = tta()
        .args(["micro", "--cache-workload", "zipf=0"])
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "--cache-workload: zipf=\"0\": expected an exponent in (0, 10]",
    );
    let o = tta()
        .args(["micro", "--cache-sizes", "100"])
        .output()
        .unwrap();
    assert_one_line_error(&o, "--cache-sizes: \"100\" has no unit");
    let o = tta()
        .args(["micro", "--filter", "^cache_hit_rate/3GB$"])
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "cache_hit_rate/100MB, cache_hit_rate/500MB, cache_hit_rate/1GB",
    );
}
