//! A check's identity: made, spelled as a name and read back from one, with one table
//! ([`CheckId::spelling`]) for both directions so the two cannot drift apart.

use super::{CheckId, CheckKind, Subject};

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

    /// The micro operation whose budget this check judges: an SLA check of its mean.
    pub fn budgeted_operation(&self) -> Option<&str> {
        match (&self.kind, &self.subject) {
            (CheckKind::Sla, Subject::MicroOperation(op)) => Some(op),
            _ => None,
        }
    }

    /// The name's text around the subject's own (a route, an operation; empty for subjects
    /// without one): the one table both [`Display`](std::fmt::Display) and [`Self::parse`]
    /// read, so the two cannot drift apart.
    fn spelling(&self) -> (&'static str, &'static str) {
        use Subject::*;
        match (self.kind, &self.subject) {
            (CheckKind::Sla, Route(_)) => ("p95 ", ""),
            (CheckKind::Sla, RouteRelative(_)) => ("p95 ", ", relative to other routes"),
            (CheckKind::Sla, AllRoutes) => ("p95 all routes", ""),
            (CheckKind::Sla, Throughput) => ("throughput", ""),
            (CheckKind::Sla, ServerRss) => ("server RSS peak", ""),
            (CheckKind::Sla, PeakLoadRss) => ("server RSS peak under peak load", ""),
            (CheckKind::Regression, PeakLoadRss) => {
                ("server RSS peak under peak load vs baseline", "")
            }
            (CheckKind::Sla, ServerCpu) => ("server CPU mean (share of machine)", ""),
            (CheckKind::Sla, IdleCpu) => ("server CPU idle (share of machine)", ""),
            (CheckKind::Regression, IdleCpu) => ("server CPU idle vs baseline", ""),
            (CheckKind::Sla, MicroOperation(_)) => ("mean ", ""),
            (CheckKind::Regression, Route(_)) => ("median ", " vs baseline"),
            (CheckKind::Regression, RouteRelative(_)) => {
                ("median ", " vs baseline, relative to other routes")
            }
            (CheckKind::Regression, AllRoutes) => ("p95 all routes vs baseline", ""),
            (CheckKind::Regression, Throughput) => ("throughput vs baseline", ""),
            (CheckKind::Regression, ServerRss) => ("server RSS peak vs baseline", ""),
            (CheckKind::Regression, ServerCpu) => ("server CPU mean vs baseline", ""),
            (CheckKind::Regression, MicroOperation(_)) => ("mean ", " vs baseline"),
            (CheckKind::Sla, MicroInstructions(_)) => ("instructions ", ""),
            (CheckKind::Regression, MicroInstructions(_)) => ("instructions ", " vs baseline"),
            (_, Guarded) => ("routes and micro operations guarded against regression", ""),
            (CheckKind::Sla, DroppedArrivals) => ("dropped arrivals", ""),
            (CheckKind::Regression, DroppedArrivals) => ("dropped arrivals vs baseline", ""),
            (CheckKind::Sla, CacheHitRate(_)) => ("cache hit rate at ", ""),
            (CheckKind::Sla, CacheMemory) => ("cache memory holding 1 GB of data", ""),
            (CheckKind::Regression, CacheMemory) => {
                ("cache memory holding 1 GB of data vs baseline", "")
            }
            (CheckKind::Regression, CacheHitRate(_)) => ("cache hit rate at ", " vs baseline"),
            (CheckKind::Sla, CacheEviction(_)) => ("cache eviction pass p99 at ", ""),
            (CheckKind::Regression, CacheEviction(_)) => {
                ("cache eviction pass p99 at ", " vs baseline")
            }
            (CheckKind::Sla, DiskWrites(_)) => ("disk write rate of ", ""),
            (CheckKind::Sla, SessionsOpen) => ("sessions open at once", ""),
            (CheckKind::Sla, SessionCreationRate) => ("session creation rate", ""),
            (CheckKind::Sla, SessionLatencySlope) => ("session creation latency slope", ""),
            (CheckKind::Sla, SessionCleanup) => ("session cleanup pass", ""),
            (CheckKind::Regression, SessionsOpen) => ("sessions open at once vs baseline", ""),
            (CheckKind::Regression, SessionCreationRate) => {
                ("session creation rate vs baseline", "")
            }
            (CheckKind::Regression, SessionLatencySlope) => {
                ("session creation latency slope vs baseline", "")
            }
            (CheckKind::Regression, SessionCleanup) => ("session cleanup pass vs baseline", ""),
            (CheckKind::Sla, DatabaseMemory) => ("database memory peak", ""),
            (CheckKind::Regression, DatabaseMemory) => ("database memory peak vs baseline", ""),
            (CheckKind::Sla, DatabaseCpu) => ("database CPU (share of machine)", ""),
            (CheckKind::Regression, DatabaseCpu) => ("database CPU vs baseline", ""),
            (CheckKind::Regression, DiskWrites(_)) => ("disk write rate of ", " vs baseline"),
        }
    }

    fn text(&self) -> &str {
        match &self.subject {
            Subject::Route(t)
            | Subject::RouteRelative(t)
            | Subject::MicroOperation(t)
            | Subject::MicroInstructions(t)
            | Subject::CacheHitRate(t)
            | Subject::CacheEviction(t)
            | Subject::DiskWrites(t) => t,
            Subject::AllRoutes
            | Subject::Throughput
            | Subject::ServerRss
            | Subject::PeakLoadRss
            | Subject::IdleCpu
            | Subject::DatabaseMemory
            | Subject::DatabaseCpu
            | Subject::SessionsOpen
            | Subject::SessionCreationRate
            | Subject::SessionLatencySlope
            | Subject::SessionCleanup
            | Subject::CacheMemory
            | Subject::ServerCpu
            | Subject::Guarded
            | Subject::DroppedArrivals => "",
        }
    }

    /// Reads back the name [`Display`](std::fmt::Display) writes for a check of `kind`.
    pub fn parse(kind: CheckKind, name: &str) -> Option<Self> {
        use Subject::*;
        // Most specific spelling first, where two read alike: "p95 all routes" is AllRoutes,
        // not a route of that name, and "…, relative to other routes" a relative route.
        let makers: [fn(String) -> Subject; 22] = [
            DiskWrites,
            |_| SessionsOpen,
            |_| SessionCreationRate,
            |_| SessionLatencySlope,
            |_| SessionCleanup,
            |_| DatabaseMemory,
            |_| DatabaseCpu,
            CacheHitRate,
            CacheEviction,
            |_| CacheMemory,
            |_| PeakLoadRss,
            |_| IdleCpu,
            |_| Guarded,
            |_| DroppedArrivals,
            |_| AllRoutes,
            |_| Throughput,
            |_| ServerRss,
            |_| ServerCpu,
            RouteRelative,
            Route,
            MicroOperation,
            MicroInstructions,
        ];
        makers.into_iter().find_map(|make| {
            let (prefix, suffix) = Self {
                kind,
                subject: make(String::new()),
            }
            .spelling();
            let text = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
            let id = Self {
                kind,
                subject: make(text.to_string()),
            };
            // Only a name this type writes is read back: no second spelling of an identity.
            (id.to_string() == name).then_some(id)
        })
    }
}

impl std::fmt::Display for CheckId {
    /// The check's name: "p95 POST /api/auth/login", "mean init/cold vs baseline", …
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (prefix, suffix) = self.spelling();
        write!(f, "{prefix}{}{suffix}", self.text())
    }
}
