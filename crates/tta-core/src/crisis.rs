//! Emotional safety: crisis detection (TTA `TherapeuticEmotionalSafetySystem`; budget < 1 s, TTA therapeutic systems benchmarks).
//!
//! Phrases live in `lexicon/crisis.lex`, built into static tables at compile time (`build.rs`),
//! so a process starts with nothing to compile. Scoring, as implemented here (the TTA original
//! sums weights without saying how families combine; these are our documented choices, and
//! `docs/core.md` states them as the rules the labelled table was written by):
//! - Indicator families and weights: suicidal intent 4; a plan 3, means 3, farewell behaviour 3,
//!   self-harm 3; hopelessness 2, severe depression 2, panic 2; distress 1 (ours, so LOW is
//!   reachable by plain distress).
//! - A match's [`MentionContext`]: *negated* when a negation ("not", "never", "don't", …) is
//!   within three words before it in its clause; *quoted* inside double quotes in a text about
//!   a song; *third person* when the nearest subject before it in its sentence is someone else
//!   (he, she, my friend, the character, the novel…). Such a match is reported but weighs 0:
//!   the context must not raise the level. Phrases that carry their own negation ("I don't want
//!   to live") are phrases of their own and are not negated.
//! - Benign idioms ("this game is killing me", "dying to see", "suicide squad", "shoot myself in
//!   the foot") mask the span they cover: no indicator inside them counts.
//! - score = the largest weight matched, +1 when two or more distinct families of weight ≥ 2
//!   match directly (co-occurrence escalates), +1 when a timeframe ("tonight", "this weekend")
//!   is in the sentence of a direct intent, plan, means or farewell, + 0.5 per risk factor (at
//!   most +1), +1 when the user has prior crisis episodes (HIGH or above) and anything counted.
//! - Level: score ≥ 4 CRITICAL, ≥ 3 HIGH, ≥ 2 MODERATE, ≥ 1 LOW, else NONE.
//! - Protective factors are reported but never lower the level: a safety system errs towards
//!   escalation, and a clinician weighs protection.
//! - HIGH and CRITICAL return crisis resources and ask for a clinician alert.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::CoreError;
use super::lexicon::{Hit, Lexicon, leftmost_longest};
use super::text::{normalize, validate};

/// Severity of a crisis assessment, ordered from none to critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CrisisLevel {
    None,
    Low,
    Moderate,
    High,
    Critical,
}

impl CrisisLevel {
    /// Level for a score, using the thresholds 4 / 3 / 2 / 1.
    pub fn from_score(score: f32) -> Self {
        match score {
            s if s >= 4.0 => Self::Critical,
            s if s >= 3.0 => Self::High,
            s if s >= 2.0 => Self::Moderate,
            s if s >= 1.0 => Self::Low,
            _ => Self::None,
        }
    }
}

/// Families of crisis indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorFamily {
    /// Suicidal intent or ideation.
    Suicide,
    /// A plan: a note written, a date picked, pills saved up.
    Plan,
    /// A method named: overdose, hanging, cutting, burning, weapons, jumping.
    Means,
    /// Farewell behaviour: goodbyes, possessions given away.
    Farewell,
    SelfHarm,
    Hopelessness,
    SevereDepression,
    Panic,
    Distress,
}

impl IndicatorFamily {
    pub const ALL: [Self; 9] = [
        Self::Suicide,
        Self::Plan,
        Self::Means,
        Self::Farewell,
        Self::SelfHarm,
        Self::Hopelessness,
        Self::SevereDepression,
        Self::Panic,
        Self::Distress,
    ];

    pub fn weight(self) -> f32 {
        match self {
            Self::Suicide => 4.0,
            Self::Plan | Self::Means | Self::Farewell | Self::SelfHarm => 3.0,
            Self::Hopelessness | Self::SevereDepression | Self::Panic => 2.0,
            Self::Distress => 1.0,
        }
    }

    /// Whether a timeframe in its sentence makes it more urgent.
    fn takes_timeframe(self) -> bool {
        matches!(
            self,
            Self::Suicide | Self::Plan | Self::Means | Self::Farewell
        )
    }
}

/// Risk factors: each adds 0.5 to the score, at most 1 in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFactor {
    Isolation,
    SubstanceUse,
    RecentLoss,
    PreviousAttempt,
}

impl RiskFactor {
    pub const ALL: [Self; 4] = [
        Self::Isolation,
        Self::SubstanceUse,
        Self::RecentLoss,
        Self::PreviousAttempt,
    ];
}

/// Protective factors: reported, never lowering the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtectiveFactor {
    SocialSupport,
    CopingSkills,
    FutureOrientation,
    ReasonsForLiving,
}

impl ProtectiveFactor {
    pub const ALL: [Self; 4] = [
        Self::SocialSupport,
        Self::CopingSkills,
        Self::FutureOrientation,
        Self::ReasonsForLiving,
    ];
}

/// What a phrase of `lexicon/crisis.lex` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Indicator(IndicatorFamily),
    Risk(RiskFactor),
    Protective(ProtectiveFactor),
    /// An everyday idiom with an alarming word: what it covers does not count.
    Idiom,
    /// When: "tonight", "this weekend".
    Timeframe,
    /// I, me, my…: the user speaking of themself.
    FirstPerson,
    /// He, she, my friend, the character, the novel…: someone or something else.
    ThirdPerson,
    /// A song, its lyrics, its chorus.
    Song,
}

mod table {
    use super::{IndicatorFamily, ProtectiveFactor, RiskFactor, Tag};
    include!(concat!(env!("OUT_DIR"), "/crisis_lexicon.rs"));
}

/// Whose words a matched phrase is, or in what form; anything but [`Direct`](Self::Direct)
/// weighs 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionContext {
    /// The user, of themself.
    Direct,
    /// A negation within three words before it in its clause.
    Negated,
    /// Inside double quotes, in a text about a song.
    Quoted,
    /// The nearest subject before it in its sentence is someone or something else.
    ThirdPerson,
}

/// Words that, within three words before an indicator in the same clause, negate it.
const NEGATIONS: &[&str] = &[
    "not", "never", "no", "don't", "dont", "won't", "wont", "wouldn't", "wouldnt", "isn't", "isnt",
    "aren't", "arent", "ain't", "nor", "didn't", "didnt", "cannot",
];
const NEGATION_WINDOW_WORDS: usize = 3;

/// The phrase tables, built at compile time. [`CrisisPatterns::compile`] takes them afresh
/// (cold initialisation measures it); it builds nothing.
pub struct CrisisPatterns {
    lexicon: Lexicon<Tag>,
}

impl std::fmt::Debug for CrisisPatterns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CrisisPatterns({} phrases)", self.lexicon.entries.len())
    }
}

impl CrisisPatterns {
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

    /// The process-wide tables.
    pub fn shared() -> Arc<Self> {
        static PATTERNS: OnceLock<Arc<CrisisPatterns>> = OnceLock::new();
        PATTERNS.get_or_init(|| Arc::new(Self::compile())).clone()
    }

    /// Stateless assessment of `text` for a user with `prior_episodes` earlier HIGH+ episodes.
    pub fn assess(&self, text: &str, prior_episodes: u32) -> Result<CrisisAssessment, CoreError> {
        let text = normalize(validate(text)?);
        let text = text.as_str();
        let hits = self.lexicon.scan(text);
        let mut assessment = CrisisAssessment::empty(prior_episodes);
        let idioms: Vec<&Hit<Tag>> = hits.iter().filter(|h| h.tag == Tag::Idiom).collect();
        let counts = |h: &Hit<Tag>| !idioms.iter().any(|i| h.start < i.end && h.end > i.start);
        let songs = hits.iter().any(|h| h.tag == Tag::Song);
        let phrase = |h: &Hit<Tag>| text[h.start..h.end].to_string();
        for family in IndicatorFamily::ALL {
            let found = hits
                .iter()
                .copied()
                .filter(|h| h.tag == Tag::Indicator(family) && counts(h));
            for h in leftmost_longest(found) {
                let context = context_of(text, &hits, h.start, songs);
                if context == MentionContext::Direct
                    && family.takes_timeframe()
                    && assessment.timeframe.is_none()
                {
                    let (from, to) = sentence(text, h.start);
                    assessment.timeframe = hits
                        .iter()
                        .find(|t| t.tag == Tag::Timeframe && t.start >= from && t.end <= to)
                        .map(phrase);
                }
                assessment.indicators.push(IndicatorMatch {
                    family,
                    phrase: phrase(&h),
                    weight: if context == MentionContext::Direct {
                        family.weight()
                    } else {
                        0.0
                    },
                    context,
                });
            }
        }
        for factor in RiskFactor::ALL {
            if let Some(h) = hits
                .iter()
                .find(|h| h.tag == Tag::Risk(factor) && counts(h))
            {
                assessment.risk_factors.push(FactorMatch {
                    factor,
                    phrase: phrase(h),
                });
            }
        }
        for factor in ProtectiveFactor::ALL {
            if let Some(h) = hits.iter().find(|h| h.tag == Tag::Protective(factor)) {
                assessment.protective_factors.push(FactorMatch {
                    factor,
                    phrase: phrase(h),
                });
            }
        }
        assessment.finish();
        Ok(assessment)
    }
}

/// The context of a phrase starting at `start` of `text`, whose phrases are `hits`; `songs`
/// when the text speaks of a song.
fn context_of(text: &str, hits: &[Hit<Tag>], start: usize, songs: bool) -> MentionContext {
    if is_negated(&text[..start]) {
        return MentionContext::Negated;
    }
    if songs && text[..start].matches('"').count() % 2 == 1 {
        return MentionContext::Quoted;
    }
    let (from, _) = sentence(text, start);
    let subject = hits
        .iter()
        .filter(|h| matches!(h.tag, Tag::FirstPerson | Tag::ThirdPerson))
        .filter(|h| h.start >= from && h.end <= start)
        .max_by_key(|h| (h.end, h.end - h.start));
    match subject {
        Some(h) if h.tag == Tag::ThirdPerson => MentionContext::ThirdPerson,
        _ => MentionContext::Direct,
    }
}

/// The sentence of `text` around byte `at`: from after the last `.`, `!`, `?` or newline
/// before it to the next one.
fn sentence(text: &str, at: usize) -> (usize, usize) {
    const ENDS: [char; 4] = ['.', '!', '?', '\n'];
    let from = text[..at].rfind(ENDS).map_or(0, |i| i + 1);
    let to = text[at..].find(ENDS).map_or(text.len(), |i| at + i);
    (from, to)
}

/// True when the clause ending at the end of `before` (normalised text) has a negation within its
/// last three words.
fn is_negated(before: &str) -> bool {
    let clause_start = before
        .rfind(['.', ',', ';', '!', '?', '\n'])
        .map_or(0, |i| i + 1);
    let words: Vec<&str> = before[clause_start..].split_whitespace().collect();
    let window = &words[words.len().saturating_sub(NEGATION_WINDOW_WORDS)..];
    window
        .iter()
        .any(|w| NEGATIONS.contains(w) || w.ends_with("n't"))
}

/// One matched indicator phrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorMatch {
    pub family: IndicatorFamily,
    pub phrase: String,
    /// The family's weight when [`MentionContext::Direct`], else 0.
    pub weight: f32,
    pub context: MentionContext,
}

/// One matched risk or protective factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorMatch<F> {
    pub factor: F,
    pub phrase: String,
}

/// A crisis line or emergency number shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrisisResource {
    pub name: String,
    pub contact: String,
    pub description: String,
}

fn resources_for(level: CrisisLevel) -> Vec<CrisisResource> {
    let r = |name: &str, contact: &str, description: &str| CrisisResource {
        name: name.into(),
        contact: contact.into(),
        description: description.into(),
    };
    let mut out = Vec::new();
    if level == CrisisLevel::Critical {
        out.push(r(
            "Emergency services",
            "911",
            "If you are in immediate danger, call 911.",
        ));
    }
    if level >= CrisisLevel::High {
        out.push(r(
            "988 Suicide & Crisis Lifeline",
            "988",
            "Call or text 988, any time, free and confidential.",
        ));
        out.push(r(
            "Crisis Text Line",
            "Text HOME to 741741",
            "Text with a trained crisis counselor.",
        ));
    }
    out
}

/// Result of assessing one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrisisAssessment {
    pub level: CrisisLevel,
    pub score: f32,
    pub indicators: Vec<IndicatorMatch>,
    pub risk_factors: Vec<FactorMatch<RiskFactor>>,
    pub protective_factors: Vec<FactorMatch<ProtectiveFactor>>,
    /// The timeframe stated with a direct intent, plan, means or farewell, if any.
    pub timeframe: Option<String>,
    pub prior_episodes: u32,
    pub resources: Vec<CrisisResource>,
    pub alert_clinician: bool,
}

impl CrisisAssessment {
    fn empty(prior_episodes: u32) -> Self {
        Self {
            level: CrisisLevel::None,
            score: 0.0,
            indicators: Vec::new(),
            risk_factors: Vec::new(),
            protective_factors: Vec::new(),
            timeframe: None,
            prior_episodes,
            resources: Vec::new(),
            alert_clinician: false,
        }
    }

    /// Computes score, level, resources and the alert flag from the matches (rules in the module doc).
    fn finish(&mut self) {
        let base = self.indicators.iter().map(|m| m.weight).fold(0.0, f32::max);
        let mut strong: Vec<IndicatorFamily> = self
            .indicators
            .iter()
            .filter(|m| m.weight >= 2.0)
            .map(|m| m.family)
            .collect();
        strong.sort_by_key(|f| *f as u8);
        strong.dedup();
        let co_occurrence = if strong.len() >= 2 { 1.0 } else { 0.0 };
        let urgency = if self.timeframe.is_some() { 1.0 } else { 0.0 };
        let risk = (0.5 * self.risk_factors.len() as f32).min(1.0);
        let mut score = base + co_occurrence + urgency + risk;
        if self.prior_episodes > 0 && score > 0.0 {
            score += 1.0;
        }
        self.score = score;
        self.level = CrisisLevel::from_score(score);
        self.resources = resources_for(self.level);
        self.alert_clinician = self.level >= CrisisLevel::High;
    }
}

/// Stateful safety system: remembers each user's HIGH+ episodes, which raise later scores.
#[derive(Debug)]
pub struct EmotionalSafetySystem {
    patterns: Arc<CrisisPatterns>,
    episodes: HashMap<String, u32>,
}

impl Default for EmotionalSafetySystem {
    fn default() -> Self {
        Self::new(CrisisPatterns::shared())
    }
}

impl EmotionalSafetySystem {
    pub fn new(patterns: Arc<CrisisPatterns>) -> Self {
        Self {
            patterns,
            episodes: HashMap::new(),
        }
    }

    /// Assesses `text` for `user`, recording a HIGH+ result as a crisis episode.
    pub fn assess(&mut self, user: &str, text: &str) -> Result<CrisisAssessment, CoreError> {
        let prior = self.prior_episodes(user);
        let assessment = self.patterns.assess(text, prior)?;
        if assessment.level >= CrisisLevel::High {
            *self.episodes.entry(user.to_string()).or_default() += 1;
        }
        Ok(assessment)
    }

    /// Sets a user's count of earlier HIGH+ episodes (restored from stored alerts).
    pub fn set_prior_episodes(&mut self, user: &str, episodes: u32) {
        self.episodes.insert(user.to_string(), episodes);
    }

    pub fn prior_episodes(&self, user: &str) -> u32 {
        self.episodes.get(user).copied().unwrap_or(0)
    }
}

#[cfg(test)]
#[path = "crisis_tests.rs"]
mod tests;
