//! What a saved run must be to be judged: its histograms decode and merge within tta-bench's
//! bounds, and every figure derived from them agrees with them (a summary is its histogram's,
//! the totals are the routes', the timeline adds up to the totals, the open model's arrivals
//! add up), durations and latencies are finite and not negative. A hand-edited or badly
//! repaired file is refused naming the field, rather than judged on figures its own histograms
//! contradict.

use tta_stats::Summary;

use crate::micro::MicroRun;
use crate::run::{RunResult, SeriesResult};
use crate::scenario::Executor;

type Check = std::result::Result<(), String>;

/// Two derived figures agree: equal to a relative 1e-9 (JSON round-trips floats exactly; the
/// margin only absorbs a writer that summed in another order).
fn agree(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// `summary` is what `histogram` (with `errors` and over `seconds`) summarises to.
fn summary_agrees(
    at: &str,
    summary: &Summary,
    errors: u64,
    seconds: f64,
    histogram: &str,
) -> Check {
    let h = tta_stats::decode(histogram).map_err(|e| format!("{at}.histogram: {e}"))?;
    if h.len() != summary.count {
        return Err(format!(
            "{at}: summary.count {} but the histogram holds {}",
            summary.count,
            h.len()
        ));
    }
    let want = tta_stats::summarize(&h, errors, seconds);
    let fields = [
        ("errors", summary.errors as f64, want.errors as f64),
        ("error_rate", summary.error_rate, want.error_rate),
        (
            "throughput_rps",
            summary.throughput_rps,
            want.throughput_rps,
        ),
        ("min_ms", summary.min_ms, want.min_ms),
        ("mean_ms", summary.mean_ms, want.mean_ms),
        ("p50_ms", summary.p50_ms, want.p50_ms),
        ("p90_ms", summary.p90_ms, want.p90_ms),
        ("p95_ms", summary.p95_ms, want.p95_ms),
        ("p99_ms", summary.p99_ms, want.p99_ms),
        ("p999_ms", summary.p999_ms, want.p999_ms),
        ("max_ms", summary.max_ms, want.max_ms),
    ];
    for (name, got, expected) in fields {
        if !(got.is_finite() && got >= 0.0) {
            return Err(format!("{at}.summary.{name} is {got}"));
        }
        if !agree(got, expected) {
            return Err(format!(
                "{at}.summary.{name} is {got} but its histogram gives {expected}"
            ));
        }
    }
    Ok(())
}

fn series_agrees(at: &str, s: &SeriesResult, seconds: f64) -> Check {
    tta_stats::add_encoded(&mut tta_stats::new_histogram(), &s.histogram)
        .map_err(|e| format!("{at}.histogram: {e}"))?;
    let errors: u64 = s.errors.values().sum();
    summary_agrees(at, &s.summary, errors, seconds, &s.histogram)?;
    if let Some(o) = &s.open {
        for (name, t) in [("service", &o.service), ("lag", &o.lag)] {
            let at = format!("{at}.open.{name}");
            tta_stats::add_encoded(&mut tta_stats::new_histogram(), &t.histogram)
                .map_err(|e| format!("{at}.histogram: {e}"))?;
            summary_agrees(&at, &t.summary, 0, seconds, &t.histogram)?;
            if t.summary.count != s.summary.count {
                return Err(format!(
                    "{at}.summary.count {} but the route answered {}",
                    t.summary.count, s.summary.count
                ));
            }
        }
    }
    Ok(())
}

/// Figures of a load run that cannot be, or that contradict the histograms they summarise.
pub(crate) fn validate_load(r: &RunResult) -> Check {
    if let Some(stop) = &r.interrupted {
        return Err(format!(
            "interrupted by {} after {:.1} s: a partial run is not judged",
            stop.signal, r.duration_s
        ));
    }
    if !(r.duration_s.is_finite() && r.duration_s > 0.0) {
        return Err(format!("duration_s is {}", r.duration_s));
    }
    if r.routes.is_empty() {
        return Err("routes is empty".into());
    }
    if (r.executor == Executor::ArrivalRate) != r.arrival.is_some() {
        return Err(format!(
            "executor is {} but the run {} an arrival report",
            r.executor.as_str(),
            if r.arrival.is_some() { "has" } else { "lacks" }
        ));
    }
    // Pooling repetitions merges every route's and step's histograms: each must merge.
    for (what, series) in [("routes", &r.routes), ("steps", &r.steps)] {
        for (key, s) in series {
            // An open-model route may have had every arrival dropped.
            if what == "routes"
                && s.dropped() == 0
                && tta_stats::decode(&s.histogram).is_ok_and(|h| h.is_empty())
            {
                return Err(format!("routes.{key}.histogram is empty"));
            }
            series_agrees(&format!("{what}.{key}"), s, r.duration_s)?;
        }
    }
    let routes = |f: fn(&SeriesResult) -> u64| r.routes.values().map(f).sum::<u64>();
    let (count, errors) = (routes(|s| s.summary.count), routes(|s| s.summary.errors));
    if (r.totals.count, r.totals.errors) != (count, errors) {
        return Err(format!(
            "totals: {} requests and {} errors, but the routes hold {count} and {errors}",
            r.totals.count, r.totals.errors
        ));
    }
    let by_kind: u64 = r.errors_by_kind.values().sum();
    if by_kind != errors {
        return Err(format!(
            "errors_by_kind adds up to {by_kind}, the routes' errors to {errors}"
        ));
    }
    let seconds = |f: fn(&tta_stats::Second) -> u64| r.timeline.iter().map(f).sum::<u64>();
    let (t_requests, t_errors) = (seconds(|s| s.requests), seconds(|s| s.errors));
    if (t_requests, t_errors) != (count, errors) {
        return Err(format!(
            "timeline: {t_requests} requests and {t_errors} errors, but the routes hold {count} and {errors}"
        ));
    }
    if let Some(a) = &r.arrival {
        let dropped = routes(SeriesResult::dropped);
        if a.sent + a.skipped + a.dropped != a.scheduled {
            return Err(format!(
                "arrival: {} sent + {} skipped + {} dropped is not the {} scheduled",
                a.sent, a.skipped, a.dropped, a.scheduled
            ));
        }
        if a.dropped != dropped || seconds(|s| s.dropped) != dropped {
            return Err(format!(
                "arrival.dropped {} but the routes hold {dropped} and the timeline {}",
                a.dropped,
                seconds(|s| s.dropped)
            ));
        }
        if a.sent + a.warm_up != count {
            return Err(format!(
                "arrival: {} sent + {} warm-up is not the {count} requests the routes hold",
                a.sent, a.warm_up
            ));
        }
    }
    for (label, s) in &r.resources.summaries {
        for (name, v) in [
            ("cpu_mean_percent", s.cpu_mean_percent),
            ("cpu_peak_percent", s.cpu_peak_percent),
            ("rss_mean_bytes", s.rss_mean_bytes),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("resources.summaries.{label}.{name} is {v}"));
            }
        }
    }
    Ok(())
}

/// Figures of a micro run that cannot be: operations repeated, means not positive.
pub(crate) fn validate_micro(m: &MicroRun) -> Check {
    let mut seen = std::collections::BTreeSet::new();
    for o in &m.operations {
        if !seen.insert(&o.name) {
            return Err(format!("operation {} appears twice", o.name));
        }
        if !(o.mean_ns.is_finite() && o.mean_ns > 0.0) {
            return Err(format!("operations.{}.mean_ns is {}", o.name, o.mean_ns));
        }
    }
    if let Some(study) = &m.cache_study {
        let mut labels = std::collections::BTreeSet::new();
        for r in &study.sizes {
            let at = format!("cache_study size {}", r.label);
            if !labels.insert(&r.label) {
                return Err(format!("{at} appears twice"));
            }
            if r.hits > r.requests || (r.hit_rate - r.hits as f64 / r.requests as f64).abs() > 1e-9
            {
                return Err(format!(
                    "{at}: hit_rate {} is not its {} hits of {} requests",
                    r.hit_rate, r.hits, r.requests
                ));
            }
            if r.eviction_pass_p99_ns > r.eviction_pass_max_ns {
                return Err(format!("{at}: eviction_pass_p99_ns is above its max"));
            }
        }
    } else if m.operations.is_empty() {
        return Err("operations is empty".into());
    }
    Ok(())
}
