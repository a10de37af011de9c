//! Confirmation of micro SLA failures: an operation the gate's quick micro run found over its
//! budget is measured once more, alone and for longer ([`crate::micro::Mode::Retest`]), and
//! fails only when that run finds it over too.
//!
//! Method: a **two-stage test (a retest)**. Each quick run judges an operation over budget when
//! the lower bound of Criterion's 95 % bootstrap interval of its mean is above the budget
//! ([`crate::micro::budget_status`]). On a shared machine a within-budget operation can look
//! over through the machine rather than sampling error: another tenant, a frequency change, a
//! stall during a 0.3-s measurement. Such a stall may not last into a second run a few
//! seconds later, and the retest measures for 2 s instead of 0.3 s, so a stall of a second
//! weighs little in it; an operation that is really over its budget is over in both runs.
//! A slow stretch of the machine that lasts minutes still fails both: consecutive quick runs'
//! means of init/cold correlated (0.41, lag 1, 100 gates 13 s apart), so the two runs are not
//! independent and the false-alarm rate is not simply the square of one run's. The retest
//! costs time only when something failed (about 2.5 s per operation).

use regex::Regex;

use crate::micro::MicroRun;
use crate::sla::{self, Thresholds};
use crate::verdict::{Status, outcome};

use super::Verdict;

/// The operations of `run` whose SLA check fails under `t` (names as in the suite).
pub fn over_budget(run: &MicroRun, t: &Thresholds) -> Vec<String> {
    sla::evaluate_micro(run, t)
        .into_iter()
        .filter(|c| c.status == Status::Fail)
        .filter_map(|c| sla::micro_operation(&c).map(str::to_string))
        .collect()
}

/// A `--filter` that selects exactly `names`.
pub fn filter(names: &[String]) -> Regex {
    let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    Regex::new(&format!("^(?:{})$", alternatives.join("|"))).expect("escaped names")
}

/// Applies the retest to `v`, judged on the first micro run: each failed micro SLA check stays
/// failed only when `retest` also finds its operation over budget; otherwise it becomes a
/// warning. Both runs' figures go into the check's detail, and a note counts the retests.
pub fn apply(v: &mut Verdict, retest: &MicroRun, t: &Thresholds) {
    let second = sla::evaluate_micro(retest, t);
    let (mut confirmed, mut cleared) = (0, 0);
    for check in v
        .checks
        .iter_mut()
        .filter(|c| sla::micro_operation(c).is_some() && c.status == Status::Fail)
    {
        let again = second.iter().find(|c| c.name == check.name);
        let first = check.detail.take().unwrap_or_default();
        let (status, words) = match again {
            Some(a) if a.status == Status::Fail => {
                confirmed += 1;
                (Status::Fail, "failed: over budget in both runs")
            }
            Some(_) => {
                cleared += 1;
                (Status::Warn, "a warning: over budget in the first run only")
            }
            None => (Status::Fail, "failed: not measured again"),
        };
        check.status = status;
        check.detail = Some(match again {
            Some(a) => format!(
                "first run: {first}; retest: mean {:.0} ns, {}; {words}",
                a.actual,
                a.detail.as_deref().unwrap_or("within the budget")
            ),
            None => format!("first run: {first}; {words}"),
        });
    }
    if confirmed + cleared > 0 {
        v.notes.push(format!(
            "micro: {} operation(s) over budget in the quick run were measured again: {confirmed} over again (failed), {cleared} not (warnings)",
            confirmed + cleared
        ));
    }
    v.outcome = outcome(&v.checks);
}

#[cfg(test)]
mod tests;
