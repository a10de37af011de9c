//! Judging a saved run: read a load or micro run JSON strictly (schema version, field types,
//! figures that make sense) and evaluate it against the thresholds.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::sla::{self, Thresholds};
use crate::verdict::Check;

/// A run read from disk.
#[derive(Debug, Clone)]
pub enum SavedRun {
    Load(Box<RunResult>),
    Micro(Box<MicroRun>),
}

impl SavedRun {
    /// Reads `path`; errors name the file and, for JSON errors, the line and column.
    pub fn load(path: &Path) -> Result<Self> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let value: Value = serde_json::from_str(&text).map_err(|e| Error::json(&origin, &e))?;
        let invalid = |message: String| Error::Invalid {
            origin: origin.clone(),
            message,
        };
        let version = value
            .get("schema_version")
            .and_then(Value::as_u64)
            .ok_or_else(|| invalid("no schema_version".into()))?;
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let supported = match kind.as_str() {
            "load" => crate::run::SCHEMA_VERSION,
            "micro" => crate::micro::SCHEMA_VERSION,
            other => {
                return Err(invalid(format!(
                    "kind {other:?} is neither \"load\" nor \"micro\""
                )));
            }
        };
        if version as u32 != supported {
            return Err(invalid(format!(
                "schema_version {version} of a {kind} run is not supported (this tool reads {supported}; {})",
                if version as u32 > supported {
                    "written by a newer tta-bench"
                } else {
                    "too old"
                }
            )));
        }
        let run = if kind == "load" {
            Self::Load(Box::new(
                serde_json::from_str(&text).map_err(|e| Error::json(&origin, &e))?,
            ))
        } else {
            Self::Micro(Box::new(
                serde_json::from_str(&text).map_err(|e| Error::json(&origin, &e))?,
            ))
        };
        run.validate().map_err(invalid)?;
        Ok(run)
    }

    /// Figures that cannot be: negative or non-finite latencies, empty histograms, counts that
    /// disagree with their histogram.
    pub fn validate(&self) -> std::result::Result<(), String> {
        match self {
            Self::Load(r) => {
                for (route, s) in &r.routes {
                    let h = tta_stats::decode(&s.histogram)
                        .map_err(|e| format!("routes.{route}.histogram: {e}"))?;
                    if h.is_empty() {
                        return Err(format!("routes.{route}.histogram is empty"));
                    }
                    if h.len() != s.summary.count {
                        return Err(format!(
                            "routes.{route}: summary.count {} but the histogram holds {}",
                            s.summary.count,
                            h.len()
                        ));
                    }
                    for (name, v) in [
                        ("p95_ms", s.summary.p95_ms),
                        ("mean_ms", s.summary.mean_ms),
                        ("max_ms", s.summary.max_ms),
                    ] {
                        if !(v.is_finite() && v >= 0.0) {
                            return Err(format!("routes.{route}.summary.{name} is {v}"));
                        }
                    }
                }
                if r.routes.is_empty() {
                    return Err("routes is empty".into());
                }
                Ok(())
            }
            Self::Micro(m) => {
                let mut seen = std::collections::BTreeSet::new();
                for o in &m.operations {
                    if !seen.insert(&o.name) {
                        return Err(format!("operation {} appears twice", o.name));
                    }
                    if !(o.mean_ns.is_finite() && o.mean_ns > 0.0) {
                        return Err(format!("operations.{}.mean_ns is {}", o.name, o.mean_ns));
                    }
                }
                if m.operations.is_empty() {
                    return Err("operations is empty".into());
                }
                Ok(())
            }
        }
    }
}

/// SLA checks of a saved run.
pub fn evaluate(run: &SavedRun, t: &Thresholds) -> Vec<Check> {
    match run {
        SavedRun::Load(r) => sla::evaluate_load(r, t),
        SavedRun::Micro(m) => sla::evaluate_micro(m, t),
    }
}
