//! `tta-bench core <system>`: probing the reference core by hand.

use serde_json::Value;

use crate::support::{assert_one_line_error, tta};

fn answer(args: &[&str], stdin: &str) -> Value {
    let out = tta().args(args).write_stdin(stdin).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn crisis_text_gives_level_indicators_and_resources() {
    let v = answer(
        &[
            "core",
            "crisis",
            "--text",
            "I don't want to live anymore",
            "--json",
        ],
        "",
    );
    assert_eq!(v["level"], "CRITICAL");
    assert_eq!(v["indicators"][0]["family"], "suicide");
    let contacts: Vec<&str> = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["contact"].as_str().unwrap())
        .collect();
    assert_eq!(contacts, ["911", "988", "Text HOME to 741741"]);
    assert_eq!(v["alert_clinician"], true);
}

#[test]
fn levels_across_the_scale_from_the_command_line() {
    for (text, level) in [
        ("This game is killing me", "NONE"),
        ("I'm so stressed", "LOW"),
        ("I feel hopeless", "MODERATE"),
        ("I keep cutting myself", "HIGH"),
        ("I want to kill myself", "CRITICAL"),
    ] {
        let v = answer(&["core", "crisis", "--text", text, "--json"], "");
        assert_eq!(v["level"], level, "{text}");
    }
}

#[test]
fn json_flag_prints_one_line_and_default_is_pretty() {
    let compact = tta()
        .args(["core", "crisis", "--text", "hi", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(compact.stdout).unwrap().lines().count(),
        1
    );
    let pretty = tta()
        .args(["core", "crisis", "--text", "hi"])
        .output()
        .unwrap();
    let text = String::from_utf8(pretty.stdout).unwrap();
    assert!(text.lines().count() > 5);
    assert!(
        text.starts_with("{\n  \"level\": \"NONE\""),
        "field order kept: {text}"
    );
}

#[test]
fn every_system_reads_json_on_stdin() {
    let cases = [
        (
            "crisis",
            r#"{"text": "I can't breathe", "prior_episodes": 1}"#,
            "/level",
            "HIGH",
        ),
        (
            "consequences",
            r#"{"text": "I stand up and say no", "goals": ["self_esteem"]}"#,
            "/choice_type",
            "confrontation",
        ),
        (
            "difficulty",
            r#"{"level": 6, "observations": [{"success": true, "engagement": 0.9, "stress": 0.1, "crisis_level": "HIGH"}]}"#,
            "/0/strategy",
            "therapeutic_override",
        ),
        (
            "character",
            r#"{"name": "Ari", "goals": ["anxiety_management"], "updates": [{"courage": 0.2}]}"#,
            "/created/name",
            "Ari",
        ),
        (
            "frameworks",
            r#"{"concerns": ["trauma", "ptsd"], "in_crisis": false}"#,
            "/0/framework",
            "emdr",
        ),
        (
            "session",
            r#"{"events": ["pause", "resume", "complete"]}"#,
            "/events/2/state",
            "completed",
        ),
        (
            "replay",
            r#"{"turns": ["I talk to a friend"], "paths": 2, "depth": 3, "seed": 9}"#,
            "/snapshot/choices/0",
            "social",
        ),
        (
            "collaboration",
            r#"{"mode": "family", "participants": [{"user": "a"}, {"user": "b"}]}"#,
            "/created/facilitator",
            "a",
        ),
        (
            "recovery",
            r#"{"errors": [{"class": "data_corruption"}]}"#,
            "/0/strategy",
            "escalate",
        ),
        (
            "turn",
            r#"{"player": {"goals": ["social_skills"]}, "turns": ["I call my friend"]}"#,
            "/turns/0/consequence/choice_type",
            "social",
        ),
    ];
    for (system, input, pointer, expected) in cases {
        let v = answer(&["core", system, "--json"], input);
        assert_eq!(
            v.pointer(pointer).and_then(Value::as_str),
            Some(expected),
            "{system}: {v}"
        );
    }
}

#[test]
fn same_request_same_answer() {
    let input = r#"{"turns": ["I breathe", "I hide", "I feel sad and alone"]}"#;
    assert_eq!(
        answer(&["core", "turn"], input),
        answer(&["core", "turn"], input)
    );
}

#[test]
fn bad_input_is_one_line_exit_2() {
    let cases: [(&[&str], &[u8], &str); 9] = [
        (&["core", "feelings"], b"{}", "unknown system \"feelings\" (expected one of: crisis,"),
        (&["core", "crisis"], b"", "stdin: expected a JSON request for system crisis, got empty input"),
        (&["core", "crisis"], b"{\"text\": \"hi\",", "stdin:1:14: EOF while parsing a value"),
        (&["core", "crisis"], b"{\"txt\": \"hi\"}", "stdin:1:6: unknown field `txt`, expected `text` or `prior_episodes`"),
        (&["core", "crisis"], b"{\"text\": \"\\u0000\"}\xff", "stdin: input is not valid UTF-8 (byte 18)"),
        (&["core", "crisis", "--text", "   "], b"", "--text: text is empty"),
        (&["core", "difficulty"], b"{\"observations\": [{\"success\": true, \"engagement\": 2, \"stress\": 0}]}", "stdin: engagement must be within 0-1, got 2"),
        (&["core", "frameworks", "--text", "x"], b"", "--text is for the crisis system; frameworks reads a JSON request on stdin"),
        (&["core", "collaboration"], br#"{"mode": "couples", "participants": [{"user": "a"}, {"user": "b"}, {"user": "c"}]}"#, "stdin: group mode Couples allows at most 2 participants"),
    ];
    for (args, stdin, needle) in cases {
        let out = tta().args(args).write_stdin(stdin).output().unwrap();
        assert_one_line_error(&out, needle);
    }
}

#[test]
fn huge_text_is_refused() {
    let huge = serde_json::json!({ "text": "a".repeat(1 << 20) }).to_string();
    let out = tta()
        .args(["core", "crisis"])
        .write_stdin(huge)
        .output()
        .unwrap();
    assert_one_line_error(&out, "stdin: text is 1048576 bytes; the limit is 65536");
    let bigger = "x".repeat(3 << 20);
    let out = tta()
        .args(["core", "crisis"])
        .write_stdin(bigger)
        .output()
        .unwrap();
    assert_one_line_error(&out, "stdin: input is larger than 2097152 bytes");
}

#[cfg(unix)]
#[test]
fn non_utf8_text_argument_is_refused() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let out = tta()
        .args([
            OsStr::new("core"),
            OsStr::new("crisis"),
            OsStr::new("--text"),
            OsStr::from_bytes(b"caf\xe9"),
        ])
        .output()
        .unwrap();
    assert_one_line_error(&out, "--text is not valid UTF-8");
}
