//! Probes of the reference core: one JSON request per system, run on a fresh core, answered with
//! the system's JSON output. This is what `tta-bench core <system>` calls; it knows JSON but not
//! the command line.
//!
//! Requests are strict (`deny_unknown_fields`). A refused lifecycle step inside a sequence
//! (e.g. a turn on a crisis-paused session) is part of the answer (`{"error": "…"}` in place of
//! that step), not a failure of the probe.

mod requests;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
pub use requests::*;
use tta_core::CoreError;

/// Systems that can be probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    Crisis,
    Consequences,
    Difficulty,
    Character,
    Frameworks,
    Session,
    Replay,
    Collaboration,
    Recovery,
    Turn,
}

impl System {
    pub const ALL: [Self; 10] = [
        Self::Crisis,
        Self::Consequences,
        Self::Difficulty,
        Self::Character,
        Self::Frameworks,
        Self::Session,
        Self::Replay,
        Self::Collaboration,
        Self::Recovery,
        Self::Turn,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Crisis => "crisis",
            Self::Consequences => "consequences",
            Self::Difficulty => "difficulty",
            Self::Character => "character",
            Self::Frameworks => "frameworks",
            Self::Session => "session",
            Self::Replay => "replay",
            Self::Collaboration => "collaboration",
            Self::Recovery => "recovery",
            Self::Turn => "turn",
        }
    }
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for System {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|x| x.name()).collect();
                Error::Usage(format!(
                    "unknown system {s:?} (expected one of: {})",
                    names.join(", ")
                ))
            })
    }
}

/// Parses `input` as the request of `system` (errors name `origin` and the line and column),
/// runs it on a fresh core and returns the answer.
pub fn run(system: System, input: &str, origin: &str) -> Result<Value> {
    if input.trim().is_empty() {
        return Err(Error::Invalid {
            origin: origin.into(),
            message: format!("expected a JSON request for system {system}, got empty input"),
        });
    }
    fn parse<T: serde::de::DeserializeOwned>(input: &str, origin: &str) -> Result<T> {
        serde_json::from_str(input).map_err(|e| Error::json(origin, &e))
    }
    let refused = |e: CoreError| Error::Invalid {
        origin: origin.into(),
        message: e.to_string(),
    };
    match system {
        System::Crisis => answer(parse::<CrisisRequest>(input, origin)?.run()),
        System::Consequences => answer(parse::<ConsequencesRequest>(input, origin)?.run()),
        System::Difficulty => answer(parse::<DifficultyRequest>(input, origin)?.run()),
        System::Character => answer(parse::<CharacterRequest>(input, origin)?.run()),
        System::Frameworks => answer(parse::<FrameworksRequest>(input, origin)?.run()),
        System::Session => answer(parse::<SessionRequest>(input, origin)?.run()),
        System::Replay => answer(parse::<ReplayRequest>(input, origin)?.run()),
        System::Collaboration => answer(parse::<CollaborationRequest>(input, origin)?.run()),
        System::Recovery => answer(parse::<RecoveryRequest>(input, origin)?.run()),
        System::Turn => answer(parse::<TurnRequest>(input, origin)?.run()),
    }
    .map_err(|e| match e {
        Error::Core(c) => refused(c),
        other => other,
    })
}

/// The core's answer as JSON, each figure as it was computed: the core computes in `f32`, and
/// `serde_json::to_value` would widen each to the `f64` nearest its binary value (0.3 becomes
/// 0.30000001192092896). Written as text first, each `f32` takes its shortest decimal form,
/// which reads back as the `f64` users expect.
fn answer<T: Serialize>(result: std::result::Result<T, CoreError>) -> Result<Value> {
    let value = result?;
    let encode = |e: serde_json::Error| Error::Process(format!("cannot encode answer: {e}"));
    serde_json::from_str(&serde_json::to_string(&value).map_err(encode)?).map_err(encode)
}

/// One step of a sequence: its output, or why the core refused it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Step<T> {
    Done(T),
    Refused { error: String },
}

impl<T> From<std::result::Result<T, CoreError>> for Step<T> {
    fn from(r: std::result::Result<T, CoreError>) -> Self {
        match r {
            Ok(v) => Self::Done(v),
            Err(e) => Self::Refused {
                error: e.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests;
