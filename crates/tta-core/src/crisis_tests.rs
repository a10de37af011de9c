use super::*;
use CrisisLevel::*;

/// (text, prior episodes, expected level, why). The table pins the documented decisions: negated
/// mentions are LOW, idioms are NONE, co-occurrence and prior episodes escalate.
const CASES: &[(&str, u32, CrisisLevel, &str)] = &[
    (
        "I want to kill myself",
        0,
        Critical,
        "explicit suicidal intent",
    ),
    (
        "I've been thinking about suicide a lot",
        0,
        Critical,
        "suicide mention",
    ),
    (
        "Everyone would be better off if I were dead",
        0,
        Critical,
        "burden ideation",
    ),
    (
        "I don't want to live anymore",
        0,
        Critical,
        "self-negated phrase is its own pattern",
    ),
    (
        "I no longer want to wake up",
        0,
        Critical,
        "passive ideation",
    ),
    (
        "I keep cutting myself when things get bad",
        0,
        High,
        "self-harm",
    ),
    ("I hurt myself again last night", 0, High, "self-harm"),
    (
        "I feel hopeless, nothing will ever change",
        0,
        Moderate,
        "one family, twice",
    ),
    (
        "I am so depressed I can't get out of bed",
        0,
        Moderate,
        "severe depression",
    ),
    (
        "I'm having a panic attack and I can't breathe",
        0,
        Moderate,
        "panic",
    ),
    (
        "I feel hopeless and so depressed",
        0,
        High,
        "two strong families escalate",
    ),
    (
        "I feel hopeless and I keep hurting myself",
        0,
        Critical,
        "self-harm plus hopelessness",
    ),
    (
        "I'm having a panic attack",
        1,
        High,
        "prior episode adds one",
    ),
    ("I'm so stressed about work", 0, Low, "distress"),
    (
        "I would never kill myself, but it is hard",
        0,
        Low,
        "negated mention is noted",
    ),
    (
        "I'm not suicidal, just tired",
        0,
        Low,
        "negated mention is noted",
    ),
    ("I don't want to die, I want help", 0, Low, "negated wish"),
    (
        "I feel so alone, nobody cares and I've been drinking",
        0,
        Low,
        "risk factors only",
    ),
    (
        "I'm scared and alone since my dad passed away",
        0,
        Moderate,
        "distress plus risk",
    ),
    ("This game is killing me", 0, None, "idiom"),
    ("I'm dying to see the next level", 0, None, "idiom"),
    (
        "I totally killed it in the boss fight today!",
        0,
        None,
        "idiom",
    ),
    ("The suicide squad mission was fun", 0, None, "game term"),
    ("I nearly died laughing at that cutscene", 0, None, "idiom"),
    ("I had a good day with my friends", 0, None, "benign"),
    (
        "My therapist taught me breathing exercises",
        0,
        None,
        "protective only",
    ),
];

#[test]
fn assessment_table() {
    let patterns = CrisisPatterns::shared();
    let mut failures = Vec::new();
    for (text, prior, expected, why) in CASES {
        let a = patterns.assess(text, *prior).unwrap();
        if a.level != *expected {
            failures.push(format!(
                "{text:?} ({why}): expected {expected:?}, got {:?} (score {}, {:?})",
                a.level, a.score, a.indicators
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn table_covers_every_level() {
    for level in [None, Low, Moderate, High, Critical] {
        assert!(CASES.iter().any(|c| c.2 == level), "{level:?} not covered");
    }
}

#[test]
fn high_and_critical_carry_resources_and_alert() {
    let p = CrisisPatterns::shared();
    let critical = p.assess("I want to end my life", 0).unwrap();
    let contacts: Vec<_> = critical
        .resources
        .iter()
        .map(|r| r.contact.as_str())
        .collect();
    assert_eq!(contacts, ["911", "988", "Text HOME to 741741"]);
    assert!(critical.alert_clinician);

    let high = p.assess("I have been harming myself", 0).unwrap();
    assert_eq!(high.level, High);
    assert_eq!(high.resources.len(), 2);
    assert!(high.alert_clinician);

    let moderate = p.assess("I feel worthless", 0).unwrap();
    assert_eq!(moderate.level, Moderate);
    assert!(moderate.resources.is_empty());
    assert!(!moderate.alert_clinician);
}

#[test]
fn negated_match_is_reported_with_weight_one() {
    let a = CrisisPatterns::shared()
        .assess("I would never kill myself", 0)
        .unwrap();
    assert_eq!(a.indicators.len(), 1);
    let m = &a.indicators[0];
    assert_eq!(m.family, IndicatorFamily::Suicide);
    assert!(m.negated);
    assert_eq!(m.weight, 1.0);
    assert_eq!(m.phrase, "kill myself");
}

#[test]
fn negation_does_not_cross_clauses_or_reach_far_back() {
    let p = CrisisPatterns::shared();
    // "not" belongs to an earlier clause.
    assert_eq!(
        p.assess("I'm not okay. I want to die", 0).unwrap().level,
        Critical
    );
    // "don't" is more than three words before the phrase.
    assert_eq!(
        p.assess("I don't know if I really want to die", 0)
            .unwrap()
            .level,
        Critical
    );
}

#[test]
fn factors_are_reported() {
    let a = CrisisPatterns::shared()
        .assess(
            "I feel isolated since I lost my job, but my family helps and I meditate",
            0,
        )
        .unwrap();
    let risks: Vec<_> = a.risk_factors.iter().map(|f| f.factor).collect();
    assert_eq!(risks, [RiskFactor::Isolation, RiskFactor::RecentLoss]);
    let protective: Vec<_> = a.protective_factors.iter().map(|f| f.factor).collect();
    assert_eq!(
        protective,
        [
            ProtectiveFactor::SocialSupport,
            ProtectiveFactor::CopingSkills
        ]
    );
    assert_eq!(a.level, Low, "two risk factors add 1");
}

#[test]
fn curly_apostrophes_and_case_are_handled() {
    let p = CrisisPatterns::shared();
    assert_eq!(p.assess("I DON’T WANT TO LIVE", 0).unwrap().level, Critical);
    assert_eq!(p.assess("I’m not suicidal", 0).unwrap().level, Low);
}

#[test]
fn system_counts_episodes_per_user() {
    let mut s = EmotionalSafetySystem::default();
    assert_eq!(
        s.assess("ana", "I'm having a panic attack").unwrap().level,
        Moderate
    );
    assert_eq!(s.prior_episodes("ana"), 0, "MODERATE is not an episode");
    assert_eq!(s.assess("ana", "I want to die").unwrap().level, Critical);
    assert_eq!(s.prior_episodes("ana"), 1);
    assert_eq!(
        s.assess("ana", "I'm having a panic attack").unwrap().level,
        High
    );
    assert_eq!(
        s.assess("ben", "I'm having a panic attack").unwrap().level,
        Moderate
    );
}

#[test]
fn bad_text_is_an_error() {
    let p = CrisisPatterns::shared();
    assert_eq!(p.assess("   ", 0), Err(CoreError::EmptyText));
    assert!(matches!(
        p.assess(&"x".repeat(1 << 20), 0),
        Err(CoreError::TextTooLong { .. })
    ));
}
