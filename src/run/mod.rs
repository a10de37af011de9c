//! The result of a load run, as `--out` writes it (`schema/run-result.schema.json`): per-route and
//! per-step summaries with their histograms kept whole, the per-second timeline, resources,
//! errors by kind, and the profile's own SLA checks.

pub mod arrival;
pub mod database;
pub mod exposition;
pub mod writes;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::scenario::{Executor, Profile};
use crate::sysmon::Resources;
use arrival::{ArrivalReport, OpenSeriesResult};
use tta_stats::{Second, Series, Summary};

/// Version 2 added the open model (`executor`, `arrival`, each series' `open`, each second's
/// `dropped`); a version 1 run reads as a closed-model run.
pub const SCHEMA_VERSION: u32 = 2;
/// The oldest version this tool reads.
pub const OLDEST_SCHEMA_VERSION: u32 = 1;

/// One route's or step's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesResult {
    pub summary: Summary,
    pub errors: BTreeMap<String, u64>,
    /// HdrHistogram V2, base64; latencies in µs (open model: from the intended start).
    pub histogram: String,
    /// Open model only: service time, lag and dropped arrivals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<OpenSeriesResult>,
}

impl SeriesResult {
    fn from_series(s: &Series, seconds: f64) -> Self {
        Self {
            summary: tta_stats::summarize(&s.histogram, s.error_count(), seconds),
            errors: s.errors.clone(),
            histogram: tta_stats::encode(&s.histogram),
            open: OpenSeriesResult::from_series(s, seconds),
        }
    }
}

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetInfo {
    pub url: String,
    /// True when tta-bench started its own reference service.
    pub embedded: bool,
}

/// A check of a load run against its profile's own `sla:` block (scenarios/profiles.yaml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileCheck {
    pub name: String,
    /// `<=` or `>=`.
    pub comparison: String,
    pub target: f64,
    pub actual: f64,
    pub unit: String,
    pub passed: bool,
}

/// A run a stop signal cut short: what it measured until then, which nothing judges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interruption {
    /// `SIGINT` or `SIGTERM`.
    pub signal: String,
    /// Requests cut off by the stop, or failed after it: not among the errors.
    pub cancelled: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunResult {
    pub schema_version: u32,
    pub kind: String,
    pub created_unix_s: u64,
    pub environment: Environment,
    /// The load model (absent before schema version 2: closed).
    #[serde(default)]
    pub executor: Executor,
    /// The open model's plan and arrivals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<ArrivalReport>,
    pub target: TargetInfo,
    pub profile_name: String,
    pub profile: Profile,
    /// Measured from the first user start to the end of the run.
    pub duration_s: f64,
    pub totals: Summary,
    pub routes: BTreeMap<String, SeriesResult>,
    pub steps: BTreeMap<String, SeriesResult>,
    pub timeline: Vec<Second>,
    pub errors_by_kind: BTreeMap<String, u64>,
    /// Steps not sent because a variable they use was not captured yet.
    pub skipped_steps: u64,
    pub resources: Resources,
    pub checks: Vec<ProfileCheck>,
    pub passed: bool,
    /// Present when a stop signal cut the run short: `check`, `gate` and `baseline` refuse it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interruption>,
    /// The service watched idle before the load (`load --idle`), when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle: Option<IdleMeasure>,
    /// What the service wrote to disk over the run, by writer, from its `/metrics` (absent
    /// when it reports none: a `--target` without those counters, or a run saved before them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_writes: Option<writes::ServiceWrites>,
    /// What the service's database cost over the run, from its `/metrics` (absent as above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<database::DatabaseUsage>,
    /// The sessions study, for a profile that runs it instead of journeys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<crate::session_study::SessionStudy>,
}

/// The service's CPU while idle: healthy, before the load, nothing sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdleMeasure {
    pub seconds: f64,
    pub samples: usize,
    /// Percent of one core, as the resource summaries count it.
    pub cpu_mean_percent: f64,
    pub cpu_peak_percent: f64,
}

impl RunResult {
    /// The signal that cut this run short, if one did.
    pub(crate) fn stopped_by(&self) -> Option<crate::interrupt::Signal> {
        self.interrupted
            .as_ref()
            .and_then(|i| crate::interrupt::Signal::from_name(&i.signal))
    }
}

/// Assembles a run result from the recorder's series and judges the profile's SLA: p95 of every
/// route, the success rate over all requests, and the throughput floor when the profile has one.
#[allow(clippy::too_many_arguments)]
pub fn assemble(
    target: TargetInfo,
    profile_name: &str,
    profile: &Profile,
    seconds: f64,
    routes: BTreeMap<String, Series>,
    steps: BTreeMap<String, Series>,
    timeline: Vec<Second>,
    skipped_steps: u64,
    resources: Resources,
) -> RunResult {
    let mut all = Series::default();
    let mut errors_by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for s in routes.values() {
        all.histogram.add(&s.histogram).expect("same bounds");
        for (k, n) in &s.errors {
            *errors_by_kind.entry(k.clone()).or_default() += n;
        }
    }
    all.errors = errors_by_kind.clone();
    let totals = tta_stats::summarize(&all.histogram, all.error_count(), seconds);
    let routes: BTreeMap<String, SeriesResult> = routes
        .iter()
        .map(|(k, s)| (k.clone(), SeriesResult::from_series(s, seconds)))
        .collect();
    let steps = steps
        .iter()
        .map(|(k, s)| (k.clone(), SeriesResult::from_series(s, seconds)))
        .collect();

    // A route whose every arrival was dropped has no latency to judge (its drops are).
    let mut checks: Vec<ProfileCheck> = routes
        .iter()
        .filter(|(_, r)| r.summary.count > 0)
        .map(|(route, r)| ProfileCheck {
            name: format!("p95 {route}"),
            comparison: "<=".into(),
            target: profile.sla.p95_ms,
            actual: r.summary.p95_ms,
            unit: "ms".into(),
            passed: r.summary.p95_ms <= profile.sla.p95_ms,
        })
        .collect();
    let success = 1.0 - totals.error_rate;
    checks.push(ProfileCheck {
        name: "success rate".into(),
        comparison: ">=".into(),
        target: profile.sla.success_rate,
        actual: success,
        unit: "ratio".into(),
        passed: success >= profile.sla.success_rate,
    });
    if let Some(min) = profile.sla.min_rps {
        checks.push(ProfileCheck {
            name: "throughput".into(),
            comparison: ">=".into(),
            target: min,
            actual: totals.throughput_rps,
            unit: "req/s".into(),
            passed: totals.throughput_rps >= min,
        });
    }
    let passed = checks.iter().all(|c| c.passed);
    RunResult {
        schema_version: SCHEMA_VERSION,
        kind: "load".into(),
        created_unix_s: crate::timefmt::now_unix_s(),
        environment: Environment::detect(),
        executor: Executor::Closed,
        arrival: None,
        target,
        profile_name: profile_name.to_string(),
        profile: profile.clone(),
        duration_s: seconds,
        totals,
        routes,
        steps,
        timeline,
        errors_by_kind,
        skipped_steps,
        resources,
        checks,
        passed,
        interrupted: None,
        idle: None,
        service_writes: None,
        database: None,
        sessions: None,
    }
}

/// Test input: a run of the smoke profile whose routes got requests at exactly the given
/// latencies (µs).
#[cfg(test)]
pub(crate) fn synthetic(routes: &[(&str, Vec<u64>)]) -> RunResult {
    let recorder = tta_stats::Recorder::new();
    for (route, values) in routes {
        for us in values {
            recorder.record(
                route,
                route,
                std::time::Duration::from_micros(*us),
                &tta_stats::RequestOutcome::Ok,
            );
        }
    }
    let (r, s, t) = recorder.finish();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let profile = crate::scenario::load_profiles(&root.join("scenarios/profiles.yaml"))
        .expect("the shipped profiles")
        .profiles["smoke"]
        .clone();
    assemble(
        TargetInfo {
            url: "http://127.0.0.1:1".into(),
            embedded: true,
        },
        "smoke",
        &profile,
        1.0,
        r,
        s,
        t,
        0,
        crate::sysmon::Resources::empty(250),
    )
}
