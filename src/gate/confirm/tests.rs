use super::*;
use crate::check::{Check, CheckId, CheckKind, Subject};
use crate::gate::judge;
use crate::verdict::Outcome;
use crate::verdict::Pairing;

/// A quick run of `ops` (name, mean in ms); each interval is the mean ± 10 %.
fn run(ops: &[(&str, f64)]) -> MicroRun {
    let ns: Vec<(&str, f64)> = ops.iter().map(|&(n, ms)| (n, ms * 1e6)).collect();
    crate::micro::test_run(&ns)
}

fn check<'a>(v: &'a Verdict, name: &str) -> &'a Check {
    v.checks.iter().find(|c| c.name() == name).expect(name)
}

// Budgets from the shipped thresholds.yaml: init/* 5 ms, session/* 500 ms.
const FIRST: &[(&str, f64)] = &[
    ("init/cold", 6.0),                   // 5.4–6.6 ms: over
    ("init/warm", 5.2),                   // 4.68–5.72 ms: mean over, not significantly
    ("session/initialise_new_user", 1.0), // far within
];

#[test]
fn failed_micro_names_only_the_significant_failures() {
    let t = Thresholds::shipped();
    let v = judge(&[], &[run(FIRST)], t, None, Pairing::Stored);
    assert_eq!(failed_micro(&v), vec!["init/cold".to_string()]);
    let v = judge(&[], &[run(&[("init/cold", 3.0)])], t, None, Pairing::Stored);
    assert!(failed_micro(&v).is_empty());
}

#[test]
fn the_filter_selects_exactly_the_named_operations() {
    let f = filter(&["init/cold".into(), "a.b(c)".into()]);
    assert!(f.is_match("init/cold") && f.is_match("a.b(c)"));
    assert!(!f.is_match("init/cold2") && !f.is_match("xinit/cold") && !f.is_match("aXb(c)"));
}

#[test]
fn a_failure_not_repeated_in_the_retest_becomes_a_warning() {
    let t = Thresholds::shipped();
    let mut v = judge(&[], &[run(FIRST)], t, None, Pairing::Stored);
    assert_eq!(v.outcome, Outcome::Fail);
    apply_micro(&mut v, &run(&[("init/cold", 3.5)]), t);
    let c = check(&v, "mean init/cold");
    assert_eq!(c.status, Status::Warn);
    assert_eq!(c.actual, 6e6, "the check keeps the first run's figure");
    let detail = c.detail.as_deref().unwrap();
    assert!(
        detail.contains("5400000–6600000 ns: wholly above")
            && detail.ends_with("retest: mean 3500000 ns, within the budget; a warning: over budget in the first run only"),
        "{detail}"
    );
    assert_eq!(
        check(&v, "mean init/warm").status,
        Status::Warn,
        "untouched"
    );
    assert_eq!(v.outcome, Outcome::Pass);
    assert!(
        v.notes
            .iter()
            .any(|n| n.text.contains("1 operation(s) over budget")
                && n.text.contains("0 over again")),
        "{:?}",
        v.notes
    );
}

#[test]
fn a_failure_repeated_in_the_retest_stays_a_failure() {
    let t = Thresholds::shipped();
    let mut v = judge(&[], &[run(FIRST)], t, None, Pairing::Stored);
    apply_micro(&mut v, &run(&[("init/cold", 5.8)]), t);
    let c = check(&v, "mean init/cold");
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.detail
            .as_deref()
            .unwrap()
            .contains("; failed: over budget in both runs"),
        "{:?}",
        c.detail
    );
    assert_eq!(v.outcome, Outcome::Fail);
    assert!(
        v.notes
            .iter()
            .any(|n| n.text.contains("1 over again (failed)"))
    );
}

#[test]
fn a_retest_without_the_operation_leaves_the_failure() {
    let t = Thresholds::shipped();
    let mut v = judge(&[], &[run(FIRST)], t, None, Pairing::Stored);
    apply_micro(&mut v, &run(&[("init/warm", 1.0)]), t);
    assert_eq!(check(&v, "mean init/cold").status, Status::Fail);
    assert_eq!(v.outcome, Outcome::Fail);
}

#[test]
fn nothing_changes_when_nothing_failed() {
    let t = Thresholds::shipped();
    let mut v = judge(&[], &[run(&[("init/cold", 3.0)])], t, None, Pairing::Stored);
    let before = v.clone();
    apply_micro(&mut v, &run(&[("init/cold", 9.0)]), t);
    assert_eq!(v, before);
}

/// A regression check as `decide` writes one (only what `apply_regressions` reads matters).
fn regression(name: &str, status: Status, detail: &str) -> Check {
    Check {
        id: CheckId::parse(CheckKind::Regression, name).expect(name),
        unit: "ms".into(),
        actual: 1.5,
        comparison: "<=".into(),
        warning: None,
        limit: 1.1,
        status,
        source: "test".into(),
        detail: Some(detail.into()),
    }
}

/// A verdict of `load_repetitions` load runs holding `checks`.
fn verdict(load_repetitions: usize, checks: Vec<Check>) -> Verdict {
    let mut v = judge(&[], &[], Thresholds::shipped(), None, Pairing::Stored);
    v.load_repetitions = load_repetitions;
    v.checks = checks;
    v.outcome = outcome(&v.checks);
    v
}

const P95: &str = "p95 all routes vs baseline";
const CHOICES: &str = "median choices vs baseline, relative to other routes";

#[test]
fn failed_regressions_names_only_failed_regression_checks() {
    let mut sla = regression(P95, Status::Fail, "over its SLA");
    sla.id = CheckId::sla(Subject::Route("choices".into()));
    let v = verdict(
        5,
        vec![
            regression(P95, Status::Fail, "+30 %"),
            regression(CHOICES, Status::Pass, "+1 %"),
            sla,
        ],
    );
    let names: Vec<String> = failed_regressions(&v)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(names, [P95]);
}

#[test]
fn a_regression_not_repeated_in_the_retest_becomes_a_warning() {
    let mut v = verdict(
        5,
        vec![
            regression(P95, Status::Fail, "+30.0 % vs baseline"),
            regression(CHOICES, Status::Fail, "+12.0 % vs baseline"),
        ],
    );
    let second = verdict(
        5,
        vec![
            regression(P95, Status::Pass, "+4.0 % vs baseline"),
            regression(CHOICES, Status::Fail, "+11.5 % vs baseline"),
        ],
    );
    apply_regressions(&mut v, &second);
    let p95 = check(&v, P95);
    assert_eq!(p95.status, Status::Warn);
    assert_eq!(p95.actual, 1.5, "the check keeps the first runs' figure");
    assert_eq!(
        p95.detail.as_deref(),
        Some(
            "first runs: +30.0 % vs baseline; retest: +4.0 % vs baseline; a warning: regressed in the first runs only"
        )
    );
    let choices = check(&v, CHOICES);
    assert_eq!(choices.status, Status::Fail);
    assert_eq!(
        choices.detail.as_deref(),
        Some(
            "first runs: +12.0 % vs baseline; retest: +11.5 % vs baseline; failed: regressed in both"
        )
    );
    assert_eq!(v.outcome, Outcome::Fail);
    assert_eq!(
        v.notes.last().map(|n| n.text.as_str()),
        Some(
            "regressions: 2 metric(s) failed against the stored baseline in the first 5 load runs and were judged again on 5 new runs: 1 failed again (failed), 1 not (warnings)"
        )
    );
}

#[test]
fn a_verdict_whose_regressions_all_clear_passes() {
    let mut v = verdict(5, vec![regression(P95, Status::Fail, "+30 %")]);
    assert_eq!(v.outcome, Outcome::Fail);
    apply_regressions(
        &mut v,
        &verdict(5, vec![regression(P95, Status::Improved, "-12 %")]),
    );
    assert_eq!(check(&v, P95).status, Status::Warn);
    assert_eq!(v.outcome, Outcome::Pass);
}

#[test]
fn a_regression_the_retest_could_not_judge_stays_failed() {
    let mut v = verdict(5, vec![regression(CHOICES, Status::Fail, "+20 %")]);
    let skipped = regression(CHOICES, Status::Skipped, "not judged: too few requests");
    apply_regressions(&mut v, &verdict(5, vec![skipped]));
    let c = check(&v, CHOICES);
    assert_eq!(c.status, Status::Fail);
    assert_eq!(
        c.detail.as_deref(),
        Some("first runs: +20 %; failed: the retest could not judge it")
    );
    assert!(
        v.notes
            .last()
            .unwrap()
            .text
            .ends_with("0 failed again (failed), 0 not (warnings), 1 not judged again (failed)"),
        "{:?}",
        v.notes
    );
}

#[test]
fn the_retest_leaves_sla_checks_and_passed_regressions_alone() {
    let mut sla = regression(P95, Status::Fail, "over its SLA");
    sla.id = CheckId::sla(Subject::Route("choices".into()));
    let passed = regression(CHOICES, Status::Pass, "+1 %");
    let mut v = verdict(5, vec![sla, passed]);
    let before = v.clone();
    let second = verdict(
        5,
        vec![
            regression(CHOICES, Status::Fail, "+40 %"),
            Check {
                id: CheckId::sla(Subject::Route("choices".into())),
                ..regression(P95, Status::Pass, "fine")
            },
        ],
    );
    apply_regressions(&mut v, &second);
    assert_eq!(v, before);
}
