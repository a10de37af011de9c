//! The report's resources: each process's CPU, memory and disk writes over time, and what the
//! service's own writers wrote per minute.

use std::fmt::Write as _;

use super::charts::{self, BLUE, PURPLE, TimeSeries};
use super::html::{back_to_back, chart_block, empty, escape};
use crate::run::RunResult;
use crate::run::database::DatabaseUsage;
use crate::run::writes::{ServiceWrites, Writer};
use crate::sysmon::Sample;

pub(super) fn section(load: &[RunResult]) -> String {
    let labels: Vec<String> = load
        .first()
        .map(|r| r.resources.processes.keys().cloned().collect())
        .unwrap_or_default();
    if labels.is_empty() {
        return empty(
            "resources",
            "CPU and memory over time",
            "No resource samples in these runs.",
        );
    }
    let series = |value: fn(&Sample) -> f64| -> Vec<TimeSeries> {
        labels
            .iter()
            .map(|label| TimeSeries {
                label: if label == "server" {
                    label.clone()
                } else {
                    format!("{label} (dashed)")
                },
                color: if label == "server" { BLUE } else { PURPLE },
                dashed: label != "server",
                points: back_to_back(load, |r| {
                    r.resources
                        .processes
                        .get(label)
                        .map(|s| {
                            s.iter()
                                .map(|x| (x.t_ms as f64 / 1000.0, value(x)))
                                .collect()
                        })
                        .unwrap_or_default()
                }),
            })
            .collect()
    };
    let cpu = chart_block(
        "cpu",
        "CPU over time",
        "Each process's CPU, in % of one core, sampled by sysinfo.",
        charts::over_time(&series(|s| s.cpu_percent as f64), "% of one core"),
    );
    let rss = chart_block(
        "memory",
        "Memory over time",
        "Each process's resident set size.",
        charts::over_time(&series(|s| s.rss_bytes as f64 / 1048576.0), "RSS, MiB"),
    );
    let disk = chart_block(
        "disk",
        "Disk writes over time",
        "What each process had written to storage since its run began, as the kernel counts it (/proc/PID/io write_bytes): a write counts once the page cache flushes it, so the line climbs in steps, and a repetition's writes may land in the next.",
        charts::over_time(
            &series(|s| s.disk_written_bytes as f64 / 1048576.0),
            "written, MiB",
        ),
    );
    let writers = ServiceWrites::pooled(load.iter().map(|r| r.service_writes.as_ref()));
    let database = DatabaseUsage::pooled(load.iter().map(|r| r.database.as_ref()));
    let cpus = load.first().map_or(1, |r| r.environment.logical_cpus);
    format!(
        "{cpu}{}</section>{rss}</section>{disk}{}</section>",
        database_note(database.as_ref(), cpus),
        writers_table(writers.as_ref())
    )
}

/// Each writer's bytes and rate over the runs, from the service's counters.
fn writers_table(w: Option<&ServiceWrites>) -> String {
    let Some(w) = w else {
        return "<p class=\"empty\">The service reported no disk-write counters in these runs (a --target without them, or runs saved before them).</p>".into();
    };
    let mut s = format!(
        "<p>By writer, from the service's own /metrics counters read before and after each load: {:.1} s in all.</p><table><thead><tr><th>writer</th><th>counter</th><th class=\"num\">written</th><th class=\"num\">rate</th></tr></thead><tbody>",
        w.seconds
    );
    for x in Writer::ALL {
        let (bytes, rate) = match (w.bytes(x), w.mb_per_minute(x)) {
            (Some(b), Some(r)) => (
                crate::export::units::figure(b as f64 / 1e6, "MB"),
                format!("{r:.2} MB/min"),
            ),
            _ => ("–".into(), format!("not reported: {}", x.absent_because())),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            x.key(),
            x.counter(),
            escape(&bytes),
            escape(&rate)
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// What the service's database cost, from its counters.
fn database_note(d: Option<&DatabaseUsage>, logical_cpus: usize) -> String {
    d.map_or(String::new(), |d| {
        format!(
            "<p>The service's database: {}.</p>",
            escape(&d.describe(logical_cpus))
        )
    })
}
