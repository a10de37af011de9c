//! Command-line arguments (clap derive). Only parsing lives here; each `*Args` converts into a
//! validated domain value with `TryFrom` (see [`convert`]), so validation happens in one place.

pub mod convert;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Performance benchmarking and SLA validation for the TTA therapeutic platform.
///
/// Exit codes: 0 pass, 1 an SLA, budget or regression check failed, 2 the run could not be
/// judged (bad input, missing file, internal error).
#[derive(Debug, Parser)]
#[command(name = "tta-bench", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Criterion micro-benchmarks of the reference core and check seed 000's budgets.
    Micro(MicroArgs),
    /// Probe one system of the reference core: a JSON request on stdin, its JSON answer on stdout.
    Core(CoreArgs),
    /// Internal: the child process that runs Criterion for `micro`.
    #[command(hide = true)]
    MicroWorker(MicroWorkerArgs),
}

#[derive(Debug, Args)]
pub struct MicroArgs {
    /// Short measurement (10 samples, 0.3 s each benchmark, ~15 s in all) instead of Criterion's
    /// full defaults (~3 min).
    #[arg(long)]
    pub quick: bool,
    /// Only benchmarks whose name (group/function, e.g. crisis/long_crisis) matches this regex.
    #[arg(long, value_name = "RE")]
    pub filter: Option<String>,
    /// Write the run as JSON (schema_version 1) to FILE, atomically.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Multiply every budget by F before checking (0.01 demands 100× headroom).
    #[arg(
        long,
        value_name = "F",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    pub budget_scale: f64,
    /// Do not run anything: read Criterion results from DIR (e.g. target/criterion after
    /// `cargo bench`) and judge those.
    #[arg(long, value_name = "DIR", conflicts_with = "quick")]
    pub from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CoreArgs {
    /// crisis, consequences, difficulty, character, frameworks, session, replay, collaboration,
    /// recovery or turn.
    pub system: String,
    /// Text to assess (crisis only), instead of a JSON request on stdin.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<OsString>,
    /// Print compact one-line JSON instead of pretty-printed JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MicroWorkerArgs {
    #[arg(long)]
    pub criterion_dir: PathBuf,
    #[arg(long)]
    pub quick: bool,
    #[arg(long)]
    pub filter: Option<String>,
}
