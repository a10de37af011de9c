//! The pure evaluation of runs against the thresholds: SLA checks of a load run and of a
//! micro run.

use super::*;

use super::status::{lower, upper};

/// SLA checks of a load run: p95 of every route, the profile's throughput, server memory and
/// CPU, idle CPU, and the service's disk write rates.
pub fn evaluate_load(run: &RunResult, t: &Thresholds) -> Vec<Check> {
    let mut out = Vec::new();
    let throughput = t.profiles.get(&run.profile_name);
    for (route, r) in &run.routes {
        let l = t.route_level(route);
        let mut critical = l.critical.0.ms();
        let mut source = l.source.clone();
        if let Some(p) = throughput
            && p.max_latency.0.ms() < critical
        {
            critical = p.max_latency.0.ms();
            source = p.source.clone();
        }
        let warning = l.warning.map(|w| w.0.ms().min(critical));
        out.push(Check::sla(
            Subject::Route(route.clone()),
            "ms",
            r.summary.p95_ms,
            warning,
            critical,
            &source,
            upper(r.summary.p95_ms, warning, critical),
        ));
    }
    if let Some(p) = throughput {
        let actual = run.totals.throughput_rps;
        let status = lower(actual, p.target.0.value, p.threshold.0.value);
        let mut c = Check::sla(
            Subject::Throughput,
            "req/s",
            actual,
            Some(p.target.0.value),
            p.threshold.0.value,
            &p.source,
            status,
        );
        c.comparison = ">=".into();
        out.push(c);
    }
    if let Some(server) = run.resources.summaries.get("server") {
        let peak_load = t
            .resources
            .peak_load_rss
            .as_ref()
            .filter(|p| p.profiles.contains(&run.profile_name));
        let (subject, warning, critical, source) = match peak_load {
            Some(p) => (Subject::PeakLoadRss, p.warning, p.critical, &p.source),
            None => {
                let r = &t.resources.server_rss;
                (Subject::ServerRss, r.warning, r.critical, &r.source)
            }
        };
        out.push(mib_check(
            subject,
            server.rss_peak_bytes,
            warning.0.value,
            critical.0.value,
            source,
        ));
        let share = server.cpu_mean_percent / run.environment.logical_cpus.max(1) as f64;
        out.push(percent_check(
            Subject::ServerCpu,
            share,
            &t.resources.server_cpu,
        ));
    }
    if let (Some(idle), Some(level)) = (&run.idle, &t.resources.idle_cpu) {
        let share = idle.cpu_mean_percent / run.environment.logical_cpus.max(1) as f64;
        let mut check = percent_check(Subject::IdleCpu, share, level);
        check.detail = Some(format!(
            "{:.1} s idle before the load, {} samples",
            idle.seconds, idle.samples
        ));
        out.push(check);
    }
    if let Some(limits) = &t.disk_writes {
        out.extend(super::disk::evaluate(run, limits));
    }
    out.extend(database(run, t));
    out.extend(super::sessions::evaluate(run, t));
    out
}

/// A memory check in MiB of `bytes` against byte levels.
fn mib_check(subject: Subject, bytes: u64, warning: f64, critical: f64, source: &str) -> Check {
    let (w, c, v) = (
        warning / 1048576.0,
        critical / 1048576.0,
        bytes as f64 / 1048576.0,
    );
    Check::sla(subject, "MiB", v, Some(w), c, source, upper(v, Some(w), c))
}

/// A check of a share in percent against its level.
fn percent_check(subject: Subject, share: f64, level: &PercentLevel) -> Check {
    let (w, c) = (level.warning.0.value, level.critical.0.value);
    Check::sla(
        subject,
        "%",
        share,
        Some(w),
        c,
        &level.source,
        upper(share, Some(w), c),
    )
}

/// The database's memory peak and its calls' CPU (share of the machine), where the service
/// reported them.
fn database(run: &RunResult, t: &Thresholds) -> Vec<Check> {
    let Some(db) = &run.database else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let (Some(peak), Some(level)) = (db.memory_peak_bytes, &t.resources.database_memory) {
        let mut check = mib_check(
            Subject::DatabaseMemory,
            peak,
            level.warning.0.value,
            level.critical.0.value,
            &level.source,
        );
        check.detail = Some(
            "SQLite's high-water mark (page cache, schema, statements), since the service started"
                .into(),
        );
        out.push(check);
    }
    if let (Some(share), Some(level)) = (
        db.cpu_share_percent(run.environment.logical_cpus),
        &t.resources.database_cpu,
    ) {
        let mut check = percent_check(Subject::DatabaseCpu, share, level);
        check.detail = Some(format!(
            "{:.3} CPU seconds in database calls over {:.1} s, {} logical CPUs",
            db.cpu_seconds.unwrap_or_default(),
            db.seconds,
            run.environment.logical_cpus
        ));
        out.push(check);
    }
    out
}

/// SLA checks of a micro run: each operation's mean against its budget. As in
/// [`crate::micro::evaluate`], a mean above the budget fails only when the lower bound of its
/// confidence interval is above it too (the excess is significant); otherwise it is a warning.
pub fn evaluate_micro(run: &MicroRun, t: &Thresholds) -> Vec<Check> {
    let mut checks = micro_budgets(run, t);
    if let Some(study) = &run.cache_study {
        checks.extend(evaluate_cache_study(study, t));
    }
    checks
}

fn micro_budgets(run: &MicroRun, t: &Thresholds) -> Vec<Check> {
    run.operations
        .iter()
        .filter_map(|o| {
            let (_, b) = t.budget(&o.name)?;
            let max = b.max.0.value;
            let target = b.target.map(|t| t.0.value);
            let mut status = crate::micro::budget_status(o.mean_ns, o.ci_low_ns, max);
            let over_target = status == Status::Pass && target.is_some_and(|t| o.mean_ns > t);
            if over_target {
                status = Status::Warn;
            }
            let mut c = Check::sla(
                Subject::MicroOperation(o.name.clone()),
                "ns",
                o.mean_ns,
                target,
                max,
                &b.source,
                status,
            );
            if over_target {
                c.detail = Some("above the target, within the threshold".into());
            } else if status != Status::Pass {
                c.detail = Some(format!(
                    "{:.0}% confidence interval {:.0}–{:.0} ns: {}",
                    o.confidence_level * 100.0,
                    o.ci_low_ns,
                    o.ci_high_ns,
                    if status == Status::Fail {
                        "wholly above the budget"
                    } else {
                        "reaches the budget, so not significantly over it"
                    }
                ));
            }
            Some(c)
        })
        .collect()
}

/// SLA checks of the cache study: each size's hit rate against its target (warn) and threshold
/// (fail), and the p99 of its eviction passes against the eviction time. A size run scaled
/// down (the machine could not hold it) says so in the check's detail.
pub fn evaluate_cache_study(study: &crate::cache_study::CacheStudy, t: &Thresholds) -> Vec<Check> {
    let mut out = Vec::new();
    // Judged at the document's amount only (a test's workload holds less).
    let at_figure = study.workload.memory_data_bytes == crate::cache_study::memory::DATA_BYTES;
    if let (Some(m), Some(level), true) = (&study.memory, &t.resources.cache_memory, at_figure) {
        let mib = |b: f64| b / 1048576.0;
        let mut check = mib_check(
            Subject::CacheMemory,
            m.rss_growth_bytes,
            level.warning.0.value,
            level.critical.0.value,
            &level.source,
        );
        check.detail = Some(format!(
            "{} entries, {:.0} MiB of JSON held as {:.0} MiB",
            m.entries,
            mib(m.raw_bytes as f64),
            mib(m.stored_bytes as f64)
        ));
        out.push(check);
    }
    for r in &study.sizes {
        let Some(l) = t.cache_hit_rate.get(&r.label) else {
            continue;
        };
        let rate = r.hit_rate * 100.0;
        let status = lower(rate, l.target.0.value, l.threshold.0.value);
        let mut c = Check::sla(
            Subject::CacheHitRate(r.label.clone()),
            "%",
            rate,
            Some(l.target.0.value),
            l.threshold.0.value,
            &l.source,
            status,
        );
        c.comparison = ">=".into();
        c.detail = Some(format!(
            "{} hits of {} requests{}",
            r.hits,
            r.requests,
            r.scaled
                .as_ref()
                .map_or(String::new(), |s| format!("; {s}"))
        ));
        out.push(c);
        let p99_ms = r.eviction_pass_p99_ns as f64 / 1e6;
        let limit = l.eviction.0.ms();
        let mut c = Check::sla(
            Subject::CacheEviction(r.label.clone()),
            "ms",
            p99_ms,
            None,
            limit,
            &l.source,
            upper(p99_ms, None, limit),
        );
        c.detail = Some(format!(
            "{} passes, longest {:.3} ms, {} entries evicted",
            r.eviction_passes,
            r.eviction_pass_max_ns as f64 / 1e6,
            r.evictions
        ));
        out.push(c);
    }
    out
}
