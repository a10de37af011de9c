//! Deterministic, realistic inputs for the micro-benchmarks: patient messages of a given length,
//! with or without a crisis phrase, generated from a fixed seed.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SENTENCES: &[&str] = &[
    "Today I walked through the forest and met the old guide again.",
    "The guide asked me what I wanted to learn from this journey.",
    "I tried to stay calm when the bridge started to shake.",
    "My friend in the village helped me carry the lantern.",
    "I wrote down what happened so I could think about it later.",
    "The river was louder than yesterday and I noticed my breathing.",
    "I wonder whether the next level will be as hard as this one.",
    "We shared some bread and talked about the mountains ahead.",
    "I took a short break before trying the puzzle once more.",
    "The map showed a path I had not seen before.",
];

const CRISIS_SENTENCES: &[&str] = &[
    "Honestly I feel hopeless and I keep thinking I want to end my life.",
    "Sometimes I think everyone would be better off if I were dead.",
    "I have been hurting myself again and I can't go on like this.",
];

/// A message of at least `min_len` bytes (whole sentences). With `crisis`, a crisis sentence is
/// placed last, so the detector has scanned the whole benign text before it matches.
pub fn message(min_len: usize, crisis: bool, seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tail = if crisis {
        CRISIS_SENTENCES[rng.random_range(0..CRISIS_SENTENCES.len())]
    } else {
        ""
    };
    let mut out = String::with_capacity(min_len + 80);
    while out.len() + tail.len() < min_len {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(SENTENCES.choose(&mut rng).expect("non-empty"));
    }
    if crisis {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(tail);
    }
    out
}

/// Short (~60 bytes) and long (~500 bytes) messages, benign and crisis.
pub struct Messages {
    pub short_benign: String,
    pub short_crisis: String,
    pub long_benign: String,
    pub long_crisis: String,
}

pub const SHORT_LEN: usize = 60;
pub const LONG_LEN: usize = 500;

impl Messages {
    pub fn generate(seed: u64) -> Self {
        Self {
            short_benign: message(SHORT_LEN, false, seed),
            short_crisis: message(1, true, seed),
            long_benign: message(LONG_LEN, false, seed + 1),
            long_crisis: message(LONG_LEN, true, seed + 2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tta_core::crisis::{CrisisLevel, CrisisPatterns};

    #[test]
    fn messages_have_the_promised_shape() {
        let m = Messages::generate(1);
        let again = Messages::generate(1);
        assert_eq!(m.long_crisis, again.long_crisis, "deterministic");
        assert!(m.long_benign.len() >= LONG_LEN && m.long_benign.len() < LONG_LEN + 80);
        assert!(m.long_crisis.len() >= LONG_LEN);
        assert!(m.short_benign.len() >= SHORT_LEN && m.short_benign.len() < 200);
        let p = CrisisPatterns::shared();
        for benign in [&m.short_benign, &m.long_benign] {
            assert_eq!(
                p.assess(benign, 0).unwrap().level,
                CrisisLevel::None,
                "{benign}"
            );
        }
        for crisis in [&m.short_crisis, &m.long_crisis] {
            assert_eq!(
                p.assess(crisis, 0).unwrap().level,
                CrisisLevel::Critical,
                "{crisis}"
            );
        }
    }
}
