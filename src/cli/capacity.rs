//! `capacity`'s arguments, and their conversion into a validated search.

use std::path::PathBuf;

use clap::Args;

use super::convert::{duration_s, target};
use super::{ArrivalOptions, FaultArgs};
use crate::capacity::search::Limits;
use crate::capacity::slo::Slo;
use crate::error::{Error, Result};
use crate::load::Target;
use crate::scenario::arrival::{ArrivalSpec, MAX_RATE, parse_rate};
use crate::scenario::{self, Executor, Overrides, Plan};
use tta_service::FaultConfig;

#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Profile whose journeys and mix make the load (its duration and think time do not apply).
    #[arg(long, default_value = "smoke")]
    pub profile: String,
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenario_dir: PathBuf,
    /// A running service to search (loopback only); without it the embedded service is started.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// What a step must meet: METRIC<LIMIT clauses (p50, p90, p95, p99, p999, max from each
    /// request's intended start; errors and dropped as shares). The default is the TTA
    /// performance monitoring guidelines' API p95 < 200 ms.
    #[arg(long, default_value = "p95<200ms,errors<1%,dropped<0.1%")]
    pub slo: String,
    /// First rate tried.
    #[arg(long, value_name = "R/s", default_value = "50/s")]
    pub start: String,
    /// Highest rate tried.
    #[arg(long, value_name = "R/s", default_value = "20000/s")]
    pub max_rate: String,
    /// Each step up multiplies the rate by this.
    #[arg(long, value_name = "F", default_value_t = 2.0)]
    pub factor: f64,
    /// Bisection stops when the rate that missed is within this share of the one that met.
    #[arg(long, value_name = "PCT", default_value = "5%")]
    pub precision: String,
    /// Load per step.
    #[arg(long, value_name = "D", default_value = "10s")]
    pub step: String,
    /// Steps at most.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub max_steps: usize,
    /// Load of the whole search at most (steps that would pass it are not run).
    #[arg(long, value_name = "D", default_value = "10m")]
    pub max_time: String,
    #[command(flatten)]
    pub arrival: ArrivalOptions,
    /// Write the search (schema/capacity.schema.json) to FILE, atomically.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the search's HTML page to DIR/index.html.
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// A validated capacity search.
#[derive(Debug, Clone)]
pub struct CapacityConfig {
    pub slo: Slo,
    pub limits: Limits,
    pub target: Target,
    pub profile: String,
    pub scenario_dir: PathBuf,
    pub arrival: ArrivalSpec,
    pub out: Option<PathBuf>,
    pub html: Option<PathBuf>,
}

impl CapacityConfig {
    /// The plan of one step at `rate`.
    pub fn plan(&self, rate: f64) -> Result<Plan> {
        let overrides = Overrides {
            executor: Some(Executor::ArrivalRate),
            duration_s: Some(self.limits.step_s),
            arrival: ArrivalSpec {
                rate: Some(format!("{rate}/s")),
                stages: None,
                ..self.arrival.clone()
            },
            ..Overrides::default()
        };
        scenario::plan(&self.scenario_dir, &[], &self.profile, &overrides)
    }
}

impl TryFrom<&CapacityArgs> for CapacityConfig {
    type Error = Error;

    fn try_from(a: &CapacityArgs) -> Result<Self> {
        let usage = |m: String| Error::Usage(m);
        let slo = Slo::parse(&a.slo).map_err(usage)?;
        let start_rps = parse_rate("--start", &a.start, false).map_err(usage)?;
        let max_rps = parse_rate("--max-rate", &a.max_rate, false).map_err(usage)?;
        if max_rps < start_rps {
            return Err(usage(format!(
                "--max-rate {} is below --start {}",
                a.max_rate, a.start
            )));
        }
        if !(a.factor.is_finite() && a.factor > 1.0 && a.factor <= 10.0) {
            return Err(usage(format!(
                "--factor must be above 1 and at most 10, got {}",
                a.factor
            )));
        }
        let precision = a
            .precision
            .strip_suffix('%')
            .and_then(|p| p.trim().parse::<f64>().ok())
            .filter(|p| *p > 0.0 && *p <= 100.0)
            .ok_or_else(|| {
                usage(format!(
                    "--precision {:?}: expected a share such as 5%",
                    a.precision
                ))
            })?;
        if a.max_steps == 0 || a.max_steps > 100 {
            return Err(usage(format!(
                "--max-steps must be 1-100, got {}",
                a.max_steps
            )));
        }
        let limits = Limits {
            start_rps,
            max_rps: max_rps.min(MAX_RATE),
            factor: a.factor,
            precision: precision / 100.0,
            max_steps: a.max_steps,
            step_s: duration_s("--step", &a.step)?,
            max_time_s: duration_s("--max-time", &a.max_time)?,
        };
        if limits.step_s > limits.max_time_s {
            return Err(usage(format!(
                "--step {} is longer than --max-time {}",
                a.step, a.max_time
            )));
        }
        let target = target(a.target.as_ref(), FaultConfig::try_from(&a.faults)?)?;
        let config = Self {
            slo,
            limits,
            target,
            profile: a.profile.clone(),
            scenario_dir: a.scenario_dir.clone(),
            arrival: ArrivalSpec::try_from(&a.arrival)?,
            out: a.out.clone(),
            html: a.html.clone(),
        };
        // The profile and the options are checked before anything starts.
        config.plan(config.limits.start_rps)?;
        Ok(config)
    }
}
