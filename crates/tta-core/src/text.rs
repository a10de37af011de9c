//! Input text validation shared by the systems that read free text.

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

/// The form phrases are matched against (`src/lexicon.rs`): ASCII letters lowercased,
/// typographic apostrophes (’) and double quotes (“ ”) made ASCII, and runs of spaces and tabs
/// made one space, so "I DON’T  want" matches `don't want`. Non-ASCII letters are kept as they
/// are; newlines are kept (they end sentences).
pub fn normalize(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    // Most texts have nothing more to change: no tab, no two spaces in a row, no ’ “ ”
    // (whose UTF-8 encodings all start with 0xE2).
    let bytes = lower.as_bytes();
    if !(bytes.contains(&b'\t') || bytes.contains(&0xE2) || lower.contains("  ")) {
        return lower;
    }
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        let c = match c {
            '’' => '\'',
            '“' | '”' => '"',
            '\t' => ' ',
            c => c,
        };
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
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

    proptest::proptest! {
        /// The fast path (nothing but ASCII case to change) agrees with the definition.
        #[test]
        fn normalize_is_its_definition(text in "[a-zA-Z’“”\t \n.é]{0,40}") {
            let mut want = String::new();
            for c in text.chars() {
                let c = match c {
                    '’' => '\'',
                    '“' | '”' => '"',
                    '\t' => ' ',
                    c => c.to_ascii_lowercase(),
                };
                if !(c == ' ' && want.ends_with(' ')) {
                    want.push(c);
                }
            }
            proptest::prop_assert_eq!(normalize(&text), want);
        }
    }

    #[test]
    fn normalize_lowercases_ascii_and_straightens_apostrophes() {
        assert_eq!(normalize("I DON’T Know, Café"), "i don't know, café");
        assert_eq!(normalize("“Say  \tit”\n\nnow"), "\"say it\"\n\nnow");
    }
}
