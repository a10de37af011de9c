//! The metrics a regression is judged on: one value per repetition on each side.
//!
//! **Per-route latency is judged relative to the rest of the run.** On a shared machine the
//! run-to-run noise moves every route together (another tenant, a frequency step), so a
//! route's median divided by the median of the run's *other* routes' medians varies far less
//! between runs than the median itself (`docs/statistics.md`). Dividing by that in-run
//! reference cancels the common noise, so a slowdown of one route stands out; the reference
//! leaves the judged route out, so its own slowdown does not move it. A slowdown of every route
//! alike cancels too, and is caught instead by the absolute all-routes metrics (p95, throughput,
//! CPU, memory), judged as measured.
//!
//! In an interleaved A/B gate ([`Pairing::Interleaved`]) the two builds' runs are blocks paired
//! by round; the drift falls on both blocks of a round alike, so each route's median is judged
//! as measured, round by round ([`tta_stats::paired`]).
//!
//! The median is used rather than the p95 because, at the few hundred requests a route gets in
//! a smoke run, a p95 rests on a handful of values; the SLAs still judge the pooled p95.
//!
//! **A quiet route is judged on its requests pooled.** A route with too few requests in some
//! run (or block) for a stable median of its own, such as login or the clinician routes of a
//! smoke mix, is judged on the median of all its requests on each side, with the significance
//! of a randomization test over the runs (or rounds) ([`tta_stats::pooled`]); against a stored
//! baseline each request is first divided by its run's in-run reference, as above. Only a
//! route with too few requests on a side even pooled is left unjudged, and the verdict's
//! completeness check fails on it.

use std::collections::BTreeMap;

use crate::check::Subject;
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::sla::Thresholds;
use tta_stats::compare::{Direction, median};

use super::Pairing;

/// A route is judged only with at least this many requests per run on both sides; below it a
/// run's median rests on too few values to be stable, and the route is reported as not judged.
pub const MIN_REQUESTS_PER_ROUTE: u64 = 100;

/// In paired rounds, a route is judged on its blocks' medians only with at least this many
/// requests in every block: the test needs every round, and a block's median of 10 values is
/// noisy but unbiased; the many rounds average that noise out.
pub const MIN_REQUESTS_PER_BLOCK: u64 = 10;

/// A route with fewer requests in some run or block is judged on its requests pooled, and only
/// with at least this many on each side: a median of 20 values moves by a rank or two, not by
/// the tail.
pub const MIN_POOLED_REQUESTS: u64 = 20;

/// One side's requests, one list of values per run or block.
pub(super) type Units = Vec<Vec<f64>>;

/// A metric to compare, before significance is decided over the whole family.
pub(super) struct Candidate {
    /// What the regression check judges.
    pub subject: Subject,
    pub unit: &'static str,
    pub base: Vec<f64>,
    pub cur: Vec<f64>,
    pub direction: Direction,
    pub limit_pct: f64,
    /// Why it cannot be judged, if it cannot.
    pub skip: Option<super::skip::Skip>,
    /// For a relative metric, the absolute values (base, current) in `absolute_unit`, shown
    /// beside the relative change so the reader sees what moved.
    pub absolute: Option<(Vec<f64>, Vec<f64>, &'static str)>,
    /// `base[i]` and `cur[i]` were measured in the same round (an interleaved gate).
    pub paired: bool,
    /// Judged on every request pooled: each run's (or block's) request values on both sides
    /// ([`tta_stats::pooled`]); `base` and `cur` then hold the units' own medians, for counting.
    pub pooled: Option<(Units, Units)>,
    /// A timing taken as measured against a stored baseline: it moves with the machine, and
    /// `regression.stored_timings` decides whether it can fail ([`crate::sla::StoredTimings`]).
    pub machine_bound: bool,
}

impl Candidate {
    /// A metric judged as measured, not skipped, not paired, not machine-bound.
    pub(super) fn new(
        subject: Subject,
        unit: &'static str,
        base: Vec<f64>,
        cur: Vec<f64>,
        direction: Direction,
        limit_pct: f64,
    ) -> Self {
        Self {
            subject,
            unit,
            base,
            cur,
            direction,
            limit_pct,
            skip: None,
            absolute: None,
            paired: false,
            pooled: None,
            machine_bound: false,
        }
    }
}

/// One route in one run: its median in ms, that median divided by the run's in-run reference
/// (the median of the other routes' medians, in µs), and that reference.
#[derive(Debug, Clone, Copy)]
struct RouteMedian {
    ms: f64,
    relative: f64,
    reference_us: f64,
}

/// One run's [`RouteMedian`]s. A median of medians moves by at most one rank when one route
/// slows, so the reference stays put even when the slowed route carries most of the traffic.
/// Routes whose histogram cannot be decoded are left out (a saved run's histograms are
/// validated on load).
fn route_medians(run: &RunResult) -> BTreeMap<&str, RouteMedian> {
    let medians: Vec<(&str, f64)> = run
        .routes
        .iter()
        .filter_map(|(k, s)| {
            let h = tta_stats::decode(&s.histogram).ok()?;
            (!h.is_empty()).then(|| (k.as_str(), h.value_at_quantile(0.5) as f64))
        })
        .collect();
    let mut out = BTreeMap::new();
    for (i, (route, own)) in medians.iter().enumerate() {
        let others: Vec<f64> = medians
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, (_, m))| *m)
            .collect();
        if others.is_empty() {
            continue;
        }
        let reference_us = median(&others).max(1.0);
        out.insert(
            *route,
            RouteMedian {
                ms: own / 1000.0,
                relative: own / reference_us,
                reference_us,
            },
        );
    }
    out
}

/// Every request of `route` in `run`, in ms, or divided by the run's in-run reference when
/// `reference_us` is given.
fn request_values(run: &RunResult, route: &str, reference_us: Option<f64>) -> Vec<f64> {
    let Some(h) = run
        .routes
        .get(route)
        .and_then(|s| tta_stats::decode(&s.histogram).ok())
    else {
        return Vec::new();
    };
    let scale = reference_us.unwrap_or(1000.0);
    tta_stats::values_us(&h).map(|v| v / scale).collect()
}

pub(super) fn load(
    base: &[RunResult],
    cur: &[RunResult],
    t: &Thresholds,
    pairing: Pairing,
) -> Vec<Candidate> {
    let r = &t.regression;
    // One metric: its per-repetition values on both sides. `timing`: a timing taken as
    // measured, which moves with the machine against a stored baseline.
    let metric = |subject: Subject,
                  unit: &'static str,
                  f: &dyn Fn(&RunResult) -> Option<f64>,
                  direction,
                  limit_pct,
                  timing: bool| {
        let values = |runs: &[RunResult]| runs.iter().filter_map(f).collect::<Vec<_>>();
        let mut c = Candidate::new(
            subject,
            unit,
            values(base),
            values(cur),
            direction,
            limit_pct,
        );
        c.machine_bound = timing && pairing == Pairing::Stored;
        c
    };
    let mut out = Vec::new();
    let base_medians: Vec<_> = base.iter().map(route_medians).collect();
    let cur_medians: Vec<_> = cur.iter().map(route_medians).collect();
    let routes = cur[0]
        .routes
        .keys()
        .filter(|k| base.iter().all(|b| b.routes.contains_key(*k)));
    for route in routes {
        let pick = |side: &[BTreeMap<&str, RouteMedian>], relative: bool| -> Vec<f64> {
            side.iter()
                .filter_map(|m| m.get(route.as_str()))
                .map(|m| if relative { m.relative } else { m.ms })
                .collect()
        };
        let mut c = match pairing {
            Pairing::Stored => {
                let mut c = Candidate::new(
                    Subject::RouteRelative(route.clone()),
                    "x",
                    pick(&base_medians, true),
                    pick(&cur_medians, true),
                    Direction::LowerIsBetter,
                    r.response_time.0.value,
                );
                c.absolute = Some((pick(&base_medians, false), pick(&cur_medians, false), "ms"));
                c
            }
            Pairing::Interleaved => Candidate::new(
                Subject::Route(route.clone()),
                "ms",
                pick(&base_medians, false),
                pick(&cur_medians, false),
                Direction::LowerIsBetter,
                r.response_time.0.value,
            ),
        };
        // A run without the route counts as none: in paired rounds every round must have it.
        let count = |run: &RunResult| run.routes.get(route).map_or(0, |s| s.summary.count);
        let fewest = base.iter().chain(cur).map(count).min().unwrap_or(0);
        let least = match pairing {
            Pairing::Stored => MIN_REQUESTS_PER_ROUTE,
            Pairing::Interleaved => MIN_REQUESTS_PER_BLOCK,
        };
        if fewest < least {
            let pooled_fewest = [base, cur]
                .iter()
                .map(|side| side.iter().map(count).sum::<u64>())
                .min()
                .unwrap_or(0);
            if pooled_fewest < MIN_POOLED_REQUESTS {
                c.skip = Some(super::skip::Skip::TooFewRequests {
                    fewest: pooled_fewest,
                    least: MIN_POOLED_REQUESTS,
                });
            } else {
                // Against a stored baseline, a run whose in-run reference is unknown (the
                // route is its only one) adds no request.
                let values = |side: &[RunResult], medians: &[BTreeMap<&str, RouteMedian>]| {
                    side.iter()
                        .zip(medians)
                        .map(|(run, m)| match pairing {
                            Pairing::Interleaved => request_values(run, route, None),
                            Pairing::Stored => m.get(route.as_str()).map_or(Vec::new(), |m| {
                                request_values(run, route, Some(m.reference_us))
                            }),
                        })
                        .collect::<Vec<_>>()
                };
                c.pooled = Some((values(base, &base_medians), values(cur, &cur_medians)));
            }
        }
        out.push(c);
    }
    out.push(metric(
        Subject::AllRoutes,
        "ms",
        &|run| Some(run.totals.p95_ms),
        Direction::LowerIsBetter,
        r.response_time.0.value,
        true,
    ));
    out.push(metric(
        Subject::Throughput,
        "req/s",
        &|run| Some(run.totals.throughput_rps),
        Direction::HigherIsBetter,
        r.throughput.0.value,
        true,
    ));
    let server = |run: &RunResult| run.resources.summaries.get("server").cloned();
    if base.iter().chain(cur).all(|run| server(run).is_some()) {
        let rss = |run: &RunResult| server(run).map(|s| s.rss_peak_bytes as f64 / 1048576.0);
        out.push(metric(
            Subject::ServerRss,
            "MiB",
            &rss,
            Direction::LowerIsBetter,
            r.memory.0.value,
            false,
        ));
        let cpu = |run: &RunResult| server(run).map(|s| s.cpu_mean_percent);
        out.push(metric(
            Subject::ServerCpu,
            "%",
            &cpu,
            Direction::LowerIsBetter,
            r.cpu.0.value,
            true,
        ));
    }
    if pairing == Pairing::Interleaved {
        for c in &mut out {
            c.paired = true;
        }
    }
    out
}

pub(super) fn micro(base: &[MicroRun], cur: &[MicroRun], t: &Thresholds) -> Vec<Candidate> {
    let names: Vec<&String> = cur[0].operations.iter().map(|o| &o.name).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let means = |runs: &[MicroRun]| -> Vec<f64> {
                runs.iter()
                    .filter_map(|r| {
                        r.operations
                            .iter()
                            .find(|o| &o.name == name)
                            .map(|o| o.mean_ns)
                    })
                    .collect()
            };
            let b = means(base);
            (!b.is_empty()).then(|| {
                let mut c = Candidate::new(
                    Subject::MicroOperation(name.clone()),
                    "ns",
                    b,
                    means(cur),
                    Direction::LowerIsBetter,
                    t.regression.response_time.0.value,
                );
                // Micro runs are never paired: their baseline is always stored.
                c.machine_bound = true;
                c
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
