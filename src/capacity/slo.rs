//! A service-level objective for `capacity`: limits on the latency percentiles (from each
//! request's intended start), the error share and the dropped share of one open-model step,
//! written `p95<200ms,errors<1%,dropped<0.1%`.

use serde::{Deserialize, Serialize};

use crate::run::RunResult;

/// What one clause limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    P50,
    P90,
    P95,
    P99,
    P999,
    Max,
    /// Share of requests without the expected answer.
    Errors,
    /// Share of arrivals not sent (the in-flight cap was reached).
    Dropped,
}

impl Metric {
    const ALL: [(&'static str, Metric); 8] = [
        ("p50", Metric::P50),
        ("p90", Metric::P90),
        ("p95", Metric::P95),
        ("p99", Metric::P99),
        ("p999", Metric::P999),
        ("max", Metric::Max),
        ("errors", Metric::Errors),
        ("dropped", Metric::Dropped),
    ];

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("?", |(n, _)| n)
    }

    fn is_share(self) -> bool {
        matches!(self, Metric::Errors | Metric::Dropped)
    }

    /// The step's value: milliseconds for latencies, a share (0-1) otherwise.
    fn of(self, run: &RunResult) -> f64 {
        let t = &run.totals;
        match self {
            Metric::P50 => t.p50_ms,
            Metric::P90 => t.p90_ms,
            Metric::P95 => t.p95_ms,
            Metric::P99 => t.p99_ms,
            Metric::P999 => t.p999_ms,
            Metric::Max => t.max_ms,
            Metric::Errors => t.error_rate,
            Metric::Dropped => run.arrival.as_ref().map_or(0.0, |a| a.dropped_share),
        }
    }
}

/// One clause: `metric < limit` (or `<=`); latencies in ms, shares as fractions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub metric: Metric,
    pub limit: f64,
    /// `<=` rather than `<`.
    pub inclusive: bool,
}

impl Clause {
    fn holds(&self, value: f64) -> bool {
        if self.inclusive {
            value <= self.limit
        } else {
            value < self.limit
        }
    }

    fn show(&self, value: f64) -> String {
        let op = if self.inclusive { "<=" } else { "<" };
        if self.metric.is_share() {
            format!(
                "{} {:.3} % (limit {op} {} %)",
                self.metric.name(),
                value * 100.0,
                self.limit * 100.0
            )
        } else {
            format!(
                "{} {value:.2} ms (limit {op} {} ms)",
                self.metric.name(),
                self.limit
            )
        }
    }
}

/// Every clause must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// As written.
    pub text: String,
    pub clauses: Vec<Clause>,
}

impl Slo {
    /// Parses `--slo`: clauses joined by commas, each METRIC<LIMIT or METRIC<=LIMIT; latencies
    /// with a unit (us, ms, s), shares in %.
    pub fn parse(text: &str) -> Result<Self, String> {
        let clauses = text
            .split(',')
            .map(|part| parse_clause(text, part.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            text: text.to_string(),
            clauses,
        })
    }

    /// The clauses `run` misses, each with its value and limit (empty: the step met the SLO).
    pub fn misses(&self, run: &RunResult) -> Vec<String> {
        self.clauses
            .iter()
            .filter_map(|c| {
                let v = c.metric.of(run);
                (!c.holds(v)).then(|| c.show(v))
            })
            .collect()
    }
}

fn parse_clause(all: &str, part: &str) -> Result<Clause, String> {
    let bad = |why: String| format!("--slo {all:?}: {part:?}: {why}");
    let (name, inclusive, limit) = if let Some((n, l)) = part.split_once("<=") {
        (n, true, l)
    } else if let Some((n, l)) = part.split_once('<') {
        (n, false, l)
    } else {
        return Err(bad("expected METRIC<LIMIT, e.g. p95<200ms".into()));
    };
    let names: Vec<&str> = Metric::ALL.iter().map(|(n, _)| *n).collect();
    let metric = Metric::ALL
        .iter()
        .find(|(n, _)| *n == name.trim())
        .map(|(_, m)| *m)
        .ok_or_else(|| {
            bad(format!(
                "unknown metric {:?} (one of {})",
                name.trim(),
                names.join(", ")
            ))
        })?;
    let limit = limit.trim();
    let number = |t: &str| {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    let value = if metric.is_share() {
        limit
            .strip_suffix('%')
            .and_then(number)
            .map(|v| v / 100.0)
            .ok_or_else(|| bad(format!("{limit:?} is not a share such as 1%")))?
    } else {
        [("us", 0.001), ("ms", 1.0), ("s", 1000.0)]
            .iter()
            .find_map(|(unit, to_ms)| limit.strip_suffix(unit).and_then(number).map(|v| v * to_ms))
            .ok_or_else(|| bad(format!("{limit:?} is not a latency such as 200ms")))?
    };
    Ok(Clause {
        metric,
        limit: value,
        inclusive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_slo_parses_and_judges_a_run() {
        let slo = Slo::parse("p95<200ms, errors<1%,dropped<=0.1%,max<2s").unwrap();
        assert_eq!(slo.clauses.len(), 4);
        assert_eq!(
            slo.clauses[0],
            Clause {
                metric: Metric::P95,
                limit: 200.0,
                inclusive: false
            }
        );
        assert!((slo.clauses[2].limit - 0.001).abs() < 1e-12 && slo.clauses[2].inclusive);
        assert_eq!(slo.clauses[3].limit, 2000.0);
        let run = crate::run::synthetic(&[("GET /a", vec![1_000; 99]), ("GET /b", vec![300_000])]);
        // p95 1 ms, max 300 ms, no error: within every clause.
        assert!(slo.misses(&run).is_empty(), "{:?}", slo.misses(&run));
        let tight = Slo::parse("p95<1ms,max<100ms").unwrap();
        let misses = tight.misses(&run);
        assert_eq!(misses.len(), 2, "{misses:?}");
        assert!(
            misses[1].starts_with("max 300.") && misses[1].ends_with("(limit < 100 ms)"),
            "{misses:?}"
        );
        for (bad, says) in [
            ("p96<1ms", "unknown metric \"p96\""),
            ("p95>1ms", "expected METRIC<LIMIT"),
            ("p95<fast", "is not a latency"),
            ("errors<1", "is not a share"),
            ("p95<-1ms", "is not a latency"),
        ] {
            let e = Slo::parse(bad).unwrap_err();
            assert!(
                e.starts_with(&format!("--slo {bad:?}: ")) && e.contains(says),
                "{bad}: {e}"
            );
        }
    }
}
