//! Phrase tables built at compile time (`build.rs` from `lexicon/*.lex`) and their matcher.
//!
//! A table is a sorted static array of (phrase, tag) and a trie of the phrases' words: an edge
//! leads from a node, by the separator before a word (none from the root, else a space or a
//! hyphen) and the word, to a child node, which lists the phrases ending there; the edges sit
//! in a hash table. A process has it all without building anything. [`Lexicon::scan`] finds
//! every phrase that starts at a word of the text and ends at a word end, overlapping ones
//! included, by walking the trie from each word as far as the text's next words lead (most
//! words lead nowhere, and cost one hash). Words are runs of ASCII letters, digits,
//! apostrophes and non-ASCII bytes; the text must be [`normalize`](crate::text::normalize)d,
//! so words are one space apart.

/// A table, as `build.rs` writes it: `entries` sorted by phrase; `edges` (parent, separator
/// byte before the word or 0 from the root, word, child) with node 0 the root; `node_ends`
/// the indices in `entries` of the phrases ending at each node; `edge_slots` an open-addressing
/// table of the edges by [`edge_hash`] (linear probing; a slot holds 1 + the edge's index, 0
/// when empty; its length a power of two).
pub(crate) struct Lexicon<T: 'static> {
    pub entries: &'static [(&'static str, T)],
    pub edges: &'static [(u16, u8, &'static str, u16)],
    pub node_ends: &'static [&'static [u16]],
    pub edge_slots: &'static [u16],
}

include!("edge_hash.rs");

/// A phrase found at `start..end` of the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit<T> {
    pub start: usize,
    pub end: usize,
    pub tag: T,
}

/// A byte that belongs to a word.
pub(crate) const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\'' || b >= 0x80
}

impl<T: Copy> Lexicon<T> {
    /// Every phrase of the table in `text`, by start, then shortest first.
    pub fn scan(&self, text: &str) -> Vec<Hit<T>> {
        let words = words(text.as_bytes());
        let mut hits = Vec::new();
        for (i, &(start, _, _)) in words.iter().enumerate() {
            let mut node = 0u16;
            for (j, &(from, to, sep)) in words[i..].iter().enumerate() {
                let sep = if j == 0 { 0 } else { sep };
                if j > 0 && sep == 0 {
                    break;
                }
                let Some(child) = self.child(node, sep, &text.as_bytes()[from..to]) else {
                    break;
                };
                node = child;
                for &e in self.node_ends[usize::from(node)] {
                    hits.push(Hit {
                        start,
                        end: to,
                        tag: self.entries[usize::from(e)].1,
                    });
                }
            }
        }
        hits
    }

    /// The node an edge leads to from `parent` by `sep` and `word`, if there is one.
    fn child(&self, parent: u16, sep: u8, word: &[u8]) -> Option<u16> {
        let mask = self.edge_slots.len() - 1;
        let mut at = edge_hash(parent, sep, word) as usize & mask;
        loop {
            match self.edge_slots[at] {
                0 => return None,
                slot => {
                    let (p, s, w, child) = self.edges[usize::from(slot) - 1];
                    if p == parent && s == sep && w.as_bytes() == word {
                        return Some(child);
                    }
                }
            }
            at = (at + 1) & mask;
        }
    }
}

/// The words of `text`: (start, end, the separator before it: b' ' or b'-' when exactly that
/// one byte parts it from the word before, else 0). One pass over the bytes.
fn words(text: &[u8]) -> Vec<(usize, usize, u8)> {
    let mut out: Vec<(usize, usize, u8)> = Vec::with_capacity(text.len() / 4);
    let mut start = None;
    for (i, &b) in text.iter().enumerate() {
        match (WORD_BYTE[usize::from(b)], start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                push_word(&mut out, text, from, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        push_word(&mut out, text, from, text.len());
    }
    out
}

fn push_word(out: &mut Vec<(usize, usize, u8)>, text: &[u8], from: usize, to: usize) {
    let sep = match out.last() {
        Some(&(_, end, _)) if from == end + 1 && matches!(text[end], b' ' | b'-') => text[end],
        _ => 0,
    };
    out.push((from, to, sep));
}

/// [`is_word_byte`] for every byte.
static WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_word_byte(b as u8);
        b += 1;
    }
    table
};

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
        // end -> it -> all; kill (1) -> my self... ; kill -> myself (2); killing -> time (3);
        // self -> "-" harm (4).
        static EDGES: &[(u16, u8, &str, u16)] = &[
            (0, 0, "end", 1),
            (1, b' ', "it", 2),
            (2, b' ', "all", 3),
            (0, 0, "kill", 4),
            (4, b' ', "myself", 5),
            (0, 0, "killing", 6),
            (6, b' ', "time", 7),
            (0, 0, "self", 8),
            (8, b'-', "harm", 9),
        ];
        static NODE_ENDS: &[&[u16]] = &[&[], &[], &[], &[0], &[1], &[2], &[], &[3], &[], &[4]];
        static SLOTS: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
        let slots = SLOTS.get_or_init(|| {
            let mut slots = vec![0u16; 64];
            for (i, (p, sep, w, _)) in EDGES.iter().enumerate() {
                let mut at = edge_hash(*p, *sep, w.as_bytes()) as usize & 63;
                while slots[at] != 0 {
                    at = (at + 1) & 63;
                }
                slots[at] = i as u16 + 1;
            }
            slots
        });
        Lexicon {
            entries: ENTRIES,
            edges: EDGES,
            node_ends: NODE_ENDS,
            edge_slots: slots,
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
        assert_eq!(
            found("self harm, kill, myself"),
            [("kill", 2)],
            "separators matter"
        );
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
