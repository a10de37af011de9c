//! Emotional safety: crisis detection (TTA `TherapeuticEmotionalSafetySystem`; budget < 1 s, TTA therapeutic systems benchmarks).
//!
//! Scoring, as implemented here (the TTA original sums weights without saying how families combine;
//! these are our documented choices):
//! - Indicator families and weights: suicide 4, self-harm 3, hopelessness 2, severe depression 2,
//!   panic 2, and — our addition so that LOW is reachable by plain distress — distress 1.
//! - A match preceded in the same clause, within three words, by a negation ("not", "never",
//!   "don't", …) is a *negated mention*: it is reported but weighs 1 whatever its family. "I would
//!   never kill myself" is LOW, not NONE: the topic was raised, so it is noted without alerting.
//!   Phrases that carry their own negation ("I don't want to live") are patterns of their own and
//!   are not negated.
//! - Benign idioms ("this game is killing me", "dying to see", "suicide squad", "killed it") mask
//!   the span they cover: no indicator inside them counts.
//! - score = the largest weight matched, +1 when two or more distinct families of weight ≥ 2 match
//!   un-negated (co-occurrence escalates), + 0.5 per risk factor (at most +1), +1 when the user has
//!   prior crisis episodes (HIGH or above) and anything matched.
//! - Level: score ≥ 4 CRITICAL, ≥ 3 HIGH, ≥ 2 MODERATE, ≥ 1 LOW, else NONE.
//! - Protective factors are reported but never lower the level: a safety system errs towards
//!   escalation, and a clinician weighs protection.
//! - HIGH and CRITICAL return crisis resources and ask for a clinician alert.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::CoreError;
use super::text::{compile, normalize, validate};

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
    Suicide,
    SelfHarm,
    Hopelessness,
    SevereDepression,
    Panic,
    Distress,
}

impl IndicatorFamily {
    pub const ALL: [Self; 6] = [
        Self::Suicide,
        Self::SelfHarm,
        Self::Hopelessness,
        Self::SevereDepression,
        Self::Panic,
        Self::Distress,
    ];

    pub fn weight(self) -> f32 {
        match self {
            Self::Suicide => 4.0,
            Self::SelfHarm => 3.0,
            Self::Hopelessness | Self::SevereDepression | Self::Panic => 2.0,
            Self::Distress => 1.0,
        }
    }

    fn phrases(self) -> &'static [&'static str] {
        match self {
            Self::Suicide => &[
                r"kill(?:ing)? my ?self",
                r"suicid(?:e|al)",
                r"end(?:ing)? (?:my|my own) life",
                r"take my (?:own )?life",
                r"end it all",
                r"(?:want|wanted|wish|wanna) (?:to )?die",
                r"better off (?:dead|without me)",
                r"better off if i (?:was|were) (?:dead|gone)",
                r"(?:don'?t|do not|no longer) want to (?:live|be alive|be here|wake up)",
                r"no reason to live",
            ],
            Self::SelfHarm => &[
                r"(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|punish|punishing) my ?self",
                r"self[- ]?harm(?:ing)?",
                r"cut my (?:arms?|wrists?|legs?)",
                r"starv(?:e|ing) my ?self",
            ],
            Self::Hopelessness => &[
                r"hopeless(?:ness)?",
                r"no hope",
                r"nothing (?:will )?ever (?:changes?|gets? better)",
                r"never (?:going to|gonna) get better",
                r"what'?s the point",
                r"no point (?:in )?(?:trying|living|anything)",
                r"can'?t go on",
                r"no way out",
                r"give up on (?:everything|life)",
            ],
            Self::SevereDepression => &[
                r"depressed",
                r"depression",
                r"worthless",
                r"can'?t get out of bed",
                r"empty inside",
                r"feel(?:ing)? (?:so )?(?:numb|empty)",
            ],
            Self::Panic => &[
                r"panic(?:king)?(?: attacks?)?",
                r"can'?t breathe",
                r"heart (?:is )?(?:racing|pounding)",
                r"hyperventilat(?:e|ing)",
                r"freaking out",
            ],
            Self::Distress => &[
                r"stressed",
                r"anxious",
                r"overwhelmed",
                r"sad",
                r"upset",
                r"lonely",
                r"scared",
                r"afraid",
                r"worried",
            ],
        }
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

    fn phrases(self) -> &'static [&'static str] {
        match self {
            Self::Isolation => &[
                r"(?:all )?alone",
                r"isolated",
                r"no ?one cares",
                r"nobody cares",
                r"no friends",
            ],
            Self::SubstanceUse => &[r"drinking", r"drunk", r"pills", r"overdos(?:e|ed|ing)"],
            Self::RecentLoss => &[
                r"passed away",
                r"funeral",
                r"divorce",
                r"broke up",
                r"lost my (?:job|mom|dad|mother|father|partner|wife|husband|friend|child|son|daughter)",
            ],
            Self::PreviousAttempt => &[
                r"(?:tried|attempted) (?:to kill my ?self|suicide|to end my life)",
                r"last attempt",
            ],
        }
    }
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

    fn phrases(self) -> &'static [&'static str] {
        match self {
            Self::SocialSupport => &[
                r"my (?:therapist|counsell?or|family|friends?|partner|support group|sponsor)",
                r"talk(?:ed)? to (?:someone|a friend)",
            ],
            Self::CopingSkills => &[
                r"breathing exercises?",
                r"meditat(?:e|ed|ing|ion)",
                r"journal(?:ing|ed)?",
                r"went for a walk",
                r"go for a walk",
            ],
            Self::FutureOrientation => &[
                r"looking forward",
                r"plans? for",
                r"next week",
                r"tomorrow i (?:will|can)",
            ],
            Self::ReasonsForLiving => &[
                r"my (?:kids|children|son|daughter|dog|cat|pet)",
                r"my faith",
            ],
        }
    }
}

/// Everyday idioms that contain alarming words; a match inside one of them does not count.
const BENIGN_IDIOMS: &[&str] = &[
    r"(?:is|are|was|were|'s|'re) killing me",
    r"dying to",
    r"di(?:e|ed) laughing",
    r"to die for",
    r"killed it",
    r"kill(?:ing)? (?:it|time|the boss|the lights)",
    r"dead tired",
    r"bored to death",
    r"scared to death",
    r"suicide (?:squad|mission|run|doors?)",
    r"panic (?:button|room|mode)",
];

/// Words that, within three words before an indicator in the same clause, negate it.
const NEGATIONS: &[&str] = &[
    "not", "never", "no", "don't", "dont", "won't", "wont", "wouldn't", "wouldnt", "isn't", "isnt",
    "aren't", "arent", "ain't", "nor", "didn't", "didnt", "cannot",
];
const NEGATION_WINDOW_WORDS: usize = 3;

/// Compiled pattern tables. The process shares one copy ([`CrisisPatterns::shared`]);
/// [`CrisisPatterns::compile`] builds a fresh one (used to measure cold initialisation).
#[derive(Debug)]
pub struct CrisisPatterns {
    /// One alternation per family, risk factor and protective factor, and one for idioms.
    indicators: Vec<(IndicatorFamily, Regex)>,
    risks: Vec<(RiskFactor, Regex)>,
    protective: Vec<(ProtectiveFactor, Regex)>,
    benign: Regex,
}

impl CrisisPatterns {
    pub fn compile() -> Self {
        let compile = |phrases: &[&str]| compile(phrases);
        let indicators: Vec<_> = IndicatorFamily::ALL
            .iter()
            .map(|f| (*f, compile(f.phrases())))
            .collect();
        let risks: Vec<_> = RiskFactor::ALL
            .iter()
            .map(|f| (*f, compile(f.phrases())))
            .collect();
        let protective: Vec<_> = ProtectiveFactor::ALL
            .iter()
            .map(|f| (*f, compile(f.phrases())))
            .collect();
        let benign = compile(BENIGN_IDIOMS);
        Self {
            indicators,
            risks,
            protective,
            benign,
        }
    }

    /// The process-wide compiled tables.
    pub fn shared() -> Arc<Self> {
        static PATTERNS: OnceLock<Arc<CrisisPatterns>> = OnceLock::new();
        PATTERNS.get_or_init(|| Arc::new(Self::compile())).clone()
    }

    /// Stateless assessment of `text` for a user with `prior_episodes` earlier HIGH+ episodes.
    pub fn assess(&self, text: &str, prior_episodes: u32) -> Result<CrisisAssessment, CoreError> {
        let text = normalize(validate(text)?);
        let text = text.as_str();
        let mut assessment = CrisisAssessment::empty(prior_episodes);
        let benign: Vec<(usize, usize)> = self
            .benign
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        let in_idiom = |s: usize, e: usize| benign.iter().any(|&(bs, be)| s < be && e > bs);
        for (family, re) in &self.indicators {
            for m in re.find_iter(text) {
                if in_idiom(m.start(), m.end()) {
                    continue;
                }
                let negated = is_negated(&text[..m.start()]);
                assessment.indicators.push(IndicatorMatch {
                    family: *family,
                    phrase: m.as_str().to_string(),
                    weight: if negated { 1.0 } else { family.weight() },
                    negated,
                });
            }
        }
        for (factor, re) in &self.risks {
            if let Some(m) = re.find_iter(text).find(|m| !in_idiom(m.start(), m.end())) {
                assessment.risk_factors.push(FactorMatch {
                    factor: *factor,
                    phrase: m.as_str().to_string(),
                });
            }
        }
        for (factor, re) in &self.protective {
            if let Some(m) = re.find(text) {
                assessment.protective_factors.push(FactorMatch {
                    factor: *factor,
                    phrase: m.as_str().to_string(),
                });
            }
        }
        assessment.finish();
        Ok(assessment)
    }
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
    pub weight: f32,
    pub negated: bool,
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
            .filter(|m| !m.negated && m.weight >= 2.0)
            .map(|m| m.family)
            .collect();
        strong.sort_by_key(|f| *f as u8);
        strong.dedup();
        let co_occurrence = if strong.len() >= 2 { 1.0 } else { 0.0 };
        let risk = (0.5 * self.risk_factors.len() as f32).min(1.0);
        let mut score = base + co_occurrence + risk;
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
