//! Absolute SLAs and regression limits (`thresholds.yaml`), and the pure evaluation of runs
//! against them. Every figure names its source in the TTA documents.
//!
//! Levels: a value above `critical` fails; above `warning` (but not critical) it warns, which is
//! reported but does not fail the gate. Where a seed gives one figure only, it is the critical one.

pub mod alerts;
pub mod disk;
mod evaluate;
mod levels;
pub mod open;
pub mod sessions;
mod status;
pub mod units;

pub use evaluate::{evaluate_cache_study, evaluate_load, evaluate_micro};
pub use levels::*;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::check::{Check, Status, Subject};
use crate::error::{Error, Result};
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::yaml;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub version: u32,
    /// Benchmark name prefix (`init/`, `crisis/`, …) → budget.
    pub micro: BTreeMap<String, Budget>,
    pub api: Api,
    pub resources: ResourceLimits,
    /// Profile name → throughput expectations.
    pub profiles: BTreeMap<String, Throughput>,
    pub regression: Regression,
    /// Share of an open-model run's arrivals dropped (not sent: the in-flight cap was reached).
    #[serde(default)]
    pub dropped_arrivals: Option<PercentLevel>,
    /// Seed 002's production alerts, for `export-alerts`; optional.
    #[serde(default)]
    pub alerts: Option<alerts::Alerts>,
    /// Every figure of the AI therapist performance benchmarks and what measures it.
    #[serde(default)]
    pub catalogue: Vec<crate::catalogue::Entry>,
    /// Cache size (`100MB`, with its unit) → the hit rate and eviction time expected of it.
    #[serde(default)]
    pub cache_hit_rate: BTreeMap<String, HitRateLevel>,
    /// Session management: sessions open at once, their creation, the cleanup pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<sessions::SessionLimits>,
    /// Write rates allowed the service's disk writers over a load run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_writes: Option<disk::DiskWriteLimits>,
}

impl Thresholds {
    /// Reads and validates a thresholds file; errors are `file:line:col: message`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// The repository's thresholds.yaml as built into this binary: what `tta-bench micro`
    /// judges against without `--html` (with it, the `--thresholds` file the page is judged by).
    pub fn shipped() -> &'static Thresholds {
        static SHIPPED: std::sync::OnceLock<Thresholds> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(|| {
            Self::parse(
                "thresholds.yaml (built in)",
                include_str!("../../thresholds.yaml"),
            )
            // A compile-time constant, not input: sla::tests load it on every test run.
            .expect("the shipped thresholds.yaml is valid")
        })
    }

    /// Validates thresholds read from `origin`; errors are `origin:line:col: message`.
    pub fn parse(origin: &str, text: &str) -> Result<Self> {
        let origin = origin.to_string();
        let t: Thresholds = yaml::parse(&origin, text)?;
        let fail = |needle: &str, message: String| {
            let (line, column) = yaml::locate(text, needle);
            Err(Error::Parse {
                origin: origin.clone(),
                line,
                column,
                message,
            })
        };
        if t.version != 1 {
            return fail(
                "version",
                format!(
                    "version {} is not supported (this tool reads version 1)",
                    t.version
                ),
            );
        }
        let r = &t.regression;
        if !(0.5..1.0).contains(&r.confidence) {
            return fail(
                "confidence",
                format!(
                    "regression.confidence must be within 0.5-1 (exclusive), got {}",
                    r.confidence
                ),
            );
        }
        if r.min_repetitions < 2 {
            return fail(
                "min_repetitions",
                format!(
                    "regression.min_repetitions must be at least 2, got {}",
                    r.min_repetitions
                ),
            );
        }
        for (name, p) in [
            ("response_time", r.response_time),
            ("memory", r.memory),
            ("cpu", r.cpu),
            ("throughput", r.throughput),
        ] {
            if p.0.value <= 0.0 || (name == "throughput" && p.0.value >= 100.0) {
                return fail(
                    name,
                    format!(
                        "regression.{name} must be a positive percentage{}",
                        if name == "throughput" {
                            " below 100%"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        let mut levels: Vec<(&str, &LatencyLevel)> = vec![("default_p95", &t.api.default_p95)];
        levels.extend(t.api.routes.iter().map(|(k, v)| (k.as_str(), v)));
        for (name, l) in levels {
            if let Some(w) = l.warning
                && w.0.value > l.critical.0.value
            {
                return fail(
                    name,
                    format!("{name}: warning {} is above critical {}", w.0, l.critical.0),
                );
            }
        }
        for e in &t.catalogue {
            if let Err(message) = e.validate() {
                return fail(&format!("figure: {}", e.figure), message);
            }
        }
        for (name, b) in &t.micro {
            if let Some(target) = b.target
                && target.0.value > b.max.0.value
            {
                return fail(
                    name,
                    format!("{name}: target {} is above max {}", target.0, b.max.0),
                );
            }
        }
        // A field's first occurrence after its section's key (cpu and memory, say, appear
        // in earlier sections too).
        let fail_in = |section: &str, field: &str, message: String| {
            let start = text.find(&format!("\n{section}:")).map_or(0, |i| i + 1);
            let (line, column) = yaml::locate(&text[start..], &format!("{field}:"));
            Err(Error::Parse {
                origin: origin.clone(),
                line: line + text[..start].matches('\n').count(),
                column,
                message,
            })
        };
        if let Some(a) = &t.alerts
            && let Err((field, message)) = a.validate()
        {
            return fail_in("alerts", field, message);
        }
        if let Some(d) = &t.disk_writes
            && let Err((field, message)) = d.validate()
        {
            return fail_in("disk_writes", field, message);
        }
        for (size, l) in &t.cache_hit_rate {
            if let Err(e) = units::Quantity::parse(size, units::Kind::Size) {
                return fail(&format!("{size}:"), format!("cache_hit_rate: {e}"));
            }
            if l.threshold.0.value > l.target.0.value || l.target.0.value > 100.0 {
                return fail(
                    &format!("{size}:"),
                    format!(
                        "cache_hit_rate {size}: expected threshold <= target <= 100%, got {} and {}",
                        l.threshold.0, l.target.0
                    ),
                );
            }
        }
        for (name, p) in &t.profiles {
            if p.threshold.0.value > p.target.0.value {
                return fail(
                    name,
                    format!(
                        "profile {name}: threshold {} is above target {}",
                        p.threshold.0, p.target.0
                    ),
                );
            }
        }
        Ok(t)
    }

    /// The p95 limit of a route.
    pub fn route_level(&self, route: &str) -> &LatencyLevel {
        self.api.routes.get(route).unwrap_or(&self.api.default_p95)
    }

    /// The sizes of `cache_hit_rate`, smallest first, in bytes (validated when loaded).
    pub fn cache_sizes(&self) -> Vec<(String, u64)> {
        let mut sizes: Vec<(String, u64)> = self
            .cache_hit_rate
            .keys()
            .filter_map(|k| {
                let q = units::Quantity::parse(k, units::Kind::Size).ok()?;
                Some((k.clone(), q.value as u64))
            })
            .collect();
        sizes.sort_by_key(|(_, b)| *b);
        sizes
    }

    /// The budget of a micro-benchmark (longest matching prefix).
    pub fn budget(&self, name: &str) -> Option<(&str, &Budget)> {
        self.micro
            .iter()
            .filter(|(prefix, _)| name.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(p, b)| (p.as_str(), b))
    }
}

impl crate::micro::Budgets for Thresholds {
    fn budget_for(&self, name: &str) -> Option<crate::micro::MicroBudget> {
        self.budget(name).map(|(_, b)| crate::micro::MicroBudget {
            max_ns: b.max.0.value,
            source: b.source.clone(),
        })
    }

    fn cache_sizes(&self) -> Vec<(String, u64)> {
        Thresholds::cache_sizes(self)
    }
}

#[cfg(test)]
mod tests;
