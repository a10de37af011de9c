//! Micro regressions judged on **instructions per call**, counted under Callgrind for both sides
//! ([`crate::micro::count`]). A count repeats to within a fraction of a per cent from run to
//! run and machine to machine of one architecture (`docs/statistics.md`), so it needs no
//! repetitions and no test: a change past the regression limit is a change in the work done.
//! The wall-time means keep judging the absolute budgets.

use crate::check::{Check, CheckId, Status, Subject};
use crate::micro::MicroRun;
use crate::micro::count::Counting;
use crate::sla::Thresholds;

/// The counting a side's micro runs hold: the first that was counted, else the first reason.
pub(super) fn counting(runs: &[MicroRun]) -> Option<&Counting> {
    let all = || runs.iter().filter_map(|r| r.instructions.as_ref());
    all()
        .find(|c| matches!(c, Counting::Counted { .. }))
        .or_else(|| all().next())
}

/// Why no operation's instructions could be compared, if none could: this side's or the
/// baseline's counting missing, and why.
pub(super) fn unavailable(base: &[MicroRun], cur: &[MicroRun]) -> Option<String> {
    match (counting(base), counting(cur)) {
        (_, None) => Some("instructions not counted in this run".into()),
        (_, Some(Counting::Unavailable { reason })) => Some(reason.clone()),
        (None, _) => Some(
            "the baseline holds no instruction counts (saved before they were counted: save a new one)"
                .into(),
        ),
        (Some(Counting::Unavailable { reason }), _) => Some(format!("baseline: {reason}")),
        (Some(Counting::Counted { .. }), Some(Counting::Counted { .. })) => None,
    }
}

/// One regression check per operation counted on both sides.
pub(super) fn checks(base: &[MicroRun], cur: &[MicroRun], t: &Thresholds) -> Vec<Check> {
    let (
        Some(Counting::Counted {
            per_call: base_counts,
            ..
        }),
        Some(Counting::Counted {
            tool,
            iterations,
            per_call,
        }),
    ) = (counting(base), counting(cur))
    else {
        return Vec::new();
    };
    let r = &t.regression;
    let limit_pct = r.response_time.0.value;
    per_call
        .iter()
        .filter_map(|(op, &now)| {
            let before = *base_counts.get(op)?;
            let change = if before > 0.0 { now / before - 1.0 } else { 0.0 };
            let status = if change * 100.0 > limit_pct {
                Status::Fail
            } else if change * 100.0 < -limit_pct {
                Status::Improved
            } else {
                Status::Pass
            };
            Some(Check {
                id: CheckId::regression(Subject::MicroInstructions(op.clone())),
                unit: "instr/call".into(),
                actual: now,
                comparison: "<=".into(),
                warning: None,
                limit: before * (1.0 + limit_pct / 100.0),
                status,
                source: r.source.clone(),
                detail: Some(format!(
                    "{:+.2} % vs baseline {before:.0} instructions per call (limit {limit_pct:.0} %); counted under {tool}, {iterations} calls a side: a count, not a timing, judged as measured",
                    change * 100.0
                )),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn counted(ops: &[(&str, f64)]) -> MicroRun {
        MicroRun::counted_only(Counting::Counted {
            tool: "callgrind (test)".into(),
            iterations: 10,
            per_call: ops
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>(),
        })
    }

    #[test]
    fn a_count_past_the_limit_fails_and_one_within_passes() {
        let t = Thresholds::shipped();
        let base = [counted(&[
            ("a/x", 1000.0),
            ("a/y", 1000.0),
            ("a/z", 1000.0),
            ("a/gone", 5.0),
        ])];
        let cur = [counted(&[
            ("a/x", 1105.0),
            ("a/y", 1095.0),
            ("a/z", 800.0),
            ("a/new", 9.0),
        ])];
        let checks = checks(&base, &cur, t);
        let status = |op: &str| {
            checks
                .iter()
                .find(|c| c.id.subject == Subject::MicroInstructions(op.into()))
                .map(|c| c.status)
        };
        assert_eq!(status("a/x"), Some(Status::Fail));
        assert_eq!(status("a/y"), Some(Status::Pass));
        assert_eq!(status("a/z"), Some(Status::Improved));
        assert_eq!(status("a/new"), None, "no baseline count");
        assert_eq!(checks.len(), 3);
        assert_eq!(unavailable(&base, &cur), None);
    }

    #[test]
    fn a_side_without_counts_says_why() {
        let base = [counted(&[("a/x", 1.0)])];
        let missing = [MicroRun::counted_only(Counting::Unavailable {
            reason: "valgrind not installed (Debian package valgrind)".into(),
        })];
        assert_eq!(
            unavailable(&base, &missing).unwrap(),
            "valgrind not installed (Debian package valgrind)"
        );
        assert!(
            unavailable(&missing, &base)
                .unwrap()
                .starts_with("baseline: ")
        );
        let mut old = base[0].clone();
        old.instructions = None;
        assert!(
            unavailable(&[old], &base)
                .unwrap()
                .contains("holds no instruction counts")
        );
        assert!(checks(&missing, &base, Thresholds::shipped()).is_empty());
    }
}
