//! JSON, pretty-printed, with a trailing newline.

use super::{Document, Exporter};
use crate::error::{Error, Result};

pub struct Json;

impl Exporter for Json {
    fn render(&self, doc: Document<'_>) -> Result<String> {
        let text = match doc {
            Document::Micro(run) => serde_json::to_string_pretty(run),
            Document::Load(run) => serde_json::to_string_pretty(run),
            Document::Verdict(v, _) => serde_json::to_string_pretty(v),
        }
        .map_err(|e| Error::Process(format!("cannot encode JSON: {e}")))?;
        Ok(text + "\n")
    }
}
