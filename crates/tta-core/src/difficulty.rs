//! Adaptive difficulty (TTA `TherapeuticAdaptiveDifficultyEngine`; adaptation < 100 ms, TTA therapeutic systems benchmarks).
//!
//! Each observation (success, engagement, stress, crisis level) updates a per-user window of the
//! last ten outcomes. Capability = 0.6 × success rate + 0.25 × engagement + 0.15 × (1 − stress),
//! mapped to a target level with thresholds 0.9 / 0.75 / 0.6 / 0.4 / 0.25 (levels 6…2, else 1).
//! Triggers and strategies:
//! - crisis (assessment MODERATE or above) → *therapeutic override*: straight to level 1;
//! - frustration (three failures in a row, or stress > 0.7) → *immediate*: one level down now;
//! - boredom (success rate ≥ 0.9 over ≥ 5 outcomes and engagement < 0.4) → *immediate*: one up;
//! - performance (target differs from the level) → *gradual*: one level towards the target, but
//!   only after the target has pointed the same way twice in a row (hysteresis against noise).
//!
//! Apart from the override, a step never moves more than one level; levels stay within 1–6.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::CoreError;
use super::crisis::CrisisLevel;

pub const MIN_LEVEL: u8 = 1;
pub const MAX_LEVEL: u8 = 6;
pub const DEFAULT_LEVEL: u8 = 3;
const WINDOW: usize = 10;
const THRESHOLDS: [f32; 5] = [0.9, 0.75, 0.6, 0.4, 0.25];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Crisis,
    Frustration,
    Boredom,
    Performance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    None,
    Gradual,
    Immediate,
    TherapeuticOverride,
}

/// One observed turn outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    pub success: bool,
    /// 0–1.
    pub engagement: f32,
    /// 0–1.
    pub stress: f32,
    #[serde(default = "no_crisis")]
    pub crisis_level: CrisisLevel,
}

fn no_crisis() -> CrisisLevel {
    CrisisLevel::None
}

/// What one adaptation step decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adaptation {
    pub previous_level: u8,
    pub level: u8,
    pub capability: f32,
    pub target_level: u8,
    pub triggers: Vec<Trigger>,
    pub strategy: Strategy,
}

#[derive(Debug, Clone)]
struct PlayerState {
    level: u8,
    outcomes: VecDeque<bool>,
    consecutive_failures: u32,
    /// Direction (−1, 0, +1) of the previous performance target, for hysteresis.
    pending: i8,
}

impl Default for PlayerState {
    fn default() -> Self {
        Self {
            level: DEFAULT_LEVEL,
            outcomes: VecDeque::with_capacity(WINDOW),
            consecutive_failures: 0,
            pending: 0,
        }
    }
}

/// Target level for a capability score.
pub fn target_level(capability: f32) -> u8 {
    let above = THRESHOLDS.iter().position(|t| capability >= *t);
    match above {
        Some(i) => MAX_LEVEL - i as u8,
        None => MIN_LEVEL,
    }
}

#[derive(Debug, Default)]
pub struct DifficultyEngine {
    players: HashMap<String, PlayerState>,
}

impl DifficultyEngine {
    pub fn level(&self, user: &str) -> u8 {
        self.players.get(user).map_or(DEFAULT_LEVEL, |p| p.level)
    }

    /// Sets a user's level (clamped to 1–6), e.g. when restoring a snapshot.
    pub fn set_level(&mut self, user: &str, level: u8) {
        self.players.entry(user.to_string()).or_default().level = level.clamp(MIN_LEVEL, MAX_LEVEL);
    }

    /// Records an observation and adapts the level.
    pub fn adapt(&mut self, user: &str, obs: Observation) -> Result<Adaptation, CoreError> {
        for (name, v) in [("engagement", obs.engagement), ("stress", obs.stress)] {
            if !(0.0..=1.0).contains(&v) {
                return Err(CoreError::InvalidInput(format!(
                    "{name} must be within 0-1, got {v}"
                )));
            }
        }
        let p = self.players.entry(user.to_string()).or_default();
        if p.outcomes.len() == WINDOW {
            p.outcomes.pop_front();
        }
        p.outcomes.push_back(obs.success);
        p.consecutive_failures = if obs.success {
            0
        } else {
            p.consecutive_failures + 1
        };
        let successes = p.outcomes.iter().filter(|s| **s).count() as f32;
        let success_rate = successes / p.outcomes.len() as f32;
        let capability = 0.6 * success_rate + 0.25 * obs.engagement + 0.15 * (1.0 - obs.stress);
        let target = target_level(capability);
        let previous = p.level;

        let mut triggers = Vec::new();
        let crisis = obs.crisis_level >= CrisisLevel::Moderate;
        let frustration = p.consecutive_failures >= 3 || obs.stress > 0.7;
        let boredom = p.outcomes.len() >= 5 && success_rate >= 0.9 && obs.engagement < 0.4;
        let direction = (target as i8 - previous as i8).signum();
        if crisis {
            triggers.push(Trigger::Crisis);
        }
        if frustration {
            triggers.push(Trigger::Frustration);
        }
        if boredom {
            triggers.push(Trigger::Boredom);
        }
        if direction != 0 {
            triggers.push(Trigger::Performance);
        }

        let (level, strategy) = if crisis {
            (MIN_LEVEL, Strategy::TherapeuticOverride)
        } else if frustration {
            (
                previous.saturating_sub(1).max(MIN_LEVEL),
                Strategy::Immediate,
            )
        } else if boredom {
            ((previous + 1).min(MAX_LEVEL), Strategy::Immediate)
        } else if direction != 0 && direction == p.pending {
            ((previous as i8 + direction) as u8, Strategy::Gradual)
        } else {
            (previous, Strategy::None)
        };
        // Hysteresis memory: a move consumes it; otherwise remember where the target pointed.
        p.pending = if strategy == Strategy::None {
            direction
        } else {
            0
        };
        p.level = level;
        Ok(Adaptation {
            previous_level: previous,
            level,
            capability,
            target_level: target,
            triggers,
            strategy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Strategy;
    use super::*;
    use proptest::prelude::*;

    fn obs(success: bool, engagement: f32, stress: f32) -> Observation {
        Observation {
            success,
            engagement,
            stress,
            crisis_level: CrisisLevel::None,
        }
    }

    #[test]
    fn capability_thresholds_map_to_levels() {
        let cases = [
            (1.0, 6),
            (0.9, 6),
            (0.89, 5),
            (0.75, 5),
            (0.6, 4),
            (0.4, 3),
            (0.25, 2),
            (0.24, 1),
            (0.0, 1),
        ];
        for (c, l) in cases {
            assert_eq!(target_level(c), l, "capability {c}");
        }
    }

    #[test]
    fn gradual_moves_need_two_consistent_signals() {
        let mut e = DifficultyEngine::default();
        // All successes, high engagement, low stress → capability 1.0, target 6.
        let a = e.adapt("u", obs(true, 1.0, 0.0)).unwrap();
        assert_eq!((a.level, a.strategy), (3, Strategy::None));
        let a = e.adapt("u", obs(true, 1.0, 0.0)).unwrap();
        assert_eq!((a.level, a.strategy), (4, Strategy::Gradual));
        let a = e.adapt("u", obs(true, 1.0, 0.0)).unwrap();
        assert_eq!(a.level, 4, "hysteresis restarts after a move");
        let a = e.adapt("u", obs(true, 1.0, 0.0)).unwrap();
        assert_eq!(a.level, 5);
    }

    #[test]
    fn frustration_steps_down_immediately_by_one() {
        let mut e = DifficultyEngine::default();
        let a = e.adapt("u", obs(true, 0.5, 0.9)).unwrap();
        assert_eq!((a.previous_level, a.level), (3, 2));
        assert_eq!(a.strategy, Strategy::Immediate);
        assert!(a.triggers.contains(&Trigger::Frustration));
    }

    #[test]
    fn boredom_steps_up_immediately() {
        let mut e = DifficultyEngine::default();
        for _ in 0..4 {
            e.adapt("u", obs(true, 0.5, 0.0)).unwrap();
        }
        let before = e.level("u");
        let a = e.adapt("u", obs(true, 0.2, 0.0)).unwrap();
        assert!(a.triggers.contains(&Trigger::Boredom));
        assert_eq!(a.level, (before + 1).min(MAX_LEVEL));
    }

    #[test]
    fn crisis_overrides_to_level_one() {
        let mut e = DifficultyEngine::default();
        e.set_level("u", 6);
        let mut o = obs(true, 1.0, 0.0);
        o.crisis_level = CrisisLevel::Moderate;
        let a = e.adapt("u", o).unwrap();
        assert_eq!((a.level, a.strategy), (1, Strategy::TherapeuticOverride));
    }

    #[test]
    fn out_of_range_inputs_are_rejected() {
        let mut e = DifficultyEngine::default();
        assert!(e.adapt("u", obs(true, 1.5, 0.0)).is_err());
        assert!(e.adapt("u", obs(true, 0.5, f32::NAN)).is_err());
    }

    proptest! {
        #[test]
        fn level_stays_in_range_and_moves_at_most_one_without_crisis(
            steps in prop::collection::vec((any::<bool>(), 0.0f32..=1.0, 0.0f32..=1.0, 0u8..5), 1..80)
        ) {
            let mut e = DifficultyEngine::default();
            for (success, engagement, stress, crisis) in steps {
                let level = [CrisisLevel::None, CrisisLevel::Low, CrisisLevel::Moderate,
                             CrisisLevel::High, CrisisLevel::Critical][crisis as usize];
                let a = e.adapt("u", Observation { success, engagement, stress, crisis_level: level }).unwrap();
                prop_assert!((MIN_LEVEL..=MAX_LEVEL).contains(&a.level));
                if a.strategy != Strategy::TherapeuticOverride {
                    prop_assert!((a.level as i8 - a.previous_level as i8).abs() <= 1);
                }
            }
        }
    }
}
