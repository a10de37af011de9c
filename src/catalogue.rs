//! The catalogue: every figure of the AI therapist performance benchmarks, in the document's
//! order, with where tta-bench measures it (the checks of a verdict that judge it) or why it
//! does not, so a reader sees coverage at a glance (`check --catalogue`, `gate --catalogue`,
//! the HTML report). The entries are data, the `catalogue:` list of thresholds.yaml; the
//! figures they judge by stay in the sections the checks read.

use serde::{Deserialize, Serialize};

use crate::check::{CheckId, CheckKind, Status};
use crate::verdict::Verdict;

/// One figure of the document, as thresholds.yaml lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The document's table ("Database operations").
    pub table: String,
    /// The row ("User authentication").
    pub figure: String,
    /// The document's target and threshold, as it states them.
    pub target: String,
    pub threshold: String,
    /// Names of the SLA checks that judge it ("mean store_wal/authenticate",
    /// "p95 POST /api/v1/auth/login", "throughput").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// For profile-specific checks (throughput): the profile whose run measures it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The command that measures it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Why it is not measured yet (work to do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_measured: Option<String>,
    /// Why it cannot apply to the reference service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
}

impl Entry {
    /// Exactly one of: checks (with the command), not measured, not applicable; every check
    /// name one a verdict writes.
    pub fn validate(&self) -> Result<(), String> {
        let what = format!("{} / {}", self.table, self.figure);
        let ways = [
            !self.checks.is_empty(),
            self.not_measured.is_some(),
            self.not_applicable.is_some(),
        ];
        if ways.iter().filter(|w| **w).count() != 1 {
            return Err(format!(
                "catalogue entry {what}: give exactly one of checks, not_measured, not_applicable"
            ));
        }
        if !self.checks.is_empty() && self.command.is_none() {
            return Err(format!(
                "catalogue entry {what}: checks need the command that measures them"
            ));
        }
        if let Some(bad) = self
            .checks
            .iter()
            .find(|c| CheckId::parse(CheckKind::Sla, c).is_none())
        {
            return Err(format!(
                "catalogue entry {what}: {bad:?} is not the name of an SLA check"
            ));
        }
        Ok(())
    }
}

/// Where a figure stands in one verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Coverage {
    /// Judged: the worst status of its checks in the verdict.
    Judged(Status),
    /// Measured by checks this verdict does not hold (another profile, micro or load not run).
    NotInThisRun,
    NotMeasured(String),
    NotApplicable(String),
}

impl Coverage {
    /// The status in a word or three.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Judged(Status::Pass | Status::Improved) => "pass",
            Self::Judged(Status::Warn) => "WARN",
            Self::Judged(Status::Fail) => "FAIL",
            Self::Judged(Status::Skipped) => "skipped",
            Self::NotInThisRun => "not in this run",
            Self::NotMeasured(_) => "not measured yet",
            Self::NotApplicable(_) => "not applicable",
        }
    }

    /// Why a figure is not measured, or cannot apply.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::NotMeasured(why) | Self::NotApplicable(why) => Some(why),
            _ => None,
        }
    }
}

/// A catalogue entry against a verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    pub entry: &'a Entry,
    /// Each judging check found, with its value: `(check name, value with unit)`.
    pub measured: Vec<(String, String)>,
    pub coverage: Coverage,
}

/// How many rows some check measures, and how many this verdict judged.
pub fn coverage_counts(rows: &[Row<'_>]) -> (usize, usize) {
    let measurable = rows.iter().filter(|r| !r.entry.checks.is_empty()).count();
    let judged = rows
        .iter()
        .filter(|r| matches!(r.coverage, Coverage::Judged(_)))
        .count();
    (measurable, judged)
}

/// The catalogue's rows against `verdict`, in the document's order.
pub fn rows<'a>(entries: &'a [Entry], verdict: &Verdict) -> Vec<Row<'a>> {
    entries
        .iter()
        .map(|entry| {
            let profile_matches = entry
                .profile
                .as_ref()
                .is_none_or(|p| verdict.profile.as_deref() == Some(p.as_str()));
            let found: Vec<&crate::check::Check> = if profile_matches {
                entry
                    .checks
                    .iter()
                    .filter_map(|name| {
                        let id = CheckId::parse(CheckKind::Sla, name)?;
                        verdict.checks.iter().find(|c| c.id == id)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let coverage = if let Some(why) = &entry.not_measured {
                Coverage::NotMeasured(why.clone())
            } else if let Some(why) = &entry.not_applicable {
                Coverage::NotApplicable(why.clone())
            } else {
                match found.iter().map(|c| c.status).max() {
                    Some(worst) => Coverage::Judged(worst),
                    None => Coverage::NotInThisRun,
                }
            };
            Row {
                entry,
                measured: found
                    .iter()
                    .map(|c| (c.name(), crate::export::units::figure(c.actual, &c.unit)))
                    .collect(),
                coverage,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
