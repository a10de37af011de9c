//! SLAs of the open model: the share of arrivals dropped. An arrival not sent is load the target
//! never saw, so a run that dropped many measured a lighter load than it was asked for (k6
//! counts these as `dropped_iterations`).

use super::Thresholds;
use super::status::upper;
use crate::check::{Check, Subject};
use crate::run::RunResult;

/// The dropped-arrivals check of an open-model run, when thresholds.yaml sets a limit.
pub fn evaluate(run: &RunResult, t: &Thresholds) -> Option<Check> {
    let a = run.arrival.as_ref()?;
    let level = t.dropped_arrivals.as_ref()?;
    let share = a.dropped_share * 100.0;
    let (w, c) = (level.warning.0.value, level.critical.0.value);
    let mut check = Check::sla(
        Subject::DroppedArrivals,
        "%",
        share,
        Some(w),
        c,
        &level.source,
        upper(share, Some(w), c),
    );
    if a.dropped > 0 {
        check.detail = Some(format!(
            "{} of {} arrivals found {} requests in flight and were not sent",
            a.dropped, a.scheduled, a.plan.max_in_flight
        ));
    }
    Some(check)
}
