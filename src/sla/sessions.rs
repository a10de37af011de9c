//! Session management limits (AI therapist performance benchmarks, scalability): the sessions
//! open at once, their creation rate and how its latency grows with them, and the cleanup
//! pass; judged on the sessions study of a run ([`crate::session_study`]).

use serde::{Deserialize, Serialize};

use super::Thresholds;
use super::status::{lower, upper};
use super::units::Duration;
use crate::check::{Check, Status, Subject};
use crate::run::RunResult;
use crate::session_study::SessionStudy;

/// A floor: below `target` warns, below `threshold` fails.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    pub target: f64,
    pub threshold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionLimits {
    /// Sessions open at once.
    pub max_open: Floor,
    /// Sessions created per second, at the slowest level.
    pub creation_per_s: Floor,
    /// The longest cleanup pass.
    pub cleanup_warning: Duration,
    pub cleanup_critical: Duration,
    pub source: String,
}

/// The route whose p95 limit bounds the creation latency's growth.
const CREATE: &str = "POST /api/patient/sessions";

pub(super) fn evaluate(run: &RunResult, t: &Thresholds) -> Vec<Check> {
    let (Some(study), Some(l)) = (&run.sessions, &t.sessions) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(open) = study.max_open() {
        out.push(floor(
            Subject::SessionsOpen,
            "sessions",
            open as f64,
            l.max_open,
            &l.source,
        ));
    }
    if let Some(rate) = study.creation_rate() {
        let mut c = floor(
            Subject::SessionCreationRate,
            "sessions/s",
            rate,
            l.creation_per_s,
            &l.source,
        );
        c.detail = Some(levels(study));
        out.push(c);
    }
    if let (Some(s), Some(first), Some(last)) = (
        &study.latency_slope,
        study.levels.first(),
        study.levels.last(),
    ) {
        // Linear scaling: creation does not slow as sessions accumulate. It warns when even
        // the interval's low end adds more than the regression limit (+10 %) to the first
        // level's median over the levels' span, and fails at a slope that would add the
        // route's whole p95 limit per thousand sessions.
        let limit = t.route_level(CREATE).critical.0.ms();
        let span = (last.open.saturating_sub(first.open)) as f64 / 1000.0;
        let allowed_ms = first.p50_ms * t.regression.response_time.0.value / 100.0;
        let growth_low_ms = s.low * span;
        let status = if s.low > limit {
            Status::Fail
        } else if growth_low_ms > allowed_ms {
            Status::Warn
        } else {
            Status::Pass
        };
        let mut c = Check::sla(
            Subject::SessionLatencySlope,
            "ms/1000 sessions",
            s.slope,
            None,
            limit,
            &l.source,
            status,
        );
        c.detail = Some(format!(
            "95 % interval {:+.3} to {:+.3} ms per 1000 sessions open, over {} creations: at least {:+.3} ms from {} to {} open against {:.3} ms allowed (+{} of the first median): {}",
            s.low,
            s.high,
            s.n,
            growth_low_ms,
            first.open,
            last.open,
            allowed_ms,
            t.regression.response_time.0,
            if status == Status::Pass {
                "creation scales linearly"
            } else {
                "creation slows as sessions accumulate"
            }
        ));
        out.push(c);
    }
    let (w, c) = (l.cleanup_warning.0.ms(), l.cleanup_critical.0.ms());
    let passes: Vec<_> = study.cleanup_passes().collect();
    let mut check = match passes.iter().map(|p| p.duration_ms).reduce(f64::max) {
        Some(longest) => Check::sla(
            Subject::SessionCleanup,
            "ms",
            longest,
            Some(w),
            c,
            &l.source,
            upper(longest, Some(w), c),
        ),
        None => Check::sla(
            Subject::SessionCleanup,
            "ms",
            0.0,
            Some(w),
            c,
            &l.source,
            Status::Skipped,
        ),
    };
    check.detail = Some(if passes.is_empty() {
        "not measured: the target runs no cleanup pass on demand (POST /api/admin/sessions/cleanup as admin)".into()
    } else {
        let each: Vec<String> = study
            .levels
            .iter()
            .filter_map(|lv| {
                lv.cleanup
                    .map(|p| format!("{:.2} ms at {} open", p.duration_ms, lv.open))
            })
            .chain(
                study
                    .expiry
                    .map(|p| format!("{:.2} ms expiring {}", p.duration_ms, p.expired)),
            )
            .collect();
        format!("longest of {} passes: {}", passes.len(), each.join(", "))
    });
    out.push(check);
    out
}

fn floor(subject: Subject, unit: &str, actual: f64, f: Floor, source: &str) -> Check {
    let status = lower(actual, f.target, f.threshold);
    let mut c = Check::sla(
        subject,
        unit,
        actual,
        Some(f.target),
        f.threshold,
        source,
        status,
    );
    c.comparison = ">=".into();
    c
}

/// "100.3/s, p95 4.8 ms at 250 open; …".
fn levels(study: &SessionStudy) -> String {
    study
        .levels
        .iter()
        .map(|l| {
            format!(
                "{:.1}/s, p95 {:.2} ms at {} open",
                l.rate_per_s, l.p95_ms, l.open
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
