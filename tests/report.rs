//! The HTML report, read as a browser would: parsed with an HTML5 parser, checked for
//! anything it would fetch, for the verdict coming first, and for every chart having data.

use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};
use tta_bench::RunResult;
use tta_bench::{Baseline, BaselineStore};

use crate::support::{assert_one_line_error, load_lock, tta};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// A real smoke load (2 s) and a real quick micro run of two benchmarks, shared by the tests.
fn measured(dir: &Path) -> (PathBuf, PathBuf) {
    let _lock = load_lock();
    let run = dir.join("run.json");
    let html = dir.join("load-report");
    let o = tta()
        .args(["load", "--profile", "smoke", "--duration", "2", "--out"])
        .arg(&run)
        .arg("--html")
        .arg(&html)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    // 0 or 1: a debug build under parallel tests can miss an SLA (login's p95).
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // `load --html` writes the same page for this one run.
    let page = std::fs::read_to_string(html.join("index.html")).unwrap();
    assert!(page.contains("the report of one run"));
    let micro = dir.join("micro.json");
    let o = tta()
        // Budgets × 100: a debug build's init/cold is over its 5 ms budget, and this test is
        // about the report, not the budget.
        .args([
            "micro",
            "--quick",
            "--filter",
            "^init/",
            "--budget-scale",
            "100",
            "--out",
        ])
        .arg(&micro)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (run, micro)
}

/// A baselines directory whose current baseline holds `run` five times.
fn baselines(dir: &Path, run: &Path) -> PathBuf {
    let r: RunResult = serde_json::from_slice(&std::fs::read(run).unwrap()).unwrap();
    let store = BaselineStore::new(dir.join("baselines"));
    let path = store
        .save(&Baseline::new("base", vec![r; 5], Vec::new()), false)
        .unwrap();
    store.promote(&path).unwrap();
    store.dir
}

fn report(inputs: &[&Path], baselines: &Path, out: &Path) -> (std::process::Output, String) {
    let o = tta()
        .arg("report")
        .args(inputs)
        .arg("--baselines-dir")
        .arg(baselines)
        .arg("--out")
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap_or_default();
    (o, html)
}

/// What a browser would fetch: src/href that are not in-page anchors or data: URLs, and
/// scripts, stylesheets or frames.
fn fetches(doc: &Html) -> Vec<String> {
    let mut found: Vec<String> = doc
        .select(&sel("[src], [href], [xlink\\:href]"))
        .flat_map(|e| {
            e.value()
                .attrs()
                .filter(|(k, _)| ["src", "href", "xlink:href"].contains(k))
                .map(|(_, v)| v.to_string())
                .collect::<Vec<_>>()
        })
        .filter(|v| !(v.starts_with('#') || v.starts_with("data:")))
        .collect();
    found.extend(
        doc.select(&sel("script, link, iframe, object, embed"))
            .map(|e| e.html()),
    );
    found
}

/// Data marks of a chart: shapes drawn in one of the palette's colours (axes and grid are
/// black and grey).
fn marks(chart: ElementRef<'_>) -> usize {
    const PALETTE: [&str; 4] = ["#0072B2", "#E69F00", "#D55E00", "#CC79A7"];
    chart
        .select(&sel("polyline, circle, polygon, path, rect"))
        .filter(|e| {
            ["stroke", "fill"].iter().any(|a| {
                e.value()
                    .attr(a)
                    .is_some_and(|c| PALETTE.iter().any(|p| p.eq_ignore_ascii_case(c)))
            })
        })
        .count()
}

#[test]
fn the_report_is_self_contained_verdict_first_and_every_chart_has_data() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, micro) = measured(tmp.path());
    let dir = baselines(tmp.path(), &run);
    let out = tmp.path().join("report");
    let (o, html) = report(&[&run, &micro], &dir, &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("index.html"));
    assert!(html.len() < 2 * 1024 * 1024, "{} bytes", html.len());

    let doc = Html::parse_document(&html);
    assert_eq!(fetches(&doc), Vec::<String>::new());
    assert!(!html.contains("@import") && !html.contains("url("));

    let first = doc.select(&sel("main > section")).next().unwrap();
    assert_eq!(first.value().id(), Some("verdict"));
    // The verdict itself depends on the build's speed (a debug build misses micro budgets);
    // what matters here is that the page leads with one.
    let head = first.select(&sel("h1")).next().unwrap().inner_html();
    assert!(head.contains("PASS") || head.contains("FAIL"), "{head}");

    // The catalogue: every figure of the benchmarks document, the smoke run judging the base
    // application's memory, the voice figures waiting for their issue.
    let rows: Vec<Vec<String>> = doc
        .select(&sel("#catalogue tbody tr"))
        .map(|tr| {
            tr.select(&sel("td"))
                .map(|td| td.text().collect())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 37);
    let row = |figure: &str| rows.iter().find(|r| r[1] == figure).unwrap().clone();
    let memory = row("Base application");
    assert!(memory[4].starts_with("server RSS peak: "), "{memory:?}");
    assert!(["pass", "WARN", "FAIL"].contains(&memory[5].as_str()));
    assert_eq!(row("Heavy (100 users)")[5], "not in this run");
    assert_eq!(row("Speech-to-text (1 s audio)")[5], "not measured yet");

    let charts: Vec<(String, usize)> = doc
        .select(&sel("figure.chart"))
        .map(|f| {
            let id = f.value().attr("data-chart").unwrap().to_string();
            assert_eq!(f.select(&sel("svg")).count(), 1, "{id}");
            (id, marks(f))
        })
        .collect();
    let ids: Vec<&str> = charts.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "routes",
            "distribution",
            "throughput",
            "cpu",
            "memory",
            "disk",
            "micro",
            "trend",
            "trend-throughput"
        ]
    );
    for (id, n) in &charts {
        assert!(*n > 0, "chart {id} has no data marks");
    }
    // One p95 dot per route, and a baseline triangle beside each.
    let run: RunResult = serde_json::from_slice(&std::fs::read(&run).unwrap()).unwrap();
    let routes = doc
        .select(&sel("figure[data-chart=routes]"))
        .next()
        .unwrap();
    assert_eq!(routes.select(&sel("circle")).count(), run.routes.len());
    assert_eq!(
        routes
            .select(&sel("polygon"))
            .filter(|p| p.value().attr("fill") == Some("#E69F00"))
            .count(),
        run.routes.len()
    );
    // Tables carry units.
    let table = doc.select(&sel("#routes table")).next().unwrap().html();
    assert!(table.contains(" ms<") || table.contains(" µs<"), "{table}");
    // The service's writers, each with its counter and rate.
    let writers = doc.select(&sel("#disk table")).next().unwrap().html();
    for counter in [
        "tta_log_bytes_total",
        "tta_db_wal_bytes_total",
        "tta_cache_snapshot_bytes_total",
    ] {
        assert!(writers.contains(counter), "{writers}");
    }
    assert!(writers.contains(" MB/min<"), "{writers}");
}

#[test]
fn failing_checks_lead_the_page_with_their_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, _) = measured(tmp.path());
    // Thresholds whose p95 limits every route misses.
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("thresholds.yaml"))
            .unwrap()
            .replace("critical: 500ms", "critical: 1us")
            .replace("warning: 200ms", "warning: 1us");
    let thresholds = tmp.path().join("t.yaml");
    std::fs::write(&thresholds, text).unwrap();
    let out = tmp.path().join("r");
    let o = tta()
        .arg("report")
        .arg(&run)
        .args(["--baseline", "none", "--thresholds"])
        .arg(&thresholds)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "a report is written whatever its verdict"
    );
    let doc = Html::parse_document(&std::fs::read_to_string(out.join("index.html")).unwrap());
    let verdict = doc.select(&sel("main > section")).next().unwrap();
    assert_eq!(verdict.value().id(), Some("verdict"));
    assert!(
        verdict
            .select(&sel("h1"))
            .next()
            .unwrap()
            .inner_html()
            .contains("FAIL")
    );
    let failing: Vec<String> = verdict
        .select(&sel("tbody tr"))
        .map(|r| r.text().collect::<String>())
        .collect();
    assert!(!failing.is_empty());
    assert!(
        failing
            .iter()
            .any(|r| r.contains("FAIL") && r.contains("ms")),
        "{failing:?}"
    );
    // Sections without data say so instead of drawing an empty chart.
    assert!(doc.select(&sel("#micro .empty")).next().is_some());
}

#[test]
fn bad_inputs_exit_2_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let bad = tmp.path().join("v.json");
    std::fs::write(
        &bad,
        "{\"schema_version\": 1, \"kind\": \"verdict\", \"outcome\": ",
    )
    .unwrap();
    let o = tta()
        .arg("report")
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_one_line_error(&o, "v.json:");
    std::fs::write(&bad, r#"{"schema_version": 7, "kind": "verdict"}"#).unwrap();
    let o = tta()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("report")
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "schema_version 7 of a verdict is not supported (this tool reads 1; written by a newer tta-bench)",
    );
    assert!(!out.exists(), "nothing written");
}
