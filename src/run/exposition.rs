//! Reading a Prometheus text exposition (`/metrics`): the value of an unlabelled sample.

/// The value of the unlabelled sample `name` in `exposition`, if present and a finite,
/// non-negative number (counters and the gauges read here are never negative).
pub fn value(exposition: &str, name: &str) -> Option<f64> {
    exposition.lines().find_map(|line| {
        let mut parts = line.split_whitespace();
        if parts.next()? != name {
            return None;
        }
        // The format allows floats ("1.5e+06") for integer counters too.
        let v: f64 = parts.next()?.parse().ok()?;
        (v.is_finite() && v >= 0.0).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_unlabelled_samples_only() {
        let text = "# HELP a_total A.\n# TYPE a_total counter\na_total 12\nb{x=\"1\"} 3\nc 1.5e3\nd NaN\ne -1\n";
        assert_eq!(value(text, "a_total"), Some(12.0));
        assert_eq!(value(text, "c"), Some(1500.0));
        assert_eq!(value(text, "b"), None);
        assert_eq!(value(text, "d"), None);
        assert_eq!(value(text, "e"), None);
        assert_eq!(value(text, "a"), None);
    }
}
