//! Character development (TTA `TherapeuticCharacterDevelopmentSystem`; creation < 200 ms,
//! updates < 300 ms, TTA therapeutic systems benchmarks).
//!
//! Twelve attributes on a 0–10 scale, default 5. Therapeutic goals chosen at creation give
//! bonuses (at most +2 on any attribute). Milestones are recorded the first time an attribute
//! rises to 6 ("emerging"), 7.5 ("established") or 9 ("mastery"); a later dip and re-crossing does
//! not repeat a milestone.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::CoreError;

/// The twelve character attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    Courage,
    Wisdom,
    Compassion,
    Resilience,
    EmotionalIntelligence,
    Communication,
    Mindfulness,
    SelfAwareness,
    Empathy,
    Confidence,
    Adaptability,
    Integrity,
}

impl Attribute {
    pub const ALL: [Self; 12] = [
        Self::Courage,
        Self::Wisdom,
        Self::Compassion,
        Self::Resilience,
        Self::EmotionalIntelligence,
        Self::Communication,
        Self::Mindfulness,
        Self::SelfAwareness,
        Self::Empathy,
        Self::Confidence,
        Self::Adaptability,
        Self::Integrity,
    ];
}

pub const ATTRIBUTE_MIN: f32 = 0.0;
pub const ATTRIBUTE_MAX: f32 = 10.0;
pub const ATTRIBUTE_DEFAULT: f32 = 5.0;
const MAX_GOAL_BONUS: f32 = 2.0;

/// Attribute values indexed by [`Attribute`], serialised as a map in attribute order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attributes([f32; 12]);

impl Default for Attributes {
    fn default() -> Self {
        Self([ATTRIBUTE_DEFAULT; 12])
    }
}

impl Attributes {
    pub fn get(&self, a: Attribute) -> f32 {
        self.0[a as usize]
    }

    /// Adds `delta`, clamping the result to 0–10; returns the value actually applied.
    pub fn add(&mut self, a: Attribute, delta: f32) -> f32 {
        let old = self.0[a as usize];
        let new = (old + delta).clamp(ATTRIBUTE_MIN, ATTRIBUTE_MAX);
        self.0[a as usize] = new;
        new - old
    }

    pub fn iter(&self) -> impl Iterator<Item = (Attribute, f32)> + '_ {
        Attribute::ALL.iter().map(|a| (*a, self.get(*a)))
    }

    pub fn total(&self) -> f32 {
        self.0.iter().sum()
    }
}

impl Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<Attribute, f32>::deserialize(d)?;
        let mut out = Self::default();
        for (a, v) in map {
            if !(ATTRIBUTE_MIN..=ATTRIBUTE_MAX).contains(&v) {
                return Err(serde::de::Error::custom(format!(
                    "attribute {a:?} = {v} is outside 0-10"
                )));
            }
            out.0[a as usize] = v;
        }
        Ok(out)
    }
}

/// Therapeutic goals a player can choose; they shape starting attributes, choice relevance and
/// framework matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    AnxietyManagement,
    DepressionRecovery,
    SocialSkills,
    AngerManagement,
    SelfEsteem,
    TraumaRecovery,
    StressManagement,
    EmotionalRegulation,
}

impl Goal {
    /// Starting bonuses this goal grants.
    pub fn bonuses(self) -> &'static [(Attribute, f32)] {
        use Attribute::*;
        match self {
            Self::AnxietyManagement => &[(Mindfulness, 1.0), (Courage, 0.5)],
            Self::DepressionRecovery => &[(Resilience, 1.0), (SelfAwareness, 0.5)],
            Self::SocialSkills => &[(Communication, 1.0), (Empathy, 0.5)],
            Self::AngerManagement => &[(EmotionalIntelligence, 1.0), (Mindfulness, 0.5)],
            Self::SelfEsteem => &[(Confidence, 1.0), (SelfAwareness, 0.5)],
            Self::TraumaRecovery => &[(Resilience, 1.0), (Courage, 0.5)],
            Self::StressManagement => &[(Mindfulness, 1.0), (Adaptability, 0.5)],
            Self::EmotionalRegulation => &[(EmotionalIntelligence, 1.0), (Wisdom, 0.5)],
        }
    }
}

/// Milestone thresholds and their names.
pub const MILESTONES: [(f32, &str); 3] =
    [(6.0, "emerging"), (7.5, "established"), (9.0, "mastery")];

/// A milestone reached by an attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub attribute: Attribute,
    pub name: String,
    pub threshold: f32,
}

/// A player's therapeutic character.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Character {
    pub user: String,
    pub name: String,
    pub goals: Vec<Goal>,
    pub attributes: Attributes,
    pub milestones: Vec<Milestone>,
}

/// What an update changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeUpdate {
    /// Applied changes after clamping, in attribute order.
    pub changes: Vec<(Attribute, f32)>,
    pub new_milestones: Vec<Milestone>,
    pub attributes: Attributes,
}

/// Holds one character per user.
#[derive(Debug, Default)]
pub struct CharacterSystem {
    characters: HashMap<String, Character>,
}

impl CharacterSystem {
    /// Creates (or replaces) `user`'s character with goal bonuses applied.
    pub fn create(&mut self, user: &str, name: &str, goals: &[Goal]) -> &Character {
        let mut attributes = Attributes::default();
        let mut bonus = [0.0f32; 12];
        let mut unique = goals.to_vec();
        unique.sort();
        unique.dedup();
        for goal in &unique {
            for (a, b) in goal.bonuses() {
                bonus[*a as usize] += b;
            }
        }
        for a in Attribute::ALL {
            attributes.add(a, bonus[a as usize].min(MAX_GOAL_BONUS));
        }
        let mut character = Character {
            user: user.to_string(),
            name: name.to_string(),
            goals: unique,
            attributes,
            milestones: Vec::new(),
        };
        character.milestones = crossed(&character, &Attributes([0.0; 12]));
        self.characters.insert(user.to_string(), character);
        &self.characters[user]
    }

    pub fn get(&self, user: &str) -> Option<&Character> {
        self.characters.get(user)
    }

    /// Puts back a persisted character (after a restart).
    pub fn restore(&mut self, character: Character) {
        self.characters.insert(character.user.clone(), character);
    }

    /// Applies attribute deltas (clamped to 0–10) and records new milestones.
    pub fn update(
        &mut self,
        user: &str,
        deltas: &[(Attribute, f32)],
    ) -> Result<AttributeUpdate, CoreError> {
        let character = self
            .characters
            .get_mut(user)
            .ok_or_else(|| CoreError::UnknownCharacter(user.to_string()))?;
        let before = character.attributes;
        let mut changes: Vec<(Attribute, f32)> = Vec::with_capacity(deltas.len());
        for (a, d) in deltas {
            if !d.is_finite() {
                return Err(CoreError::InvalidInput(format!(
                    "delta for {a:?} is not a finite number"
                )));
            }
            let applied = character.attributes.add(*a, *d);
            match changes.iter_mut().find(|(x, _)| x == a) {
                Some((_, total)) => *total += applied,
                None => changes.push((*a, applied)),
            }
        }
        changes.sort_by_key(|(a, _)| *a);
        let new_milestones: Vec<Milestone> = crossed(character, &before)
            .into_iter()
            .filter(|m| {
                !character
                    .milestones
                    .iter()
                    .any(|o| o.attribute == m.attribute && o.threshold == m.threshold)
            })
            .collect();
        character.milestones.extend(new_milestones.iter().cloned());
        Ok(AttributeUpdate {
            changes,
            new_milestones,
            attributes: character.attributes,
        })
    }
}

/// Milestones whose threshold lies in (before, now] for some attribute.
fn crossed(character: &Character, before: &Attributes) -> Vec<Milestone> {
    let mut out = Vec::new();
    for (a, now) in character.attributes.iter() {
        for (threshold, name) in MILESTONES {
            if before.get(a) < threshold && now >= threshold {
                out.push(Milestone {
                    attribute: a,
                    name: name.to_string(),
                    threshold,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Attribute::*;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn creation_applies_goal_bonuses_capped() {
        let mut s = CharacterSystem::default();
        let c = s.create(
            "u",
            "Ari",
            &[
                Goal::AnxietyManagement,
                Goal::StressManagement,
                Goal::AngerManagement,
            ],
        );
        // Mindfulness gets 1 + 1 + 0.5 = 2.5, capped at +2.
        assert_eq!(c.attributes.get(Mindfulness), 7.0);
        assert_eq!(c.attributes.get(Courage), 5.5);
        assert_eq!(c.attributes.get(Integrity), 5.0);
        // Reaching 6 at creation is a milestone; 7.5 is not reached.
        assert!(
            c.milestones
                .iter()
                .any(|m| m.attribute == Mindfulness && m.name == "emerging")
        );
        assert!(!c.milestones.iter().any(|m| m.name == "established"));
    }

    #[test]
    fn duplicate_goals_count_once() {
        let mut s = CharacterSystem::default();
        let c = s.create("u", "Ari", &[Goal::SelfEsteem, Goal::SelfEsteem]);
        assert_eq!(c.goals, [Goal::SelfEsteem]);
        assert_eq!(c.attributes.get(Confidence), 6.0);
    }

    #[test]
    fn update_clamps_and_reports_milestones_once() {
        let mut s = CharacterSystem::default();
        s.create("u", "Ari", &[]);
        let up = s.update("u", &[(Courage, 1.2), (Wisdom, -6.0)]).unwrap();
        assert_eq!(up.changes.len(), 2);
        assert_eq!(up.changes[0].0, Courage);
        assert!((up.changes[0].1 - 1.2).abs() < 1e-5);
        assert_eq!(up.changes[1], (Wisdom, -5.0));
        assert_eq!(up.attributes.get(Wisdom), 0.0);
        assert_eq!(up.new_milestones.len(), 1);
        assert_eq!(up.new_milestones[0].name, "emerging");
        // Dip below 6 and cross again: no repeat.
        s.update("u", &[(Courage, -1.0)]).unwrap();
        let again = s.update("u", &[(Courage, 1.0)]).unwrap();
        assert!(again.new_milestones.is_empty());
        let all = s.update("u", &[(Courage, 10.0)]).unwrap();
        let names: Vec<_> = all.new_milestones.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["established", "mastery"]);
    }

    #[test]
    fn update_of_unknown_user_or_nan_is_an_error() {
        let mut s = CharacterSystem::default();
        assert!(matches!(
            s.update("nobody", &[]),
            Err(CoreError::UnknownCharacter(_))
        ));
        s.create("u", "Ari", &[]);
        assert!(matches!(
            s.update("u", &[(Courage, f32::NAN)]),
            Err(CoreError::InvalidInput(_))
        ));
    }

    fn attribute() -> impl Strategy<Value = Attribute> {
        (0usize..12).prop_map(|i| Attribute::ALL[i])
    }

    proptest! {
        #[test]
        fn attributes_stay_within_0_and_10(
            deltas in prop::collection::vec((attribute(), -50.0f32..50.0), 0..60)
        ) {
            let mut s = CharacterSystem::default();
            s.create("u", "Ari", &[Goal::TraumaRecovery]);
            for chunk in deltas.chunks(5) {
                let up = s.update("u", chunk).unwrap();
                for (_, v) in up.attributes.iter() {
                    prop_assert!((ATTRIBUTE_MIN..=ATTRIBUTE_MAX).contains(&v));
                }
            }
        }
    }
}
