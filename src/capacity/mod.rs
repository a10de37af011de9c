//! `tta-bench capacity`: the highest arrival rate at which the target meets an SLO. Each step
//! is an open-model run at one constant rate ([`crate::driver::arrival`]); the search steps the
//! rate up, then bisects ([`search`]); each step is judged on its latency from the intended
//! start, its errors and its drops ([`slo`]). A step whose generator fell behind its schedule
//! counts as missed and says so: past it the figures describe the generator, not the target.

pub mod search;
pub mod slo;

use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::error::Result;
use crate::run::{RunResult, TargetInfo};
use search::{Limits, Next, Search, Stop};
use slo::Slo;

pub const SCHEMA_VERSION: u32 = 1;

/// One step of the search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub offered_rps: f64,
    /// Requests answered per second of the step.
    pub achieved_rps: f64,
    pub requests: u64,
    /// From each request's intended start, every route.
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub error_rate: f64,
    pub dropped_share: f64,
    pub lag_p99_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator_behind: Option<String>,
    pub met_slo: bool,
    /// The clauses missed, with their values.
    pub misses: Vec<String>,
}

impl Step {
    fn of(offered_rps: f64, run: &RunResult, slo: &Slo) -> Self {
        let a = run.arrival.as_ref();
        let behind = a.and_then(|a| a.generator_behind.clone());
        let mut misses = slo.misses(run);
        if behind.is_some() {
            misses.push("the generator fell behind its schedule".into());
        }
        Self {
            offered_rps,
            achieved_rps: run.totals.throughput_rps,
            requests: run.totals.count,
            p50_ms: run.totals.p50_ms,
            p95_ms: run.totals.p95_ms,
            p99_ms: run.totals.p99_ms,
            error_rate: run.totals.error_rate,
            dropped_share: a.map_or(0.0, |a| a.dropped_share),
            lag_p99_ms: a.map_or(0.0, |a| a.lag.p99_ms),
            generator_behind: behind,
            met_slo: misses.is_empty(),
            misses,
        }
    }
}

/// A whole search, as `capacity --out` writes it (`schema/capacity.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityResult {
    pub schema_version: u32,
    pub kind: String,
    pub created: String,
    pub environment: Environment,
    pub target: TargetInfo,
    pub profile_name: String,
    pub slo: Slo,
    pub limits: Limits,
    /// In the order run.
    pub steps: Vec<Step>,
    /// The highest offered rate that met the SLO.
    pub knee_rps: Option<f64>,
    pub stopped: Stop,
}

impl CapacityResult {
    /// What the search found, in one sentence.
    pub fn conclusion(&self) -> String {
        let first_miss = self
            .steps
            .iter()
            .filter(|s| !s.met_slo)
            .min_by(|a, b| a.offered_rps.total_cmp(&b.offered_rps));
        let miss = first_miss.map_or(String::new(), |s| {
            format!("; {}/s missed it: {}", s.offered_rps, s.misses.join(", "))
        });
        match (self.knee_rps, self.stopped) {
            (Some(k), Stop::Knee) => format!(
                "capacity: {k}/s is the highest rate that met the SLO {:?}{miss}",
                self.slo.text
            ),
            (Some(k), Stop::MaxRate) => format!(
                "capacity: at least {k}/s, the --max-rate, met the SLO {:?}",
                self.slo.text
            ),
            (Some(k), Stop::Steps | Stop::Time) => format!(
                "capacity: at least {k}/s met the SLO {:?}; the search ran out of {} before narrowing it{miss}",
                self.slo.text,
                if self.stopped == Stop::Steps {
                    "steps"
                } else {
                    "time"
                }
            ),
            (_, _) => format!(
                "capacity: no rate met the SLO {:?}{miss}; try a lower --start",
                self.slo.text
            ),
        }
    }
}

/// Runs the search: `measure` loads the target at a rate for one step and returns the run;
/// `on_step` is told each step as it ends.
pub fn search(
    limits: &Limits,
    slo: &Slo,
    mut measure: impl FnMut(f64) -> Result<RunResult>,
    mut on_step: impl FnMut(&Step),
) -> Result<(Vec<Step>, Option<f64>, Stop)> {
    let mut search = Search::new(limits.clone());
    let mut steps = Vec::new();
    loop {
        match search.next() {
            Next::Run(rate) => {
                let run = measure(rate)?;
                let step = Step::of(rate, &run, slo);
                search.record(rate, step.met_slo);
                on_step(&step);
                steps.push(step);
            }
            Next::Done(stop) => return Ok((steps, search.knee(), stop)),
        }
    }
}
