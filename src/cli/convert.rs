//! `*Args` → validated domain values.

use regex::Regex;

use super::{CoreArgs, MicroArgs};
use crate::error::{Error, Result};
use crate::micro::{MicroConfig, Mode, Source};
use crate::probe::System;

/// Compiles a `--filter` regex, naming the flag on error.
pub fn filter(re: Option<&str>) -> Result<Option<Regex>> {
    re.map(|r| {
        Regex::new(r).map_err(|e| {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or_default().trim();
            let first = last.trim_start_matches("error: ").to_string();
            Error::Usage(format!("--filter {r:?} is not a valid regex: {first}"))
        })
    })
    .transpose()
}

impl TryFrom<&MicroArgs> for MicroConfig {
    type Error = Error;

    fn try_from(a: &MicroArgs) -> Result<Self> {
        if !(a.budget_scale.is_finite() && a.budget_scale > 0.0) {
            return Err(Error::Usage(format!(
                "--budget-scale must be a positive number, got {}",
                a.budget_scale
            )));
        }
        if let Some(out) = &a.out
            && out.is_dir()
        {
            return Err(Error::Usage(format!(
                "--out {} is a directory",
                out.display()
            )));
        }
        let source = match &a.from {
            Some(dir) if !dir.is_dir() => {
                return Err(Error::Usage(format!(
                    "--from {}: no such directory",
                    dir.display()
                )));
            }
            Some(dir) => Source::Ingest(dir.clone()),
            None if a.quick => Source::Measure(Mode::Quick),
            None => Source::Measure(Mode::Full),
        };
        Ok(Self {
            source,
            filter: filter(a.filter.as_deref())?,
            budget_scale: a.budget_scale,
        })
    }
}

/// A validated `core` request: which system, and where its input comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreRequest {
    pub system: System,
    /// `--text`, already checked to be UTF-8 (crisis only); `None` means read stdin.
    pub text: Option<String>,
    pub compact: bool,
}

impl TryFrom<&CoreArgs> for CoreRequest {
    type Error = Error;

    fn try_from(a: &CoreArgs) -> Result<Self> {
        let system: System = a.system.parse()?;
        let text = match &a.text {
            None => None,
            Some(_) if system != System::Crisis => {
                return Err(Error::Usage(format!(
                    "--text is for the crisis system; {system} reads a JSON request on stdin"
                )));
            }
            Some(t) => Some(
                t.to_str()
                    .ok_or_else(|| Error::Usage("--text is not valid UTF-8".into()))?
                    .to_string(),
            ),
        };
        Ok(Self {
            system,
            text,
            compact: a.json,
        })
    }
}
