//! Runs a parsed command line: converts arguments, calls the library, prints results.

use std::io::Write;

use crate::cli::convert::{CoreRequest, filter};
mod baselines;
mod capacity;
mod delivery;
mod html_report;
mod judging;
mod measure;
mod refresh;

use crate::cache_study;
use crate::check::Status;
use crate::cli::{
    Cli, Command, CoreArgs, LoadArgs, MicroArgs, MicroWorkerArgs, ServeArgs, ThresholdsCommand,
};
use crate::error::{Error, Result};
use crate::export::json::Json;
use crate::export::terminal::Terminal;
use crate::export::{Document, Exporter};
use crate::fsutil::{read_utf8_bounded, write_atomic};
use crate::micro::{self, MicroConfig, Mode, StudyRequest};
use crate::probe;
use crate::verdict::Outcome;

/// Largest JSON request `core` reads from stdin. A request holds at most a few texts of 64 KiB.
const MAX_STDIN_BYTES: usize = 2 * 1024 * 1024;

pub fn run(cli: Cli) -> Result<Outcome> {
    use crate::cli::BaselineCommand;
    // The commands that run load stop cleanly on SIGINT and SIGTERM; the others keep the
    // signals' default action (they stop at once, with nothing half-written).
    if matches!(
        cli.command,
        Command::Load(_)
            | Command::Capacity(_)
            | Command::Gate(_)
            | Command::Baseline(BaselineCommand::Save { .. } | BaselineCommand::Refresh(_))
    ) {
        crate::interrupt::install();
    }
    let result = dispatch(&cli);
    match (result, crate::interrupt::received()) {
        // What fails after a stop (a child process the terminal's Ctrl-C also reached) is the
        // stop's doing.
        (Err(e), Some(signal)) if !matches!(e, Error::Interrupted(_)) => {
            eprintln!("tta-bench: after the stop: {e}");
            Err(Error::Interrupted(signal))
        }
        (result, _) => result,
    }
}

fn dispatch(cli: &Cli) -> Result<Outcome> {
    match &cli.command {
        Command::Micro(a) => run_micro(a),
        Command::Core(a) => run_core(a),
        Command::Serve(a) => run_serve(a),
        Command::Load(a) => run_load(a),
        Command::Capacity(a) => capacity::run(a),
        Command::Check(a) => judging::check(a),
        Command::Gate(a) => judging::gate(a),
        Command::Baseline(c) => baselines::run(c),
        Command::Report(a) => html_report::report(a),
        Command::ExportAlerts(a) => {
            let t = crate::sla::Thresholds::load(&a.thresholds)?;
            let alerts = t.alerts.as_ref().ok_or_else(|| Error::Invalid {
                origin: a.thresholds.display().to_string(),
                message: "no alerts: section to export".into(),
            })?;
            if a.job.is_empty() || a.job.contains(['"', '\\', '\n']) {
                return Err(Error::Usage(format!(
                    "--job {:?}: not a plain job name",
                    a.job
                )));
            }
            let written = crate::alerts::write(&a.out, &crate::alerts::export(alerts, &a.job)?)?;
            for path in written {
                emit(&format!("{}\n", path.display()))?;
            }
            Ok(Outcome::Pass)
        }
        Command::Thresholds(ThresholdsCommand::Check { thresholds }) => {
            let t = crate::sla::Thresholds::load(thresholds)?;
            emit(&format!(
                "{}: valid ({} micro budgets, {} route levels, {} profiles; regression limits +{}% latency, +{}% memory, +{}% CPU, -{}% throughput at {} confidence; timings against a stored baseline {})\n",
                thresholds.display(),
                t.micro.len(),
                t.api.routes.len() + 1,
                t.profiles.len(),
                t.regression.response_time.0.value,
                t.regression.memory.0.value,
                t.regression.cpu.0.value,
                t.regression.throughput.0.value,
                t.regression.confidence,
                match t.regression.stored_timings {
                    crate::sla::StoredTimings::Warn => "warn",
                    crate::sla::StoredTimings::Fail => "fail",
                }
            ))?;
            Ok(Outcome::Pass)
        }
        Command::MicroWorker(a) => run_micro_worker(a),
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn emit(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("stdout", e)),
        _ => Ok(()),
    }
}

fn run_micro(args: &MicroArgs) -> Result<Outcome> {
    let config = MicroConfig::try_from(args)?;
    let study = StudyRequest::try_from(args)?;
    let thresholds = html_report::thresholds_for(&args.report)?;
    // The run is judged by the file its page is judged by, else by the built-in copy.
    let budgets: &dyn micro::Budgets = match &thresholds {
        Some(t) => t,
        None => crate::sla::Thresholds::shipped(),
    };
    // The study measures; it has nothing to read back from Criterion's results (--from).
    let sizes: Vec<(String, u64)> = match &config.source {
        micro::Source::Ingest(_) => Vec::new(),
        micro::Source::Measure(_) => study.sizes.clone().unwrap_or_else(|| budgets.cache_sizes()),
    };
    let selects = |name: &str| config.filter.as_ref().is_none_or(|f| f.is_match(name));
    let sizes: Vec<(String, u64)> = sizes
        .into_iter()
        .filter(|(label, _)| selects(&cache_study::name(label)))
        .collect();
    let any_operation = micro::suite::names().iter().any(|n| selects(n));
    if !any_operation && sizes.is_empty() {
        let mut available = micro::suite::names();
        available.extend(
            budgets
                .cache_sizes()
                .iter()
                .map(|(l, _)| cache_study::name(l)),
        );
        return Err(Error::Usage(format!(
            "--filter {:?} matches no benchmark (available: {})",
            config.filter.as_ref().map_or("", |f| f.as_str()),
            available.join(", ")
        )));
    }
    let study_run = |sizes: &[(String, u64)]| measure::cache_study(&study.workload, sizes);
    let mut run = if any_operation || matches!(config.source, micro::Source::Ingest(_)) {
        micro::run(&config, budgets)?
    } else {
        micro::MicroRun::study_only(config.settings(), study_run(&sizes)?)
    };
    if any_operation && !sizes.is_empty() {
        run.cache_study = Some(study_run(&sizes)?);
    }
    if args.instructions {
        let own = std::env::current_exe().map_err(|e| Error::io("current executable", e))?;
        eprintln!("tta-bench: counting the instructions per call under callgrind");
        run.instructions = Some(micro::count::count(
            &own,
            config.filter.as_ref(),
            &Default::default(),
        ));
    }
    if let Some(out) = &args.out {
        write_atomic(out, Json.render(Document::Micro(&run))?.as_bytes())?;
    }
    html_report::single(
        &args.report,
        thresholds.as_ref(),
        &[],
        std::slice::from_ref(&run),
    )?;
    emit(&Terminal::for_stdout().render(Document::Micro(&run))?)?;
    // The study's sizes are judged here as check and the gate judge them; the operations'
    // budgets are in `run.passed`.
    let judged = thresholds
        .as_ref()
        .unwrap_or(crate::sla::Thresholds::shipped());
    let study_checks = run.cache_study.as_ref().map_or_else(Vec::new, |study| {
        crate::sla::evaluate_cache_study(study, judged)
    });
    if !study_checks.is_empty() {
        emit(&format!(
            "cache hit-rate study against thresholds.yaml: {}",
            crate::export::terminal::checks_table(&study_checks, true, None)
        ))?;
    }
    let study_failed = study_checks.iter().any(|c| c.status == Status::Fail);
    Ok(if run.passed && !study_failed {
        Outcome::Pass
    } else {
        Outcome::Fail
    })
}

fn run_micro_worker(args: &MicroWorkerArgs) -> Result<Outcome> {
    let filter = filter(args.filter.as_deref())?;
    match (args.count, &args.criterion_dir, &args.mode) {
        (Some(n), _, _) => {
            let extra = micro::count::parse_extra_work(args.extra_work.as_deref().unwrap_or(""))
                .map_err(|e| Error::Usage(format!("--extra-work: {e}")))?;
            for (name, pid, calls) in
                micro::count::worker(filter.as_ref(), n, &extra).map_err(Error::Process)?
            {
                println!("{name} {pid} {calls}");
            }
        }
        (None, Some(dir), Some(mode)) => {
            let mode = Mode::from_name(mode)
                .ok_or_else(|| Error::Usage(format!("--mode {mode}: not quick, full or retest")))?;
            micro::worker(dir, mode, filter.as_ref())?;
        }
        _ => {
            return Err(Error::Usage(
                "micro-worker needs --count, or --criterion-dir and --mode".into(),
            ));
        }
    }
    Ok(Outcome::Pass)
}

fn run_core(args: &CoreArgs) -> Result<Outcome> {
    let request = CoreRequest::try_from(args)?;
    let answer = match request.text {
        Some(text) => {
            let input = serde_json::json!({ "text": text }).to_string();
            probe::run(request.system, &input, "--text")?
        }
        None => {
            let input = read_utf8_bounded(std::io::stdin().lock(), MAX_STDIN_BYTES, "stdin")?;
            probe::run(request.system, &input, "stdin")?
        }
    };
    let text = if request.compact {
        serde_json::to_string(&answer)
    } else {
        serde_json::to_string_pretty(&answer)
    }
    .map_err(|e| Error::Process(format!("cannot encode answer: {e}")))?;
    emit(&(text + "\n"))?;
    Ok(Outcome::Pass)
}

fn run_serve(args: &ServeArgs) -> Result<Outcome> {
    let config = tta_service::ServerConfig::try_from(args)?;
    let db = config.db.clone();
    tta_service::serve_blocking(config, |addr| {
        // The first stdout line is the bound URL, for a parent process to read.
        let _ = emit(&format!("http://{addr}\n"));
        let _ = std::io::stdout().flush();
        eprintln!(
            "tta-bench: serving the reference core on http://{addr} (database {db}); Ctrl-C stops"
        );
    })?;
    Ok(Outcome::Pass)
}

fn run_load(args: &LoadArgs) -> Result<Outcome> {
    let config = crate::load::LoadConfig::try_from(args)?;
    let p = &config.plan.profile;
    let embedded = matches!(config.target, crate::load::Target::Embedded { .. });
    let thresholds = html_report::thresholds_for(&args.report)?;
    let run = crate::load::run_to_stop(&config, |url| {
        let model = match &config.plan.arrival {
            None => format!(
                "{} users, {} s, think time × {}",
                p.users, p.duration_s, p.think_scale
            ),
            Some(a) => format!(
                "open model, {} arrivals {}, at most {} in flight",
                a.spacing.as_str(),
                a.describe(),
                a.max_in_flight
            ),
        };
        eprintln!(
            "tta-bench: profile {} ({model}) against {url}{}",
            config.plan.profile_name,
            if embedded { " (embedded service)" } else { "" }
        );
    })?;
    if let Some(out) = &args.out {
        write_atomic(out, Json.render(Document::Load(&run))?.as_bytes())?;
    }
    if let Some(signal) = run.stopped_by() {
        // What was measured is shown and kept (marked), but neither judged nor reported.
        emit(&Terminal::for_stdout().render(Document::Load(&run))?)?;
        if let Some(out) = &args.out {
            eprintln!(
                "tta-bench: the partial run in {} is marked interrupted; check and gate refuse it",
                out.display()
            );
        }
        return Err(Error::Interrupted(signal));
    }
    html_report::single(
        &args.report,
        thresholds.as_ref(),
        std::slice::from_ref(&run),
        &[],
    )?;
    emit(&Terminal::for_stdout().render(Document::Load(&run))?)?;
    Ok(if run.passed {
        Outcome::Pass
    } else {
        Outcome::Fail
    })
}
