//! A load run in the terminal: the routes' latencies (from the intended start in the open
//! model), then, for the open model, service time, lag and drops side by side.

use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};
use tabled::{Table, Tabled};

use crate::export::units::{arrivals_account, ms};
use crate::run::RunResult;
use crate::run::arrival::ArrivalReport;

#[derive(Tabled)]
struct LoadRow {
    route: String,
    count: u64,
    errors: u64,
    #[tabled(rename = "req/s")]
    rps: String,
    p50: String,
    p90: String,
    p95: String,
    p99: String,
    max: String,
    #[tabled(rename = "SLA p95")]
    sla: String,
}

pub(super) fn load(run: &RunResult) -> String {
    let row = |route: &str, s: &tta_stats::Summary, sla: String| LoadRow {
        route: route.to_string(),
        count: s.count,
        errors: s.errors,
        rps: format!("{:.1}", s.throughput_rps),
        p50: ms(s.p50_ms),
        p90: ms(s.p90_ms),
        p95: ms(s.p95_ms),
        p99: ms(s.p99_ms),
        max: ms(s.max_ms),
        sla,
    };
    let mut rows: Vec<LoadRow> = run
        .routes
        .iter()
        .map(|(route, r)| {
            let ok = r.summary.p95_ms <= run.profile.sla.p95_ms;
            row(
                route,
                &r.summary,
                format!(
                    "{} {}",
                    ms(run.profile.sla.p95_ms),
                    if ok { "ok" } else { "MISSED" }
                ),
            )
        })
        .collect();
    rows.push(row("all routes", &run.totals, String::new()));
    let mut table = Table::new(rows);
    table
        .with(Style::sharp())
        .modify(Columns::new(1..10), Alignment::right());
    let mut out = format!("{table}\n");
    if !run.errors_by_kind.is_empty() {
        out.push_str("errors: ");
        out.push_str(
            &run.errors_by_kind
                .iter()
                .map(|(k, n)| format!("{n} × {k}"))
                .collect::<Vec<_>>()
                .join("; "),
        );
        out.push('\n');
    }
    if let Some(a) = &run.arrival {
        out.push_str(&open_model(run, a));
    }
    if run.skipped_steps > 0 {
        out.push_str(&format!(
            "skipped: {} steps not sent, as a value they need was never captured (an earlier step of the user failed)\n",
            run.skipped_steps
        ));
    }
    for (label, s) in &run.resources.summaries {
        out.push_str(&format!(
            "{label}: CPU mean {:.0} % peak {:.0} % (of one core), RSS mean {:.1} MiB peak {:.1} MiB, disk read {:.1} MiB written {:.1} MiB, {} samples\n",
            s.cpu_mean_percent,
            s.cpu_peak_percent,
            s.rss_mean_bytes / 1048576.0,
            s.rss_peak_bytes as f64 / 1048576.0,
            s.disk_read_bytes as f64 / 1048576.0,
            s.disk_written_bytes as f64 / 1048576.0,
            s.samples
        ));
    }
    if let Some(w) = &run.service_writes {
        out.push_str(&service_writes(w));
    }
    if let Some(d) = &run.database {
        out.push_str(&database(d, run.environment.logical_cpus));
    }
    if let Some(s) = &run.sessions {
        out.push_str(&super::sessions::study(s));
    }
    let failed: Vec<String> = run
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "{} {:.3} {} {} {}",
                c.name, c.actual, c.unit, c.comparison, c.target
            )
        })
        .collect();
    let verdict = if let Some(stop) = &run.interrupted {
        format!(
            "INTERRUPTED by {} after {:.1} s: partial, not judged ({} requests cancelled)",
            stop.signal, run.duration_s, stop.cancelled
        )
    } else if failed.is_empty() {
        format!(
            "PASS: profile {} met its SLA ({} checks) over {:.1} s, {:.1} req/s",
            run.profile_name,
            run.checks.len(),
            run.duration_s,
            run.totals.throughput_rps
        )
    } else {
        format!("FAIL: profile {}: {}", run.profile_name, failed.join("; "))
    };
    out.push_str(&verdict);
    out.push('\n');
    out
}

#[derive(Tabled)]
struct OpenRow {
    route: String,
    #[tabled(rename = "p95 intended")]
    p95_intended: String,
    #[tabled(rename = "p95 service")]
    p95_service: String,
    #[tabled(rename = "p99 intended")]
    p99_intended: String,
    #[tabled(rename = "p99 service")]
    p99_service: String,
    #[tabled(rename = "lag p99")]
    lag_p99: String,
    dropped: u64,
}

/// The open model's account: latency from the intended start beside service time (what a
/// closed-model tool would have shown) and lag, per route; then what became of the arrivals.
fn open_model(run: &RunResult, a: &ArrivalReport) -> String {
    let rows = run.routes.iter().map(|(route, r)| {
        let (service, lag) = r.open.as_ref().map_or((None, None), |o| {
            (Some(&o.service.summary), Some(&o.lag.summary))
        });
        let or_dash = |v: Option<f64>| v.map_or("-".to_string(), ms);
        OpenRow {
            route: route.clone(),
            p95_intended: ms(r.summary.p95_ms),
            p95_service: or_dash(service.map(|s| s.p95_ms)),
            p99_intended: ms(r.summary.p99_ms),
            p99_service: or_dash(service.map(|s| s.p99_ms)),
            lag_p99: or_dash(lag.map(|s| s.p99_ms)),
            dropped: r.dropped(),
        }
    });
    let mut table = Table::new(rows);
    table
        .with(Style::sharp())
        .modify(Columns::new(1..7), Alignment::right());
    let mut out = format!(
        "open model: {} ({}, seed {}), at most {} in flight; latency above is from each request's intended start\n{table}\n",
        a.plan.describe(),
        a.plan.spacing.as_str(),
        a.plan.seed,
        a.plan.max_in_flight,
    );
    out.push_str(&arrivals_account(a));
    out.push('\n');
    if let Some(why) = &a.generator_behind {
        out.push_str(&format!("WARNING: {why}\n"));
    }
    out
}

/// "service wrote: log 0.41 MB/min, …": each writer's rate from the service's counters.
fn service_writes(w: &crate::run::writes::ServiceWrites) -> String {
    use crate::run::writes::Writer;
    let parts: Vec<String> = Writer::ALL
        .into_iter()
        .map(|x| match w.mb_per_minute(x) {
            Some(rate) => format!("{} {rate:.2} MB/min", x.key()),
            None => format!("{} not reported", x.key()),
        })
        .collect();
    format!(
        "service wrote: {} (its /metrics counters over {:.1} s)\n",
        parts.join(", "),
        w.seconds
    )
}

/// "database: 0.412 CPU s in its calls …": what the service's database cost.
fn database(d: &crate::run::database::DatabaseUsage, logical_cpus: usize) -> String {
    format!("database: {}\n", d.describe(logical_cpus))
}
