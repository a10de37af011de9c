//! Checks: one judged figure each, of an SLA or of a regression, and its status.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// Mean CPU of the service (SLA: as a share of the machine).
    ServerCpu,
    /// One micro-benchmark operation's mean (`group/function`).
    MicroOperation(String),
}

/// A check's identity: its kind and what it judges.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckId {
    pub kind: CheckKind,
    pub subject: Subject,
}

impl CheckId {
    pub fn sla(subject: Subject) -> Self {
        Self {
            kind: CheckKind::Sla,
            subject,
        }
    }

    pub fn regression(subject: Subject) -> Self {
        Self {
            kind: CheckKind::Regression,
            subject,
        }
    }

    /// The micro operation this check judges, if it judges one.
    pub fn micro_operation(&self) -> Option<&str> {
        match &self.subject {
            Subject::MicroOperation(op) => Some(op),
            _ => None,
        }
    }

    /// Reads back the name [`Display`](std::fmt::Display) writes for a check of `kind`.
    pub fn parse(kind: CheckKind, name: &str) -> Option<Self> {
        use Subject::*;
        let subject = match kind {
            CheckKind::Sla => match name {
                "p95 all routes" => AllRoutes,
                "throughput" => Throughput,
                "server RSS peak" => ServerRss,
                "server CPU mean (share of machine)" => ServerCpu,
                _ => {
                    if let Some(route) = name
                        .strip_suffix(", relative to other routes")
                        .and_then(|n| n.strip_prefix("p95 "))
                    {
                        RouteRelative(route.into())
                    } else if let Some(route) = name.strip_prefix("p95 ") {
                        Route(route.into())
                    } else {
                        MicroOperation(name.strip_prefix("mean ")?.into())
                    }
                }
            },
            CheckKind::Regression => {
                let what = name.strip_suffix(" vs baseline").or_else(|| {
                    name.strip_suffix(" vs baseline, relative to other routes")
                        .map(|r| r.strip_prefix("median ").unwrap_or("\0"))
                })?;
                if name.ends_with("relative to other routes") {
                    RouteRelative(what.into())
                } else {
                    match what {
                        "p95 all routes" => AllRoutes,
                        "throughput" => Throughput,
                        "server RSS peak" => ServerRss,
                        "server CPU mean" => ServerCpu,
                        _ => {
                            if let Some(route) = what.strip_prefix("median ") {
                                Route(route.into())
                            } else {
                                MicroOperation(what.strip_prefix("mean ")?.into())
                            }
                        }
                    }
                }
            }
        };
        let id = Self { kind, subject };
        // Only a name this type writes is read back: no second spelling of an identity.
        (id.to_string() == name).then_some(id)
    }
}

impl std::fmt::Display for CheckId {
    /// The check's name: "p95 POST /api/auth/login", "mean init/cold vs baseline", …
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Subject::*;
        match (self.kind, &self.subject) {
            (CheckKind::Sla, Route(r)) => write!(f, "p95 {r}"),
            (CheckKind::Sla, RouteRelative(r)) => write!(f, "p95 {r}, relative to other routes"),
            (CheckKind::Sla, AllRoutes) => write!(f, "p95 all routes"),
            (CheckKind::Sla, Throughput) => write!(f, "throughput"),
            (CheckKind::Sla, ServerRss) => write!(f, "server RSS peak"),
            (CheckKind::Sla, ServerCpu) => write!(f, "server CPU mean (share of machine)"),
            (CheckKind::Sla, MicroOperation(op)) => write!(f, "mean {op}"),
            (CheckKind::Regression, Route(r)) => write!(f, "median {r} vs baseline"),
            (CheckKind::Regression, RouteRelative(r)) => {
                write!(f, "median {r} vs baseline, relative to other routes")
            }
            (CheckKind::Regression, AllRoutes) => write!(f, "p95 all routes vs baseline"),
            (CheckKind::Regression, Throughput) => write!(f, "throughput vs baseline"),
            (CheckKind::Regression, ServerRss) => write!(f, "server RSS peak vs baseline"),
            (CheckKind::Regression, ServerCpu) => write!(f, "server CPU mean vs baseline"),
            (CheckKind::Regression, MicroOperation(op)) => write!(f, "mean {op} vs baseline"),
        }
    }
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
            .ok_or_else(|| format!("unknown check {:?} of kind {:?}", r.name, r.kind))?;
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
        assert_eq!(serde_json::from_value::<Check>(json).unwrap(), c);
    }
}
