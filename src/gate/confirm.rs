//! Confirmation before failing: what the gate found failed on a shared machine is measured
//! once more, and fails only when the second measurement finds it failed too.
//!
//! Method: a **two-stage test (a retest)**, for the two kinds of check whose first measurement
//! the machine can spoil without the build changing:
//!
//! - **micro SLA checks**: an operation the quick micro run found over its budget (the lower
//!   bound of Criterion's 95 % bootstrap interval above it, [`crate::micro::budget_status`]) is
//!   measured again alone and for longer ([`crate::micro::Mode::Retest`], 2 s instead of 0.3 s),
//!   so a stall of a second weighs little in it;
//! - **regressions against a stored baseline**: a metric that failed (change past its limit and
//!   significant after Holm) is judged again on `--repeat` new load runs alone, against the same
//!   baseline and by the same rule. A baseline measured hours earlier cannot tell a slower build
//!   from a machine that is slower for a while (a neighbour's job, the tail of a compile); such
//!   a stretch may not last into the next runs. Paired rounds (`--against`) do not need this:
//!   both builds share every stretch.
//!
//! Something really over its budget, or really slower, fails both. A slow stretch of the machine
//! that lasts minutes still fails both: consecutive quick micro runs' means of init/cold
//! correlated (0.41, lag 1, 100 gates 13 s apart), so the two stages are not independent and the
//! false-alarm rate is not simply the square of one stage's. A retest costs time only when
//! something failed (about 2.5 s per micro operation; one more `--repeat` of load runs).

use regex::Regex;

use crate::check::{Check, CheckId, CheckKind, Status, Subject};
use crate::micro::MicroRun;
use crate::sla::{self, Thresholds};
use crate::verdict::{Note, NoteKind, outcome};

use super::Verdict;

/// The operations whose micro SLA check failed in `v` (names as in the suite).
pub fn failed_micro(v: &Verdict) -> Vec<String> {
    v.checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .filter_map(|c| c.id.budgeted_operation().map(str::to_string))
        .collect()
}

/// The regression checks that failed in `v`.
pub fn failed_regressions(v: &Verdict) -> Vec<CheckId> {
    v.checks
        .iter()
        .filter(|c| c.kind() == CheckKind::Regression && c.status == Status::Fail)
        // Completeness is not measured: measuring again cannot settle it.
        .filter(|c| c.id.subject != Subject::Guarded)
        .map(|c| c.id.clone())
        .collect()
}

/// A `--filter` that selects exactly `names`.
pub fn filter(names: &[String]) -> Regex {
    let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    Regex::new(&format!("^(?:{})$", alternatives.join("|"))).expect("escaped names")
}

/// How one kind of retest is told in a check's detail.
struct Words {
    first: &'static str,
    both: &'static str,
    first_only: &'static str,
    not_judged: &'static str,
}

/// Settles each failed check of `v` that `retested` selects against the check with the same
/// identity in `second`: failed again → stays failed; judged and not failed → a warning; not
/// judged again → stays failed. `describe` tells the second check's figures. The outcome is
/// recomputed.
fn settle(
    v: &mut Verdict,
    retested: impl Fn(&Check) -> bool,
    second: &[Check],
    describe: impl Fn(&Check) -> String,
    words: &Words,
) -> Settled {
    let mut n = Settled::default();
    for check in v
        .checks
        .iter_mut()
        .filter(|c| c.status == Status::Fail && retested(c))
    {
        let again = second
            .iter()
            .find(|c| c.id == check.id && c.status != Status::Skipped);
        let first = check.detail.take().unwrap_or_default();
        let verdict = match again {
            Some(a) if a.status == Status::Fail => {
                n.confirmed += 1;
                words.both
            }
            Some(_) => {
                check.status = Status::Warn;
                n.cleared += 1;
                words.first_only
            }
            None => {
                n.unjudged += 1;
                words.not_judged
            }
        };
        check.detail = Some(match again {
            Some(a) => format!(
                "{}: {first}; retest: {}; {verdict}",
                words.first,
                describe(a)
            ),
            None => format!("{}: {first}; {verdict}", words.first),
        });
    }
    v.outcome = outcome(&v.checks);
    n
}

/// How the failed checks fared in a retest.
#[derive(Default)]
struct Settled {
    /// Failed again: still failed.
    confirmed: usize,
    /// Not failed again: now warnings.
    cleared: usize,
    /// Not judged again: still failed.
    unjudged: usize,
}

impl Settled {
    fn total(&self) -> usize {
        self.confirmed + self.cleared + self.unjudged
    }

    /// "C <again> (failed), K not (warnings)[, U not judged again (failed)]".
    fn tell(&self, again: &str) -> String {
        let mut s = format!(
            "{} {again} (failed), {} not (warnings)",
            self.confirmed, self.cleared
        );
        if self.unjudged > 0 {
            s.push_str(&format!(", {} not judged again (failed)", self.unjudged));
        }
        s
    }
}

/// Applies the micro retest to `v`: each failed micro SLA check stays failed only when
/// `retest` also finds its operation over budget; otherwise it becomes a warning. Both runs'
/// figures go into the check's detail, and a note counts the retests.
pub fn apply_micro(v: &mut Verdict, retest: &MicroRun, t: &Thresholds) {
    let second = sla::evaluate_micro(retest, t);
    let describe = |a: &Check| {
        format!(
            "mean {:.0} ns, {}",
            a.actual,
            a.detail.as_deref().unwrap_or("within the budget")
        )
    };
    let words = Words {
        first: "first run",
        both: "failed: over budget in both runs",
        first_only: "a warning: over budget in the first run only",
        not_judged: "failed: not measured again",
    };
    let retested = |c: &Check| c.id.budgeted_operation().is_some();
    let n = settle(v, retested, &second, describe, &words);
    if n.total() > 0 {
        v.notes.push(Note::new(
            NoteKind::Retest,
            format!(
                "micro: {} operation(s) over budget in the quick run were measured again: {}",
                n.total(),
                n.tell("over again")
            ),
        ));
    }
}

/// Applies the load retest to `v`, judged against a stored baseline: each failed regression
/// check stays failed only when `second`, the verdict on new load runs against the same
/// baseline, fails it too; otherwise it becomes a warning. Both figures go into the check's
/// detail, and a note counts the retests.
pub fn apply_regressions(v: &mut Verdict, second: &Verdict) {
    let describe = |a: &Check| a.detail.clone().unwrap_or_default();
    let words = Words {
        first: "first runs",
        both: "failed: regressed in both",
        first_only: "a warning: regressed in the first runs only",
        not_judged: "failed: the retest could not judge it",
    };
    let retested = |c: &Check| c.kind() == CheckKind::Regression;
    let n = settle(v, retested, &second.checks, describe, &words);
    if n.total() > 0 {
        v.notes.push(Note::new(NoteKind::Retest, format!(
            "regressions: {} metric(s) failed against the stored baseline in the first {} load runs and were judged again on {} new runs: {}",
            n.total(),
            v.load_repetitions,
            second.load_repetitions,
            n.tell("failed again")
        )));
    }
}

#[cfg(test)]
mod tests;
