//! The one place YAML is parsed and written (serde_norway, a maintained fork of the deprecated
//! serde_yaml). Errors come back as `file:line:col: message`.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Parses `text` (read from `origin`) into `T`, strictly as `T`'s serde attributes say.
pub fn parse<T: DeserializeOwned>(origin: &str, text: &str) -> Result<T> {
    serde_norway::from_str(text).map_err(|e| {
        let message = crate::error::without_location(&e.to_string()).to_string();
        match e.location() {
            Some(l) => {
                let (line, column) =
                    refine(text, l.index(), &message).unwrap_or((l.line(), l.column()));
                Error::Parse {
                    origin: origin.to_string(),
                    line,
                    column,
                    message,
                }
            }
            None => Error::Invalid {
                origin: origin.to_string(),
                message,
            },
        }
    })
}

/// Writes `value` as YAML.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_norway::to_string(value).map_err(|e| Error::Process(format!("writing YAML failed: {e}")))
}

/// The YAML parser places an unknown key of a nested mapping at the mapping's start; the key
/// itself, named in the message, is at or after that place.
fn refine(text: &str, index: usize, message: &str) -> Option<(usize, usize)> {
    let key = message.split("unknown field `").nth(1)?.split('`').next()?;
    let from = text.get(index..)?;
    let at = index + from.find(&format!("{key}:"))?;
    Some(locate(text, &text[at..]))
}

/// Line and column (1-based) of the first occurrence of `needle` in `text`, for errors found
/// after parsing (serde does not keep positions of values).
pub fn locate(text: &str, needle: &str) -> (usize, usize) {
    let Some(at) = text.find(needle) else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(at, |nl| at - nl - 1) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: u32,
    }

    #[test]
    fn errors_carry_file_line_and_column() {
        let err = parse::<Doc>("x.yaml", "a: 1\nb: 2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.yaml:2:1: unknown field `b`, expected `a`"
        );
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            inner: Doc,
        }
        let err = parse::<Outer>("x.yaml", "inner:\n  a: 1\n  b: 2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.yaml:3:3: inner: unknown field `b`, expected `a`"
        );
        let err = parse::<Doc>("x.yaml", "a: [\n").unwrap_err();
        assert!(err.to_string().starts_with("x.yaml:"), "{err}");
    }

    #[test]
    fn locate_finds_line_and_column() {
        assert_eq!(locate("ab\ncd{{x}}\n", "{{x}}"), (2, 3));
        assert_eq!(locate("{{x}}", "{{x}}"), (1, 1));
        assert_eq!(locate("abc", "zzz"), (1, 1));
    }
}
