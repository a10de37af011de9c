//! The recogniser's domain language model: a bigram model of what patients say, built from a
//! corpus kept as data (`corpus/patient_phrases.txt`) and written in the ARPA format PocketSphinx
//! reads.
//!
//! PocketSphinx's general US-English model expects natural voices and any English; with eSpeak
//! NG's formant voice it recovers few words. A session's speech has a small vocabulary, so a
//! model of it is what a voice-command front end uses (see docs/voice.md).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::wer::words;

/// The corpus the service's model is built from.
pub const PATIENT_PHRASES: &str = include_str!("../corpus/patient_phrases.txt");

const START: &str = "<s>";
const END: &str = "</s>";
/// Absolute discount taken from each seen bigram and given to the unigram back-off.
const DISCOUNT: f64 = 0.5;
/// ARPA's stand-in for log10(0): the start marker is never predicted.
const NEVER: f64 = -99.0;

/// A bigram model with absolute discounting and back-off to add-one unigrams.
#[derive(Debug, Clone)]
pub struct BigramModel {
    unigrams: BTreeMap<String, u64>,
    bigrams: BTreeMap<(String, String), u64>,
}

impl BigramModel {
    /// Counts the corpus, one sentence per line; blank lines and `#` comments are skipped.
    pub fn from_corpus(corpus: &str) -> BigramModel {
        let mut unigrams = BTreeMap::new();
        let mut bigrams = BTreeMap::new();
        for line in corpus.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut tokens = vec![START.to_string()];
            tokens.extend(words(line));
            tokens.push(END.to_string());
            for token in &tokens {
                *unigrams.entry(token.clone()).or_insert(0) += 1;
            }
            for pair in tokens.windows(2) {
                *bigrams
                    .entry((pair[0].clone(), pair[1].clone()))
                    .or_insert(0) += 1;
            }
        }
        BigramModel { unigrams, bigrams }
    }

    /// The words the model can recognise (without the sentence markers).
    pub fn vocabulary(&self) -> BTreeSet<&str> {
        self.unigrams
            .keys()
            .map(String::as_str)
            .filter(|w| *w != START && *w != END)
            .collect()
    }

    /// P(word) for every unigram: add-one over the tokens that can be predicted.
    fn unigram_probability(&self, word: &str) -> f64 {
        if word == START {
            return 0.0;
        }
        let predicted: u64 = self
            .unigrams
            .iter()
            .filter(|(w, _)| *w != START)
            .map(|(_, c)| c)
            .sum();
        let types = self.unigrams.len() as f64 - 1.0;
        (self.unigrams[word] as f64 + 1.0) / (predicted as f64 + types)
    }

    /// The model in ARPA text form.
    pub fn to_arpa(&self) -> String {
        // How often each word starts a bigram, and what follows it.
        let mut following: BTreeMap<&str, Vec<(&str, u64)>> = BTreeMap::new();
        for ((first, second), count) in &self.bigrams {
            following.entry(first).or_default().push((second, *count));
        }
        let mut out = String::new();
        let _ = writeln!(out, "\\data\\");
        let _ = writeln!(out, "ngram 1={}", self.unigrams.len());
        let _ = writeln!(out, "ngram 2={}", self.bigrams.len());
        let _ = writeln!(out, "\n\\1-grams:");
        for word in self.unigrams.keys() {
            let p = self.unigram_probability(word);
            let logp = if word == START { NEVER } else { p.log10() };
            match following.get(word.as_str()) {
                Some(next) => {
                    let context: u64 = next.iter().map(|(_, c)| c).sum();
                    let left = DISCOUNT * next.len() as f64 / context as f64;
                    let covered: f64 = next.iter().map(|(w, _)| self.unigram_probability(w)).sum();
                    let backoff = left / (1.0 - covered).max(f64::MIN_POSITIVE);
                    let _ = writeln!(out, "{logp:.4} {word} {:.4}", backoff.log10());
                }
                None => {
                    let _ = writeln!(out, "{logp:.4} {word}");
                }
            }
        }
        let _ = writeln!(out, "\n\\2-grams:");
        for (first, next) in &following {
            let context: u64 = next.iter().map(|(_, c)| c).sum();
            for (second, count) in next {
                let p = (*count as f64 - DISCOUNT) / context as f64;
                let _ = writeln!(out, "{:.4} {first} {second}", p.log10());
            }
        }
        let _ = writeln!(out, "\n\\end\\");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_arpa_header_agree() {
        let model = BigramModel::from_corpus("# comment\nI feel calm\n\nI feel sad\n");
        let arpa = model.to_arpa();
        // <s> </s> i feel calm sad; <s>-i i-feel feel-calm feel-sad calm-</s> sad-</s>.
        assert!(arpa.contains("ngram 1=6\nngram 2=6\n"), "{arpa}");
        assert!(arpa.contains("-99.0000 <s> "));
        assert_eq!(
            model.vocabulary().into_iter().collect::<Vec<_>>(),
            ["calm", "feel", "i", "sad"]
        );
    }

    #[test]
    fn each_context_distributes_at_most_all_its_mass() {
        let model = BigramModel::from_corpus(PATIENT_PHRASES);
        let arpa = model.to_arpa();
        let mut mass: BTreeMap<String, f64> = BTreeMap::new();
        let bigrams = arpa.split("\\2-grams:").nth(1).unwrap();
        for line in bigrams
            .lines()
            .filter(|l| l.split_whitespace().count() == 3)
        {
            let mut parts = line.split_whitespace();
            let logp: f64 = parts.next().unwrap().parse().unwrap();
            *mass.entry(parts.next().unwrap().to_string()).or_default() += 10f64.powf(logp);
        }
        assert!(!mass.is_empty());
        for (context, total) in mass {
            assert!(total < 1.0, "{context}: {total}");
        }
    }
}
