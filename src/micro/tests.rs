use super::*;

fn settings(scale: f64) -> MicroSettings {
    MicroSettings {
        mode: "quick".into(),
        filter: None,
        budget_scale: scale,
    }
}

#[test]
fn budgets_decide_the_verdict() {
    // init budget 5 ms, crisis 1 s.
    let run = evaluate(
        vec![
            test_measurement("init/cold", 1e6),
            test_measurement("crisis/x", 2e6),
        ],
        settings(1.0),
        crate::sla::Thresholds::shipped(),
    );
    assert!(run.passed);
    assert_eq!(run.operations[0].headroom, Some(5.0));
    assert_eq!(run.operations[1].budget_ns, Some(1e9));

    let strict = evaluate(
        vec![
            test_measurement("init/cold", 1e6),
            test_measurement("crisis/x", 2e6),
        ],
        settings(0.1),
        crate::sla::Thresholds::shipped(),
    );
    assert!(!strict.passed, "5 ms × 0.1 = 0.5 ms < 1 ms");
    assert_eq!(strict.operations[0].within_budget, Some(false));
    assert_eq!(strict.operations[1].within_budget, Some(true));
}

#[test]
fn only_a_significant_excess_is_over_budget() {
    // init budget 5 ms; the interval is mean ± 10 %.
    let run = evaluate(
        vec![
            test_measurement("init/cold", 5.5e6),
            test_measurement("init/warm", 5.6e6),
        ],
        settings(1.0),
        crate::sla::Thresholds::shipped(),
    );
    assert_eq!(
        run.operations[0].within_budget,
        Some(true),
        "4.95 ms ≤ 5 ms"
    );
    assert!(run.operations[0].mean_over_budget());
    assert_eq!(
        run.operations[1].within_budget,
        Some(false),
        "5.04 ms > 5 ms"
    );
    assert!(!run.passed);
    let under = evaluate(
        vec![test_measurement("init/cold", 4e6)],
        settings(1.0),
        crate::sla::Thresholds::shipped(),
    );
    assert!(under.passed && !under.operations[0].mean_over_budget());
}

#[test]
fn operations_without_a_budget_are_reported_not_judged() {
    let run = evaluate(
        vec![test_measurement("custom/thing", 1e12)],
        settings(1.0),
        crate::sla::Thresholds::shipped(),
    );
    assert!(run.passed);
    assert_eq!(run.operations[0].budget_ns, None);
    assert_eq!(run.operations[0].within_budget, None);
}
