//! The gate: measure (repeated load runs and a micro run), then judge against the SLAs and the
//! baseline, and produce a [`Verdict`].
//!
//! The baseline is either stored (measured at another time) or another build measured
//! interleaved with this one in the same gate ([`Pairing`]); the rule is the same, only the
//! per-route metric differs.
//!
//! SLAs are judged on the pooled run: the repetitions' histograms are merged exactly, so a p95
//! is the p95 of every request measured. Regressions are judged per repetition with
//! [`tta_stats::compare`] (ratio of medians and a one-sided Mann–Whitney test), or, against
//! another build measured in paired rounds, per round with [`tta_stats::paired`]
//! (Hodges–Lehmann estimate and a one-sided Wilcoxon signed-rank test); a route too quiet for
//! a median per run or block, on its requests pooled ([`tta_stats::pooled`]); micro operations
//! on their instructions per call ([`instructions`]). The verdict's completeness check fails
//! when a route with an SLA or a budgeted operation was judged by no regression check
//! ([`coverage`]).

use std::path::Path;

use crate::baseline::{self, Baseline};
use crate::check::{Check, CheckId, Status, Subject};
use crate::environment::Environment;
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::sla::{self, StoredTimings, Thresholds};
use crate::verdict::{BaselineRef, Note, NoteKind, Pairing, SCHEMA_VERSION, Verdict, outcome};
use tta_stats::compare::{Direction, binomial, compare, holm, median};
use tta_stats::paired::compare_paired;
use tta_stats::pooled::{compare_pooled, compare_pooled_paired};

mod candidates;
pub mod confirm;
mod coverage;
mod instructions;
mod pool;
mod skip;

pub use pool::pool;

use candidates::Candidate;

/// Appended to a timing that regressed against a stored baseline under
/// `regression.stored_timings: warn`.
pub const STORED_TIMING_WARNING: &str = "; a warning, not a failure: a timing taken as measured against a stored baseline moves with the machine (regression.stored_timings: warn); judge it with --against";

fn pct(limit: f64) -> f64 {
    limit / 100.0
}

/// A note when no judged metric could ever be significant: with n + m runs the smallest
/// one-sided Mann–Whitney p is 1 / C(n + m, n) (every run of one side beyond every run of the
/// other), with n paired rounds the smallest signed-rank p is 2^−n, and Holm's first step asks
/// for at most `alpha / k` over k judged metrics. 5 + 5 runs (1/252) allow at most 12 metrics
/// at 95 %; a profile that judges more routes needs more runs.
/// Expects candidates already marked with what cannot be judged ([`skip::Skip`]).
fn too_few_runs_for_holm(candidates: &[Candidate], t: &Thresholds) -> Option<String> {
    let judged: Vec<&Candidate> = candidates.iter().filter(|c| c.skip.is_none()).collect();
    let k = judged.len();
    let alpha = 1.0 - t.regression.confidence;
    let best = judged
        .iter()
        .map(|c| {
            if c.paired {
                0.5f64.powi(c.cur.len().min(c.base.len()) as i32)
            } else {
                1.0 / binomial(c.base.len() + c.cur.len(), c.base.len())
            }
        })
        .fold(f64::MAX, f64::min);
    (k > 0 && best > alpha / k as f64).then(|| {
        format!(
            "no regression can be significant in this verdict: with these repetitions the smallest possible p-value is {best:.4}, above {} / {k} judged metrics (Holm); raise --repeat",
            (alpha * 1e6).round() / 1e6
        )
    })
}

/// How many requests the units of a pooled side hold.
fn requests(units: &[Vec<f64>]) -> usize {
    units.iter().map(Vec::len).sum()
}

/// Turns candidates into checks. Each metric's change is the ratio of medians; its significance
/// comes from one-sided Mann–Whitney p-values adjusted by Holm over all judged candidates (one
/// family for "worse", one for "better"), so the chance of any false alarm in a verdict stays at
/// 1 − confidence.
fn decide(candidates: Vec<Candidate>, t: &Thresholds) -> Vec<Check> {
    let r = &t.regression;
    let alpha = 1.0 - r.confidence;
    let comparisons: Vec<_> = candidates
        .iter()
        .map(|c| match (&c.pooled, c.paired) {
            (Some((base, cur)), true) => {
                compare_pooled_paired(base, cur, pct(c.limit_pct), r.confidence, 1)
            }
            (Some((base, cur)), false) => {
                compare_pooled(base, cur, pct(c.limit_pct), r.confidence, 1)
            }
            (None, paired) => {
                let judge = if paired { compare_paired } else { compare };
                judge(
                    &c.base,
                    &c.cur,
                    c.direction,
                    pct(c.limit_pct),
                    r.confidence,
                    1,
                )
            }
        })
        .collect();
    let judged: Vec<usize> = (0..candidates.len())
        .filter(|i| candidates[*i].skip.is_none())
        .collect();
    let worse = holm(
        &judged
            .iter()
            .map(|i| comparisons[*i].p_worse)
            .collect::<Vec<_>>(),
        alpha,
    );
    let better = holm(
        &judged
            .iter()
            .map(|i| comparisons[*i].p_better)
            .collect::<Vec<_>>(),
        alpha,
    );
    let m = judged.len();
    candidates
        .into_iter()
        .zip(comparisons)
        .enumerate()
        .map(|(i, (c, cmp))| {
            let slot = judged.iter().position(|j| *j == i);
            let limit = match c.direction {
                Direction::LowerIsBetter => cmp.baseline_median * (1.0 + pct(c.limit_pct)),
                Direction::HigherIsBetter => cmp.baseline_median * (1.0 - pct(c.limit_pct)),
            };
            let (status, detail) = match (&c.skip, slot) {
                (Some(why), _) => (Status::Skipped, format!("not judged: {why}")),
                (None, None) => (Status::Skipped, "not judged".to_string()),
                (None, Some(k)) => {
                    let reported_only = c.machine_bound && r.stored_timings == StoredTimings::Warn;
                    let status = if cmp.change > pct(c.limit_pct) && worse[k] {
                        if reported_only { Status::Warn } else { Status::Fail }
                    } else if cmp.change < -pct(c.limit_pct) && better[k] {
                        Status::Improved
                    } else {
                        Status::Pass
                    };
                    let absolute = c.absolute.as_ref().map_or(String::new(), |(b, cur, unit)| {
                        let (b, cur) = (median(b), median(cur));
                        format!(
                            " (absolute median {b:.3} -> {cur:.3} {unit}, {:+.1} %)",
                            (cur / b - 1.0) * 100.0
                        )
                    });
                    let (test, runs) = match (&c.pooled, c.paired) {
                        (None, true) => ("Wilcoxon signed-rank", format!("{} rounds", c.cur.len())),
                        (None, false) => ("Mann-Whitney", format!("{}+{} runs", c.base.len(), c.cur.len())),
                        (Some((b, cur)), true) => ("pooled median, randomization over rounds", format!("{} rounds, {}+{} requests", c.cur.len(), requests(b), requests(cur))),
                        (Some((b, cur)), false) => ("pooled median, randomization over runs", format!("{}+{} runs, {}+{} requests", c.base.len(), c.cur.len(), requests(b), requests(cur))),
                    };
                    let mut detail = format!(
                        "{:+.1} % vs baseline {:.3} {}{absolute} (limit {:.0} %); {test} p = {:.4} worse, {:.4} better, Holm over {m} metrics at {:.0} %; {runs}",
                        cmp.change * 100.0,
                        cmp.baseline_median,
                        c.unit,
                        c.limit_pct,
                        cmp.p_worse,
                        cmp.p_better,
                        r.confidence * 100.0,
                    );
                    if status == Status::Warn {
                        detail.push_str(STORED_TIMING_WARNING);
                    }
                    (status, detail)
                }
            };
            Check {
                id: CheckId::regression(c.subject),
                unit: c.unit.into(),
                actual: cmp.current_median,
                comparison: if c.direction == Direction::LowerIsBetter { "<=".into() } else { ">=".into() },
                warning: None,
                limit,
                status,
                source: r.source.clone(),
                detail: Some(detail),
            }
        })
        .collect()
}

/// Judges measured runs. `baseline` is the loaded baseline and the path it came from.
///
/// Detects this machine's environment and, against a stored baseline, measures the
/// calibration score to say where the environment differs from the baseline's.
pub fn judge(
    load: &[RunResult],
    micro: &[MicroRun],
    t: &Thresholds,
    baseline: Option<(&Baseline, &Path)>,
    pairing: Pairing,
) -> Verdict {
    let mut v = judge_in_environment(Environment::detect(), load, micro, t, baseline, pairing);
    // An interleaved reference ran on this machine in this gate: comparing it would only
    // compare two calibrations taken seconds apart, which differ by noise alone.
    if let (Some((b, _)), Pairing::Stored) = (baseline, pairing) {
        let mismatch = baseline::fingerprint_mismatch(b, &v.environment, || {
            baseline::calibration::measure().score
        });
        if !mismatch.is_empty() {
            let note = format!(
                "environment differs from the baseline's: {}",
                mismatch.join("; ")
            );
            v.notes
                .insert(0, Note::new(NoteKind::EnvironmentDiffers, note));
        }
    }
    v
}

/// Judges runs measured in `env`, which is recorded as is (a gate's retest judges its new
/// runs with the environment its first verdict detected).
pub fn judge_in_environment(
    env: Environment,
    load: &[RunResult],
    micro: &[MicroRun],
    t: &Thresholds,
    baseline: Option<(&Baseline, &Path)>,
    pairing: Pairing,
) -> Verdict {
    let mut notes = Vec::new();
    let mut checks = Vec::new();
    let mut candidates = Vec::new();
    let mut counted = Vec::new();
    let mut unguarded_micro = None;
    let pooled = pool(load);
    if let Some(p) = &pooled {
        checks.extend(sla::evaluate_load(p, t));
        checks.extend(sla::open::evaluate(p, t));
    }
    // Figures of a generator that fell behind describe the generator: say so, run by run.
    for (i, r) in load.iter().enumerate() {
        if let Some(why) = r.arrival.as_ref().and_then(|a| a.generator_behind.as_ref()) {
            let which = if load.len() > 1 {
                format!("run {}: ", i + 1)
            } else {
                String::new()
            };
            notes.push(Note::new(
                NoteKind::GeneratorBehind,
                format!("{which}{why}"),
            ));
        }
    }
    if let Some(m) = micro.first() {
        checks.extend(sla::evaluate_micro(m, t));
    }
    let baseline_ref = match baseline {
        None => {
            notes.push(Note::new(NoteKind::NoBaseline, "no baseline: SLAs were checked, regressions were not (save one with `tta-bench baseline save`)"));
            None
        }
        Some((b, path)) => {
            if !load.is_empty() {
                match b.load_runs.first() {
                    Some(first) if first.executor != load[0].executor => notes.push(Note::new(NoteKind::BaselineMismatch, format!(
                        "baseline load runs used the {} model, this run the {} model: load regressions not judged (save a baseline of this model)",
                        first.executor.as_str(), load[0].executor.as_str()
                    ))),
                    Some(first) if first.profile_name == load[0].profile_name => candidates.extend(candidates::load(&b.load_runs, load, t, pairing)),
                    Some(first) => notes.push(Note::new(NoteKind::BaselineMismatch, format!(
                        "baseline load runs used profile {}, this run {}: load regressions not judged",
                        first.profile_name, load[0].profile_name
                    ))),
                    None => notes.push(Note::new(NoteKind::BaselineMismatch, "baseline has no load runs: load regressions not judged")),
                }
            }
            if !micro.is_empty() {
                counted.extend(instructions::checks(&b.micro_runs, micro, t));
                unguarded_micro = instructions::unavailable(&b.micro_runs, micro);
            }
            // Wall-time means are compared only where no count was: a count is the sharper
            // test of the same question.
            if !micro.is_empty() && !b.micro_runs.is_empty() {
                let by_count: Vec<&Subject> = counted.iter().map(|c| &c.id.subject).collect();
                candidates.extend(
                    candidates::micro(&b.micro_runs, micro, t)
                        .into_iter()
                        .filter(|c| match &c.subject {
                            Subject::MicroOperation(op) => {
                                !by_count.contains(&&Subject::MicroInstructions(op.clone()))
                            }
                            _ => true,
                        }),
                );
            }
            Some(BaselineRef {
                file: path.display().to_string(),
                label: b.label.clone(),
                created: b.created.clone(),
            })
        }
    };
    let min = t.regression.min_repetitions;
    for c in candidates.iter_mut().filter(|c| c.skip.is_none()) {
        c.skip = skip::Skip::too_few_runs(c.base.len(), c.cur.len(), min);
    }
    let powerless = too_few_runs_for_holm(&candidates, t);
    notes.extend(powerless.clone().map(|n| Note::new(NoteKind::NotJudged, n)));
    notes.extend(
        skip::note(candidates.iter().filter_map(|c| c.skip.as_ref()))
            .map(|n| Note::new(NoteKind::NotJudged, n)),
    );
    checks.extend(decide(candidates, t));
    checks.extend(counted);
    if baseline_ref.is_some() {
        let source = &t.regression.source;
        checks.extend(coverage::check(
            &checks,
            unguarded_micro.as_deref(),
            powerless.is_some(),
            source,
        ));
    }
    Verdict {
        schema_version: SCHEMA_VERSION,
        kind: "verdict".into(),
        outcome: outcome(&checks),
        created: crate::timefmt::now_rfc3339(),
        environment: env,
        profile: load.first().map(|r| r.profile_name.clone()),
        pairing,
        load_repetitions: load.len(),
        micro_repetitions: micro.len(),
        baseline: baseline_ref,
        notes,
        checks,
    }
}

#[cfg(test)]
mod paired_tests;
#[cfg(test)]
mod tests;
