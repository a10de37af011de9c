//! eSpeak NG speaks, the chain prepares, PocketSphinx recognises: the words must come back.
//!
//! Skipped, saying why, where the engines are not installed.

use tta_voice::chain::prepare;
use tta_voice::language_model::PATIENT_PHRASES;
use tta_voice::wer::{word_error_rate, word_errors, words};
use tta_voice::{EngineConfig, Engines};

/// Short sentences of the kind patients say in a session.
const SENTENCES: &[&str] = &[
    "I feel anxious today",
    "I want to talk to my mother",
    "I am tired of everything",
    "I think I will go for a walk",
    "today was a good day",
    "I could not sleep last night",
    "I am angry with my friend",
    "I want to try again",
    "I feel better than yesterday",
    "please help me",
    "I do not know what to do",
    "I will open the door",
];

/// The spoken crisis phrase of the service's own lexicon.
const CRISIS: &str = "I want to kill myself";

/// Set from this test's own measured word error rate (docs/voice.md gives it, with the engine
/// versions), with a margin for other engine versions.
const WER_BOUND: f64 = 0.45;

fn engines() -> Option<Engines> {
    match Engines::load(&EngineConfig::default()) {
        Ok(engines) => Some(engines),
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

fn round_trip(engines: &Engines, text: &str) -> String {
    let spoken = engines.synthesizer.synthesize(text).unwrap();
    let prepared = prepare(&spoken).unwrap();
    assert!(prepared.has_speech(), "no speech found in {text:?}");
    engines.recognizer.recognize(&prepared.audio).unwrap()
}

#[test]
fn the_sentences_are_held_out_of_the_corpus() {
    let corpus: Vec<Vec<String>> = PATIENT_PHRASES.lines().map(words).collect();
    for sentence in SENTENCES {
        assert!(
            !corpus.contains(&words(sentence)),
            "{sentence:?} is in the corpus"
        );
    }
}

#[test]
fn synthesised_sentences_are_recognised() {
    let Some(engines) = engines() else { return };
    let heard: Vec<(&str, String)> = SENTENCES
        .iter()
        .map(|&text| (text, round_trip(&engines, text)))
        .collect();
    for (said, got) in &heard {
        eprintln!(
            "{:>2} errors  said {said:?}  heard {got:?}",
            word_errors(said, got)
        );
    }
    let wer = word_error_rate(heard.iter().map(|(s, h)| (*s, h.as_str())));
    eprintln!("word error rate {wer:.3} over {} sentences", heard.len());
    assert!(wer <= WER_BOUND, "word error rate {wer:.3} > {WER_BOUND}");
}

#[test]
fn the_crisis_phrase_is_heard() {
    let Some(engines) = engines() else { return };
    let heard = round_trip(&engines, CRISIS);
    assert_eq!(word_errors(CRISIS, &heard), 0, "heard {heard:?}");
}
