//! Output formats, each behind the [`Exporter`] trait: the pipeline produces a [`Document`] and
//! an exporter turns it into bytes. New formats (Markdown, JUnit, HTML) and new documents (load
//! runs, verdicts) plug in here.

pub mod json;
pub mod junit;
pub mod markdown;
pub mod terminal;
pub mod units;

use crate::error::Result;
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::verdict::Verdict;

/// Something the tool can report.
#[derive(Debug, Clone, Copy)]
pub enum Document<'a> {
    Micro(&'a MicroRun),
    Load(&'a RunResult),
    /// A verdict; `true` shows every check, not only failing, warning and changed ones.
    Verdict(&'a Verdict, bool),
}

pub trait Exporter {
    fn render(&self, doc: Document<'_>) -> Result<String>;
}

#[cfg(test)]
mod tests;
