//! Seed 000's time budgets for the core operations, keyed by benchmark name prefix. They are
//! written once, in thresholds.yaml (`micro:`), and read from the copy built into the binary, so
//! `tta-bench micro` and the gate judge against the same figures.

/// A time budget and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub ns: f64,
    pub source: &'static str,
}

/// Budget of the benchmark named `name` (`group/function`), if seed 000 gives one: the longest
/// matching prefix in the shipped thresholds.yaml.
pub fn budget_for(name: &str) -> Option<Budget> {
    crate::sla::Thresholds::shipped()
        .budget(name)
        .map(|(_, b)| Budget {
            ns: b.max.0.value,
            source: b.source.as_str(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suite_benchmark_has_a_budget() {
        for name in crate::micro::suite::names() {
            assert!(budget_for(&name).is_some(), "{name} has no budget");
        }
        let update = budget_for("character/update").unwrap();
        assert_eq!(update.ns, 300e6);
        assert_eq!(update.source, "seed 000: character updates < 300 ms");
        assert_eq!(budget_for("init/cold").unwrap().ns, 5e6);
        assert_eq!(budget_for("unknown/x"), None);
    }
}
