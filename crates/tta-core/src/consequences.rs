//! Therapeutic consequences (TTA `TherapeuticConsequenceSystem`; < 50 ms per choice, TTA therapeutic systems benchmarks).
//!
//! A choice text is typed by keyword families; the type with most distinct keyword hits wins
//! (ties go to the earlier type in [`ChoiceType::ALL`]; no hit is `Neutral`). Then:
//! - relevance (0–1): 0.3 for any typed choice, +0.35 per player goal the type serves; Neutral 0.1;
//! - emotional weight (0–1): 0.25 per emotion word, +0.1 per intensifier;
//! - therapeutic value (0–1): starts at 0.6, +0.25 × (relevance − 0.5), +0.1 × emotional weight,
//!   −0.05 for each of the last three choices of the same type (diminishing returns), +0.05 when
//!   the last three choices were all different types (variety), −0.25 for avoidance;
//! - attribute impacts: the type's base deltas × (0.5 + value) × (1 + emotional weight / 2),
//!   each capped at ±0.2 per choice.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::CoreError;
use super::character::{Attribute, Goal};
use super::lexicon::{Hit, Lexicon, leftmost_longest};
use super::text::{normalize, validate};

/// Largest change one choice can make to one attribute.
pub const MAX_IMPACT: f32 = 0.2;
const BASE_THERAPEUTIC_VALUE: f32 = 0.6;
const HISTORY_LEN: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceType {
    Coping,
    Social,
    SelfCare,
    Reflection,
    Confrontation,
    Creative,
    Avoidance,
    Neutral,
}

impl ChoiceType {
    /// Typed choices, in tie-break order (Neutral is the fallback, not a keyword family).
    pub const ALL: [Self; 7] = [
        Self::Coping,
        Self::Social,
        Self::SelfCare,
        Self::Reflection,
        Self::Confrontation,
        Self::Creative,
        Self::Avoidance,
    ];

    /// Goals this type of choice serves.
    fn serves(self) -> &'static [Goal] {
        use Goal::*;
        match self {
            Self::Coping => &[AnxietyManagement, StressManagement, EmotionalRegulation],
            Self::Social => &[SocialSkills, DepressionRecovery],
            Self::SelfCare => &[DepressionRecovery, StressManagement],
            Self::Reflection => &[EmotionalRegulation, TraumaRecovery, SelfEsteem],
            Self::Confrontation => &[SelfEsteem, AngerManagement, SocialSkills],
            Self::Creative => &[DepressionRecovery, TraumaRecovery],
            Self::Avoidance | Self::Neutral => &[],
        }
    }

    /// Base attribute deltas before scaling and capping.
    fn base_impacts(self) -> &'static [(Attribute, f32)] {
        use Attribute::*;
        match self {
            Self::Coping => &[(Resilience, 0.15), (Mindfulness, 0.1)],
            Self::Social => &[(Communication, 0.15), (Empathy, 0.1), (Compassion, 0.05)],
            Self::SelfCare => &[(SelfAwareness, 0.1), (Resilience, 0.1)],
            Self::Reflection => &[
                (Wisdom, 0.15),
                (SelfAwareness, 0.15),
                (EmotionalIntelligence, 0.1),
            ],
            Self::Confrontation => &[(Courage, 0.2), (Confidence, 0.1), (Integrity, 0.05)],
            Self::Creative => &[(Adaptability, 0.15), (Confidence, 0.05)],
            Self::Avoidance => &[(Courage, -0.1), (Confidence, -0.05)],
            Self::Neutral => &[],
        }
    }
}

/// What a keyword of `lexicon/consequences.lex` counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Choice(ChoiceType),
    Emotion,
    Intensifier,
}

mod table {
    use super::{ChoiceType, Tag};
    include!(concat!(env!("OUT_DIR"), "/consequences_lexicon.rs"));
}

/// The keyword tables, built at compile time (`build.rs`): nothing to compile at start.
pub struct ConsequencePatterns {
    lexicon: Lexicon<Tag>,
}

impl std::fmt::Debug for ConsequencePatterns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ConsequencePatterns({} keywords)",
            self.lexicon.entries.len()
        )
    }
}

impl ConsequencePatterns {
    /// The tables (cold-start measurement takes them afresh; everything else uses
    /// [`Self::shared`]): static data, so this builds nothing.
    pub fn compile() -> Self {
        Self {
            lexicon: Lexicon {
                entries: table::ENTRIES,
                edges: table::EDGES,
                node_ends: table::NODE_ENDS,
                edge_slots: &table::EDGE_SLOTS,
            },
        }
    }

    pub fn shared() -> &'static Self {
        static P: OnceLock<ConsequencePatterns> = OnceLock::new();
        P.get_or_init(Self::compile)
    }

    fn scan(&self, text: &str) -> Vec<Hit<Tag>> {
        self.lexicon.scan(text)
    }
}

/// The keywords tagged `tag` among `hits` in `text`, without overlaps (leftmost-longest).
fn keywords<'t>(text: &'t str, hits: &[Hit<Tag>], tag: Tag) -> Vec<&'t str> {
    leftmost_longest(hits.iter().copied().filter(|h| h.tag == tag))
        .into_iter()
        .map(|h| &text[h.start..h.end])
        .collect()
}

/// Forces compilation of the keyword tables (part of cold initialisation).
pub fn warm_up() {
    ConsequencePatterns::shared();
}

/// Classifies a choice text.
pub fn classify(text: &str) -> ChoiceType {
    let text = normalize(text);
    classify_hits(&text, &ConsequencePatterns::shared().scan(&text))
}

/// The type of the normalised `text` whose keywords are `hits`.
fn classify_hits(text: &str, hits: &[Hit<Tag>]) -> ChoiceType {
    let mut best = (ChoiceType::Neutral, 0usize);
    for kind in ChoiceType::ALL {
        let mut distinct = keywords(text, hits, Tag::Choice(kind));
        distinct.sort();
        distinct.dedup();
        if distinct.len() > best.1 {
            best = (kind, distinct.len());
        }
    }
    best.0
}

/// Emotional weight of a text, 0–1.
pub fn emotional_weight(text: &str) -> f32 {
    let text = normalize(text);
    weight_of_hits(&text, &ConsequencePatterns::shared().scan(&text))
}

/// The emotional weight of the normalised `text` whose keywords are `hits`.
fn weight_of_hits(text: &str, hits: &[Hit<Tag>]) -> f32 {
    let emotions = keywords(text, hits, Tag::Emotion).len() as f32;
    let intensifiers = keywords(text, hits, Tag::Intensifier).len() as f32;
    (0.25 * emotions + 0.1 * intensifiers).min(1.0)
}

/// The pure scoring rule (module doc) for a choice of `kind` given goals and recent history
/// (oldest first).
pub fn score(
    kind: ChoiceType,
    goals: &[Goal],
    weight: f32,
    history: &[ChoiceType],
) -> (f32, f32, Vec<(Attribute, f32)>) {
    let relevance = if kind == ChoiceType::Neutral {
        0.1
    } else {
        let served = goals.iter().filter(|g| kind.serves().contains(g)).count() as f32;
        (0.3 + 0.35 * served).min(1.0)
    };
    let recent = &history[history.len().saturating_sub(3)..];
    let repeats = recent.iter().filter(|t| **t == kind).count() as f32;
    let varied = recent.len() == 3
        && recent[0] != recent[1]
        && recent[1] != recent[2]
        && recent[0] != recent[2];
    let mut value =
        BASE_THERAPEUTIC_VALUE + 0.25 * (relevance - 0.5) + 0.1 * weight - 0.05 * repeats;
    if varied {
        value += 0.05;
    }
    if kind == ChoiceType::Avoidance {
        value -= 0.25;
    }
    let value = value.clamp(0.0, 1.0);
    let scale = (0.5 + value) * (1.0 + weight / 2.0);
    let impacts = kind
        .base_impacts()
        .iter()
        .map(|(a, base)| (*a, (base * scale).clamp(-MAX_IMPACT, MAX_IMPACT)))
        .collect();
    (relevance, value, impacts)
}

/// The consequence of one choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consequence {
    pub choice_type: ChoiceType,
    pub relevance: f32,
    pub emotional_weight: f32,
    pub therapeutic_value: f32,
    pub attribute_impacts: Vec<(Attribute, f32)>,
    pub narrative: String,
    pub learning_opportunity: String,
}

fn narrative(kind: ChoiceType, value: f32) -> (String, String) {
    let outcome = if value >= 0.7 {
        "and it clearly helps"
    } else if value >= 0.5 {
        "and it helps a little"
    } else {
        "but the relief does not last"
    };
    let (verb, lesson) = match kind {
        ChoiceType::Coping => (
            "You steady yourself",
            "Coping skills work better with practice.",
        ),
        ChoiceType::Social => (
            "You connect with someone",
            "Sharing a burden makes it lighter.",
        ),
        ChoiceType::SelfCare => ("You look after yourself", "Rest is part of recovery."),
        ChoiceType::Reflection => (
            "You take time to understand",
            "Noticing patterns gives you choices.",
        ),
        ChoiceType::Confrontation => ("You face the problem", "Speaking up builds confidence."),
        ChoiceType::Creative => (
            "You express yourself",
            "Creativity can carry feelings words cannot.",
        ),
        ChoiceType::Avoidance => (
            "You step away from it",
            "Avoidance eases now but can grow fear later.",
        ),
        ChoiceType::Neutral => ("You carry on", "Every step is information."),
    };
    (format!("{verb}, {outcome}."), lesson.to_string())
}

/// Stateful consequence system: remembers each user's recent choice types.
#[derive(Debug, Default)]
pub struct ConsequenceSystem {
    history: HashMap<String, VecDeque<ChoiceType>>,
}

impl ConsequenceSystem {
    /// Processes one choice by `user` who has `goals`.
    pub fn process(
        &mut self,
        user: &str,
        text: &str,
        goals: &[Goal],
    ) -> Result<Consequence, CoreError> {
        let text = normalize(validate(text)?);
        let hits = ConsequencePatterns::shared().scan(&text);
        let kind = classify_hits(&text, &hits);
        let weight = weight_of_hits(&text, &hits);
        let history = self.history.entry(user.to_string()).or_default();
        let (relevance, value, impacts) = score(kind, goals, weight, history.make_contiguous());
        if history.len() == HISTORY_LEN {
            history.pop_front();
        }
        history.push_back(kind);
        let (narrative, learning_opportunity) = narrative(kind, value);
        Ok(Consequence {
            choice_type: kind,
            relevance,
            emotional_weight: weight,
            therapeutic_value: value,
            attribute_impacts: impacts,
            narrative,
            learning_opportunity,
        })
    }

    /// Replaces `user`'s history (oldest first; only the last ten are kept).
    pub fn set_history(&mut self, user: &str, history: &[ChoiceType]) {
        let keep = &history[history.len().saturating_sub(HISTORY_LEN)..];
        self.history
            .insert(user.to_string(), keep.iter().copied().collect());
    }

    /// Recent choice types of `user`, oldest first.
    pub fn history(&self, user: &str) -> Vec<ChoiceType> {
        self.history
            .get(user)
            .map(|h| h.iter().copied().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
#[path = "consequences_tests.rs"]
mod tests;
