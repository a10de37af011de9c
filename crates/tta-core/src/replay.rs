//! Replayability (TTA `TherapeuticReplayabilitySystem`; alternative paths < 400 ms, TTA therapeutic systems benchmarks).
//!
//! A user keeps at most ten snapshots (the oldest is dropped). From a snapshot, alternative paths
//! are simulated: each path is a deterministic (seeded) sequence of choice types scored with the
//! consequence rules against a copy of the snapshot's attributes, so exploring never changes real
//! progress. Paths are compared by therapeutic value, attribute growth, where they first diverge,
//! and how alike their choice mixes are (Jaccard similarity of the choice-type sets).

use std::collections::{BTreeMap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::CoreError;
use super::character::{Attributes, Goal};
use super::consequences::{ChoiceType, score};

pub const MAX_SNAPSHOTS_PER_USER: usize = 10;
pub const MAX_PATHS: usize = 20;
pub const MAX_DEPTH: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: u64,
    pub user: String,
    pub session_id: u64,
    pub turn: u32,
    pub attributes: Attributes,
    pub difficulty_level: u8,
    pub goals: Vec<Goal>,
    pub choices: Vec<ChoiceType>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlternativePath {
    pub choices: Vec<ChoiceType>,
    pub total_therapeutic_value: f32,
    pub attribute_growth: f32,
    pub final_attributes: Attributes,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathComparison {
    pub value_difference: f32,
    pub growth_difference: f32,
    /// Index of the first differing choice, or `None` when one path is a prefix of the other.
    pub divergence_point: Option<usize>,
    pub similarity: f32,
}

#[derive(Debug, Default)]
pub struct ReplaySystem {
    snapshots: BTreeMap<String, VecDeque<Snapshot>>,
    next_id: u64,
}

impl ReplaySystem {
    /// Stores a snapshot (id assigned here), dropping the user's oldest beyond ten.
    pub fn save(&mut self, mut snapshot: Snapshot) -> u64 {
        self.next_id += 1;
        snapshot.id = self.next_id;
        let list = self.snapshots.entry(snapshot.user.clone()).or_default();
        if list.len() == MAX_SNAPSHOTS_PER_USER {
            list.pop_front();
        }
        list.push_back(snapshot);
        self.next_id
    }

    pub fn snapshots(&self, user: &str) -> Vec<&Snapshot> {
        self.snapshots
            .get(user)
            .map(|l| l.iter().collect())
            .unwrap_or_default()
    }

    fn find(&self, user: &str, id: u64) -> Result<&Snapshot, CoreError> {
        self.snapshots
            .get(user)
            .and_then(|l| l.iter().find(|s| s.id == id))
            .ok_or(CoreError::UnknownSnapshot(id))
    }

    /// Simulates `count` alternative paths of `depth` choices from a snapshot.
    pub fn alternative_paths(
        &self,
        user: &str,
        snapshot_id: u64,
        count: usize,
        depth: usize,
        seed: u64,
    ) -> Result<Vec<AlternativePath>, CoreError> {
        if count == 0 || count > MAX_PATHS || depth == 0 || depth > MAX_DEPTH {
            return Err(CoreError::InvalidInput(format!(
                "alternative paths need 1-{MAX_PATHS} paths of depth 1-{MAX_DEPTH}, got {count} of {depth}"
            )));
        }
        let snapshot = self.find(user, snapshot_id)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ snapshot_id);
        Ok((0..count)
            .map(|_| {
                let choices: Vec<ChoiceType> = (0..depth)
                    .map(|_| ChoiceType::ALL[rng.random_range(0..ChoiceType::ALL.len())])
                    .collect();
                simulate(snapshot, choices)
            })
            .collect())
    }
}

/// Plays `choices` forward from `snapshot` on a copy of its attributes.
pub fn simulate(snapshot: &Snapshot, choices: Vec<ChoiceType>) -> AlternativePath {
    let mut attributes = snapshot.attributes;
    let mut history = snapshot.choices.clone();
    let mut total = 0.0;
    for kind in &choices {
        let (_, value, impacts) = score(*kind, &snapshot.goals, 0.25, &history);
        total += value;
        for (a, d) in impacts {
            attributes.add(a, d);
        }
        history.push(*kind);
    }
    AlternativePath {
        attribute_growth: attributes.total() - snapshot.attributes.total(),
        total_therapeutic_value: total,
        final_attributes: attributes,
        choices,
    }
}

/// Compares path `a` with path `b` (differences are a − b).
pub fn compare(a: &AlternativePath, b: &AlternativePath) -> PathComparison {
    let divergence_point = a.choices.iter().zip(&b.choices).position(|(x, y)| x != y);
    let set = |p: &AlternativePath| {
        let mut v = p.choices.clone();
        v.sort();
        v.dedup();
        v
    };
    let (sa, sb) = (set(a), set(b));
    let inter = sa.iter().filter(|t| sb.contains(t)).count() as f32;
    let union = (sa.len() + sb.len()) as f32 - inter;
    PathComparison {
        value_difference: a.total_therapeutic_value - b.total_therapeutic_value,
        growth_difference: a.attribute_growth - b.attribute_growth,
        divergence_point,
        similarity: if union == 0.0 { 1.0 } else { inter / union },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn snap(user: &str) -> Snapshot {
        Snapshot {
            id: 0,
            user: user.into(),
            session_id: 1,
            turn: 4,
            attributes: Attributes::default(),
            difficulty_level: 3,
            goals: vec![Goal::AnxietyManagement],
            choices: vec![ChoiceType::Coping],
        }
    }

    #[test]
    fn paths_are_deterministic_and_leave_snapshot_untouched() {
        let mut r = ReplaySystem::default();
        let id = r.save(snap("u"));
        let a = r.alternative_paths("u", id, 3, 5, 42).unwrap();
        let b = r.alternative_paths("u", id, 3, 5, 42).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert!(a.iter().all(|p| p.choices.len() == 5));
        assert_eq!(r.snapshots("u")[0].attributes, Attributes::default());
        assert_ne!(a, r.alternative_paths("u", id, 3, 5, 43).unwrap());
    }

    #[test]
    fn coping_beats_avoidance_for_an_anxious_player() {
        let s = snap("u");
        let coping = simulate(&s, vec![ChoiceType::Coping; 4]);
        let avoid = simulate(&s, vec![ChoiceType::Avoidance; 4]);
        let c = compare(&coping, &avoid);
        assert!(c.value_difference > 0.0 && c.growth_difference > 0.0);
        assert_eq!(c.divergence_point, Some(0));
        assert_eq!(c.similarity, 0.0);
        assert_eq!(compare(&coping, &coping).similarity, 1.0);
        assert_eq!(compare(&coping, &coping).divergence_point, None);
    }

    #[test]
    fn bad_requests_are_errors() {
        let mut r = ReplaySystem::default();
        let id = r.save(snap("u"));
        assert_eq!(
            r.alternative_paths("v", id, 1, 1, 0),
            Err(CoreError::UnknownSnapshot(id))
        );
        assert!(r.alternative_paths("u", id, 0, 1, 0).is_err());
        assert!(r.alternative_paths("u", id, 1, MAX_DEPTH + 1, 0).is_err());
    }

    proptest! {
        #[test]
        fn at_most_ten_snapshots_per_user(saves in prop::collection::vec(0usize..3, 0..60)) {
            let mut r = ReplaySystem::default();
            for u in saves {
                r.save(snap(&format!("u{u}")));
                for u in 0..3 {
                    let kept = r.snapshots(&format!("u{u}")).len();
                    prop_assert!(kept <= MAX_SNAPSHOTS_PER_USER);
                }
            }
        }
    }
}
