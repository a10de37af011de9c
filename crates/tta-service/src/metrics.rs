//! Prometheus metrics in text exposition format, named as TTA performance monitoring guidelines does
//! (`tta_requests_total`, `tta_request_duration_seconds`, …).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache::CacheCounters;
use crate::store::StoreUsage;

/// Histogram bucket upper bounds, seconds.
const BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    durations: Mutex<BTreeMap<(String, String), Histogram>>,
    crisis: Mutex<BTreeMap<&'static str, u64>>,
    /// The read cache's, which counts them itself.
    pub cache: Arc<CacheCounters>,
    /// Bytes written to the log file, counted by its writer (none: no log).
    log_bytes: Option<Arc<AtomicU64>>,
    /// Whether the cache is snapshotted: its snapshot counters are reported only then.
    snapshots: bool,
    cleanup: Mutex<CleanupStats>,
}

/// The idle-session cleanup passes so far.
#[derive(Debug, Default)]
struct CleanupStats {
    passes: u64,
    expired: u64,
    last_seconds: f64,
    max_seconds: f64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Label values are escaped as the exposition format requires.
fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Metrics over the cache's `counters`; `log_bytes` counts the log file's bytes (none: no
    /// log), and `snapshots` says whether the cache is snapshotted to disk.
    pub fn new(
        counters: Arc<CacheCounters>,
        log_bytes: Option<Arc<AtomicU64>>,
        snapshots: bool,
    ) -> Self {
        Self {
            cache: counters,
            log_bytes,
            snapshots,
            ..Self::default()
        }
    }

    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        *lock(&self.requests)
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        let mut d = lock(&self.durations);
        let h = d
            .entry((route.to_string(), method.to_string()))
            .or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// One idle-session cleanup pass: how many it expired, in how long.
    pub fn session_cleanup(&self, expired: u64, seconds: f64) {
        let mut c = lock(&self.cleanup);
        c.passes += 1;
        c.expired += expired;
        c.last_seconds = seconds;
        c.max_seconds = c.max_seconds.max(seconds);
    }

    pub fn crisis_detected(&self, level: &'static str) {
        *lock(&self.crisis).entry(level).or_default() += 1;
    }

    /// The exposition, with what the store has cost so far (`store`).
    pub fn render(&self, active_sessions: usize, store: &StoreUsage) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP tta_requests_total HTTP requests by route template, method and status.\n",
        );
        out.push_str("# TYPE tta_requests_total counter\n");
        for ((route, method, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "tta_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                esc(route)
            );
        }
        out.push_str("# HELP tta_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE tta_request_duration_seconds histogram\n");
        for ((route, method), h) in lock(&self.durations).iter() {
            let labels = format!("route=\"{}\",method=\"{method}\"", esc(route));
            for (b, c) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "tta_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {c}"
                );
            }
            let _ = writeln!(
                out,
                "tta_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "tta_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "tta_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        out.push_str("# HELP tta_active_sessions Therapeutic sessions not yet completed.\n");
        out.push_str("# TYPE tta_active_sessions gauge\n");
        let _ = writeln!(out, "tta_active_sessions {active_sessions}");
        {
            let c = lock(&self.cleanup);
            for (name, kind, help, v) in [
                (
                    "tta_session_cleanup_passes_total",
                    "counter",
                    "Idle-session cleanup passes run.",
                    c.passes as f64,
                ),
                (
                    "tta_sessions_expired_total",
                    "counter",
                    "Sessions the cleanup passes expired.",
                    c.expired as f64,
                ),
                (
                    "tta_session_cleanup_last_seconds",
                    "gauge",
                    "Duration of the last cleanup pass.",
                    c.last_seconds,
                ),
                (
                    "tta_session_cleanup_max_seconds",
                    "gauge",
                    "Duration of the longest cleanup pass.",
                    c.max_seconds,
                ),
            ] {
                sample(&mut out, name, kind, help, v);
            }
        }
        out.push_str(
            "# HELP tta_crisis_detections_total Crisis assessments at LOW or above, by level.\n",
        );
        out.push_str("# TYPE tta_crisis_detections_total counter\n");
        for (level, n) in lock(&self.crisis).iter() {
            let _ = writeln!(out, "tta_crisis_detections_total{{level=\"{level}\"}} {n}");
        }
        let c = &self.cache;
        let cache = [
            (
                "tta_cache_hits_total",
                "Cache lookups answered from the cache.",
                &c.hits,
            ),
            (
                "tta_cache_misses_total",
                "Cache lookups that went to the database.",
                &c.misses,
            ),
            (
                "tta_cache_evictions_total",
                "Cache entries evicted to keep within its byte budget.",
                &c.evictions,
            ),
        ];
        let snapshotted = |v: &AtomicU64| self.snapshots.then(|| v.load(Ordering::Relaxed));
        let counters = cache
            .iter()
            .map(|(name, help, v)| (*name, *help, Some(v.load(Ordering::Relaxed))))
            .chain([
                (
                    "tta_cache_snapshots_total",
                    "Cache snapshots written to disk (--cache-snapshot).",
                    snapshotted(&c.snapshots),
                ),
                (
                    "tta_cache_snapshot_bytes_total",
                    "Bytes of the cache snapshots written to disk.",
                    snapshotted(&c.snapshot_bytes),
                ),
                (
                    "tta_log_bytes_total",
                    "Bytes written to the log file (--log-file).",
                    self.log_bytes.as_ref().map(|b| b.load(Ordering::Relaxed)),
                ),
                (
                    "tta_db_wal_bytes_total",
                    "Bytes written to the database's write-ahead log: pages and their frame headers.",
                    store.wal_bytes,
                ),
            ]);
        // A writer the service does not have is left out, rather than claiming zero bytes.
        for (name, help, v) in counters {
            if let Some(v) = v {
                sample(&mut out, name, "counter", help, v);
            }
        }
        if let Some(cpu) = store.cpu_seconds {
            let help = "CPU time spent in database calls.";
            sample(&mut out, "tta_db_cpu_seconds_total", "counter", help, cpu);
        }
        for (name, help, v) in [
            (
                "tta_db_memory_bytes",
                "Memory the database engine holds: page cache, schema, statements.",
                store.memory_bytes,
            ),
            (
                "tta_db_memory_peak_bytes",
                "The most memory the database engine has held.",
                store.memory_peak_bytes,
            ),
        ] {
            sample(&mut out, name, "gauge", help, v);
        }
        out.push_str(&process_metrics());
        out
    }
}

/// One unlabelled sample with its HELP and TYPE lines.
fn sample(out: &mut String, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
    );
}

/// The service process's CPU time, resident memory and memory limit, under the conventional
/// process_* names, so the CPU and memory alerts of TTA performance monitoring guidelines
/// (`tta-bench export-alerts`) have something to watch.
fn process_metrics() -> String {
    use sysinfo::{MemoryRefreshKind, Pid, ProcessRefreshKind, ProcessesToUpdate, System};
    let pid = Pid::from_u32(std::process::id());
    let Ok(mut sys) = System::new() else {
        return String::new(); // No process information on this platform.
    };
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        true,
        ProcessRefreshKind::nothing().with_cpu().with_memory(),
    );
    sys.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
    let Some(p) = sys.process(pid) else {
        return String::new();
    };
    let limit = sys
        .cgroup_limits()
        .map(|c| c.total_memory)
        .filter(|m| *m > 0)
        .unwrap_or_else(|| sys.total_memory());
    format!(
        "# HELP process_cpu_seconds_total CPU time of the service process.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {}\n\
         # HELP process_resident_memory_bytes Resident memory of the service process.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {}\n\
         # HELP tta_memory_limit_bytes Memory the service may use: its cgroup limit, else the host's memory.\n# TYPE tta_memory_limit_bytes gauge\ntta_memory_limit_bytes {limit}\n",
        p.accumulated_cpu_time() as f64 / 1000.0,
        p.memory(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("/health", "GET", 200, 0.0007);
        m.observe("/health", "GET", 200, 0.2);
        m.observe("/health", "GET", 503, 0.0001);
        m.crisis_detected("HIGH");
        let text = m.render(3, &StoreUsage::default());
        assert!(
            text.contains(
                "tta_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 2\n"
            )
        );
        assert!(
            text.contains(
                "tta_requests_total{route=\"/health\",method=\"GET\",status=\"503\"} 1\n"
            )
        );
        assert!(text.contains("tta_request_duration_seconds_bucket{route=\"/health\",method=\"GET\",le=\"0.0005\"} 1\n"));
        assert!(text.contains(
            "tta_request_duration_seconds_bucket{route=\"/health\",method=\"GET\",le=\"0.001\"} 2\n"
        ));
        assert!(text.contains(
            "tta_request_duration_seconds_bucket{route=\"/health\",method=\"GET\",le=\"0.25\"} 3\n"
        ));
        assert!(
            text.contains(
                "tta_request_duration_seconds_count{route=\"/health\",method=\"GET\"} 3\n"
            )
        );
        assert!(text.contains("tta_active_sessions 3\n"));
        assert!(text.contains("tta_crisis_detections_total{level=\"HIGH\"} 1\n"));
        assert!(text.contains("tta_cache_hits_total 0\n"));
        // No log file, no WAL: no counter claiming zero bytes written.
        assert!(!text.contains("tta_log_bytes_total"));
        assert!(!text.contains("tta_db_wal_bytes_total"));
        assert!(!text.contains("tta_cache_snapshot_bytes_total"));
    }

    #[test]
    fn renders_the_disk_writers_it_has() {
        let log = Arc::new(AtomicU64::new(1234));
        let m = Metrics::new(Arc::default(), Some(log.clone()), true);
        log.fetch_add(6, Ordering::Relaxed);
        let store = StoreUsage {
            wal_bytes: Some(4120),
            cpu_seconds: Some(0.25),
            memory_bytes: 1000,
            memory_peak_bytes: 2000,
        };
        let text = m.render(0, &store);
        assert!(text.contains("\ntta_db_cpu_seconds_total 0.25\n"), "{text}");
        assert!(text.contains("\ntta_db_memory_peak_bytes 2000\n"), "{text}");
        assert!(text.contains("\ntta_log_bytes_total 1240\n"), "{text}");
        assert!(text.contains("\ntta_db_wal_bytes_total 4120\n"), "{text}");
        assert!(
            text.contains("\ntta_cache_snapshot_bytes_total 0\n"),
            "{text}"
        );
    }
}
