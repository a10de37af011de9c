//! The sessions profile (AI therapist performance benchmarks, session management): patients
//! open therapeutic sessions at a fixed rate up to each level in turn (250, 500, 1 000 open),
//! each creation timed from its intended start; at each level the service's cleanup pass is
//! timed over the sessions open (none idle yet), and at the end a pass expires them all. What
//! it yields: the sessions open at once, the creation rate at each level, how creation latency
//! grows with the sessions open (a slope with its interval: "linear" scaling is a flat one),
//! and the cleanup pass times (the document's "constant").

mod drive;

pub use drive::drive;

use serde::{Deserialize, Serialize};
use tta_stats::slope::Slope;

/// The study a profile asks for (`sessions:` in profiles.yaml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionPlan {
    /// Sessions open at each step, ascending.
    pub levels: Vec<u64>,
    /// Creations started per second.
    pub rate_per_s: f64,
}

impl SessionPlan {
    pub fn validate(&self) -> Result<(), String> {
        if self.levels.is_empty() || self.levels.windows(2).any(|w| w[0] >= w[1]) {
            return Err("sessions.levels: give one or more ascending levels".into());
        }
        if self.levels.iter().any(|l| *l == 0 || *l > 100_000) {
            return Err("sessions.levels: each from 1 to 100000".into());
        }
        if !(self.rate_per_s > 0.0 && self.rate_per_s <= 10_000.0) {
            return Err("sessions.rate_per_s: from above 0 to 10000".into());
        }
        Ok(())
    }
}

/// What the study measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionStudy {
    pub rate_per_s: f64,
    pub levels: Vec<LevelResult>,
    /// Sessions open after the last level, by the service's `tta_active_sessions` (none: not
    /// reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_at_end: Option<u64>,
    /// Creation latency (ms) against sessions open when it was sent, in ms per 1 000 sessions
    /// (none: too few creations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_slope: Option<Slope>,
    /// The pass expiring every session at the end (none: the target has no admin cleanup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<CleanupResult>,
}

/// One level: the creations that brought the sessions open up to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelResult {
    /// Sessions open at the end of the level (those before the study included).
    pub open: u64,
    pub created: u64,
    pub failed: u64,
    /// From the first creation's intended start to the last one's answer.
    pub seconds: f64,
    /// Sessions created per second over the level.
    pub rate_per_s: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    /// The cleanup pass over the sessions open then (none idle), when the target has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleanup: Option<CleanupResult>,
}

/// One cleanup pass, as the service answered it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CleanupResult {
    pub candidates: u64,
    pub expired: u64,
    pub duration_ms: f64,
}

impl SessionStudy {
    /// The lowest creation rate of any level that created sessions (one the target already
    /// held that many open for created none, and says nothing of the rate).
    pub fn creation_rate(&self) -> Option<f64> {
        self.levels
            .iter()
            .filter(|l| l.created + l.failed > 0)
            .map(|l| l.rate_per_s)
            .reduce(f64::min)
    }

    /// The sessions open at once: the service's count, else the last level's.
    pub fn max_open(&self) -> Option<u64> {
        self.open_at_end.or(self.levels.last().map(|l| l.open))
    }

    /// Every cleanup pass: the levels' and the final one.
    pub fn cleanup_passes(&self) -> impl Iterator<Item = &CleanupResult> {
        self.levels
            .iter()
            .filter_map(|l| l.cleanup.as_ref())
            .chain(self.expiry.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_already_open_at_the_start_does_not_count_as_a_rate() {
        let level = |open, created, rate_per_s| LevelResult {
            open,
            created,
            failed: 0,
            seconds: 1.0,
            rate_per_s,
            p50_ms: 1.0,
            p95_ms: 2.0,
            cleanup: None,
        };
        let mut study = SessionStudy {
            rate_per_s: 100.0,
            levels: vec![level(300, 0, 0.0), level(500, 200, 99.5)],
            open_at_end: None,
            latency_slope: None,
            expiry: None,
        };
        assert_eq!(study.creation_rate(), Some(99.5));
        assert_eq!(study.max_open(), Some(500));
        study.levels.truncate(1);
        assert_eq!(study.creation_rate(), None);
    }

    #[test]
    fn plans_must_ascend_within_bounds() {
        let plan = |levels: Vec<u64>, rate| SessionPlan {
            levels,
            rate_per_s: rate,
        };
        assert!(plan(vec![250, 500, 1000], 100.0).validate().is_ok());
        for (bad, why) in [
            (plan(vec![], 100.0), "ascending"),
            (plan(vec![500, 250], 100.0), "ascending"),
            (plan(vec![0, 10], 100.0), "from 1"),
            (plan(vec![10], 0.0), "rate_per_s"),
            (plan(vec![10], f64::NAN), "rate_per_s"),
        ] {
            let e = bad.validate().unwrap_err();
            assert!(e.contains(why), "{e}");
        }
    }
}
