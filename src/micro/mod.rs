//! Micro-benchmarks of the reference core: run the Criterion suite, ingest its estimates, judge
//! them against the budgets of TTA therapeutic systems benchmarks.
//!
//! Criterion runs in a child process (`tta-bench micro-worker`, the same binary) whose stdout is
//! sent to our stderr: Criterion prints its progress to stdout and offers no quiet switch outside
//! its own argument parser, and a child keeps our stdout for the table and the measurement free of
//! whatever the parent holds in memory. The child writes Criterion's usual files into a fresh
//! temporary directory, which [`ingest`] reads back.

#[cfg(unix)]
mod arena;
mod cache;
pub mod count;
pub mod dataset;
pub mod ingest;
pub mod inputs;
mod iterate;
mod result;
pub mod store;
pub mod suite;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::Criterion;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::check::Status;
use crate::error::{Error, Result};
pub use ingest::Measurement;
pub use result::{MicroRun, MicroSettings, OperationResult, budget_status};

/// Version of the micro run JSON; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// How long Criterion measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 10 samples, 0.1 s warm-up, 0.3 s measurement, 10 000 bootstrap resamples: for CI and
    /// quick looks.
    Quick,
    /// Criterion's defaults (100 samples, 3 s warm-up, 5 s measurement, 100 000 resamples), as
    /// `cargo bench` uses.
    Full,
    /// 20 samples, 0.5 s warm-up, 2 s measurement, 10 000 resamples: the gate's retest of an
    /// operation a quick run found over budget ([`crate::gate::confirm`]). Seven times the
    /// quick measurement, so a stall of a second or less weighs little in it.
    Retest,
}

impl Mode {
    /// The name in a run's settings and in the worker's `--mode`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Quick => "quick",
            Self::Full => "full",
            Self::Retest => "retest",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Quick, Self::Full, Self::Retest]
            .into_iter()
            .find(|m| m.name() == name)
    }

    pub fn criterion(self) -> Criterion {
        let c = Criterion::default().without_plots();
        match self {
            Self::Quick => c
                .sample_size(10)
                .warm_up_time(Duration::from_millis(100))
                .measurement_time(Duration::from_millis(300))
                .nresamples(10_000),
            Self::Full => c,
            Self::Retest => c
                .sample_size(20)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(2))
                .nresamples(10_000),
        }
    }
}

/// Where the measurements come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Run the suite now.
    Measure(Mode),
    /// Read an existing Criterion directory (e.g. `target/criterion` after `cargo bench`).
    Ingest(PathBuf),
}

/// A validated `micro` request.
#[derive(Debug, Clone)]
pub struct MicroConfig {
    pub source: Source,
    pub filter: Option<Regex>,
    /// Multiplies every budget: 0.01 demands 100× headroom.
    pub budget_scale: f64,
}

impl MicroConfig {
    /// The settings a run of this request records.
    pub fn settings(&self) -> MicroSettings {
        MicroSettings {
            mode: match self.source {
                Source::Ingest(_) => "ingested".into(),
                Source::Measure(mode) => mode.name().into(),
            },
            filter: self.filter.as_ref().map(|f| f.as_str().to_string()),
            budget_scale: self.budget_scale,
        }
    }
}

/// A validated request for the cache hit-rate study: its workload, and its sizes when given
/// (else the judged ones).
#[derive(Debug, Clone)]
pub struct StudyRequest {
    pub workload: crate::cache_study::Workload,
    pub sizes: Option<Vec<(String, u64)>>,
}

/// One operation's budget: a ceiling on its mean, and the document the figure comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct MicroBudget {
    pub max_ns: f64,
    pub source: String,
}

/// Where a micro run's budgets come from: the thresholds the caller judges with, so that a
/// run and the verdict on it use the same figures.
pub trait Budgets {
    /// The budget of operation `name` (`group/function`), if it has one.
    fn budget_for(&self, name: &str) -> Option<MicroBudget>;

    /// The cache sizes the hit-rate study runs at ([`crate::cache_study`]), smallest first.
    fn cache_sizes(&self) -> Vec<(String, u64)> {
        Vec::new()
    }
}

/// Judges measurements against the budgets. A budget is a ceiling on the mean (typical cost).
/// An operation is over budget only when the **lower bound of Criterion's bootstrap confidence
/// interval of the mean** (95 %) is above the budget, i.e. the excess is significant: a quick
/// run's mean moves more than its interval admits on a shared machine, and a mean alone would
/// fail operations close to their budget by chance.
/// A mean above the budget whose interval still reaches it is within budget but flagged
/// ([`OperationResult::mean_over_budget`]); the interval is printed beside it.
pub fn evaluate(
    measurements: Vec<Measurement>,
    settings: MicroSettings,
    budgets: &dyn Budgets,
) -> MicroRun {
    let operations: Vec<OperationResult> = measurements
        .into_iter()
        .map(|m| {
            let budget = budgets.budget_for(&m.name);
            let budget_ns = budget.as_ref().map(|b| b.max_ns * settings.budget_scale);
            OperationResult {
                budget_source: budget.map(|b| b.source),
                headroom: budget_ns.map(|b| b / m.mean_ns),
                within_budget: budget_ns
                    .map(|b| budget_status(m.mean_ns, m.ci_low_ns, b) != Status::Fail),
                budget_ns,
                name: m.name,
                mean_ns: m.mean_ns,
                ci_low_ns: m.ci_low_ns,
                ci_high_ns: m.ci_high_ns,
                confidence_level: m.confidence_level,
                median_ns: m.median_ns,
                std_dev_ns: m.std_dev_ns,
                samples: m.samples,
                iterations: m.iterations,
            }
        })
        .collect();
    MicroRun::now(settings, operations)
}

/// Runs (or ingests) the suite and judges it.
pub fn run(config: &MicroConfig, budgets: &dyn Budgets) -> Result<MicroRun> {
    let mut measurements = match &config.source {
        Source::Measure(mode) => measure(*mode, config.filter.as_ref())?,
        Source::Ingest(dir) => ingest::ingest(dir)?,
    };
    if let Some(f) = &config.filter {
        measurements.retain(|m| f.is_match(&m.name));
    }
    if measurements.is_empty() {
        let origin = match &config.source {
            Source::Ingest(dir) => format!("{}: no Criterion results", dir.display()),
            Source::Measure(_) => "no benchmark results".into(),
        };
        return Err(Error::Usage(match &config.filter {
            Some(f) => format!("{origin} match --filter {:?}", f.as_str()),
            None => format!("{origin} found"),
        }));
    }
    let settings = config.settings();
    Ok(evaluate(measurements, settings, budgets))
}

/// Runs the selected benchmarks in a worker process and reads back their estimates.
fn measure(mode: Mode, filter: Option<&Regex>) -> Result<Vec<Measurement>> {
    let selected: Vec<String> = suite::names()
        .into_iter()
        .filter(|n| filter.is_none_or(|f| f.is_match(n)))
        .collect();
    if selected.is_empty() {
        return Err(Error::Usage(format!(
            "--filter {:?} matches no benchmark (available: {})",
            filter.map_or("", |f| f.as_str()),
            suite::names().join(", ")
        )));
    }
    let dataset = suite::needs_dataset(filter)
        .then(dataset::ensure)
        .transpose()?;
    let dir = tempfile::Builder::new()
        .prefix("tta-bench-criterion-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let exe = std::env::current_exe().map_err(|e| Error::io("current executable", e))?;
    let mut cmd = Command::new(&exe);
    cmd.arg("micro-worker")
        .arg("--criterion-dir")
        .arg(dir.path());
    cmd.arg("--mode").arg(mode.name());
    if let Some(path) = &dataset {
        cmd.env(dataset::CHECKED_FILE_ENV, path);
    }
    if let Some(f) = filter {
        cmd.arg("--filter").arg(f.as_str());
    }
    eprintln!(
        "tta-bench: running {} micro-benchmark(s) ({} mode); Criterion's progress follows",
        selected.len(),
        mode.name()
    );
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()));
    let status = match crate::interrupt::status(&mut cmd).map_err(|e| Error::io(&exe, e))? {
        crate::interrupt::Ended::Exited(status) => status,
        crate::interrupt::Ended::Stopped(signal) => return Err(Error::Interrupted(signal)),
    };
    if !status.success() {
        return Err(Error::Process(format!(
            "micro-benchmark worker failed ({status})"
        )));
    }
    let measurements = ingest::ingest(dir.path())?;
    let missing: Vec<&String> = selected
        .iter()
        .filter(|n| !measurements.iter().any(|m| &&m.name == n))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Process(format!(
            "micro-benchmark worker produced no result for: {}",
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(measurements)
}

/// The worker's side: run Criterion in this process, writing results under `dir`.
pub fn worker(dir: &Path, mode: Mode, filter: Option<&Regex>) -> Result<usize> {
    let _scratch = store::Scratch::create()?;
    let mut c = mode.criterion().output_directory(dir);
    let n = suite::register(&mut c, filter);
    c.final_summary();
    Ok(n)
}

/// Test input: a measurement of `name` with mean `mean_ns` and a 95 % interval of mean ± 10 %.
#[cfg(test)]
pub(crate) fn test_measurement(name: &str, mean_ns: f64) -> Measurement {
    Measurement {
        name: name.into(),
        mean_ns,
        ci_low_ns: mean_ns * 0.9,
        ci_high_ns: mean_ns * 1.1,
        confidence_level: 0.95,
        median_ns: mean_ns,
        std_dev_ns: 1.0,
        samples: 10,
        iterations: 100.0,
    }
}

/// Test input: a quick run of `(name, mean_ns)` measurements ([`test_measurement`]), judged at
/// the shipped budgets.
#[cfg(test)]
pub(crate) fn test_run(ops: &[(&str, f64)]) -> MicroRun {
    let settings = MicroSettings {
        mode: "quick".into(),
        filter: None,
        budget_scale: 1.0,
    };
    evaluate(
        ops.iter().map(|&(n, ns)| test_measurement(n, ns)).collect(),
        settings,
        crate::sla::Thresholds::shipped(),
    )
}

#[cfg(test)]
mod tests;
