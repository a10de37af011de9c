use super::*;

fn probe(system: &str, input: &str) -> Result<Value> {
    run(system.parse()?, input, "stdin")
}

#[test]
fn every_system_answers_a_minimal_request() {
    let requests = [
        (
            "crisis",
            r#"{"text": "I feel hopeless"}"#,
            "/level",
            "MODERATE",
        ),
        (
            "consequences",
            r#"{"text": "I call a friend"}"#,
            "/choice_type",
            "social",
        ),
        (
            "difficulty",
            r#"{"observations": [{"success": false, "engagement": 0.5, "stress": 0.9}]}"#,
            "/0/strategy",
            "immediate",
        ),
        (
            "character",
            r#"{"goals": ["self_esteem"]}"#,
            "/created/goals/0",
            "self_esteem",
        ),
        (
            "frameworks",
            r#"{"concerns": ["trauma"]}"#,
            "/0/framework",
            "narrative",
        ),
        (
            "session",
            r#"{"events": ["pause", "pause"]}"#,
            "/events/0/state",
            "paused",
        ),
        (
            "replay",
            r#"{"paths": 2}"#,
            "/comparisons/0/divergence_point",
            "",
        ),
        (
            "collaboration",
            r#"{"mode": "couples", "participants": [{"user": "a"}], "join": [{"user": "b"}, {"user": "c"}]}"#,
            "/joins/1/error",
            "group mode Couples allows at most 2 participants",
        ),
        (
            "recovery",
            r#"{"errors": [{"class": "transient", "failed_attempts": 1}]}"#,
            "/0/strategy",
            "retry_with_backoff",
        ),
        (
            "turn",
            r#"{"turns": ["I breathe slowly"]}"#,
            "/turns/0/crisis/level",
            "NONE",
        ),
    ];
    for (system, input, pointer, expected) in requests {
        let answer = probe(system, input).unwrap_or_else(|e| panic!("{system}: {e}"));
        let got = answer
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{system}: no {pointer} in {answer}"));
        if !expected.is_empty() {
            assert_eq!(got.as_str(), Some(expected), "{system} {pointer}");
        }
    }
}

#[test]
fn refused_steps_are_part_of_the_answer() {
    let a = probe("session", r#"{"events": ["pause", "pause"]}"#).unwrap();
    assert_eq!(
        a.pointer("/events/1/error").and_then(Value::as_str),
        Some("session in state Paused cannot take event Pause")
    );
    let t = probe("turn", r#"{"turns": ["I want to die", "hello"]}"#).unwrap();
    assert_eq!(
        t.pointer("/turns/0/session/state").and_then(Value::as_str),
        Some("crisis_paused")
    );
    assert!(t.pointer("/turns/1/error").is_some());
}

#[test]
fn bad_requests_name_the_place() {
    let cases = [
        (
            "crisis",
            "",
            "stdin: expected a JSON request for system crisis, got empty input",
        ),
        (
            "crisis",
            "{\"text\": \"hi\", \"bogus\": 1}",
            "stdin:1:22: unknown field `bogus`, expected `text` or `prior_episodes`",
        ),
        (
            "crisis",
            "{\"text\": ",
            "stdin:1:9: EOF while parsing a value",
        ),
        ("crisis", "{\"text\": \"\"}", "stdin: text is empty"),
        (
            "difficulty",
            "{\"observations\": [{\"success\": 1}]}",
            "stdin:1:31: invalid type: integer `1`, expected a boolean",
        ),
        (
            "difficulty",
            "{\"level\": 9, \"observations\": []}",
            "stdin: level must be 1-6, got 9",
        ),
        (
            "collaboration",
            "{\"mode\": \"couples\", \"participants\": []}",
            "stdin: a group needs at least one participant",
        ),
    ];
    for (system, input, expected) in cases {
        let err = probe(system, input).unwrap_err();
        assert_eq!(err.to_string(), expected, "{system} {input:?}");
    }
}

#[test]
fn unknown_system_lists_the_known_ones() {
    let err = "feelings".parse::<System>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown system \"feelings\" (expected one of: crisis, consequences, difficulty, character, \
         frameworks, session, replay, collaboration, recovery, turn)"
    );
}

/// Figures reach users as the core computed them: a consequence's JSON, pinned whole.
#[test]
fn figures_print_as_computed() {
    let answer = probe("consequences", r#"{"text": "I call my friend"}"#).unwrap();
    insta::assert_snapshot!(serde_json::to_string(&answer).unwrap());
}
