//! Framework integration (TTA `TherapeuticIntegrationSystem`; recommendations < 300 ms, TTA therapeutic systems benchmarks).
//!
//! Ten evidence-based frameworks, each suitable for some concerns and building on some strengths.
//! Score starts at 0.5, +0.2 per matching concern, +0.1 per matching strength; in crisis DBT and
//! mindfulness get +0.3 and every other framework −0.2. Scores above 0.4 are kept, best first
//! (ties in declaration order), at most five. Concerns and strengths are matched case-insensitively
//! with `-` and spaces read as `_`; unknown words simply match nothing.

use serde::{Deserialize, Serialize};

pub const MAX_RECOMMENDATIONS: usize = 5;
const MIN_SCORE: f32 = 0.4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    Cbt,
    Dbt,
    Act,
    Mindfulness,
    Humanistic,
    Psychodynamic,
    SolutionFocused,
    Narrative,
    Gestalt,
    Emdr,
}

impl Framework {
    pub const ALL: [Self; 10] = [
        Self::Cbt,
        Self::Dbt,
        Self::Act,
        Self::Mindfulness,
        Self::Humanistic,
        Self::Psychodynamic,
        Self::SolutionFocused,
        Self::Narrative,
        Self::Gestalt,
        Self::Emdr,
    ];

    pub fn suitable_for(self) -> &'static [&'static str] {
        match self {
            Self::Cbt => &[
                "anxiety",
                "depression",
                "stress",
                "negative_thinking",
                "insomnia",
            ],
            Self::Dbt => &[
                "emotion_regulation",
                "self_harm",
                "crisis",
                "anger",
                "relationships",
            ],
            Self::Act => &["anxiety", "chronic_pain", "avoidance", "stress"],
            Self::Mindfulness => &["stress", "anxiety", "rumination", "emotion_regulation"],
            Self::Humanistic => &["self_esteem", "identity", "growth"],
            Self::Psychodynamic => &["relationships", "recurring_patterns", "identity"],
            Self::SolutionFocused => &["goals", "motivation", "stress"],
            Self::Narrative => &["identity", "trauma", "grief"],
            Self::Gestalt => &["awareness", "unfinished_business", "grief"],
            Self::Emdr => &["trauma", "ptsd", "phobia"],
        }
    }

    pub fn builds_on(self) -> &'static [&'static str] {
        match self {
            Self::Cbt => &["analytical", "discipline"],
            Self::Dbt => &["commitment", "social_support"],
            Self::Act => &["openness", "values"],
            Self::Mindfulness => &["patience", "discipline"],
            Self::Humanistic => &["openness", "insight"],
            Self::Psychodynamic => &["insight", "reflection"],
            Self::SolutionFocused => &["motivation", "resourcefulness"],
            Self::Narrative => &["storytelling", "creativity"],
            Self::Gestalt => &["expressiveness", "creativity"],
            Self::Emdr => &["resilience", "commitment"],
        }
    }
}

/// A request for recommendations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    pub concerns: Vec<String>,
    pub strengths: Vec<String>,
    pub in_crisis: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub framework: Framework,
    pub score: f32,
    pub matched_concerns: Vec<String>,
    pub matched_strengths: Vec<String>,
}

fn normalise(word: &str) -> String {
    word.trim().to_lowercase().replace(['-', ' '], "_")
}

/// Recommends up to five frameworks for `profile` (rules in the module doc).
pub fn recommend(profile: &Profile) -> Vec<Recommendation> {
    let concerns: Vec<String> = profile.concerns.iter().map(|c| normalise(c)).collect();
    let strengths: Vec<String> = profile.strengths.iter().map(|s| normalise(s)).collect();
    let matching = |wanted: &[&str], have: &[String]| -> Vec<String> {
        let mut m: Vec<String> = have
            .iter()
            .filter(|h| wanted.contains(&h.as_str()))
            .cloned()
            .collect();
        m.dedup();
        m
    };
    let mut out: Vec<Recommendation> = Framework::ALL
        .iter()
        .map(|f| {
            let matched_concerns = matching(f.suitable_for(), &concerns);
            let matched_strengths = matching(f.builds_on(), &strengths);
            let mut score =
                0.5 + 0.2 * matched_concerns.len() as f32 + 0.1 * matched_strengths.len() as f32;
            if profile.in_crisis {
                score += if matches!(f, Framework::Dbt | Framework::Mindfulness) {
                    0.3
                } else {
                    -0.2
                };
            }
            Recommendation {
                framework: *f,
                score,
                matched_concerns,
                matched_strengths,
            }
        })
        .filter(|r| r.score > MIN_SCORE)
        .collect();
    // Stable sort keeps declaration order among equal scores.
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(MAX_RECOMMENDATIONS);
    out
}

#[cfg(test)]
mod tests {
    use super::Framework::*;
    use super::*;

    fn profile(concerns: &[&str], strengths: &[&str], in_crisis: bool) -> Profile {
        Profile {
            concerns: concerns.iter().map(|s| s.to_string()).collect(),
            strengths: strengths.iter().map(|s| s.to_string()).collect(),
            in_crisis,
        }
    }

    fn names(r: &[Recommendation]) -> Vec<Framework> {
        r.iter().map(|r| r.framework).collect()
    }

    #[test]
    fn anxiety_and_stress_favour_cbt_act_mindfulness() {
        let r = recommend(&profile(&["Anxiety", "stress"], &["discipline"], false));
        assert_eq!(names(&r), [Cbt, Mindfulness, Act, SolutionFocused, Dbt]);
        assert!((r[0].score - 1.0).abs() < 1e-6, "0.5 + 2×0.2 + 0.1");
        assert_eq!(r[0].matched_concerns, ["anxiety", "stress"]);
        assert_eq!(r[0].matched_strengths, ["discipline"]);
    }

    #[test]
    fn crisis_lifts_dbt_and_mindfulness_and_drops_weak_others() {
        let r = recommend(&profile(&[], &[], true));
        // Others score 0.5 − 0.2 = 0.3, under the 0.4 floor.
        assert_eq!(names(&r), [Dbt, Mindfulness]);
        assert!((r[0].score - 0.8).abs() < 1e-6);
    }

    #[test]
    fn at_most_five_and_ties_keep_declaration_order() {
        let r = recommend(&Profile::default());
        assert_eq!(names(&r), [Cbt, Dbt, Act, Mindfulness, Humanistic]);
    }

    #[test]
    fn spelling_variants_match() {
        let r = recommend(&profile(&["self-harm", "Emotion Regulation"], &[], false));
        assert_eq!(r[0].framework, Dbt);
        assert_eq!(r[0].matched_concerns, ["self_harm", "emotion_regulation"]);
    }
}
