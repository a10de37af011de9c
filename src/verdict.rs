//! The verdict: what a gate or check concluded from its checks, as `--json` writes it
//! (`schema/verdict.schema.json`): pass (exit 0) or fail (exit 1). A run that could not be
//! judged is an `Error` (exit 2), never a verdict.

use serde::{Deserialize, Serialize};

use crate::check::{Check, Status};
use crate::environment::Environment;

pub const SCHEMA_VERSION: u32 = 1;

/// Which baseline the verdict compared against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineRef {
    pub file: String,
    pub label: String,
    pub created: String,
}

/// The gate's answer, as `--json` writes it (`schema/verdict.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub schema_version: u32,
    pub kind: String,
    pub outcome: Outcome,
    pub created: String,
    pub environment: Environment,
    pub profile: Option<String>,
    /// How the load runs were measured; absent in verdicts written before it was recorded.
    #[serde(default)]
    pub pairing: Pairing,
    /// Load runs (stored pairing) or paired rounds (interleaved: one block of each build).
    pub load_repetitions: usize,
    pub micro_repetitions: usize,
    pub baseline: Option<BaselineRef>,
    /// Things the reader must know: no baseline, environment differences, unjudged metrics.
    pub notes: Vec<Note>,
    pub checks: Vec<Check>,
}

impl Verdict {
    /// The load runs judged, in words: repetitions of the profile against a stored baseline,
    /// rounds of one short block of each build against an interleaved one.
    pub fn load_runs_described(&self) -> String {
        match self.pairing {
            Pairing::Stored => format!("{} load repetitions", self.load_repetitions),
            Pairing::Interleaved => format!(
                "{} paired rounds (one block of each build)",
                self.load_repetitions
            ),
        }
    }
}

/// How the baseline's runs were measured, which decides how per-route latency is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pairing {
    /// Stored from another time (another load on the machine, another CPU frequency): each
    /// route's median is judged relative to the median of the run's other routes, which
    /// cancels what moved every route alike (see `candidates`).
    #[default]
    Stored,
    /// Another build measured with this one in paired rounds of short blocks in the same gate:
    /// the machine's drift falls on both blocks of a round alike, so each route's median is
    /// judged as measured, on the rounds' differences. This also
    /// catches a slowdown that spreads to other routes (a handler holding a worker), which the
    /// relative view would partly cancel.
    Interleaved,
}

/// What a command concluded: the verdict of a gate or check, and the exit code of every
/// command that judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Everything checked is within its limits (exit 0).
    Pass,
    /// At least one SLA, budget or regression check failed (exit 1).
    Fail,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Pass => 0,
            Self::Fail => 1,
        }
    }
}

/// Fails when any check fails; warnings and improvements are reported only.
pub fn outcome(checks: &[Check]) -> Outcome {
    if checks.iter().any(|c| c.status == Status::Fail) {
        Outcome::Fail
    } else {
        Outcome::Pass
    }
}

/// What a note tells, so that code can act on a note without reading its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// No baseline was given: regressions were not judged.
    NoBaseline,
    /// The baseline cannot be compared with these runs (another profile, no load runs).
    BaselineMismatch,
    /// The machine differs from the baseline's.
    EnvironmentDiffers,
    /// Some metrics were not judged, or could not reach significance.
    NotJudged,
    /// How many routes and micro operations a regression check guarded.
    Coverage,
    /// A retest settled failed checks.
    Retest,
    /// How the baseline was measured (paired rounds against another build).
    Pairing,
    /// What a report of one run stands for.
    SingleRun,
    /// Read from a verdict file: shown as written, never acted on.
    Recorded,
    /// An open-model run's generator fell behind its schedule.
    GeneratorBehind,
}

/// A note of the verdict. In files it is its text alone (`notes` in the verdict schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
}

impl Note {
    pub fn new(kind: NoteKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            text: text.into(),
        }
    }
}

impl From<String> for Note {
    fn from(text: String) -> Self {
        Self::new(NoteKind::Recorded, text)
    }
}

impl From<Note> for String {
    fn from(n: Note) -> Self {
        n.text
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}
