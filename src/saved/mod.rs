//! Reading the JSON files tta-bench writes (load and micro runs, verdicts, baselines)
//! strictly: the `kind` and `schema_version` header first, then the typed document, then the
//! figures it holds. Every error names the file.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

mod consistency;

pub(crate) use consistency::{validate_load, validate_micro};

use crate::error::{Error, Result};
use crate::micro::MicroRun;
use crate::run::RunResult;

/// A tta-bench JSON file, read and parsed as JSON but not yet as its kind.
pub(crate) struct SavedJson {
    origin: String,
    text: String,
    value: Value,
}

impl SavedJson {
    pub(crate) fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse_text(path.display().to_string(), text)
    }

    /// The JSON document `text`; `origin` names it in errors.
    pub(crate) fn parse_text(origin: String, text: String) -> Result<Self> {
        let value = serde_json::from_str(&text).map_err(|e| Error::json(&origin, &e))?;
        Ok(Self {
            origin,
            text,
            value,
        })
    }

    /// The file's `kind` field.
    pub(crate) fn kind(&self) -> Option<&str> {
        self.value.get("kind").and_then(Value::as_str)
    }

    /// An error about the file as a whole.
    pub(crate) fn invalid(&self, message: impl Into<String>) -> Error {
        Error::Invalid {
            origin: self.origin.clone(),
            message: message.into(),
        }
    }

    /// Refuses a `schema_version` other than `supported`; `what` names the document
    /// ("load run", "verdict") in the error.
    pub(crate) fn require_version(&self, what: &str, supported: u32) -> Result<()> {
        self.require_versions(what, supported..=supported)
    }

    /// Refuses a `schema_version` outside `supported` (documents whose newer versions only
    /// added optional fields).
    pub(crate) fn require_versions(
        &self,
        what: &str,
        supported: std::ops::RangeInclusive<u32>,
    ) -> Result<()> {
        let version = self
            .value
            .get("schema_version")
            .and_then(Value::as_u64)
            .ok_or_else(|| self.invalid("no schema_version"))?;
        let (oldest, newest) = (u64::from(*supported.start()), u64::from(*supported.end()));
        if (oldest..=newest).contains(&version) {
            return Ok(());
        }
        let reads = if oldest == newest {
            format!("{newest}")
        } else {
            format!("{oldest}-{newest}")
        };
        Err(self.invalid(format!(
            "schema_version {version} of a {what} is not supported (this tool reads {reads}; {})",
            if version > newest {
                "written by a newer tta-bench"
            } else {
                "too old"
            }
        )))
    }

    /// The whole file as a `T`; unknown or missing fields are errors at their line and column.
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_str(&self.text).map_err(|e| Error::json(&self.origin, &e))
    }
}

/// A run read from disk.
#[derive(Debug, Clone)]
pub(crate) enum SavedRun {
    Load(Box<RunResult>),
    Micro(Box<MicroRun>),
}

impl SavedRun {
    /// Reads `path` as a load or micro run.
    pub(crate) fn load(path: &Path) -> Result<Self> {
        Self::from_json(&SavedJson::read(path)?)
    }

    /// The run in `file`, which must be of kind `load` or `micro`.
    pub(crate) fn from_json(file: &SavedJson) -> Result<Self> {
        let run = match file.kind().unwrap_or_default() {
            "load" => {
                file.require_versions(
                    "load run",
                    crate::run::OLDEST_SCHEMA_VERSION..=crate::run::SCHEMA_VERSION,
                )?;
                Self::Load(Box::new(file.parse()?))
            }
            "micro" => {
                file.require_version("micro run", crate::micro::SCHEMA_VERSION)?;
                Self::Micro(Box::new(file.parse()?))
            }
            other => {
                return Err(
                    file.invalid(format!("kind {other:?} is neither \"load\" nor \"micro\""))
                );
            }
        };
        run.validate().map_err(|m| file.invalid(m))?;
        Ok(run)
    }

    /// Figures that cannot be (see [`validate_load`]).
    pub(crate) fn validate(&self) -> std::result::Result<(), String> {
        match self {
            Self::Load(r) => validate_load(r),
            Self::Micro(m) => validate_micro(m),
        }
    }
}

/// Reads every file of `paths` as a run.
pub(crate) fn read_runs(paths: &[PathBuf]) -> Result<Vec<SavedRun>> {
    paths.iter().map(|p| SavedRun::load(p)).collect()
}

/// Sorts runs into load and micro runs; load runs must all be of one profile, as repetitions.
/// `origin` names where they came from in the error.
pub(crate) fn split(runs: Vec<SavedRun>, origin: &str) -> Result<(Vec<RunResult>, Vec<MicroRun>)> {
    let mut load = Vec::new();
    let mut micro = Vec::new();
    for r in runs {
        match r {
            SavedRun::Load(l) => load.push(*l),
            SavedRun::Micro(m) => micro.push(*m),
        }
    }
    if let Some(first) = load.first()
        && let Some(other) = load.iter().find(|r| r.profile_name != first.profile_name)
    {
        return Err(Error::Usage(format!(
            "{origin}: load runs of profiles {} and {} cannot be repetitions of one another",
            first.profile_name, other.profile_name
        )));
    }
    if let Some(first) = load.first()
        && let Some(other) = load.iter().find(|r| {
            (r.executor, r.arrival.as_ref().map(|a| &a.plan))
                != (first.executor, first.arrival.as_ref().map(|a| &a.plan))
        })
    {
        let model = |r: &RunResult| match &r.arrival {
            Some(a) => format!("the open model at {}", a.plan.describe()),
            None => "the closed model".to_string(),
        };
        return Err(Error::Usage(format!(
            "{origin}: load runs of {} and of {} cannot be repetitions of one another",
            model(first),
            model(other)
        )));
    }
    Ok((load, micro))
}
