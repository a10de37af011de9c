//! `export-alerts`: Prometheus rules and a Grafana dashboard from thresholds.yaml, checked by
//! promtool where it is installed, by structure always, and against what `serve` exposes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::server::Server;
use crate::support::{assert_one_line_error, tta};

fn export(thresholds: &Path, out: &Path) -> std::process::Output {
    tta()
        .arg("export-alerts")
        .arg("--thresholds")
        .arg(thresholds)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("thresholds.yaml")
}

/// Metric names an expression reads: identifiers directly followed by a `{` selector.
fn metric_names(expr: &str) -> BTreeSet<String> {
    regex::Regex::new(r"([a-z_:][a-z0-9_:]*)\{")
        .unwrap()
        .captures_iter(expr)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn rules_and_dashboard_carry_seed_002s_alerts() {
    let tmp = tempfile::tempdir().unwrap();
    let o = export(&shipped(), tmp.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rules_path = tmp.path().join("tta-alerts.rules.yml");
    let rules_text = std::fs::read_to_string(&rules_path).unwrap();
    let rules: Value = tta_bench::parse_yaml("rules", &rules_text).unwrap();
    let rules = rules["groups"][0]["rules"].as_array().unwrap().clone();
    let summary: Vec<(String, String, String, String)> = rules
        .iter()
        .map(|r| {
            let expr = r["expr"].as_str().unwrap();
            (
                r["alert"].as_str().unwrap().to_string(),
                expr.rsplit_once(" > ").unwrap().1.to_string(),
                r["for"].as_str().unwrap().to_string(),
                r["labels"]["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |a: &str, limit: &str, f: &str, s: &str| {
        (
            a.to_string(),
            limit.to_string(),
            f.to_string(),
            s.to_string(),
        )
    };
    assert_eq!(
        summary,
        [
            row("TtaHighResponseTime", "0.2", "5m", "warning"),
            row("TtaHighErrorRate", "0.05", "2m", "critical"),
            row("TtaHighCpuUsage", "80", "10m", "warning"),
            row("TtaHighMemoryUsage", "85", "5m", "critical"),
        ]
    );
    assert!(rules.iter().all(|r| {
        r["annotations"]["source"]
            .as_str()
            .unwrap()
            .starts_with("TTA performance monitoring guidelines")
    }));

    match std::process::Command::new("promtool")
        .args(["check", "rules"])
        .arg(&rules_path)
        .output()
    {
        Ok(o) => assert!(
            o.status.success(),
            "promtool: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => eprintln!("promtool not installed: rules checked by structure only"),
    }

    // Every metric the rules read is one the service exposes.
    let server = Server::start(&[]);
    let _ = server.get("/health", None);
    let exposition = server.get("/metrics", None).text().unwrap();
    let exposed: BTreeSet<String> = exposition
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_string)
        .collect();
    for r in &rules {
        for name in metric_names(r["expr"].as_str().unwrap()) {
            assert!(
                exposed.contains(&name),
                "{name} is not exposed by serve: {exposed:?}"
            );
        }
    }

    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("tta-dashboard.json")).unwrap(),
    )
    .unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    let ids: BTreeSet<u64> = panels.iter().map(|p| p["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), panels.len(), "panel ids are unique");
    assert_eq!(dashboard["templating"]["list"][0]["type"], "datasource");
    for p in panels {
        assert_eq!(p["datasource"]["uid"], "${datasource}");
        for k in ["h", "w", "x", "y"] {
            assert!(p["gridPos"][k].is_u64(), "{p}");
        }
        assert!(!p["targets"][0]["expr"].as_str().unwrap().is_empty());
    }
    // The alert panels draw exactly the rules' queries, with the limits as threshold lines.
    for (r, p) in rules.iter().zip(panels) {
        let (query, limit) = r["expr"].as_str().unwrap().rsplit_once(" > ").unwrap();
        assert_eq!(p["targets"][0]["expr"].as_str().unwrap(), query);
        let step = p["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"]
            .as_f64()
            .unwrap();
        assert_eq!(step, limit.parse::<f64>().unwrap());
    }
}

#[test]
fn missing_or_bad_alerts_exit_2_with_the_place() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(shipped()).unwrap();
    let (head, _) = text.split_once("\nalerts:").unwrap();
    let none = tmp.path().join("none.yaml");
    std::fs::write(&none, head).unwrap();
    let out = tmp.path().join("out");
    assert_one_line_error(
        &export(&none, &out),
        "none.yaml: no alerts: section to export",
    );

    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, text.replace("above: 85%", "above: 185%")).unwrap();
    let line = text.lines().position(|l| l.contains("above: 85%")).unwrap() + 1;
    assert_one_line_error(
        &export(&bad, &out),
        &format!("bad.yaml:{line}:3: alerts.memory.above must be within 0-100%, got 185%"),
    );
    std::fs::write(&bad, text.replace("for: 2min", "for: 2parsecs")).unwrap();
    assert_one_line_error(&export(&bad, &out), "bad.yaml:");
    assert!(!out.exists(), "nothing written");
}
