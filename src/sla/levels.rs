//! The typed levels of thresholds.yaml's sections: what a figure may reach, with its source.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::units::{Duration, Percent, Rate, Size};

/// A latency limit with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyLevel {
    #[serde(default)]
    pub warning: Option<Duration>,
    pub critical: Duration,
    pub source: String,
}

/// A micro-benchmark budget (mean time per operation): a mean above `target` warns, one
/// significantly above `max` fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Duration>,
    pub max: Duration,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// p95 limit of routes not listed.
    pub default_p95: LatencyLevel,
    /// Route (`METHOD /path/{variable}`) → p95 limit.
    #[serde(default)]
    pub routes: BTreeMap<String, LatencyLevel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeLevel {
    pub warning: Size,
    pub critical: Size,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PercentLevel {
    pub warning: Percent,
    pub critical: Percent,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceLimits {
    /// Peak RSS of the service process.
    pub server_rss: SizeLevel,
    /// Mean CPU of the service process, as a share of the whole machine.
    pub server_cpu: PercentLevel,
    /// Peak RSS of the service under the load profiles named: judged as peak load memory
    /// instead of `server_rss` (base application memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_load_rss: Option<PeakLoadLevel>,
    /// Mean CPU of the service watched idle before the load (`--idle`), as a share of the
    /// whole machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_cpu: Option<PercentLevel>,
    /// Resident memory the service's cache takes holding 1 GB of view data (the cache study).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_memory: Option<SizeLevel>,
    /// The most memory the service's database engine held by the end of a load run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_memory: Option<SizeLevel>,
    /// CPU the service spent in database calls over a load run, as a share of the machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_cpu: Option<PercentLevel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeakLoadLevel {
    pub warning: Size,
    pub critical: Size,
    /// The load profiles whose runs are judged by this level.
    pub profiles: Vec<String>,
    pub source: String,
}

/// Throughput expected of a load profile (AI therapist performance benchmarks: throughput table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Throughput {
    /// Below this: warning.
    pub target: Rate,
    /// Below this: failure.
    pub threshold: Rate,
    /// p95 of every route must stay under this.
    pub max_latency: Duration,
    pub source: String,
}

/// Hit rate and eviction time expected of the service's cache at one size (AI therapist
/// performance benchmarks, cache performance), judged on the study's workload
/// ([`crate::cache_study`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HitRateLevel {
    /// Below this: warning.
    pub target: Percent,
    /// Below this: failure.
    pub threshold: Percent,
    /// The p99 of the eviction passes must stay under this.
    pub eviction: Duration,
    pub source: String,
}

/// Regression limits (AI therapist performance benchmarks) and the statistics that judge them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regression {
    pub response_time: Percent,
    pub memory: Percent,
    pub cpu: Percent,
    pub throughput: Percent,
    /// Confidence of the significance test (e.g. 0.95: one-sided α = 0.05).
    pub confidence: f64,
    /// Repetitions per side below which a regression cannot be judged significant.
    pub min_repetitions: u32,
    /// What a timing judged as measured does when it regresses against a stored baseline.
    #[serde(default)]
    pub stored_timings: StoredTimings,
    pub source: String,
}

/// Against a stored baseline, a timing taken as measured (p95 over all routes, throughput,
/// server CPU, micro means) compares two moments of the machine as much as two builds: on this
/// project's shared 2-core VM the p95 over all routes of one smoke run ranged 0.94–2.49 ms
/// within the 2 minutes of one baseline, and ran at 4–5.5 ms for a stretch of the same day.
/// `Warn` (the default) reports such a regression as a warning with its numbers; `Fail` fails
/// the verdict on it, for machines quiet enough to hold timings steady. Per-route latency
/// (judged relative to the run's other routes), memory, and every metric of paired rounds
/// (`--against`) fail either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredTimings {
    #[default]
    Warn,
    Fail,
}
