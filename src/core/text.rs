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

/// Case-insensitive regex alternation of `phrases`, each bounded by word boundaries.
/// Phrases are regex fragments (they may use `'?`, groups and so on).
pub(crate) fn alternation(phrases: &[&str]) -> String {
    format!(r"(?i)\b(?:{})\b", phrases.join("|"))
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
}
