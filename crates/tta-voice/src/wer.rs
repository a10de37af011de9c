//! Word error rate: the edit distance between word sequences over the reference's length.

/// Words as a recogniser writes them: lower case, letters, digits and apostrophes.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Substitutions, insertions and deletions that turn `reference` into `hypothesis`
/// (Levenshtein over words).
pub fn word_errors(reference: &str, hypothesis: &str) -> usize {
    let (r, h) = (words(reference), words(hypothesis));
    let mut previous: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut current = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let substitution = previous[j] + usize::from(rw != hw);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[h.len()]
}

/// Word error rate over a set of (reference, hypothesis) pairs: total errors / total
/// reference words (the NIST convention, so long sentences weigh more).
pub fn word_error_rate<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> f64 {
    let (errors, total) = pairs.into_iter().fold((0, 0), |(e, n), (r, h)| {
        (e + word_errors(r, h), n + words(r).len())
    });
    if total == 0 {
        0.0
    } else {
        errors as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_each_kind_of_error() {
        assert_eq!(word_errors("I feel calm today", "i feel calm today"), 0);
        assert_eq!(word_errors("I feel calm today", "I fell calm today"), 1);
        assert_eq!(word_errors("I feel calm today", "I feel today"), 1);
        assert_eq!(
            word_errors("I feel calm today", "I feel very calm today"),
            1
        );
        assert_eq!(word_errors("I feel calm", ""), 3);
        assert!(
            (word_error_rate([("a b c d", "a x c d"), ("e f", "e f")]) - 1.0 / 6.0).abs() < 1e-12
        );
    }

    proptest! {
        #[test]
        fn distance_is_a_metric(a in "[a-c ]{0,20}", b in "[a-c ]{0,20}") {
            prop_assert_eq!(word_errors(&a, &a), 0);
            prop_assert_eq!(word_errors(&a, &b), word_errors(&b, &a));
            let longer = words(&a).len().max(words(&b).len());
            prop_assert!(word_errors(&a, &b) <= longer);
        }
    }
}
