//! The report's HTML: sections in reading order, the verdict first. Every figure carries its
//! unit; status is told by a word and a symbol as well as by colour.

use std::fmt::Write as _;

use super::charts::{self, BLUE, RouteRow, TimeSeries, VERMILLION};
use super::curve::quantiles;
use super::html::{CSS, back_to_back, chart_block, empty, escape};
use super::{Report, TrendPoint};
use crate::check::{Check, Status};
use crate::export::units::{duration_ns, ratio};
use crate::gate::pool;
use crate::run::RunResult;
use crate::verdict::Outcome;

fn status_cell(s: Status) -> String {
    let (class, text) = match s {
        Status::Pass => ("pass", "✔ pass"),
        Status::Skipped => ("skipped", "– not judged"),
        Status::Improved => ("improved", "▲ improved"),
        Status::Warn => ("warn", "⚠ warning"),
        Status::Fail => ("fail", "✖ FAIL"),
    };
    format!("<td class=\"status {class}\">{text}</td>")
}

fn figure(v: f64, unit: &str) -> String {
    escape(&crate::export::units::figure(v, unit))
}

fn checks_table(checks: &[&Check]) -> String {
    let mut t = String::from(
        "<table><thead><tr><th>status</th><th>check</th><th class=\"num\">measured</th><th class=\"num\">limit</th><th>detail and source</th></tr></thead><tbody>",
    );
    for c in checks {
        let _ = write!(
            t,
            "<tr>{}<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} {}</td><td>{}<br><small>{}</small></td></tr>",
            status_cell(c.status),
            escape(&c.name()),
            figure(c.actual, &c.unit),
            escape(&c.comparison),
            figure(c.limit, &c.unit),
            escape(c.detail.as_deref().unwrap_or("")),
            escape(&c.source),
        );
    }
    t.push_str("</tbody></table>");
    t
}

fn verdict_section(r: &Report<'_>) -> String {
    let v = r.verdict;
    let count = |s: Status| v.checks.iter().filter(|c| c.status == s).count();
    let (class, head) = match v.outcome {
        Outcome::Pass => ("pass", "✔ PASS"),
        Outcome::Fail => ("fail", "✖ FAIL"),
    };
    let mut s = format!(
        "<section id=\"verdict\" class=\"verdict {class}\"><h1>{head}</h1><p class=\"summary\">{} checks: {} failed, {} warnings, {} improved, {} not judged, {} passed.</p><dl>",
        v.checks.len(),
        count(Status::Fail),
        count(Status::Warn),
        count(Status::Improved),
        count(Status::Skipped),
        count(Status::Pass),
    );
    let mut item = |k: &str, val: String| {
        let _ = write!(s, "<dt>{k}</dt><dd>{}</dd>", escape(&val));
    };
    item(
        "judged",
        format!(
            "{}; profile {}; {}, {} micro repetitions",
            v.created,
            v.profile.as_deref().unwrap_or("none"),
            v.load_runs_described(),
            v.micro_repetitions
        ),
    );
    item(
        "baseline",
        v.baseline.as_ref().map_or("none".into(), |b| {
            format!("{} ({}, {})", b.label, b.created, b.file)
        }),
    );
    let e = &v.environment;
    item(
        "machine",
        format!(
            "{}, {} logical CPUs, {} {}",
            e.cpu_model.as_deref().unwrap_or("unknown CPU"),
            e.logical_cpus,
            e.os,
            e.arch
        ),
    );
    s.push_str("</dl>");
    if !v.notes.is_empty() {
        s.push_str("<ul class=\"notes\">");
        for n in &v.notes {
            let _ = write!(s, "<li>{}</li>", escape(&n.text));
        }
        s.push_str("</ul>");
    }
    let mut failing: Vec<&Check> = v
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
        .collect();
    failing.sort_by_key(|c| std::cmp::Reverse(c.status));
    if failing.is_empty() {
        s.push_str(
            "<p>No check failed or warned. Every check is listed at the end of this page.</p>",
        );
    } else {
        s.push_str("<h2>Failing and warning checks</h2>");
        s.push_str(&checks_table(&failing));
    }
    s.push_str("</section>");
    s
}

fn routes_section(r: &Report<'_>, pooled: &RunResult, base: Option<&RunResult>) -> String {
    let rows: Vec<RouteRow> = pooled
        .routes
        .iter()
        .map(|(route, s)| RouteRow {
            route: route.clone(),
            p50_ms: s.summary.p50_ms,
            p95_ms: s.summary.p95_ms,
            p99_ms: s.summary.p99_ms,
            baseline_p95_ms: base
                .and_then(|b| b.routes.get(route))
                .map(|b| b.summary.p95_ms),
            sla_ms: r.thresholds.route_level(route).critical.0.ms(),
        })
        .collect();
    let mut s = chart_block(
        "routes",
        "Latency per route",
        "Every request of every repetition, pooled exactly. The SLA cross is the route's critical p95 from thresholds.yaml.",
        charts::route_latency(&rows),
    );
    s.push_str(charts::ROUTE_LEGEND);
    s.push_str("<table><thead><tr><th>route</th><th class=\"num\">requests</th><th class=\"num\">errors</th><th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">baseline p95</th><th class=\"num\">SLA p95</th></tr></thead><tbody>");
    for (row, (_, series)) in rows.iter().zip(&pooled.routes) {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&row.route),
            series.summary.count,
            series.summary.errors,
            duration_ns(row.p50_ms * 1e6),
            duration_ns(row.p95_ms * 1e6),
            duration_ns(row.p99_ms * 1e6),
            row.baseline_p95_ms
                .map_or("–".into(), |b| duration_ns(b * 1e6)),
            duration_ns(row.sla_ms * 1e6),
        );
    }
    s.push_str("</tbody></table></section>");
    s
}

fn timeline_section(load: &[RunResult]) -> String {
    let per_second = |f: fn(&tta_stats::Second) -> u64| {
        back_to_back(load, |r| {
            // Whole seconds only: the last one of a run is cut short and would read as a drop.
            r.timeline
                .iter()
                .enumerate()
                .take(r.duration_s.floor() as usize)
                .map(|(i, s)| (i as f64 + 0.5, f(s) as f64))
                .collect()
        })
    };
    chart_block(
        "throughput",
        "Throughput and errors over time",
        "Requests and errors per second; repetitions are placed back to back.",
        charts::over_time(
            &[
                TimeSeries {
                    label: "requests/s".into(),
                    color: BLUE,
                    dashed: false,
                    points: per_second(|s| s.requests),
                },
                TimeSeries {
                    label: "errors/s (dashed)".into(),
                    color: VERMILLION,
                    dashed: true,
                    points: per_second(|s| s.errors),
                },
            ],
            "per second",
        ),
    ) + "</section>"
}

fn micro_section(r: &Report<'_>) -> String {
    let Some(m) = r.micro.first() else {
        return empty("micro", "Micro-benchmarks", "No micro run in this report.");
    };
    let rows: Vec<(String, f64)> = m
        .operations
        .iter()
        .filter_map(|o| o.headroom.map(|h| (o.name.clone(), h)))
        .collect();
    let mut s = chart_block(
        "micro",
        "Micro-benchmarks: headroom under the budgets of TTA therapeutic systems benchmarks",
        "Budget divided by the measured mean; the vermillion line is the budget (1×).",
        charts::headroom(&rows),
    );
    s.push_str("<table><thead><tr><th>operation</th><th class=\"num\">mean</th><th class=\"num\">95 % CI</th><th class=\"num\">budget</th><th class=\"num\">headroom</th></tr></thead><tbody>");
    for o in &m.operations {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} – {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&o.name),
            duration_ns(o.mean_ns),
            duration_ns(o.ci_low_ns),
            duration_ns(o.ci_high_ns),
            o.budget_ns.map_or("–".into(), duration_ns),
            o.headroom.map_or("–".into(), ratio),
        );
    }
    s.push_str("</tbody></table></section>");
    s
}

fn trend_section(points: &[TrendPoint]) -> String {
    let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    let with = |f: fn(&TrendPoint) -> Option<f64>| -> (Vec<String>, Vec<f64>) {
        points
            .iter()
            .filter_map(|p| f(p).map(|v| (p.label.clone(), v)))
            .unzip()
    };
    if labels.is_empty() {
        return empty("trend", "Trend across baselines", "No dated baselines yet.");
    }
    let (l, v) = with(|p| p.p95_ms);
    let mut s = chart_block(
        "trend",
        "Trend across baselines",
        "p95 over all routes of each dated baseline, and of this run last.",
        charts::trend(&l, &v, "p95, ms"),
    );
    let (l, v) = with(|p| p.throughput_rps);
    if let Ok(svg) = charts::trend(&l, &v, "throughput, req/s") {
        let _ = write!(
            s,
            "<figure class=\"chart\" data-chart=\"trend-throughput\">{svg}</figure>"
        );
    }
    s.push_str("<table><thead><tr><th>baseline</th><th class=\"num\">p95 all routes</th><th class=\"num\">throughput</th><th class=\"num\">server RSS peak</th><th class=\"num\">init/cold</th></tr></thead><tbody>");
    let cell = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("–".into(), f);
    for p in points {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&p.label),
            cell(p.p95_ms, &|v| duration_ns(v * 1e6)),
            cell(p.throughput_rps, &|v| format!("{v:.1} req/s")),
            cell(p.server_rss_mib, &|v| format!("{v:.1} MiB")),
            cell(p.init_cold_ns, &duration_ns),
        );
    }
    s.push_str("</tbody></table></section>");
    s
}

pub fn render(r: &Report<'_>) -> Result<String, String> {
    let v = r.verdict;
    let mut body = verdict_section(r);
    match pool(r.load) {
        Some(pooled) => {
            let base = r.baseline.and_then(|b| pool(&b.load_runs));
            body.push_str(&routes_section(r, &pooled, base.as_ref()));
            body.push_str(&chart_block(
                "distribution",
                "Latency distribution",
                "Percentile curve of every request (HDR histogram); both axes are logarithmic, so the tail is visible.",
                charts::percentile_curve(&quantiles(&pooled), base.as_ref().map(quantiles).as_deref()),
            ));
            body.push_str("</section>");
            body.push_str(&super::open_model::section(&pooled).unwrap_or_default());
            body.push_str(&timeline_section(r.load));
            body.push_str(&super::resources::section(r.load));
            body.push_str(&super::sessions::section(r.load));
        }
        None => body.push_str(&empty("routes", "Load", "No load run in this report.")),
    }
    body.push_str(&micro_section(r));
    body.push_str(&super::cache_study::section(r));
    body.push_str(&trend_section(&super::trend(r.history, r.load, r.micro)));
    let mut all: Vec<&Check> = v.checks.iter().collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.status));
    body.push_str(&super::catalogue::section(r));
    body.push_str("<section id=\"checks\"><h2>Every check</h2>");
    body.push_str(&checks_table(&all));
    body.push_str("</section>");
    let title = format!(
        "tta-bench: {} ({})",
        match v.outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
        },
        v.created
    );
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><main>{body}</main><footer>Written by tta-bench {} on {}. Self-contained: no script, no external resources.</footer></body></html>\n",
        escape(&title),
        env!("CARGO_PKG_VERSION"),
        escape(&v.created),
    ))
}
