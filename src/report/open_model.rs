//! The report's open-model section: latency from each request's intended start (what a user
//! saw, what the SLAs judge) beside service time from the actual send (what a closed-model tool
//! reports) and the schedule's lag, per route; the arrivals' account; and a warning when the
//! generator fell behind.

use std::fmt::Write as _;

use super::charts;
use super::curve::{curve, quantiles};
use super::html::{chart_block, escape};
use crate::export::units::{arrivals_account, duration_ns};
use crate::run::RunResult;

/// The section, for an open-model run.
pub fn section(pooled: &RunResult) -> Option<String> {
    let a = pooled.arrival.as_ref()?;
    let mut service = tta_stats::new_histogram();
    for open in pooled.routes.values().filter_map(|r| r.open.as_ref()) {
        // As in gate::pool: every histogram was checked to merge when its run was read.
        tta_stats::add_encoded(&mut service, &open.service.histogram)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut s = chart_block(
        "open-model",
        "Open model: latency from the intended start",
        &format!(
            "Arrivals {} ({} spacing, seed {}), at most {} in flight. Each request is timed from when the schedule meant it to start, so a stall of the service shows even while requests wait; service time, from the actual send, is what a closed-model tool reports.",
            escape(&a.plan.describe()),
            a.plan.spacing.as_str(),
            a.plan.seed,
            a.plan.max_in_flight
        ),
        charts::percentile_curves(
            ("from the intended start", &quantiles(pooled)),
            Some((
                "service time, from the actual send (dashed)",
                &curve(&service),
            )),
        ),
    );
    if let Some(why) = &a.generator_behind {
        let _ = write!(s, "<p class=\"warn\">{}</p>", escape(why));
    }
    let _ = write!(s, "<p>{}.</p>", escape(&arrivals_account(a)));
    s.push_str("<table><thead><tr><th>route</th><th class=\"num\">p95 intended</th><th class=\"num\">p95 service</th><th class=\"num\">p99 intended</th><th class=\"num\">p99 service</th><th class=\"num\">lag p99</th><th class=\"num\">dropped</th></tr></thead><tbody>");
    let dash = || "–".to_string();
    for (route, r) in &pooled.routes {
        let ms = |v: f64| duration_ns(v * 1e6);
        let open = r.open.as_ref();
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(route),
            ms(r.summary.p95_ms),
            open.map_or_else(dash, |o| ms(o.service.summary.p95_ms)),
            ms(r.summary.p99_ms),
            open.map_or_else(dash, |o| ms(o.service.summary.p99_ms)),
            open.map_or_else(dash, |o| ms(o.lag.summary.p99_ms)),
            r.dropped(),
        );
    }
    s.push_str("</tbody></table></section>");
    Some(s)
}
