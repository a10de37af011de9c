//! What an open-model run adds to its result: the arrival plan it ran, what became of its
//! arrivals (sent, skipped, dropped, unanswered), the schedule's lag, and whether the generator
//! kept up: when it did not, latencies from the intended start describe the generator, not the
//! target, and the run says so.

use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};

use super::{RunResult, SeriesResult};
use crate::driver::Counters;
use crate::scenario::arrival::ArrivalPlan;
use crate::sysmon::Resources;
use tta_stats::{OpenSeries, Series, Summary};

/// The lag p99 above which the generator is behind its schedule, in ms. Tokio's timer counts
/// whole milliseconds, so a punctual generator lags up to about 1 ms; ten times that is no
/// longer the timer but a generator short of CPU.
pub const LAG_BOUND_MS: f64 = 10.0;
/// The harness's mean CPU, as a share of one core, at which it is saturated: the open-model
/// executor runs on one thread.
pub const SATURATED_CPU_SHARE: f64 = 0.9;

/// A histogram and its summary (service time or lag of one route).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub summary: Summary,
    /// HdrHistogram V2, base64; µs.
    pub histogram: String,
}

/// A route's or step's open-model figures beside its latency from the intended start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenSeriesResult {
    /// From the actual send to the answer: what a closed-model tool would report.
    pub service: Timing,
    /// Actual send − intended start.
    pub lag: Timing,
    /// Arrivals not sent because the in-flight cap was reached.
    pub dropped: u64,
}

impl OpenSeriesResult {
    pub(super) fn from_series(s: &Series, seconds: f64) -> Option<Self> {
        let open = s.open.as_ref()?;
        let timing = |h| Timing {
            summary: tta_stats::summarize(h, 0, seconds),
            histogram: tta_stats::encode(h),
        };
        Some(Self {
            service: timing(&open.service),
            lag: timing(&open.lag),
            dropped: open.dropped,
        })
    }
}

/// The open model's account of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalReport {
    pub plan: ArrivalPlan,
    /// Arrivals the schedule held (after the profile's request cap).
    pub scheduled: u64,
    pub sent: u64,
    /// Not sent: a variable the step uses was not captured yet.
    pub skipped: u64,
    /// Not sent: `max_in_flight` requests were in flight.
    pub dropped: u64,
    /// dropped / scheduled.
    pub dropped_share: f64,
    /// Sent but unanswered when the run stopped waiting (recorded as errors).
    pub unanswered: u64,
    /// Requests of the profile's users logging in before the schedule started (recorded,
    /// timed from their send: they had no intended start).
    pub warm_up: u64,
    /// Service time of every request sent, from its actual send.
    pub service: Summary,
    /// Lag of every request sent.
    pub lag: Summary,
    /// Why the generator fell behind its schedule, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator_behind: Option<String>,
}

impl ArrivalReport {
    /// The account of several runs of one plan (repetitions) as one: counts summed, the
    /// pooled lag, and the first reason any of them fell behind. `None` without reports.
    pub fn pooled(reports: &[&ArrivalReport], service: Summary, lag: Summary) -> Option<Self> {
        let first = reports.first()?;
        let sum = |f: fn(&ArrivalReport) -> u64| reports.iter().map(|r| f(r)).sum::<u64>();
        let (scheduled, dropped) = (sum(|r| r.scheduled), sum(|r| r.dropped));
        Some(Self {
            plan: first.plan.clone(),
            scheduled,
            sent: sum(|r| r.sent),
            skipped: sum(|r| r.skipped),
            dropped,
            dropped_share: share(dropped, scheduled),
            unanswered: sum(|r| r.unanswered),
            warm_up: sum(|r| r.warm_up),
            service,
            lag,
            generator_behind: reports.iter().find_map(|r| r.generator_behind.clone()),
        })
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Why a generator with this lag and these resources fell behind, if it did.
pub fn behind(lag_p99_ms: f64, resources: &Resources) -> Option<String> {
    let cpu = resources
        .summaries
        .get("harness")
        .map(|h| h.cpu_mean_percent / 100.0);
    let mut why = Vec::new();
    if lag_p99_ms > LAG_BOUND_MS {
        why.push(format!(
            "its lag p99 {lag_p99_ms:.1} ms is above {LAG_BOUND_MS:.0} ms"
        ));
    }
    if let Some(share) = cpu.filter(|s| *s >= SATURATED_CPU_SHARE) {
        why.push(format!(
            "it used {:.0} % of its one core (saturated from {:.0} %)",
            share * 100.0,
            SATURATED_CPU_SHARE * 100.0
        ));
    }
    (!why.is_empty()).then(|| {
        format!(
            "the generator fell behind its schedule ({}): latencies from the intended start describe the generator, not the target",
            why.join("; ")
        )
    })
}

/// The service times and lags of every request of `routes`, each merged.
pub fn merged<'a>(routes: impl IntoIterator<Item = &'a Series>) -> OpenSeries {
    let mut all = OpenSeries::default();
    for open in routes.into_iter().filter_map(|s| s.open.as_ref()) {
        all.service.add(&open.service).expect("same bounds");
        all.lag.add(&open.lag).expect("same bounds");
        all.dropped += open.dropped;
    }
    all
}

/// Marks `run` as an open-model run of `plan`, from the executor's counters and every
/// request's times ([`merged`]).
pub fn attach(run: &mut RunResult, plan: &ArrivalPlan, counters: &Counters, all: &OpenSeries) {
    let n = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    let scheduled = n(&counters.scheduled);
    let dropped = n(&counters.dropped);
    let lag = tta_stats::summarize(&all.lag, 0, run.duration_s);
    let service = tta_stats::summarize(&all.service, 0, run.duration_s);
    let generator_behind = behind(lag.p99_ms, &run.resources);
    run.executor = crate::scenario::Executor::ArrivalRate;
    run.arrival = Some(ArrivalReport {
        plan: plan.clone(),
        scheduled,
        sent: n(&counters.sent),
        skipped: n(&counters.skipped),
        dropped,
        dropped_share: share(dropped, scheduled),
        unanswered: n(&counters.unanswered),
        warm_up: n(&counters.warm_up),
        service,
        lag,
        generator_behind,
    });
}

impl SeriesResult {
    /// Arrivals dropped under this route or step.
    pub fn dropped(&self) -> u64 {
        self.open.as_ref().map_or(0, |o| o.dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysmon::ResourceSummary;

    fn harness_at(cpu_mean_percent: f64) -> Resources {
        let mut resources = Resources::empty(250);
        resources.summaries.insert(
            "harness".to_string(),
            ResourceSummary {
                samples: 4,
                cpu_mean_percent,
                cpu_peak_percent: cpu_mean_percent,
                rss_mean_bytes: 1.0,
                rss_peak_bytes: 1,
                disk_read_bytes: 0,
                disk_written_bytes: 0,
            },
        );
        resources
    }

    #[test]
    fn the_generator_is_behind_past_its_lag_bound_or_at_one_busy_core() {
        assert_eq!(behind(1.9, &harness_at(60.0)), None);
        let lagging = behind(LAG_BOUND_MS + 1.0, &harness_at(60.0)).unwrap();
        assert!(lagging.contains("lag p99 11.0 ms"), "{lagging}");
        // Its executor has one thread: 95 % of one core is saturation on any machine.
        let busy = behind(1.9, &harness_at(95.0)).unwrap();
        assert!(busy.contains("95 % of its one core"), "{busy}");
        assert_eq!(behind(1.9, &Resources::empty(250)), None);
    }
}
