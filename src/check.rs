//! Checks: one judged figure each, of an SLA or of a regression, and its status.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Against an absolute limit from thresholds.yaml.
    Sla,
    /// Against the baseline.
    Regression,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    /// Not judged (too few repetitions or requests); counted in a note, shown with `--all`.
    Skipped,
    /// Significantly better than the baseline (reported, never a failure).
    Improved,
    /// Past a warning level, within the critical one (reported, not a failure).
    Warn,
    Fail,
}

/// One judged figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub kind: CheckKind,
    pub name: String,
    pub unit: String,
    pub actual: f64,
    /// `<=` (an upper limit) or `>=` (a floor).
    pub comparison: String,
    pub warning: Option<f64>,
    /// The limit that fails.
    pub limit: f64,
    pub status: Status,
    pub source: String,
    /// For regressions: baseline, change and significance in words.
    pub detail: Option<String>,
}

impl Check {
    pub fn sla(
        name: String,
        unit: &str,
        actual: f64,
        warning: Option<f64>,
        limit: f64,
        source: &str,
        status: Status,
    ) -> Self {
        Self {
            kind: CheckKind::Sla,
            name,
            unit: unit.into(),
            actual,
            comparison: "<=".into(),
            warning,
            limit,
            status,
            source: source.into(),
            detail: None,
        }
    }
}
