//! The HTML report: one self-contained `index.html` (inline CSS, inline SVG charts, no script,
//! no fetches) for people who never open a terminal. The verdict and its failing checks come
//! first; the charts and tables that explain it follow.
//!
//! This module gathers the figures ([`Report`] → [`Figures`]); [`page`] writes the HTML and
//! [`charts`] draws the SVG.

mod cache_study;
mod capacity;
mod catalogue;
pub mod charts;
mod curve;
mod html;
mod line_charts;
mod open_model;
mod page;
mod resources;
mod sessions;

use std::path::{Path, PathBuf};

pub use capacity::capacity_page;

use crate::baseline::{Baseline, BaselineStore};
use crate::error::{Error, Result};
use crate::gate::pool;
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::sla::Thresholds;
use crate::verdict::Verdict;

/// Everything a report can show; only the verdict is required.
pub struct Report<'a> {
    pub verdict: &'a Verdict,
    /// Load repetitions of this run.
    pub load: &'a [RunResult],
    pub micro: &'a [MicroRun],
    /// The baseline the verdict compared with.
    pub baseline: Option<&'a Baseline>,
    pub thresholds: &'a Thresholds,
    /// Dated baselines, oldest first, for the trend.
    pub history: &'a [Baseline],
}

/// One point of the trend: a dated baseline or this run.
pub struct TrendPoint {
    pub label: String,
    pub p95_ms: Option<f64>,
    pub throughput_rps: Option<f64>,
    pub server_rss_mib: Option<f64>,
    pub init_cold_ns: Option<f64>,
}

impl TrendPoint {
    fn of(label: String, load: &[RunResult], micro: &[MicroRun]) -> Self {
        let pooled = pool(load);
        let median = |f: &dyn Fn(&RunResult) -> Option<f64>| -> Option<f64> {
            let v: Vec<f64> = load.iter().filter_map(f).collect();
            (!v.is_empty()).then(|| tta_stats::compare::median(&v))
        };
        Self {
            label,
            p95_ms: pooled.as_ref().map(|p| p.totals.p95_ms),
            throughput_rps: median(&|r| Some(r.totals.throughput_rps)),
            server_rss_mib: median(&|r| {
                r.resources
                    .summaries
                    .get("server")
                    .map(|s| s.rss_peak_bytes as f64 / 1048576.0)
            }),
            init_cold_ns: {
                let v: Vec<f64> = micro
                    .iter()
                    .filter_map(|m| m.operations.iter().find(|o| o.name == "init/cold"))
                    .map(|o| o.mean_ns)
                    .collect();
                (!v.is_empty()).then(|| tta_stats::compare::median(&v))
            },
        }
    }
}

/// Points of the trend: every dated baseline, then this run.
pub fn trend(history: &[Baseline], load: &[RunResult], micro: &[MicroRun]) -> Vec<TrendPoint> {
    let mut points: Vec<TrendPoint> = history
        .iter()
        .map(|b| {
            TrendPoint::of(
                format!("{} {}", b.created.get(..10).unwrap_or(&b.created), b.label),
                &b.load_runs,
                &b.micro_runs,
            )
        })
        .collect();
    if !load.is_empty() || !micro.is_empty() {
        points.push(TrendPoint::of("this run".into(), load, micro));
    }
    points
}

/// Every baseline in `dir`, oldest first; unreadable ones are skipped with a note, as a report
/// should not fail over an old file.
pub fn history(dir: &Path) -> (Vec<Baseline>, Vec<String>) {
    let store = BaselineStore::new(dir);
    let mut notes = Vec::new();
    let files = match store.list() {
        Ok(files) => files,
        Err(_) => return (Vec::new(), notes),
    };
    let baselines = files
        .iter()
        .filter_map(|f| match Baseline::load(f) {
            Ok(b) => Some(b),
            Err(e) => {
                notes.push(format!("trend leaves out {e}"));
                None
            }
        })
        .collect();
    (baselines, notes)
}

/// Renders the page.
pub fn render(r: &Report<'_>) -> Result<String> {
    page::render(r).map_err(Error::Process)
}

/// Where the report written into `dir` lives.
pub fn index_path(dir: &Path) -> PathBuf {
    dir.join("index.html")
}

/// Writes the rendered page `html` as `index.html` into `dir` (created if needed),
/// atomically; returns its path.
pub fn write_index(dir: &Path, html: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = index_path(dir);
    crate::fsutil::write_atomic(&path, html.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod chart_tests;
