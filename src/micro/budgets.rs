//! Seed 000's time budgets for the core operations, keyed by benchmark name prefix.

/// A time budget and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub ns: f64,
    pub source: &'static str,
}

const MS: f64 = 1e6;

/// Most specific prefix first.
const BUDGETS: &[(&str, f64, &str)] = &[
    ("init/", 5.0 * MS, "seed 000: system initialisation < 5 ms"),
    (
        "crisis/",
        1000.0 * MS,
        "seed 000: crisis response time < 1 s",
    ),
    (
        "consequences/",
        50.0 * MS,
        "seed 000: < 50 ms per choice processing",
    ),
    (
        "difficulty/",
        100.0 * MS,
        "seed 000: adaptation time < 100 ms",
    ),
    (
        "character/create",
        200.0 * MS,
        "seed 000: character creation < 200 ms",
    ),
    (
        "character/update",
        300.0 * MS,
        "seed 000: character updates < 300 ms",
    ),
    (
        "frameworks/",
        300.0 * MS,
        "seed 000: recommendation generation < 300 ms",
    ),
    (
        "session/",
        500.0 * MS,
        "seed 000: session initialization < 500 ms",
    ),
    (
        "replay/",
        400.0 * MS,
        "seed 000: alternative path generation < 400 ms",
    ),
    (
        "collaboration/",
        600.0 * MS,
        "seed 000: collaboration setup < 600 ms",
    ),
    ("recovery/", 100.0 * MS, "seed 000: recovery time < 100 ms"),
    (
        "cross_system/",
        50.0 * MS,
        "seed 000: cross-system communication < 50 ms",
    ),
];

/// Budget of the benchmark named `name` (`group/function`), if seed 000 gives one.
pub fn budget_for(name: &str) -> Option<Budget> {
    BUDGETS
        .iter()
        .find(|(prefix, _, _)| name.starts_with(prefix))
        .map(|(_, ns, source)| Budget { ns: *ns, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suite_benchmark_has_a_budget() {
        for name in crate::micro::suite::names() {
            assert!(budget_for(&name).is_some(), "{name} has no budget");
        }
        assert_eq!(budget_for("character/update").unwrap().ns, 300.0 * MS);
        assert_eq!(budget_for("unknown/x"), None);
    }
}
