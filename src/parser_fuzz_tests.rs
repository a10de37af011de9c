//! No input makes a parser panic. The shipped thresholds, profiles and journeys and a saved
//! run are mutated at random (stretches cut or repeated, characters that matter to YAML and
//! JSON put in, numbers swapped for extreme ones), and arbitrary text is tried too: each input
//! either parses or is refused with an error. A panic fails the property (proptest catches it
//! and shrinks the input).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::saved::{SavedJson, SavedRun};

/// Pieces that change what a YAML or JSON document means.
const PIECES: &[&str] = &[
    "",
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    ".inf",
    "99999999999999999999",
    "4294967296",
    ":",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    ",",
    "\n",
    "\n  ",
    "  ",
    "\t",
    "#",
    "&a ",
    "*a",
    "!!binary ",
    "~",
    "null",
    "true",
    "é",
    "\u{0}",
    "{{",
    "}}",
    "{{session_id}}",
];

#[derive(Debug, Clone)]
enum Mutation {
    Cut {
        at: usize,
        len: usize,
    },
    Repeat {
        at: usize,
        len: usize,
    },
    Put {
        at: usize,
        piece: &'static str,
    },
    Replace {
        at: usize,
        len: usize,
        piece: &'static str,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let piece = prop::sample::select(PIECES);
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Mutation::Cut { at, len }),
        (any::<usize>(), 1..80usize).prop_map(|(at, len)| Mutation::Repeat { at, len }),
        (any::<usize>(), piece.clone()).prop_map(|(at, piece)| Mutation::Put { at, piece }),
        (any::<usize>(), 1..12usize, piece).prop_map(|(at, len, piece)| Mutation::Replace {
            at,
            len,
            piece
        }),
    ]
}

/// `text` with `mutations` applied in turn, on character boundaries.
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in mutations {
        let n = chars.len().max(1);
        let span = |at: usize, len: usize| {
            let from = at % n;
            from.min(chars.len())..(from + len).min(chars.len())
        };
        match m {
            Mutation::Cut { at, len } => {
                let r = span(*at, *len);
                chars.drain(r);
            }
            Mutation::Repeat { at, len } => {
                let r = span(*at, *len);
                let copy: Vec<char> = chars[r.clone()].to_vec();
                chars.splice(r.end..r.end, copy);
            }
            Mutation::Put { at, piece } => {
                let at = (at % n).min(chars.len());
                chars.splice(at..at, piece.chars());
            }
            Mutation::Replace { at, len, piece } => {
                let r = span(*at, *len);
                chars.splice(r, piece.chars());
            }
        }
    }
    chars.into_iter().collect()
}

fn shipped(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).expect("a shipped file")
}

/// Runs `parse` on 500 mutations of `base` and on 100 arbitrary texts.
fn never_panics(base: &str, parse: impl Fn(&str)) {
    let mut runner = TestRunner::new(Config {
        cases: 500,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(mutation(), 1..5), |ms| {
            parse(&mutate(base, &ms));
            Ok(())
        })
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 100,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&"(?s).{0,300}", |text| {
            parse(&text);
            Ok(())
        })
        .unwrap();
}

#[test]
fn mutations_are_applied_where_they_say() {
    let put = Mutation::Put { at: 1, piece: "-1" };
    assert_eq!(mutate("abc", &[put]), "a-1bc");
    let cut = Mutation::Cut { at: 4, len: 2 };
    assert_eq!(mutate("abc", &[cut]), "a", "positions wrap around");
    let repeat = Mutation::Repeat { at: 0, len: 2 };
    assert_eq!(mutate("abc", &[repeat]), "ababc");
    let replace = Mutation::Replace {
        at: 2,
        len: 9,
        piece: "é",
    };
    assert_eq!(mutate("abc", &[replace]), "abé");
    assert_eq!(mutate("", &[Mutation::Cut { at: 3, len: 1 }]), "");
}

#[test]
fn the_thresholds_parser_never_panics() {
    never_panics(&shipped("thresholds.yaml"), |text| {
        let _ = crate::sla::Thresholds::parse("thresholds.yaml", text);
    });
}

#[test]
fn the_profiles_parser_never_panics() {
    never_panics(&shipped("scenarios/profiles.yaml"), |text| {
        let _ = crate::scenario::parse_profiles("profiles.yaml", text);
    });
}

#[test]
fn the_journey_parser_never_panics() {
    for journey in ["scenarios/patient.yaml", "scenarios/clinician.yaml"] {
        never_panics(&shipped(journey), |text| {
            let _ = crate::scenario::parse_journey(journey, text);
        });
    }
}

#[test]
fn the_saved_run_reader_never_panics() {
    let run = crate::run::synthetic(&[("GET /x", (1..50).collect()), ("GET /y", vec![7, 9])]);
    let base = serde_json::to_string_pretty(&run).unwrap();
    never_panics(&base, |text| {
        if let Ok(file) = SavedJson::parse_text("run.json".into(), text.to_string()) {
            let _ = SavedRun::from_json(&file);
        }
    });
}
