//! A micro run as `--out` writes it: its settings, each operation's result and the one budget
//! rule that judges it.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{SCHEMA_VERSION, count};
use crate::check::Status;
use crate::environment::Environment;

/// Settings recorded with a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicroSettings {
    /// `quick`, `full`, `retest` (the gate's retest) or `ingested`.
    pub mode: String,
    pub filter: Option<String>,
    pub budget_scale: f64,
}

/// One operation's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationResult {
    pub name: String,
    /// Mean time per operation and its bootstrap confidence interval (Criterion's estimate).
    pub mean_ns: f64,
    pub ci_low_ns: f64,
    pub ci_high_ns: f64,
    pub confidence_level: f64,
    pub median_ns: f64,
    pub std_dev_ns: f64,
    pub samples: usize,
    pub iterations: f64,
    /// Seed 000's budget × budget scale; `null` for benchmarks without one.
    pub budget_ns: Option<f64>,
    pub budget_source: Option<String>,
    /// budget / mean.
    pub headroom: Option<f64>,
    /// False only when the mean is significantly above the budget: the lower bound of its
    /// confidence interval is above it (see [`evaluate`]).
    pub within_budget: Option<bool>,
}

/// The one budget rule, for `micro` and the gate alike: over budget (`Fail`) only when the
/// lower bound of the mean's confidence interval is above `budget_ns`; a mean above it whose
/// interval still reaches it is a `Warn`.
pub fn budget_status(mean_ns: f64, ci_low_ns: f64, budget_ns: f64) -> Status {
    if ci_low_ns > budget_ns {
        Status::Fail
    } else if mean_ns > budget_ns {
        Status::Warn
    } else {
        Status::Pass
    }
}

impl OperationResult {
    /// [`budget_status`] against this run's own budget; `None` without one.
    pub fn budget_status(&self) -> Option<Status> {
        self.budget_ns
            .map(|b| budget_status(self.mean_ns, self.ci_low_ns, b))
    }

    /// The mean is above the budget, significantly or not.
    pub fn mean_over_budget(&self) -> bool {
        self.budget_status().is_some_and(|s| s != Status::Pass)
    }
}

/// A micro-benchmark run as written by `--out`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicroRun {
    pub schema_version: u32,
    pub kind: String,
    pub created_unix_s: u64,
    pub environment: Environment,
    pub settings: MicroSettings,
    pub operations: Vec<OperationResult>,
    /// True when no operation with a budget is significantly over it.
    pub passed: bool,
    /// Instructions per call, counted under Callgrind, or why not; absent when not asked (or
    /// in runs written before they were counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<count::Counting>,
    /// The cache hit-rate study, when it ran with this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_study: Option<crate::cache_study::CacheStudy>,
}

impl MicroRun {
    /// A run that holds only instruction counts: a reference build's, in a paired gate, which
    /// times nothing of that build.
    pub fn counted_only(counting: count::Counting) -> Self {
        let settings = MicroSettings {
            mode: "counted".into(),
            filter: None,
            budget_scale: 1.0,
        };
        let mut run = Self::now(settings, Vec::new());
        run.instructions = Some(counting);
        run
    }

    /// A run made now on this machine of `operations`, not yet counted.
    pub(super) fn now(settings: MicroSettings, operations: Vec<OperationResult>) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            kind: "micro".into(),
            created_unix_s: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            environment: Environment::detect(),
            settings,
            passed: operations.iter().all(|o| o.within_budget != Some(false)),
            operations,
            instructions: None,
            cache_study: None,
        }
    }

    /// A run of the cache study alone (`micro --filter` selecting no operation).
    pub fn study_only(settings: MicroSettings, study: crate::cache_study::CacheStudy) -> Self {
        let mut run = Self::now(settings, Vec::new());
        run.cache_study = Some(study);
        run
    }
}
