//! Pooling repetitions into one run, the run SLAs are judged on.

use crate::run::RunResult;
use crate::run::arrival::{self, ArrivalReport};
use crate::run::database::DatabaseUsage;
use crate::run::writes::ServiceWrites;

/// Merges repetitions into one run: histograms added exactly, resources by peak and mean.
pub fn pool(runs: &[RunResult]) -> Option<RunResult> {
    let first = runs.first()?;
    let mut routes = std::collections::BTreeMap::new();
    let mut steps = std::collections::BTreeMap::new();
    let mut timeline = Vec::new();
    let mut seconds = 0.0;
    let mut skipped = 0;
    for r in runs {
        for (target, source) in [(&mut routes, &r.routes), (&mut steps, &r.steps)] {
            for (k, s) in source {
                let series: &mut tta_stats::Series = target.entry(k.clone()).or_default();
                // Saved runs' histograms are checked to merge when read (saved::validate_load)
                // and measured runs are recorded with these bounds: a failure is a bug.
                tta_stats::add_encoded(&mut series.histogram, &s.histogram)
                    .unwrap_or_else(|e| panic!("pooling {k}: {e}"));
                for (kind, n) in &s.errors {
                    *series.errors.entry(kind.clone()).or_default() += n;
                }
                if let Some(o) = &s.open {
                    let open = series.open.get_or_insert_with(Default::default);
                    for (into, from) in [
                        (&mut open.service, &o.service.histogram),
                        (&mut open.lag, &o.lag.histogram),
                    ] {
                        tta_stats::add_encoded(into, from)
                            .unwrap_or_else(|e| panic!("pooling {k}: {e}"));
                    }
                    open.dropped += o.dropped;
                }
            }
        }
        timeline.extend(r.timeline.iter().copied());
        seconds += r.duration_s;
        skipped += r.skipped_steps;
    }
    let mut resources = first.resources.clone();
    for (label, s) in resources.summaries.iter_mut() {
        let all: Vec<_> = runs
            .iter()
            .filter_map(|r| r.resources.summaries.get(label))
            .collect();
        s.rss_peak_bytes = all.iter().map(|x| x.rss_peak_bytes).max().unwrap_or(0);
        s.cpu_mean_percent =
            all.iter().map(|x| x.cpu_mean_percent).sum::<f64>() / all.len().max(1) as f64;
        s.cpu_peak_percent = all.iter().map(|x| x.cpu_peak_percent).fold(0.0, f64::max);
        s.disk_read_bytes = all.iter().map(|x| x.disk_read_bytes).sum();
        s.disk_written_bytes = all.iter().map(|x| x.disk_written_bytes).sum();
    }
    let all = arrival::merged(routes.values());
    let mut pooled = crate::run::assemble(
        first.target.clone(),
        &first.profile_name,
        &first.profile,
        seconds,
        routes,
        steps,
        timeline,
        skipped,
        resources,
    );
    pooled.environment = first.environment.clone();
    pooled.executor = first.executor;
    let reports: Vec<&ArrivalReport> = runs.iter().filter_map(|r| r.arrival.as_ref()).collect();
    let summary = |h| tta_stats::summarize(h, 0, seconds);
    pooled.arrival = ArrivalReport::pooled(&reports, summary(&all.service), summary(&all.lag));
    // One repetition watches the service idle (the gate's first); with several, the longest.
    pooled.idle = runs
        .iter()
        .filter_map(|r| r.idle.clone())
        .max_by(|a, b| a.seconds.total_cmp(&b.seconds));
    pooled.service_writes = ServiceWrites::pooled(runs.iter().map(|r| r.service_writes.as_ref()));
    pooled.database = DatabaseUsage::pooled(runs.iter().map(|r| r.database.as_ref()));
    // A study per repetition does not add up: the slowest one's creation rate is judged, with
    // its levels and passes.
    pooled.sessions = runs
        .iter()
        .filter_map(|r| r.sessions.as_ref())
        .min_by(|a, b| {
            let rate = |s: &crate::session_study::SessionStudy| s.creation_rate().unwrap_or(0.0);
            rate(a).total_cmp(&rate(b))
        })
        .cloned();
    Some(pooled)
}
