use super::*;
use ChoiceType::*;
use proptest::prelude::*;

#[test]
fn classification_table() {
    let cases = [
        ("I take a deep breath and count to ten", Coping),
        ("I call my friend and ask for help", Social),
        ("I go to sleep early and eat something", SelfCare),
        ("I write in my journal and reflect on the day", Reflection),
        ("I stand up for myself and say no", Confrontation),
        ("I paint a picture of the sea", Creative),
        ("I ignore the message and hide in my room", Avoidance),
        ("I open the door", Neutral),
        // One hit each for Coping ("calm") and Social ("talk"): the earlier type wins the tie.
        ("I stay calm and talk", Coping),
        // Case does not matter.
        ("I CONFRONT THEM", Confrontation),
    ];
    for (text, expected) in cases {
        assert_eq!(classify(text), expected, "{text:?}");
    }
}

#[test]
fn emotional_weight_counts_emotions_and_intensifiers() {
    assert_eq!(emotional_weight("I open the door"), 0.0);
    assert_eq!(emotional_weight("I feel sad"), 0.5);
    assert!((emotional_weight("I feel so sad") - 0.6).abs() < 1e-6);
    assert_eq!(
        emotional_weight("feel sad angry hurt afraid scared"),
        1.0,
        "capped at 1"
    );
}

#[test]
fn relevant_choices_are_worth_more_and_avoidance_less() {
    let goals = [Goal::AnxietyManagement, Goal::StressManagement];
    let (rel, coping, _) = score(Coping, &goals, 0.0, &[]);
    assert!((rel - 1.0).abs() < 1e-6, "0.3 + 2 × 0.35, capped");
    let (_, social, _) = score(Social, &goals, 0.0, &[]);
    let (_, avoid, impacts) = score(Avoidance, &goals, 0.0, &[]);
    assert!(
        coping > social && social > avoid,
        "{coping} {social} {avoid}"
    );
    assert!(impacts.iter().all(|(_, d)| *d < 0.0));
}

#[test]
fn repetition_diminishes_and_variety_rewards() {
    let (_, fresh, _) = score(Coping, &[], 0.0, &[]);
    let (_, repeated, _) = score(Coping, &[], 0.0, &[Coping, Coping, Coping]);
    assert!((fresh - repeated - 0.15).abs() < 1e-6);
    let (_, varied, _) = score(Coping, &[], 0.0, &[Social, Reflection, Creative]);
    assert!((varied - fresh - 0.05).abs() < 1e-6);
}

#[test]
fn system_records_history_per_user_bounded() {
    let mut s = ConsequenceSystem::default();
    for _ in 0..15 {
        s.process("u", "I breathe and stay calm", &[]).unwrap();
    }
    s.process("v", "I talk to a friend", &[]).unwrap();
    assert_eq!(s.history("u").len(), 10);
    assert_eq!(s.history("v"), [Social]);
    let c = s.process("u", "I breathe and stay calm", &[]).unwrap();
    assert!(c.narrative.starts_with("You steady yourself"));
    assert!(s.process("u", "", &[]).is_err());
}

fn choice_type() -> impl Strategy<Value = ChoiceType> {
    (0usize..8).prop_map(|i| ChoiceType::ALL.get(i).copied().unwrap_or(Neutral))
}

fn goal() -> impl Strategy<Value = Goal> {
    prop::sample::select(vec![
        Goal::AnxietyManagement,
        Goal::DepressionRecovery,
        Goal::SocialSkills,
        Goal::AngerManagement,
        Goal::SelfEsteem,
        Goal::TraumaRecovery,
        Goal::StressManagement,
        Goal::EmotionalRegulation,
    ])
}

proptest! {
    #[test]
    fn impacts_stay_within_limit_and_value_within_0_and_1(
        kind in choice_type(),
        goals in prop::collection::vec(goal(), 0..8),
        weight in 0.0f32..=1.0,
        history in prop::collection::vec(choice_type(), 0..10),
    ) {
        let (relevance, value, impacts) = score(kind, &goals, weight, &history);
        prop_assert!((0.0..=1.0).contains(&relevance));
        prop_assert!((0.0..=1.0).contains(&value));
        for (_, d) in impacts {
            prop_assert!(d.abs() <= MAX_IMPACT);
        }
    }

    #[test]
    fn processing_any_text_keeps_impacts_capped(text in "[a-zA-Z ,.']{1,200}") {
        let mut s = ConsequenceSystem::default();
        if let Ok(c) = s.process("u", &text, &[Goal::SocialSkills]) {
            for (_, d) in c.attribute_impacts {
                prop_assert!(d.abs() <= MAX_IMPACT);
            }
        }
    }
}
