//! `load`'s arguments, and the open model's that `gate` and `capacity` share.

use std::path::PathBuf;

use clap::Args;

use super::{FaultArgs, HtmlArgs};

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Profile from scenarios/profiles.yaml: smoke, light, medium, heavy, staging, stress, soak.
    #[arg(long, default_value = "smoke")]
    pub profile: String,
    /// Journey files to run instead of every journey in the mix.
    #[arg(long, value_name = "FILE")]
    pub scenario: Vec<PathBuf>,
    /// Directory holding profiles.yaml and the journeys.
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenario_dir: PathBuf,
    /// A running service to load (loopback only); without it the embedded service is started.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// Override the profile's user count.
    #[arg(long, value_name = "N")]
    pub users: Option<usize>,
    /// Override the profile's duration: seconds, or with a unit (90s, 2m, 1h).
    #[arg(long, value_name = "D")]
    pub duration: Option<String>,
    /// Multiply the journeys' think times (0 finds capacity).
    #[arg(long, value_name = "F")]
    pub think_scale: Option<f64>,
    /// Write the run (RunResult JSON, schema_version 1) to FILE, atomically.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub report: HtmlArgs,
    /// Resource sampling interval in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub sample_ms: u64,
    /// Watch the embedded service idle this long (10, 10s, 1m) once healthy, before the load:
    /// its CPU then is judged as the idle state's.
    #[arg(long, value_name = "DURATION")]
    pub idle: Option<String>,
    #[command(flatten)]
    pub arrival: ArrivalArgs,
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// The open model (load, gate, capacity): arrivals on a schedule, timed from their intended start.
#[derive(Debug, Clone, Default, Args)]
pub struct ArrivalArgs {
    /// closed (goose: users wait for answers) or arrival-rate (requests start on a fixed
    /// schedule, timed from their intended start). --rate or --stages imply arrival-rate.
    #[arg(long, value_name = "closed|arrival-rate")]
    pub executor: Option<String>,
    /// Arrivals per second held for the profile's duration: 150, 150/s or 9000/m.
    #[arg(
        long,
        value_name = "R/s",
        conflicts_with = "stages",
        allow_hyphen_values = true
    )]
    pub rate: Option<String>,
    /// Stages ramping linearly from 0, DURATION:RATE,…: e.g. 30s:50/s,60s:150/s,30s:0/s
    /// (a 0s stage jumps). They set the run's duration.
    #[arg(long, value_name = "D:R/s,…")]
    pub stages: Option<String>,
    #[command(flatten)]
    pub options: ArrivalOptions,
}

/// How the open model sends, whatever the rate (load, gate, capacity).
#[derive(Debug, Clone, Default, Args)]
pub struct ArrivalOptions {
    /// Requests in flight at most; an arrival finding them all busy is dropped (default 500).
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<usize>,
    /// uniform (evenly spaced, the default) or poisson (exponential gaps from --seed).
    #[arg(long, value_name = "uniform|poisson")]
    pub spacing: Option<String>,
    /// Seed of the Poisson gaps and the run's random picks (steps, pool values); default 1.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}
