//! A load run: choose the target (the embedded reference service, started as a child process of
//! the same binary so its CPU and memory are measured apart, or a `--target` on loopback), wait
//! for its `/health`, sample resources, run the plan with goose, show progress, and assemble the
//! [`RunResult`].

pub mod interleave;
pub mod target;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::driver::Counters;
use crate::driver::arrival as arrival_driver;
use crate::driver::goose as goose_driver;
use crate::error::{Error, Result};
use crate::run::database::DatabaseUsage;
use crate::run::writes::{ServiceWrites, Writer, parse_counters};
use crate::run::{self, RunResult, TargetInfo};
use crate::scenario::Plan;
use crate::sysmon::{DEFAULT_INTERVAL, Sampler};
use target::{EmbeddedServer, check_loopback, wait_healthy};
use tta_service::FaultConfig;
use tta_stats::Recorder;

/// Where the load goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Start `serve` of `exe` (this binary when `None`; another build, or a copy, for an
    /// interleaved A/B gate) as a child with these faults injected.
    Embedded {
        exe: Option<std::path::PathBuf>,
        faults: FaultConfig,
    },
    /// An already running service (loopback only).
    Url(String),
}

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub plan: Plan,
    pub target: Target,
    pub sample_interval: Duration,
    /// Live progress on stderr (drawn only on a terminal).
    pub progress: bool,
    /// Seconds the embedded service is watched idle, once healthy and before any load: its
    /// CPU then is the idle state's (zero: not watched).
    pub idle: Duration,
}

impl LoadConfig {
    pub fn new(plan: Plan, target: Target) -> Self {
        Self {
            plan,
            target,
            sample_interval: DEFAULT_INTERVAL,
            progress: true,
            idle: Duration::ZERO,
        }
    }
}

/// Patients to seed in the embedded service so every simulated user has an account: patients
/// 1…4U give clinicians 1…U (the service seeds N/4 clinicians), covering any user mix of U users.
/// The open model makes users on demand, at most its in-flight cap per journey.
pub(crate) fn seed_users(plan: &Plan) -> u32 {
    let users = match &plan.arrival {
        Some(a) => a.max_in_flight,
        None => plan.profile.users,
    };
    (users as u32).saturating_mul(4).max(4)
}

/// Runs the load described by `config`; `on_ready` is told the URL once the target is healthy.
/// A stop signal during the run is an [`Error::Interrupted`].
pub fn run(config: &LoadConfig, on_ready: impl FnOnce(&str)) -> Result<RunResult> {
    complete(run_to_stop(config, on_ready)?)
}

/// As [`run`], but a run a stop signal cut short is returned, marked
/// [`interrupted`](RunResult::interrupted), with what it measured until then.
pub fn run_to_stop(config: &LoadConfig, on_ready: impl FnOnce(&str)) -> Result<RunResult> {
    let plan = &config.plan;
    let (server, url) = start(&config.target, plan)?;
    on_ready(&url);
    let pid = server.as_ref().map(EmbeddedServer::pid);
    let run = watch_idle(pid, config.idle, config.sample_interval).and_then(|idle| {
        let mut run = drive_to_stop(plan, &url, pid, config.sample_interval, config.progress)?;
        run.idle = idle;
        Ok(run)
    });
    if let Some(s) = server {
        s.stop();
    }
    run
}

/// The embedded service's CPU while nothing loads it, over `idle` (none for a `--target`, whose
/// process is not ours to watch, or when `idle` is zero). A stop signal ends it early.
fn watch_idle(
    server_pid: Option<u32>,
    idle: Duration,
    interval: Duration,
) -> Result<Option<run::IdleMeasure>> {
    let Some(pid) = server_pid.filter(|_| !idle.is_zero()) else {
        return Ok(None);
    };
    eprintln!(
        "tta-bench: watching the service idle for {} s before the load",
        idle.as_secs_f64()
    );
    let sampler = Sampler::start(vec![("server".to_string(), pid)], interval);
    let started = Instant::now();
    while started.elapsed() < idle {
        if let Some(signal) = crate::interrupt::received() {
            drop(sampler.finish());
            return Err(Error::Interrupted(signal));
        }
        std::thread::sleep(Duration::from_millis(50).min(idle.saturating_sub(started.elapsed())));
    }
    let seconds = started.elapsed().as_secs_f64();
    let resources = sampler.finish();
    Ok(resources.summaries.get("server").map(|s| run::IdleMeasure {
        seconds,
        samples: s.samples,
        cpu_mean_percent: s.cpu_mean_percent,
        cpu_peak_percent: s.cpu_peak_percent,
    }))
}

/// Makes `target` ready for `plan`: starts the embedded service (with accounts for the plan's
/// users) or checks a URL, then waits for its `/health`. Returns the service, if started, and
/// the URL to load.
pub(crate) fn start(target: &Target, plan: &Plan) -> Result<(Option<EmbeddedServer>, String)> {
    let (server, url) = match target {
        Target::Embedded { exe, faults } => {
            let exe = match exe {
                Some(exe) => exe.clone(),
                None => std::env::current_exe().map_err(|e| Error::io("current executable", e))?,
            };
            let server = EmbeddedServer::start(&exe, seed_users(plan), faults)?;
            let url = server.url.clone();
            (Some(server), url)
        }
        Target::Url(url) => {
            check_loopback(url)?;
            (None, url.trim_end_matches('/').to_string())
        }
    };
    wait_healthy(&url, Duration::from_secs(15))?;
    Ok((server, url))
}

/// One run of `plan` against the healthy service at `url`: samples the harness's resources
/// (and the server's, given its pid, which also marks the target as embedded), drives the
/// journeys with goose and assembles the [`RunResult`]. The service is left running. A stop
/// signal during the run is an [`Error::Interrupted`].
pub(crate) fn drive(
    plan: &Plan,
    url: &str,
    server_pid: Option<u32>,
    sample_interval: Duration,
    show_progress: bool,
) -> Result<RunResult> {
    complete(drive_to_stop(
        plan,
        url,
        server_pid,
        sample_interval,
        show_progress,
    )?)
}

/// `run`, unless a stop signal cut it short.
fn complete(run: RunResult) -> Result<RunResult> {
    match run.stopped_by() {
        Some(signal) => Err(Error::Interrupted(signal)),
        None => Ok(run),
    }
}

/// As [`drive`], but a run cut short by a stop signal is returned, marked interrupted.
fn drive_to_stop(
    plan: &Plan,
    url: &str,
    server_pid: Option<u32>,
    sample_interval: Duration,
    show_progress: bool,
) -> Result<RunResult> {
    if let Some(signal) = crate::interrupt::received() {
        return Err(Error::Interrupted(signal));
    }
    let mut watched = vec![("harness".to_string(), std::process::id())];
    if let Some(pid) = server_pid {
        watched.push(("server".to_string(), pid));
    }
    let metrics_before = target::read_metrics(url).map(|text| (Instant::now(), text));
    let sampler = Sampler::start(watched, sample_interval);
    let recorder = Arc::new(Recorder::new());
    let counters = Arc::new(Counters::default());
    // The open model runs on one thread: its requests are futures of one task, and a second
    // worker's cross-thread wake-ups cost more CPU per request than it gains (measured with
    // scripts/generator-cost.sh); goose's users keep the multi-threaded runtime.
    let mut builder = match plan.arrival {
        Some(_) => tokio::runtime::Builder::new_current_thread(),
        None => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = builder
        .enable_all()
        .build()
        .map_err(|e| Error::Process(format!("cannot start the async runtime: {e}")))?;
    let started = Instant::now();
    let progress = show_progress.then(|| progress::start(recorder.clone(), plan));
    let mut sessions = None;
    let outcome = match (&plan.profile.sessions, &plan.arrival) {
        (Some(study), _) => {
            let deadline = started + Duration::from_secs(plan.profile.duration_s);
            let users = plan.profile.users;
            runtime
                .block_on(crate::session_study::drive(
                    url,
                    study,
                    users,
                    recorder.clone(),
                    deadline,
                ))
                .map(|s| sessions = Some(s))
        }
        (None, None) => runtime.block_on(goose_driver::run(
            plan,
            url,
            recorder.clone(),
            counters.clone(),
        )),
        (None, Some(arrival)) => {
            let (plan, arrival, url) = (plan.clone(), arrival.clone(), url.to_string());
            let (recorder, counters) = (recorder.clone(), counters.clone());
            let run =
                async move { arrival_driver::run(&plan, &arrival, &url, recorder, counters).await };
            // A task of its own, so that a panic in it is an error, not an abort.
            runtime.block_on(async move {
                tokio::spawn(run)
                    .await
                    .map_err(|e| Error::Process(format!("the open-model executor failed: {e}")))?
            })
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    if let Some(p) = progress {
        p.finish();
    }
    let resources = sampler.finish();
    let (service_writes, database) = service_usage(url, metrics_before);
    let stop = crate::interrupt::received();
    outcome?;
    let (routes, steps, timeline) = recorder.finish();
    if routes.values().all(|s| s.histogram.is_empty()) {
        if let Some(signal) = stop {
            return Err(Error::Interrupted(signal));
        }
        return Err(Error::Process(format!(
            "no request reached {url}: every step was skipped or dropped"
        )));
    }
    let all = run::arrival::merged(routes.values());
    let mut result = run::assemble(
        TargetInfo {
            url: url.to_string(),
            embedded: server_pid.is_some(),
        },
        &plan.profile_name,
        &plan.profile,
        seconds,
        routes,
        steps,
        timeline,
        counters.skipped.load(std::sync::atomic::Ordering::Relaxed),
        resources,
    );
    if let Some(arrival) = &plan.arrival {
        run::arrival::attach(&mut result, arrival, &counters, &all);
    }
    result.service_writes = service_writes;
    result.database = database;
    result.sessions = sessions;
    if let Some(signal) = stop {
        // Nothing judges a partial run: its profile checks would measure the stop.
        result.checks.clear();
        result.passed = false;
        result.interrupted = Some(run::Interruption {
            signal: signal.name().to_string(),
            cancelled: counters
                .cancelled
                .load(std::sync::atomic::Ordering::Relaxed),
        });
    }
    Ok(result)
}

/// What the service reports it wrote and what its database cost, from its `/metrics` read
/// before the load (`before`, with when) and now; none of either it does not report.
fn service_usage(
    url: &str,
    before: Option<(Instant, String)>,
) -> (Option<ServiceWrites>, Option<DatabaseUsage>) {
    let Some(((at, before), after)) = before.zip(target::read_metrics(url)) else {
        return (None, None);
    };
    let seconds = at.elapsed().as_secs_f64();
    let (b, a) = (parse_counters(&before), parse_counters(&after));
    let writes = Some(ServiceWrites::between(&b, &a, seconds))
        .filter(|w| Writer::ALL.iter().any(|x| w.bytes(*x).is_some()));
    (writes, DatabaseUsage::between(&before, &after, seconds))
}

mod progress {
    //! Live progress: elapsed, users, requests, errors, current rate, p95 so far.

    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread::JoinHandle;
    use std::time::Duration;

    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

    use crate::scenario::Plan;
    use tta_stats::Recorder;

    pub struct Progress {
        stop: Arc<AtomicBool>,
        handle: JoinHandle<()>,
    }

    pub fn start(recorder: Arc<Recorder>, plan: &Plan) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(plan.profile.duration_s),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:20}] {pos}/{len} s  {msg}")
                .expect("static template")
                .progress_chars("=> "),
        );
        let users = plan.profile.users;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let p = recorder.progress();
                bar.set_position(bar.elapsed().as_secs());
                bar.set_message(format!(
                    "{users} users  {} requests  {} errors  {} req/s  p95 {:.1} ms",
                    p.requests, p.errors, p.current_rps, p.p95_ms
                ));
                std::thread::sleep(Duration::from_millis(250));
            }
            bar.finish_and_clear();
        });
        Progress { stop, handle }
    }

    impl Progress {
        pub fn finish(self) {
            self.stop.store(true, Ordering::Relaxed);
            let _ = self.handle.join();
        }
    }
}
