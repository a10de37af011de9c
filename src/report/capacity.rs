//! The page `capacity --html` writes: the conclusion, latency percentiles (from the intended
//! start) against the offered rate, the answered rate against the offered one, and every step.

use std::fmt::Write as _;

use super::charts::{self, BLUE, ORANGE, TimeSeries, VERMILLION};
use super::html::{CSS, chart_block, escape};
use crate::capacity::CapacityResult;
use crate::error::Result;
use crate::export::units::ms;

/// The whole page.
pub fn capacity_page(r: &CapacityResult) -> Result<String> {
    let mut steps: Vec<_> = r.steps.iter().collect();
    steps.sort_by(|a, b| a.offered_rps.total_cmp(&b.offered_rps));
    let series =
        |label: &str, color, dashed, f: &dyn Fn(&crate::capacity::Step) -> f64| TimeSeries {
            label: label.to_string(),
            color,
            dashed,
            points: steps.iter().map(|s| (s.offered_rps, f(s))).collect(),
        };
    let latency = [
        series("p50", BLUE, true, &|s| s.p50_ms),
        series("p95", BLUE, false, &|s| s.p95_ms),
        series("p99", VERMILLION, false, &|s| s.p99_ms),
    ];
    let rates = [
        series("answered", BLUE, false, &|s| s.achieved_rps),
        series("offered (dashed)", ORANGE, true, &|s| s.offered_rps),
    ];
    let mut body = format!(
        "<section id=\"verdict\"><h1>{}</h1><p>{} against {}, profile {}'s journeys, {} s a step; stopped: {}.</p></section>",
        escape(&r.conclusion()),
        escape(&r.created),
        escape(&r.target.url),
        escape(&r.profile_name),
        r.limits.step_s,
        r.stopped.as_str(),
    );
    body.push_str(&chart_block(
        "latency",
        "Latency against offered rate",
        "Percentiles of every request of a step, from its intended start (what a user sees): a service past its capacity queues, and the queue shows here.",
        charts::lines_log_y(&latency, "offered rate (req/s)", "ms"),
    ));
    body.push_str("</section>");
    body.push_str(&chart_block(
        "throughput",
        "Answered against offered rate",
        "Below the capacity the answered rate follows the offered one; past it, it flattens.",
        charts::lines(&rates, "offered rate (req/s)", "req/s"),
    ));
    body.push_str("</section><section id=\"steps\"><h2>Every step, in the order run</h2><table><thead><tr><th class=\"num\">offered</th><th class=\"num\">answered</th><th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">errors</th><th class=\"num\">dropped</th><th class=\"num\">lag p99</th><th>SLO</th></tr></thead><tbody>");
    for s in &r.steps {
        let _ = write!(
            body,
            "<tr><td class=\"num\">{}/s</td><td class=\"num\">{:.1}/s</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2} %</td><td class=\"num\">{:.2} %</td><td class=\"num\">{}</td><td>{}</td></tr>",
            s.offered_rps,
            s.achieved_rps,
            ms(s.p50_ms),
            ms(s.p95_ms),
            ms(s.p99_ms),
            s.error_rate * 100.0,
            s.dropped_share * 100.0,
            ms(s.lag_p99_ms),
            if s.met_slo {
                "met".to_string()
            } else {
                escape(&format!("missed: {}", s.misses.join(", ")))
            },
        );
    }
    body.push_str("</tbody></table></section>");
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>tta-bench capacity: {}</title><style>{CSS}</style></head><body><main>{body}</main><footer>Written by tta-bench {}. Self-contained: no script, no external resources.</footer></body></html>\n",
        escape(&r.slo.text),
        env!("CARGO_PKG_VERSION"),
    ))
}
