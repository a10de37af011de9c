//! When each arrival of an [`ArrivalPlan`] is intended to start, fixed in advance and never
//! moved by how the target answers: that is what keeps the open model honest.
//!
//! The rate is piecewise linear, so its integral N(t) (the arrivals due by t) is piecewise
//! quadratic and inverts in closed form. Uniform spacing puts the k-th arrival (from 0) where
//! N(t) = k; Poisson spacing where N(t) reaches the k-th partial sum of unit exponential gaps
//! (the time-rescaling theorem: a unit-rate Poisson process mapped through N⁻¹ is a Poisson
//! process of the plan's rate).

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::scenario::arrival::{ArrivalPlan, Spacing};

/// One stage, with what precedes it.
#[derive(Debug, Clone, Copy)]
struct Segment {
    /// Seconds from the run's start to the stage's start.
    start_s: f64,
    length_s: f64,
    from_rps: f64,
    to_rps: f64,
    /// N at the stage's start.
    due_before: f64,
}

impl Segment {
    fn arrivals(&self) -> f64 {
        (self.from_rps + self.to_rps) / 2.0 * self.length_s
    }

    /// Seconds into the stage at which N reaches `due_before + m` (0 ≤ m ≤ arrivals()): the
    /// root of a·τ + (b − a)·τ²/(2T) = m, written so that it stays exact when a = b.
    fn time_of(&self, m: f64) -> f64 {
        let a = self.from_rps;
        let slope = (self.to_rps - a) / self.length_s;
        let root = (a * a + 2.0 * slope * m).max(0.0).sqrt();
        if a + root == 0.0 {
            0.0
        } else {
            (2.0 * m / (a + root)).min(self.length_s)
        }
    }
}

/// The intended start of every arrival, as an offset from the run's start, in order.
#[derive(Debug, Clone)]
pub struct Schedule {
    segments: Vec<Segment>,
    total: f64,
    at: usize,
    /// N of the next arrival.
    next_due: f64,
    rng: Option<ChaCha8Rng>,
    left: u64,
}

impl Schedule {
    /// The schedule of `plan`, cut after `limit` arrivals (a profile's request cap).
    pub fn new(plan: &ArrivalPlan, limit: u64) -> Self {
        let mut segments = Vec::with_capacity(plan.stages.len());
        let (mut start_s, mut from, mut due) = (0.0, plan.start_rps, 0.0);
        for stage in &plan.stages {
            let seg = Segment {
                start_s,
                length_s: stage.duration_ms as f64 / 1000.0,
                from_rps: from,
                to_rps: stage.target_rps,
                due_before: due,
            };
            start_s += seg.length_s;
            due += seg.arrivals();
            from = stage.target_rps;
            if seg.length_s > 0.0 {
                segments.push(seg);
            }
        }
        let mut rng = match plan.spacing {
            Spacing::Uniform => None,
            Spacing::Poisson => Some(ChaCha8Rng::seed_from_u64(plan.seed)),
        };
        let next_due = rng.as_mut().map_or(0.0, gap);
        Self {
            segments,
            total: due,
            at: 0,
            next_due,
            rng,
            left: limit,
        }
    }
}

/// A unit exponential gap: −ln(1 − U), U uniform in [0, 1).
fn gap(rng: &mut ChaCha8Rng) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

impl Iterator for Schedule {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.left == 0 || self.next_due >= self.total {
            return None;
        }
        let n = self.next_due;
        while self.at + 1 < self.segments.len()
            && n >= self.segments[self.at].due_before + self.segments[self.at].arrivals()
        {
            self.at += 1;
        }
        let seg = self.segments[self.at];
        let offset = seg.start_s + seg.time_of(n - seg.due_before);
        self.left -= 1;
        self.next_due += self.rng.as_mut().map_or(1.0, gap);
        Some(Duration::from_secs_f64(offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::arrival::{Stage, parse_stages};
    use proptest::prelude::*;

    fn offsets(plan: &ArrivalPlan) -> Vec<f64> {
        Schedule::new(plan, u64::MAX)
            .map(|d| d.as_secs_f64())
            .collect()
    }

    #[test]
    fn a_constant_rate_is_evenly_spaced_from_zero() {
        let t = offsets(&ArrivalPlan::constant(4.0, 3));
        assert_eq!(t.len(), 12);
        for (k, v) in t.iter().enumerate() {
            assert!((v - k as f64 * 0.25).abs() < 1e-9, "{k}: {v}");
        }
        assert_eq!(Schedule::new(&ArrivalPlan::constant(4.0, 3), 5).count(), 5);
    }

    #[test]
    fn a_ramp_follows_the_integral_of_its_rate() {
        // 0 → 10/s over 10 s: N(t) = t²/2, so arrival k at √(2k).
        let plan = ArrivalPlan::staged(parse_stages("s", "10s:10/s").unwrap());
        let t = offsets(&plan);
        assert_eq!(t.len(), 50);
        for (k, v) in t.iter().enumerate() {
            assert!((v - (2.0 * k as f64).sqrt()).abs() < 1e-9, "{k}: {v}");
        }
        // A jump, a hold and a ramp down: 2 s at 5/s (10), then 5 → 0 over 2 s (5).
        let plan = ArrivalPlan::staged(parse_stages("s", "0s:5/s,2s:5/s,2s:0/s").unwrap());
        let t = offsets(&plan);
        assert_eq!(t.len(), 15);
        assert!((t[10] - 2.0).abs() < 1e-9 && t[14] < 4.0, "{t:?}");
    }

    #[test]
    fn poisson_spacing_is_seeded_and_keeps_the_rate() {
        let mut plan = ArrivalPlan::constant(200.0, 50);
        plan.spacing = Spacing::Poisson;
        plan.seed = 42;
        let a = offsets(&plan);
        assert_eq!(a, offsets(&plan), "same seed, same schedule");
        plan.seed = 43;
        assert_ne!(a, offsets(&plan));
        // 10 000 expected; a Poisson count's standard deviation is 100.
        assert!((a.len() as f64 - 10_000.0).abs() < 500.0, "{}", a.len());
        let gaps: Vec<f64> = a.windows(2).map(|w| w[1] - w[0]).collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
        // Exponential gaps: the coefficient of variation is 1 (uniform gaps: 0).
        assert!(
            (var.sqrt() / mean - 1.0).abs() < 0.05,
            "cv {}",
            var.sqrt() / mean
        );
    }

    proptest! {
        #[test]
        fn offsets_are_ordered_within_the_plan_and_count_its_integral(
            stages in prop::collection::vec((0u64..5_000, 0.0f64..400.0), 1..5),
            start in 0.0f64..100.0,
        ) {
            let plan = ArrivalPlan {
                start_rps: start,
                stages: stages
                    .iter()
                    .map(|&(duration_ms, target_rps)| Stage { duration_ms, target_rps })
                    .collect(),
                ..ArrivalPlan::constant(1.0, 1)
            };
            let t = offsets(&plan);
            let end = plan.duration().as_secs_f64();
            prop_assert!(t.windows(2).all(|w| w[0] <= w[1]));
            prop_assert!(t.iter().all(|v| *v >= 0.0 && *v <= end + 1e-9));
            // Arrivals k = 0, 1, … while k < N(end): ⌈N(end)⌉ of them.
            let expected = plan.expected_arrivals();
            prop_assert!((t.len() as f64 - expected.ceil()).abs() <= 1.0, "{} vs {expected}", t.len());
        }
    }
}
