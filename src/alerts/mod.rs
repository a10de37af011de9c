//! Prometheus alert rules and a Grafana dashboard from thresholds.yaml's `alerts:` (TTA performance monitoring guidelines),
//! so production monitoring and the gate share one source of truth.
//!
//! Each alert is written once, as a query without its comparison ([`Watch`]); the rules add
//! `> limit` and `for:`, the dashboard draws the query with the limit as a threshold line.
//! Seed 002's own example expressions are not valid PromQL as written
//! (`histogram_quantile` over a bare histogram name, an error *rate per second* compared with
//! 5 %); these are the standard forms over the metrics `tta-bench serve` exposes.

mod grafana;
mod prometheus;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::sla::alerts::{Alert, Alerts, Severity};

/// The window of every `rate()`.
pub const RATE_WINDOW: &str = "5m";

/// One alert: what to watch and when to fire.
#[derive(Debug, Clone, PartialEq)]
pub struct Watch {
    /// Alert name, e.g. `TtaHighResponseTime`.
    pub name: &'static str,
    pub title: &'static str,
    /// PromQL without the comparison.
    pub query: String,
    /// Fire above this, in the query's unit.
    pub limit: f64,
    /// Grafana unit of the query (`s`, `percentunit`, `percent`).
    pub unit: &'static str,
    /// How long the query must stay above the limit, in seconds.
    pub for_s: u64,
    pub severity: Severity,
    /// Human text of the limit, e.g. "200 ms".
    pub limit_text: String,
    pub source: String,
}

/// The four alerts of `a`, selecting the scrape job `job`.
pub fn watches(a: &Alerts, job: &str) -> Vec<Watch> {
    let sel = format!("job=\"{job}\"");
    let w = RATE_WINDOW;
    vec![
        watch(
            ("TtaHighResponseTime", "p95 response time", "s"),
            format!(
                "histogram_quantile(0.95, sum by (le) (rate(tta_request_duration_seconds_bucket{{{sel}}}[{w}])))"
            ),
            a.p95_latency.above.0.value / 1e9,
            &a.p95_latency,
        ),
        watch(
            (
                "TtaHighErrorRate",
                "share of requests answered 5xx",
                "percentunit",
            ),
            format!(
                "sum(rate(tta_requests_total{{{sel},status=~\"5..\"}}[{w}])) / sum(rate(tta_requests_total{{{sel}}}[{w}]))"
            ),
            a.error_rate.above.0.value / 100.0,
            &a.error_rate,
        ),
        watch(
            ("TtaHighCpuUsage", "service CPU, % of one core", "percent"),
            format!("100 * rate(process_cpu_seconds_total{{{sel}}}[{w}])"),
            a.cpu.above.0.value,
            &a.cpu,
        ),
        watch(
            (
                "TtaHighMemoryUsage",
                "service memory, % of its limit",
                "percent",
            ),
            format!(
                "100 * process_resident_memory_bytes{{{sel}}} / tta_memory_limit_bytes{{{sel}}}"
            ),
            a.memory.above.0.value,
            &a.memory,
        ),
    ]
}

/// One [`Watch`]: `(name, title, Grafana unit)`, the query, the limit in the query's unit,
/// and the alert it comes from.
fn watch<T: std::fmt::Display>(
    (name, title, unit): (&'static str, &'static str, &'static str),
    query: String,
    limit: f64,
    alert: &Alert<T>,
) -> Watch {
    Watch {
        name,
        title,
        query,
        limit,
        unit,
        for_s: (alert.for_.0.value / 1e9).round() as u64,
        severity: alert.severity,
        limit_text: alert.above.to_string(),
        source: alert.source.clone(),
    }
}

/// Prometheus's duration notation: `5m`, `2h`, `90s`.
pub fn prom_duration(seconds: u64) -> String {
    if seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

/// The files `export-alerts` writes.
pub struct Exported {
    pub rules: String,
    pub dashboard: String,
}

/// Renders both files.
pub fn export(a: &Alerts, job: &str) -> Result<Exported> {
    let w = watches(a, job);
    Ok(Exported {
        rules: prometheus::rules(&w)?,
        dashboard: grafana::dashboard(&w)?,
    })
}

/// Writes `tta-alerts.rules.yml` and `tta-dashboard.json` into `dir`, atomically, both
/// rendered before either is written.
pub fn write(dir: &Path, e: &Exported) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|err| Error::io(dir, err))?;
    let files = [
        (dir.join("tta-alerts.rules.yml"), &e.rules),
        (dir.join("tta-dashboard.json"), &e.dashboard),
    ];
    for (path, text) in &files {
        crate::fsutil::write_atomic(path, text.as_bytes())?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(prom_duration(300), "5m");
        assert_eq!(prom_duration(7200), "2h");
        assert_eq!(prom_duration(90), "90s");
    }
}
