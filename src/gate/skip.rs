//! Which regression metrics cannot be judged, and why: too few runs on a side for the test to
//! reach significance, or a route with too few requests on a side, all its runs pooled, for
//! its median to be stable. Skipped metrics stay out of Holm's family, show with `--all`, and the verdict's note
//! counts them by reason so a reader sees at once whether that is expected (one micro run per
//! side) or a sign of a broken load (routes without traffic).

/// Why a metric is not judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Skip {
    /// Fewer than `min` runs on a side (the gate makes one micro run, for example).
    TooFewRuns { base: usize, cur: usize, min: u32 },
    /// A side held only `fewest` requests of the route, all its runs (or blocks) pooled,
    /// below `least`.
    TooFewRequests { fewest: u64, least: u64 },
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::TooFewRuns { base, cur, min } => {
                write!(f, "{base}+{cur} runs; at least {min} per side are needed")
            }
            Skip::TooFewRequests { fewest, least } => write!(
                f,
                "{fewest} requests on a side, all its runs pooled; at least {least} are needed"
            ),
        }
    }
}

impl Skip {
    /// Not judged with `base` and `cur` runs on the sides when a test needs `min` a side.
    pub(super) fn too_few_runs(base: usize, cur: usize, min: u32) -> Option<Self> {
        (base < min as usize || cur < min as usize).then_some(Self::TooFewRuns { base, cur, min })
    }
}

/// The verdict's note on the metrics not judged, counted by reason, e.g. "30 regression checks
/// not judged: 21 with 1+1 runs (at least 5 per side are needed), 9 routes with fewer than 100
/// requests in a run; --all lists them". None when every metric was judged.
pub(super) fn note<'a>(skips: impl IntoIterator<Item = &'a Skip>) -> Option<String> {
    let mut groups: Vec<(String, usize)> = Vec::new();
    for skip in skips {
        let reason = match skip {
            Skip::TooFewRuns { base, cur, min } => {
                format!("with {base}+{cur} runs (at least {min} per side are needed)")
            }
            Skip::TooFewRequests { least, .. } => {
                format!("routes with fewer than {least} requests on a side, pooled")
            }
        };
        match groups.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => groups.push((reason, 1)),
        }
    }
    let total: usize = groups.iter().map(|(_, n)| n).sum();
    (total > 0).then(|| {
        let parts: Vec<String> = groups.iter().map(|(r, n)| format!("{n} {r}")).collect();
        format!(
            "{total} regression checks not judged: {}; --all lists them",
            parts.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_counts_what_was_not_judged_by_reason() {
        let min = 5;
        let sparse = |fewest| Skip::TooFewRequests { fewest, least: 100 };
        let few = Skip::too_few_runs(1, 1, min);
        assert_eq!(
            few,
            Some(Skip::TooFewRuns {
                base: 1,
                cur: 1,
                min
            })
        );
        assert_eq!(
            few.as_ref().unwrap().to_string(),
            format!("1+1 runs; at least {min} per side are needed")
        );
        assert_eq!(
            Skip::too_few_runs(5, 5, min),
            None,
            "{min} runs per side are enough"
        );
        assert!(Skip::too_few_runs(5, 4, min).is_some());
        let few = few.unwrap();
        let skips = [few.clone(), few.clone(), few, sparse(3), sparse(40)];
        assert_eq!(
            note(&skips).unwrap(),
            format!(
                "5 regression checks not judged: 3 with 1+1 runs (at least {min} per side are needed), 2 routes with fewer than 100 requests on a side, pooled; --all lists them"
            )
        );
        assert_eq!(note(&[]), None);
    }
}
