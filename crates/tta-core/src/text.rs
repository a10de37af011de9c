//! Input text validation shared by the systems that read free text.

use regex::{Regex, RegexBuilder};

use super::CoreError;

/// Longest free-text input the core accepts, in bytes. A chat message or a choice is a few hundred
/// bytes; 64 KiB leaves room for pasted journal entries while keeping every scan bounded.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Rejects empty (or whitespace-only) text and text over [`MAX_TEXT_BYTES`].
pub fn validate(text: &str) -> Result<&str, CoreError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(CoreError::TextTooLong {
            len: text.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    if text.trim().is_empty() {
        return Err(CoreError::EmptyText);
    }
    Ok(text)
}

/// Regex alternation of lowercase `phrases`, each bounded by word boundaries. Phrases are regex
/// fragments (they may use `'?`, groups and so on).
fn alternation(phrases: &[&str]) -> String {
    format!(r"\b(?:{})\b", phrases.join("|"))
}

/// Compiles an alternation of lowercase ASCII phrases, to be matched against [`normalize`]d
/// text. Matching lowercased text instead of using `(?i)` matters: with `(?i)` the regex crate
/// builds its literal prefilter over every case variant of every phrase, which made compiling
/// the tables (cold initialisation) about four times slower and matching slower too. ASCII
/// mode (ASCII word boundaries) suits English phrases and keeps the automata small.
pub(crate) fn compile(phrases: &[&str]) -> Regex {
    RegexBuilder::new(&alternation(phrases))
        .unicode(false)
        .build()
        .expect("static pattern")
}

/// The form patterns are matched against: ASCII letters lowercased and typographic apostrophes
/// (’) made ASCII, so "I DON’T" matches `don't`. Non-ASCII letters are kept as they are.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        out.push(if c == '’' {
            '\''
        } else {
            c.to_ascii_lowercase()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_whitespace_and_oversized_text() {
        assert_eq!(validate(""), Err(CoreError::EmptyText));
        assert_eq!(validate(" \n\t"), Err(CoreError::EmptyText));
        let huge = "a".repeat(MAX_TEXT_BYTES + 1);
        assert_eq!(
            validate(&huge),
            Err(CoreError::TextTooLong {
                len: MAX_TEXT_BYTES + 1,
                max: MAX_TEXT_BYTES
            })
        );
        assert_eq!(validate("hello"), Ok("hello"));
        assert!(validate(&"a".repeat(MAX_TEXT_BYTES)).is_ok());
    }

    #[test]
    fn normalize_lowercases_ascii_and_straightens_apostrophes() {
        assert_eq!(normalize("I DON’T Know, Café"), "i don't know, café");
    }
}
