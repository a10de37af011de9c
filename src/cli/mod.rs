//! Command-line arguments (clap derive). Only parsing lives here; each `*Args` converts into a
//! validated domain value with `TryFrom` (see [`convert`]), so validation happens in one place.

mod baseline;
mod capacity;
pub mod convert;
mod load;
mod serve;

pub use baseline::{BaselineCommand, RefreshArgs};
pub use capacity::{CapacityArgs, CapacityConfig};
pub use load::{ArrivalArgs, ArrivalOptions, LoadArgs};
pub use serve::{FaultArgs, ServeArgs};

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
    /// Run the Criterion micro-benchmarks of the reference core and check the budgets of TTA therapeutic systems benchmarks.
    Micro(MicroArgs),
    /// Probe one system of the reference core: a JSON request on stdin, its JSON answer on stdout.
    Core(CoreArgs),
    /// Serve the reference core over HTTP (patient and clinical APIs) on a loopback address.
    Serve(ServeArgs),
    /// Drive the patient and clinician journeys (goose) against the embedded service or a
    /// loopback --target, and check the profile's SLA.
    Load(LoadArgs),
    /// Find the highest arrival rate at which the target meets an SLO (open model: step the
    /// rate up, then bisect).
    Capacity(CapacityArgs),
    /// Judge saved runs (load or micro JSON) against thresholds.yaml and the baseline.
    Check(CheckArgs),
    /// Measure this build (load repetitions and micro-benchmarks), judge SLAs and regressions.
    Gate(GateArgs),
    /// Save, list, show, promote and compare baselines.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Write a self-contained HTML report from saved runs and, optionally, a saved verdict.
    Report(ReportArgs),
    /// Write Prometheus alert rules and a Grafana dashboard from thresholds.yaml's alerts.
    ExportAlerts(ExportAlertsArgs),
    /// Work with thresholds.yaml.
    #[command(subcommand)]
    Thresholds(ThresholdsCommand),
    /// Internal: the child process that runs Criterion for `micro`.
    #[command(hide = true)]
    MicroWorker(MicroWorkerArgs),
}

#[derive(Debug, Args)]
pub struct MicroArgs {
    /// Short measurement (10 samples, 0.3 s each benchmark) instead of Criterion's full
    /// defaults (100 samples, 5 s each).
    #[arg(long)]
    pub quick: bool,
    /// Only benchmarks whose name (group/function, e.g. crisis/long_crisis) matches this regex.
    #[arg(long, value_name = "RE")]
    pub filter: Option<String>,
    /// Write the run as JSON (schema_version 1) to FILE, atomically.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub report: HtmlArgs,
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
    /// Also count each operation's instructions per call under Callgrind (needs valgrind), as
    /// the gate does, into the table and the run (`--out`), so `check` can judge them.
    #[arg(long)]
    pub instructions: bool,
    /// Sizes of the cache hit-rate study (run as `cache_hit_rate/<size>`, so --filter selects
    /// them too), with units, comma-separated; default: the sizes thresholds.yaml judges.
    #[arg(long, value_name = "SIZES")]
    pub cache_sizes: Option<String>,
    /// The study's workload: key=value pairs, each overriding the default
    /// (zipf=0.99,keys=2000000,values=2KiB..16KiB,settle=1000000,requests=2000000,seed=2024,
    /// memory=1GB).
    #[arg(long, value_name = "SPEC", default_value = "")]
    pub cache_workload: String,
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
    #[arg(long, required_unless_present = "count")]
    pub criterion_dir: Option<PathBuf>,
    /// quick, full or retest (`micro::Mode`).
    #[arg(long, required_unless_present = "count")]
    pub mode: Option<String>,
    /// Instead of timing, run each operation N times inside the section Callgrind counts and
    /// print the operations' names in order (`micro::count`).
    #[arg(long, value_name = "N", conflicts_with_all = ["criterion_dir", "mode"])]
    pub count: Option<u64>,
    /// With --count: OP=FRACTION[,…] extra calls of an operation inside the counted section.
    #[arg(long, value_name = "OP=FRACTION,…", requires = "count")]
    pub extra_work: Option<String>,
    #[arg(long)]
    pub filter: Option<String>,
}

/// `--html` on load and micro: the HTML report of this one run, judged against thresholds.yaml.
#[derive(Debug, Args)]
pub struct HtmlArgs {
    /// Also write the HTML report of this run to DIR/index.html (SLAs from --thresholds).
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// thresholds.yaml for the report's SLA checks (read only with --html).
    #[arg(long, value_name = "FILE", default_value = "thresholds.yaml")]
    pub thresholds: PathBuf,
}

/// What a run is judged against: thresholds and a baseline (check, gate, report, compare).
#[derive(Debug, Args)]
pub struct JudgeArgs {
    /// thresholds.yaml to judge against.
    #[arg(long, value_name = "FILE", default_value = "thresholds.yaml")]
    pub thresholds: PathBuf,
    /// Baseline: `current` (the pointer in --baselines-dir), a file, or `none`.
    #[arg(long, value_name = "current|FILE|none", default_value = "current")]
    pub baseline: String,
    /// Baselines directory: the `current` pointer and the dated files (the report's trend).
    #[arg(long, value_name = "DIR", default_value = "baselines")]
    pub baselines_dir: PathBuf,
}

/// Where verdict outputs go, shared by check, gate and baseline compare.
#[derive(Debug, Args)]
pub struct VerdictOutputArgs {
    #[command(flatten)]
    pub judge: JudgeArgs,
    /// Write the verdict as JSON (schema/verdict.schema.json).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write a Markdown summary (for a CI step summary or PR comment).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write JUnit XML, one testcase per check.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a self-contained HTML report, DIR/index.html (charts, tables, trend).
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// Show every check, not only failing, warning and changed ones.
    #[arg(long)]
    pub all: bool,
    /// After the verdict, print the catalogue: every figure of the AI therapist performance
    /// benchmarks with what this verdict measured of it, its status, and the command that
    /// measures it (or why nothing does yet).
    #[arg(long)]
    pub catalogue: bool,
}

#[derive(Debug, Args)]
pub struct ExportAlertsArgs {
    #[arg(long, value_name = "FILE", default_value = "thresholds.yaml")]
    pub thresholds: PathBuf,
    /// Directory for tta-alerts.rules.yml and tta-dashboard.json (created if needed).
    #[arg(long, value_name = "DIR", default_value = "monitoring")]
    pub out: PathBuf,
    /// Prometheus scrape job of the TTA service, selected in every expression.
    #[arg(long, default_value = "tta")]
    pub job: String,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Load or micro runs (`load --out`, `micro --out`; several load runs are repetitions) and
    /// at most one verdict (`check --json`, `gate --json`). Without a verdict, one is judged
    /// as `check` would.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Directory for index.html (created if needed). Default: reports/<UTC date and time>.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Runs written by `load --out` or `micro --out`; several load runs are repetitions.
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: VerdictOutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// Load profile (scenarios/profiles.yaml).
    #[arg(long, default_value = "smoke")]
    pub profile: String,
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenario_dir: PathBuf,
    /// Load repetitions: 5 for a gate, 10 for a baseline unless given (a gate's 5 runs reach
    /// significance over the smoke profile's 16 metrics only against more than 5).
    #[arg(long, value_name = "N")]
    pub repeat: Option<usize>,
    /// Run only the micro-benchmarks (quick mode).
    #[arg(long)]
    pub micro: bool,
    /// Run only the load repetitions.
    #[arg(long)]
    pub load: bool,
    /// Extra work per micro operation, seen in its instruction count: OP=FRACTION[,…] (0-10),
    /// e.g. crisis/short_benign=0.25 runs it 25 % more often inside the counted section. A
    /// known slowdown of this build only, for measuring the gate's detection.
    #[arg(long, value_name = "OP=FRACTION,…")]
    pub inject_micro_work: Option<String>,
    /// The first load repetition first watches the embedded service idle this long (its CPU
    /// judged as the idle state's); "off" skips it.
    #[arg(long, value_name = "DURATION|off", default_value = "10s")]
    pub idle: String,
    #[command(flatten)]
    pub arrival: ArrivalArgs,
    #[command(flatten)]
    pub faults: FaultArgs,
}

impl MeasureArgs {
    /// `--repeat` of a gate when not given.
    pub const GATE_REPEAT: usize = 5;
    /// `--repeat` of a baseline (save, refresh) when not given.
    pub const BASELINE_REPEAT: usize = 10;

    /// The load repetitions asked, or a gate's default.
    pub fn repeat(&self) -> usize {
        self.repeat.unwrap_or(Self::GATE_REPEAT)
    }

    /// These arguments for measuring a baseline: 10 repetitions unless given.
    pub fn for_baseline(&self) -> Self {
        let mut m = self.clone();
        m.repeat.get_or_insert(Self::BASELINE_REPEAT);
        m
    }
}

#[derive(Debug, Args)]
pub struct GateArgs {
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// Judge regressions against another build of tta-bench (e.g. main's) instead of a saved
    /// baseline: both builds' services run side by side and are loaded in paired rounds of
    /// short blocks, in random order each round, as much load per build as --repeat runs of
    /// the profile; each metric is judged on the rounds' differences (Wilcoxon signed-rank).
    #[arg(long, value_name = "BINARY", conflicts_with = "baseline")]
    pub against: Option<PathBuf>,
    /// Seconds of load per block with --against. Shorter blocks make more rounds for the same
    /// load, and more rounds a smaller standard error of each estimate.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 1,
        requires = "against"
    )]
    pub block: u64,
    /// Also save every load repetition as DIR/current-N.json (with --against, every block as
    /// DIR/current-N.json and DIR/reference-N.json, N the round), for `check`, `report` or a
    /// later study. DIR must hold no such files.
    #[arg(long, value_name = "DIR")]
    pub keep_runs: Option<PathBuf>,
    #[command(flatten)]
    pub output: VerdictOutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ThresholdsCommand {
    /// Validate a thresholds file (exit 0 when valid, 2 with file:line:col when not).
    Check {
        #[arg(long, value_name = "FILE", default_value = "thresholds.yaml")]
        thresholds: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure_of(args: &[&str]) -> MeasureArgs {
        match Cli::try_parse_from(args).expect("valid arguments").command {
            Command::Gate(g) => g.measure,
            Command::Baseline(BaselineCommand::Refresh(r)) => r.measure,
            Command::Baseline(BaselineCommand::Save { measure, .. }) => measure,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_baseline_measures_ten_repetitions_and_a_gate_five_unless_told() {
        let gate = measure_of(&["tta-bench", "gate"]);
        assert_eq!(gate.repeat(), 5);
        for args in [
            &["tta-bench", "baseline", "refresh"][..],
            &["tta-bench", "baseline", "save", "--label", "x"][..],
        ] {
            assert_eq!(measure_of(args).for_baseline().repeat(), 10, "{args:?}");
        }
        let told = measure_of(&["tta-bench", "baseline", "refresh", "--repeat", "3"]);
        assert_eq!(told.for_baseline().repeat(), 3);
    }
}
