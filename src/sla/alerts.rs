//! The production alerts of TTA performance monitoring guidelines ("Alert Definitions"), kept in thresholds.yaml beside the
//! SLAs so that `tta-bench export-alerts` writes Prometheus rules and a Grafana dashboard from
//! the same source of truth as the gate.

use serde::{Deserialize, Serialize};

use super::units::{Duration, Percent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// One alert: fire when the figure stays above `above` for `for`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alert<T> {
    pub above: T,
    #[serde(rename = "for")]
    pub for_: Duration,
    pub severity: Severity,
    pub source: String,
}

/// Seed 002's four alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// p95 of every request of the service.
    pub p95_latency: Alert<Duration>,
    /// Share of requests answered 5xx.
    pub error_rate: Alert<Percent>,
    /// The service process's CPU, in % of one core.
    pub cpu: Alert<Percent>,
    /// The service process's resident memory, in % of its memory limit (cgroup, else the host).
    pub memory: Alert<Percent>,
}

impl Alerts {
    /// Ranges that make sense; the message names the field.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        for (name, p) in [
            ("error_rate", &self.error_rate.above),
            ("memory", &self.memory.above),
        ] {
            if !(p.0.value > 0.0 && p.0.value <= 100.0) {
                return Err((
                    name,
                    format!("alerts.{name}.above must be within 0-100%, got {}", p.0),
                ));
            }
        }
        if self.cpu.above.0.value <= 0.0 {
            return Err(("cpu", "alerts.cpu.above must be positive".into()));
        }
        for (name, d) in [
            ("p95_latency", self.p95_latency.for_),
            ("error_rate", self.error_rate.for_),
            ("cpu", self.cpu.for_),
            ("memory", self.memory.for_),
        ] {
            // Prometheus `for:` counts whole seconds at best.
            if d.0.value < 1e9 || d.0.value % 1e9 != 0.0 {
                return Err((
                    name,
                    format!(
                        "alerts.{name}.for must be a whole number of seconds, at least 1s, got {}",
                        d.0
                    ),
                ));
            }
        }
        Ok(())
    }
}
