//! The `baseline` subcommands' arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{MeasureArgs, VerdictOutputArgs};

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Measure (or take saved runs) and write baselines/YYYY-MM-DD-LABEL.json.
    Save {
        #[arg(long)]
        label: String,
        /// Use these saved runs instead of measuring (`--from a.json b.json …`, or repeated).
        #[arg(long, value_name = "RUN.json", num_args = 1..)]
        from: Vec<PathBuf>,
        #[command(flatten)]
        measure: MeasureArgs,
        #[arg(long, value_name = "DIR", default_value = "baselines")]
        baselines_dir: PathBuf,
        /// Replace an existing file of the same date and label.
        #[arg(long)]
        force: bool,
        /// Also point `current` at it.
        #[arg(long)]
        promote: bool,
    },
    /// List the baselines, oldest first, marking the current one.
    List {
        #[arg(long, value_name = "DIR", default_value = "baselines")]
        baselines_dir: PathBuf,
    },
    /// Summarise one baseline (`current`, a name in the store, or a path).
    Show {
        name: String,
        #[arg(long, value_name = "DIR", default_value = "baselines")]
        baselines_dir: PathBuf,
    },
    /// Point `current` at a baseline, atomically.
    Promote {
        name: String,
        #[arg(long, value_name = "DIR", default_value = "baselines")]
        baselines_dir: PathBuf,
    },
    /// Quarterly refresh: measure load and micro repeatedly, save a new dated baseline, show
    /// what changed against the current one and the trend, then move `current` if confirmed.
    Refresh(RefreshArgs),
    /// Judge baseline B against baseline A (exit 1 when B regressed).
    Compare {
        a: String,
        b: String,
        #[command(flatten)]
        output: VerdictOutputArgs,
    },
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    #[arg(long, default_value = "refresh")]
    pub label: String,
    /// Quick micro runs; the first also holds the instruction counts (5 or more let the
    /// wall-time means of operations without counts be judged).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub micro_repeat: usize,
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// Verdict outputs; --baseline names the one to compare with (default: current). The HTML
    /// report goes to --html, else reports/baseline-refresh-<UTC date and time>.
    #[command(flatten)]
    pub output: VerdictOutputArgs,
    /// Move `current` to the new baseline without asking (for automation).
    #[arg(long)]
    pub yes: bool,
    /// Replace an existing baseline of the same date and label.
    #[arg(long)]
    pub force: bool,
}
