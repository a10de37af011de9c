//! Phrase tables built at compile time (`build.rs` from `lexicon/*.lex`) and their matcher.
//!
//! A table is a sorted static array of (phrase, tag), the list of the phrases' distinct first
//! words, each with the phrases it begins, and a hash table of those words: a process has it
//! without building anything. [`Lexicon::scan`] finds every phrase that starts at a word start
//! of the text and ends at a word end, overlapping ones included: each word of the text is
//! looked up among the first words (most are none, and cost one hash), and the phrases it
//! begins are compared with the text there. Words are runs of ASCII letters, digits,
//! apostrophes and non-ASCII bytes; the text must be [`normalize`](crate::text::normalize)d.

/// A table: `entries` sorted by phrase; `first_words` the phrases' distinct first words, each
/// with the indices of its phrases in `entries`; `word_slots` an open-addressing table of those
/// words by [`fnv1a`] (linear probing; a slot holds 1 + the word's index, 0 when empty; its
/// length a power of two).
pub(crate) struct Lexicon<T: 'static> {
    pub entries: &'static [(&'static str, T)],
    pub first_words: &'static [(&'static str, &'static [u16])],
    pub word_slots: &'static [u16],
}

/// FNV-1a, 32 bits: the hash `build.rs` placed the first words with.
pub(crate) fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// A phrase found at `start..end` of the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit<T> {
    pub start: usize,
    pub end: usize,
    pub tag: T,
}

/// A byte that belongs to a word.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\'' || b >= 0x80
}

impl<T: Copy> Lexicon<T> {
    /// Every phrase of the table in `text`, by start then by table order.
    pub fn scan(&self, text: &str) -> Vec<Hit<T>> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !is_word_byte(bytes[i]) {
                i += 1;
                continue;
            }
            let word_end = bytes[i..]
                .iter()
                .position(|b| !is_word_byte(*b))
                .map_or(bytes.len(), |n| i + n);
            self.at(text, i, &text[i..word_end], &mut hits);
            i = word_end;
        }
        hits
    }

    /// The phrases starting at `start`, whose first word is `word`.
    fn at(&self, text: &str, start: usize, word: &str, hits: &mut Vec<Hit<T>>) {
        let mask = self.word_slots.len() - 1;
        let mut at = fnv1a(word.as_bytes()) as usize & mask;
        let phrases = loop {
            match self.word_slots[at] {
                0 => return,
                slot => {
                    let (w, phrases) = self.first_words[usize::from(slot) - 1];
                    if w == word {
                        break phrases;
                    }
                }
            }
            at = (at + 1) & mask;
        };
        let rest = &text.as_bytes()[start..];
        for &i in phrases {
            let (phrase, tag) = self.entries[usize::from(i)];
            let p = phrase.as_bytes();
            // The text holds the whole phrase, ending at a word end.
            if rest.starts_with(p) && rest.get(p.len()).is_none_or(|b| !is_word_byte(*b)) {
                hits.push(Hit {
                    start,
                    end: start + p.len(),
                    tag,
                });
            }
        }
    }
}

/// Of `hits` (in order of start, as [`Lexicon::scan`] gives them), those not overlapping an
/// earlier kept one, the longest where several start together: what a leftmost-longest search
/// of the text would find.
pub(crate) fn leftmost_longest<T: Copy>(hits: impl Iterator<Item = Hit<T>>) -> Vec<Hit<T>> {
    let mut kept: Vec<Hit<T>> = Vec::new();
    for h in hits {
        match kept.last_mut() {
            // The earlier kept one ended at or before this start: it cannot overlap.
            Some(last) if last.start == h.start => {
                if h.end > last.end {
                    *last = h;
                }
            }
            Some(last) if h.start < last.end => {}
            _ => kept.push(h),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    static ENTRIES: &[(&str, u8)] = &[
        ("end it all", 1),
        ("kill", 2),
        ("kill myself", 3),
        ("killing time", 4),
        ("self-harm", 5),
    ];

    /// The table build.rs would make of ENTRIES.
    fn lexicon() -> Lexicon<u8> {
        static FIRST_WORDS: &[(&str, &[u16])] = &[
            ("end", &[0]),
            ("kill", &[1, 2]),
            ("killing", &[3]),
            ("self", &[4]),
        ];
        static SLOTS: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
        let slots = SLOTS.get_or_init(|| {
            let mut slots = vec![0u16; 16];
            for (i, (w, _)) in FIRST_WORDS.iter().enumerate() {
                let mut at = fnv1a(w.as_bytes()) as usize & 15;
                while slots[at] != 0 {
                    at = (at + 1) & 15;
                }
                slots[at] = i as u16 + 1;
            }
            slots
        });
        Lexicon {
            entries: ENTRIES,
            first_words: FIRST_WORDS,
            word_slots: slots,
        }
    }

    fn found(text: &str) -> Vec<(&str, u8)> {
        lexicon()
            .scan(text)
            .into_iter()
            .map(|h| (&text[h.start..h.end], h.tag))
            .collect()
    }

    #[test]
    fn phrases_match_at_word_starts_and_ends_only() {
        assert_eq!(
            found("i want to kill myself"),
            [("kill", 2), ("kill myself", 3)]
        );
        assert_eq!(found("skill myselfish killing"), []);
        assert_eq!(
            found("killing time, self-harm."),
            [("killing time", 4), ("self-harm", 5)]
        );
        assert_eq!(found("end it all"), [("end it all", 1)]);
        assert_eq!(found("end it allday"), []);
        assert_eq!(found("kill's"), [], "an apostrophe belongs to the word");
        assert_eq!(found(""), []);
    }

    #[test]
    fn leftmost_longest_keeps_no_overlap() {
        let text = "i want to kill myself";
        let kept = leftmost_longest(lexicon().scan(text).into_iter());
        assert_eq!(kept.len(), 1);
        assert_eq!(&text[kept[0].start..kept[0].end], "kill myself");
    }
}
