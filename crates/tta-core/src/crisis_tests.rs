use super::*;
use CrisisLevel::*;

/// (text, prior episodes, expected level, why). The table pins the documented decisions: negated
/// mentions weigh nothing, idioms are NONE, co-occurrence, timeframes and prior episodes
/// escalate. The labelled table (`crisis_labelled.tsv`, below) measures the lexicon.
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
        None,
        "a negated mention weighs nothing",
    ),
    (
        "I'm not suicidal, just tired and stressed",
        0,
        Low,
        "negated mention, plain distress",
    ),
    ("I don't want to die, I want help", 0, None, "negated wish"),
    (
        "I bought a rope and I'll hang myself tonight",
        0,
        Critical,
        "plan and means co-occur, with a timeframe",
    ),
    (
        "I'm going to jump off the bridge this weekend",
        0,
        Critical,
        "means with a timeframe",
    ),
    ("I've been saving up my pills", 0, High, "a plan alone"),
    (
        "I'm giving away my things, you won't have to worry about me anymore",
        0,
        High,
        "farewell behaviour",
    ),
    ("lol kms", 0, Critical, "slang for intent"),
    (
        "My character in the novel is suicidal",
        0,
        None,
        "third-person fiction",
    ),
    (
        "The song's chorus goes \"I want to die\"",
        0,
        None,
        "quoted lyrics",
    ),
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
fn mentions_out_of_context_are_reported_with_weight_zero() {
    let p = CrisisPatterns::shared();
    for (text, phrase, context) in [
        (
            "I would never kill myself",
            "kill myself",
            MentionContext::Negated,
        ),
        (
            "my friend told me she is suicidal",
            "suicidal",
            MentionContext::ThirdPerson,
        ),
        (
            "in the book the hero wants to die",
            "wants to die",
            MentionContext::ThirdPerson,
        ),
        (
            "that song \"i wanna die\" is on repeat",
            "wanna die",
            MentionContext::Quoted,
        ),
    ] {
        let a = p.assess(text, 0).unwrap();
        assert_eq!(a.indicators.len(), 1, "{text}: {:?}", a.indicators);
        let m = &a.indicators[0];
        assert_eq!(
            (m.phrase.as_str(), m.context, m.weight),
            (phrase, context, 0.0),
            "{text}"
        );
        assert_eq!(a.level, None, "{text}");
    }
    // The same phrases said directly count.
    let a = p.assess("the movie made me want to die", 0).unwrap();
    assert_eq!(a.indicators[0].context, MentionContext::Direct);
    assert_eq!(a.level, Critical);
    let a = p.assess("I told her \"I want to die\"", 0).unwrap();
    assert_eq!(
        a.level, Critical,
        "quotes without a song are the user's words"
    );
}

#[test]
fn a_timeframe_raises_only_a_direct_intent_plan_means_or_farewell_in_its_sentence() {
    let p = CrisisPatterns::shared();
    let urgent = p.assess("I'm going to overdose tonight", 0).unwrap();
    assert_eq!(urgent.timeframe.as_deref(), Some("tonight"));
    assert_eq!(urgent.level, Critical);
    let past = p.assess("I cut myself today", 0).unwrap();
    assert_eq!(
        (past.timeframe, past.level),
        (Option::None, High),
        "self-harm"
    );
    let apart = p.assess("I might overdose. Not tonight though", 0).unwrap();
    assert_eq!(apart.timeframe, Option::None, "another sentence");
    assert_eq!(apart.level, High);
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
    assert_eq!(p.assess("I’m not suicidal", 0).unwrap().level, None);
    assert_eq!(p.assess("I  WANT\tto   die", 0).unwrap().level, Critical);
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

/// A labelled table's (level, text) pairs.
fn labelled(table: &'static str) -> Vec<(CrisisLevel, &'static str)> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (level, text) = l.split_once('\t').expect("level<TAB>text");
            let level = match level {
                "NONE" => None,
                "LOW" => Low,
                "MODERATE" => Moderate,
                "HIGH" => High,
                "CRITICAL" => Critical,
                other => panic!("unknown level {other:?}"),
            };
            (level, text)
        })
        .collect()
}

const LEVELS: [CrisisLevel; 5] = [None, Low, Moderate, High, Critical];

/// Per level, as measured: (detected correctly, detected, labelled). Precision is the first
/// over the second, recall the first over the third. A change to the lexicon or the rules
/// moves these, and must be measured and stated (docs/core.md).
type Measured = [(CrisisLevel, usize, usize, usize); 5];

/// On `crisis_labelled.tsv`, which the lexicon was tuned on (so optimistic). Before tuning:
/// NONE 47/61 and 47/52, LOW 22/22 and 22/25, MODERATE 28/29 and 28/30, HIGH 27/34 and 27/31,
/// CRITICAL 27/27 and 27/35.
const MEASURED_TUNED: Measured = [
    (None, 52, 52, 52),
    (Low, 25, 25, 25),
    (Moderate, 30, 30, 30),
    (High, 31, 31, 31),
    (Critical, 35, 35, 35),
];

/// On `crisis_heldout.tsv`, written after the tuning and measured once.
const MEASURED_HELD_OUT: Measured = [
    (None, 12, 17, 12),
    (Low, 5, 5, 8),
    (Moderate, 7, 7, 8),
    (High, 7, 8, 8),
    (Critical, 9, 9, 10),
];

#[test]
fn labelled_table_precision_and_recall_are_as_measured() {
    let table = labelled(include_str!("crisis_labelled.tsv"));
    assert!(table.len() >= 150, "{} texts", table.len());
    assert_precision_and_recall(&table, &MEASURED_TUNED);
}

#[test]
fn held_out_precision_and_recall_are_as_measured() {
    let table = labelled(include_str!("crisis_heldout.tsv"));
    assert_precision_and_recall(&table, &MEASURED_HELD_OUT);
}

fn assert_precision_and_recall(table: &[(CrisisLevel, &str)], pinned: &Measured) {
    let p = CrisisPatterns::shared();
    let results: Vec<(CrisisLevel, CrisisLevel, &str)> = table
        .iter()
        .map(|(want, text)| (*want, p.assess(text, 0).unwrap().level, *text))
        .collect();
    let measured: Vec<(CrisisLevel, usize, usize, usize)> = LEVELS
        .iter()
        .map(|&level| {
            let hit = results
                .iter()
                .filter(|r| r.0 == level && r.1 == level)
                .count();
            let detected = results.iter().filter(|r| r.1 == level).count();
            let labelled = results.iter().filter(|r| r.0 == level).count();
            (level, hit, detected, labelled)
        })
        .collect();
    let mut report = String::from("level     precision  recall\n");
    for (level, hit, detected, labelled) in &measured {
        report.push_str(&format!(
            "{:<9} {hit}/{detected}  {hit}/{labelled}\n",
            format!("{level:?}")
        ));
    }
    for (want, got, text) in results.iter().filter(|r| r.0 != r.1) {
        report.push_str(&format!("labelled {want:?}, detected {got:?}: {text}\n"));
    }
    eprintln!("{report}");
    assert_eq!(measured, pinned, "{report}");
}

#[test]
fn every_phrase_of_the_table_is_found_with_its_tag() {
    let p = CrisisPatterns::shared();
    for (phrase, tag) in super::table::ENTRIES {
        let hits = p.lexicon.scan(phrase);
        assert!(
            hits.iter()
                .any(|h| (h.start, h.end, h.tag) == (0, phrase.len(), *tag)),
            "{phrase:?} not found as {tag:?}: {hits:?}"
        );
    }
}
