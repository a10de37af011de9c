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
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut push = |b: u8| {
        if !(b == b' ' && out.last() == Some(&b' ')) {
            out.push(b);
        }
    };
    let mut rest = text;
    // ASCII a byte at a time; the few non-ASCII characters that change, as characters.
    while let Some(i) = rest.bytes().position(|b| b >= 0x80) {
        for b in rest[..i].bytes() {
            push(if b == b'\t' {
                b' '
            } else {
                b.to_ascii_lowercase()
            });
        }
        let c = rest[i..]
            .chars()
            .next()
            .expect("a character starts at a non-ASCII byte");
        match c {
            '’' => push(b'\''),
            '“' | '”' => push(b'"'),
            c => {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf).bytes().for_each(&mut push);
            }
        }
        rest = &rest[i + c.len_utf8()..];
    }
    for b in rest.bytes() {
        push(if b == b'\t' {
            b' '
        } else {
            b.to_ascii_lowercase()
        });
    }
    String::from_utf8(out).expect("ASCII changed to ASCII, other characters kept whole")
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
        assert_eq!(normalize("“Say  \tit”\n\nnow"), "\"say it\"\n\nnow");
    }
}
