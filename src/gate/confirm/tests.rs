use super::*;
use crate::gate::{Pairing, judge};
use crate::verdict::{Check, Outcome};

/// A quick run of `ops` (name, mean in ms); each interval is the mean ± 10 %.
fn run(ops: &[(&str, f64)]) -> MicroRun {
    let ns: Vec<(&str, f64)> = ops.iter().map(|&(n, ms)| (n, ms * 1e6)).collect();
    crate::micro::test_run(&ns)
}

fn check<'a>(v: &'a Verdict, name: &str) -> &'a Check {
    v.checks.iter().find(|c| c.name == name).expect(name)
}

// Budgets from the shipped thresholds.yaml: init/* 5 ms, session/* 500 ms.
const FIRST: &[(&str, f64)] = &[
    ("init/cold", 6.0),                   // 5.4–6.6 ms: over
    ("init/warm", 5.2),                   // 4.68–5.72 ms: mean over, not significantly
    ("session/initialise_new_user", 1.0), // far within
];

#[test]
fn over_budget_names_only_the_significant_failures() {
    let t = Thresholds::shipped();
    assert_eq!(over_budget(&run(FIRST), t), vec!["init/cold".to_string()]);
    assert!(over_budget(&run(&[("init/cold", 3.0)]), t).is_empty());
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
    apply(&mut v, &run(&[("init/cold", 3.5)]), t);
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
            .any(|n| n.contains("1 operation(s) over budget") && n.contains("0 over again")),
        "{:?}",
        v.notes
    );
}

#[test]
fn a_failure_repeated_in_the_retest_stays_a_failure() {
    let t = Thresholds::shipped();
    let mut v = judge(&[], &[run(FIRST)], t, None, Pairing::Stored);
    apply(&mut v, &run(&[("init/cold", 5.8)]), t);
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
    assert!(v.notes.iter().any(|n| n.contains("1 over again (failed)")));
}

#[test]
fn a_retest_without_the_operation_leaves_the_failure() {
    let t = Thresholds::shipped();
    let mut v = judge(&[], &[run(FIRST)], t, None, Pairing::Stored);
    apply(&mut v, &run(&[("init/warm", 1.0)]), t);
    assert_eq!(check(&v, "mean init/cold").status, Status::Fail);
    assert_eq!(v.outcome, Outcome::Fail);
}

#[test]
fn nothing_changes_when_nothing_failed() {
    let t = Thresholds::shipped();
    let mut v = judge(&[], &[run(&[("init/cold", 3.0)])], t, None, Pairing::Stored);
    let before = v.clone();
    apply(&mut v, &run(&[("init/cold", 9.0)]), t);
    assert_eq!(v, before);
}
