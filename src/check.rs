//! Checks: one judged figure each, of an SLA or of a regression, and its status.

use serde::{Deserialize, Serialize};

mod id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Against an absolute limit from thresholds.yaml.
    Sla,
    /// Against the baseline.
    Regression,
}

impl CheckKind {
    pub const ALL: [Self; 2] = [Self::Sla, Self::Regression];

    /// The kind as files and outputs spell it (`sla`, `regression`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sla => "sla",
            Self::Regression => "regression",
        }
    }
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

/// What a check judges. With the check's kind it is the check's identity ([`CheckId`]): the
/// gate's retests, the micro filter and the outputs key on it, never on the check's name,
/// which is made from it for people and files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// One route's latency (`METHOD /path/{var}`): its p95 (SLA) or its median (regression).
    Route(String),
    /// One route's median relative to the run's other routes (regression against a stored
    /// baseline).
    RouteRelative(String),
    /// p95 over all routes (regression).
    AllRoutes,
    /// Requests per second of the run.
    Throughput,
    /// Peak RSS of the service.
    ServerRss,
    /// Peak RSS of the service under a peak-load profile (stress), judged as peak load memory.
    PeakLoadRss,
    /// Mean CPU of the service (SLA: as a share of the machine).
    ServerCpu,
    /// Mean CPU of the service watched idle before the load, as a share of the machine.
    IdleCpu,
    /// One micro-benchmark operation's mean (`group/function`).
    MicroOperation(String),
    /// One micro-benchmark operation's instructions per call, counted under Callgrind.
    MicroInstructions(String),
    /// How many of the routes with an SLA and the budgeted micro operations a verdict's
    /// regression checks judged (its completeness).
    Guarded,
    /// Open model: the share of arrivals not sent because the in-flight cap was reached.
    DroppedArrivals,
    /// Resident memory of the service's cache holding 1 GB of view data (the cache study).
    CacheMemory,
    /// The cache's hit rate at one size (`100MB`) in the hit-rate study.
    CacheHitRate(String),
    /// The p99 of the cache's eviction passes at one size in the hit-rate study.
    CacheEviction(String),
    /// Sessions open at once in the sessions study.
    SessionsOpen,
    /// Sessions created per second at the study's slowest level.
    SessionCreationRate,
    /// How session creation latency grows with the sessions open (ms per 1000).
    SessionLatencySlope,
    /// The longest idle-session cleanup pass of the study.
    SessionCleanup,
    /// The most memory the service's database engine held (SQLite's high-water mark).
    DatabaseMemory,
    /// CPU the service spent in database calls, as a share of the machine.
    DatabaseCpu,
    /// What one of the service's disk writers wrote per minute of a load run (its
    /// [`key`](crate::run::writes::Writer::key): `log`, `database WAL`, `cache snapshots`).
    DiskWrites(String),
}

/// A check's identity: its kind and what it judges.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckId {
    pub kind: CheckKind,
    pub subject: Subject,
}

/// One judged figure. In files its identity is the pair `kind`, `name`
/// (`schema/verdict.schema.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CheckRecord", into = "CheckRecord")]
pub struct Check {
    pub id: CheckId,
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

/// A check as a verdict file holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRecord {
    kind: CheckKind,
    name: String,
    unit: String,
    actual: f64,
    comparison: String,
    warning: Option<f64>,
    limit: f64,
    status: Status,
    source: String,
    detail: Option<String>,
}

impl From<Check> for CheckRecord {
    fn from(c: Check) -> Self {
        Self {
            kind: c.id.kind,
            name: c.id.to_string(),
            unit: c.unit,
            actual: c.actual,
            comparison: c.comparison,
            warning: c.warning,
            limit: c.limit,
            status: c.status,
            source: c.source,
            detail: c.detail,
        }
    }
}

impl TryFrom<CheckRecord> for Check {
    type Error = String;

    fn try_from(r: CheckRecord) -> Result<Self, String> {
        let id = CheckId::parse(r.kind, &r.name)
            .ok_or_else(|| format!("unknown check {:?} of kind {}", r.name, r.kind.name()))?;
        Ok(Self {
            id,
            unit: r.unit,
            actual: r.actual,
            comparison: r.comparison,
            warning: r.warning,
            limit: r.limit,
            status: r.status,
            source: r.source,
            detail: r.detail,
        })
    }
}

impl Check {
    pub fn kind(&self) -> CheckKind {
        self.id.kind
    }

    /// The check's name, as every output shows it.
    pub fn name(&self) -> String {
        self.id.to_string()
    }

    pub fn sla(
        subject: Subject,
        unit: &str,
        actual: f64,
        warning: Option<f64>,
        limit: f64,
        source: &str,
        status: Status,
    ) -> Self {
        Self {
            id: CheckId::sla(subject),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<CheckId> {
        use Subject::*;
        let subjects = [
            Route("POST /api/auth/login".into()),
            Route("GET /api/patient/sessions/{id}".into()),
            RouteRelative("POST /api/patient/sessions/{id}/choices".into()),
            AllRoutes,
            Throughput,
            ServerRss,
            ServerCpu,
            MicroOperation("init/cold".into()),
            MicroOperation("cross_system/turn_warm".into()),
        ];
        [CheckKind::Sla, CheckKind::Regression]
            .into_iter()
            .flat_map(|kind| {
                subjects.iter().map(move |s| CheckId {
                    kind,
                    subject: s.clone(),
                })
            })
            .collect()
    }

    #[test]
    fn every_name_reads_back_as_its_identity() {
        for id in ids() {
            let name = id.to_string();
            assert_eq!(CheckId::parse(id.kind, &name), Some(id), "{name}");
        }
    }

    #[test]
    fn names_are_unique_and_unknown_ones_refused() {
        let names: std::collections::BTreeSet<_> =
            ids().iter().map(|i| (i.kind, i.to_string())).collect();
        assert_eq!(names.len(), ids().len());
        for (kind, name) in [
            (CheckKind::Sla, "latency"),
            (CheckKind::Regression, "throughput"),
            (CheckKind::Sla, "throughput vs baseline"),
            (CheckKind::Regression, "median x"),
            (CheckKind::Regression, "mean init/cold"),
        ] {
            assert_eq!(CheckId::parse(kind, name), None, "{name}");
        }
    }

    #[test]
    fn a_check_keeps_its_file_form() {
        let c = Check::sla(
            Subject::MicroOperation("init/cold".into()),
            "ns",
            1.0,
            None,
            5e6,
            "src",
            Status::Pass,
        );
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["kind"], "sla");
        assert_eq!(json["name"], "mean init/cold");
        assert_eq!(serde_json::from_value::<Check>(json.clone()).unwrap(), c);
        let mut unknown = json;
        unknown["name"] = "latency init/cold".into();
        let err = serde_json::from_value::<Check>(unknown)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "unknown check \"latency init/cold\" of kind sla");
    }
}
