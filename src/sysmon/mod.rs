//! Resource sampling on its own thread (sysinfo): CPU %, RSS and disk I/O of each watched
//! process (the server child and the harness itself, measured apart) and system CPU, every
//! interval (default 250 ms). Process CPU % is of one core, so a busy two-core process shows up
//! to 200. Disk I/O is what the process read from and wrote to storage since sampling started
//! (Linux: `/proc/PID/io` `read_bytes` and `write_bytes`, what reached the block layer; not
//! socket traffic, not reads the page cache served); 0 where the platform does not tell.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sysinfo::{CpuRefreshKind, Pid, ProcessRefreshKind, ProcessesToUpdate, RefreshKind, System};

pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(250);

/// One reading of one process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// Milliseconds since sampling started.
    pub t_ms: u64,
    pub cpu_percent: f32,
    pub rss_bytes: u64,
    /// Bytes read from storage since sampling started (absent before disk sampling: 0).
    #[serde(default)]
    pub disk_read_bytes: u64,
    /// Bytes written to storage since sampling started (absent before disk sampling: 0).
    #[serde(default)]
    pub disk_written_bytes: u64,
}

/// Mean and peak of a process's samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSummary {
    pub samples: usize,
    pub cpu_mean_percent: f64,
    pub cpu_peak_percent: f64,
    pub rss_mean_bytes: f64,
    pub rss_peak_bytes: u64,
    /// Bytes read from storage over the samples (absent before disk sampling: 0).
    #[serde(default)]
    pub disk_read_bytes: u64,
    /// Bytes written to storage over the samples (absent before disk sampling: 0).
    #[serde(default)]
    pub disk_written_bytes: u64,
}

/// Everything sampled during a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    pub interval_ms: u64,
    /// Label (`server`, `harness`) → samples.
    pub processes: BTreeMap<String, Vec<Sample>>,
    pub summaries: BTreeMap<String, ResourceSummary>,
    /// System-wide CPU %, 0-100 over all cores.
    pub system_cpu: Vec<(u64, f32)>,
}

impl Resources {
    /// No samples (sampling unavailable or failed).
    pub fn empty(interval_ms: u64) -> Self {
        Self {
            interval_ms,
            processes: BTreeMap::new(),
            summaries: BTreeMap::new(),
            system_cpu: Vec::new(),
        }
    }
}

pub struct Sampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Resources>,
}

impl Sampler {
    /// Starts sampling `processes` (label, pid) every `interval`, and returns once the first
    /// reading is taken, so what the processes do from then on is counted (disk totals count
    /// from that reading).
    pub fn start(processes: Vec<(String, u32)>, interval: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let (primed, is_primed) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || run(processes, interval, &flag, primed));
        // An error only means the thread ended first (no process information): nothing to wait for.
        let _ = is_primed.recv();
        Self { stop, handle }
    }

    /// Stops sampling and returns what was sampled.
    pub fn finish(self) -> Resources {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or_else(|_| Resources::empty(0))
    }
}

fn run(
    processes: Vec<(String, u32)>,
    interval: Duration,
    stop: &AtomicBool,
    primed: std::sync::mpsc::Sender<()>,
) -> Resources {
    let Ok(mut system) = System::new_with_specifics(
        RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_usage()),
    ) else {
        // No process information on this platform: the run goes on without resource figures.
        return Resources::empty(interval.as_millis() as u64);
    };
    let pids: Vec<Pid> = processes.iter().map(|(_, p)| Pid::from_u32(*p)).collect();
    let kind = ProcessRefreshKind::nothing()
        .with_cpu()
        .with_memory()
        .with_disk_usage();
    let start = Instant::now();
    let mut out: BTreeMap<String, Vec<Sample>> = processes
        .iter()
        .map(|(l, _)| (l.clone(), Vec::new()))
        .collect();
    let mut system_cpu = Vec::new();
    // CPU usage is a difference between two refreshes: prime once, then sample. Disk totals
    // count from the priming.
    system.refresh_processes_specifics(ProcessesToUpdate::Some(&pids), true, kind);
    system.refresh_cpu_usage();
    let disk_at_start: Vec<(u64, u64)> = pids
        .iter()
        .map(|pid| {
            system.process(*pid).map_or((0, 0), |p| {
                let d = p.disk_usage();
                (d.total_read_bytes, d.total_written_bytes)
            })
        })
        .collect();
    let _ = primed.send(());
    while !stop.load(Ordering::Relaxed) {
        let tick = Instant::now();
        while tick.elapsed() < interval && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(10).min(interval));
        }
        if stop.load(Ordering::Relaxed) && tick.elapsed() < interval {
            break;
        }
        system.refresh_processes_specifics(ProcessesToUpdate::Some(&pids), true, kind);
        system.refresh_cpu_usage();
        let t_ms = start.elapsed().as_millis() as u64;
        for (((label, _), pid), (read0, written0)) in
            processes.iter().zip(&pids).zip(&disk_at_start)
        {
            if let Some(p) = system.process(*pid) {
                let disk = p.disk_usage();
                out.entry(label.clone()).or_default().push(Sample {
                    t_ms,
                    cpu_percent: p.cpu_usage(),
                    rss_bytes: p.memory(),
                    disk_read_bytes: disk.total_read_bytes.saturating_sub(*read0),
                    disk_written_bytes: disk.total_written_bytes.saturating_sub(*written0),
                });
            }
        }
        system_cpu.push((t_ms, system.global_cpu_usage()));
    }
    let summaries = out.iter().map(|(l, s)| (l.clone(), summarize(s))).collect();
    Resources {
        interval_ms: interval.as_millis() as u64,
        processes: out,
        summaries,
        system_cpu,
    }
}

fn summarize(samples: &[Sample]) -> ResourceSummary {
    let n = samples.len().max(1) as f64;
    ResourceSummary {
        samples: samples.len(),
        cpu_mean_percent: samples
            .iter()
            .map(|s| f64::from(s.cpu_percent))
            .sum::<f64>()
            / n,
        cpu_peak_percent: samples
            .iter()
            .map(|s| f64::from(s.cpu_percent))
            .fold(0.0, f64::max),
        rss_mean_bytes: samples.iter().map(|s| s.rss_bytes as f64).sum::<f64>() / n,
        rss_peak_bytes: samples.iter().map(|s| s.rss_bytes).max().unwrap_or(0),
        // Totals since sampling started: the last sample's.
        disk_read_bytes: samples.last().map_or(0, |s| s.disk_read_bytes),
        disk_written_bytes: samples.last().map_or(0, |s| s.disk_written_bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_this_process_and_summarises() {
        let sampler = Sampler::start(
            vec![("harness".into(), std::process::id())],
            Duration::from_millis(20),
        );
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(150) {
            x = x.wrapping_mul(31).wrapping_add(7);
        }
        std::hint::black_box(x);
        let r = sampler.finish();
        let s = &r.summaries["harness"];
        assert!(s.samples >= 3, "{s:?}");
        assert!(s.rss_peak_bytes > 0 && s.rss_mean_bytes > 0.0);
        assert!(s.cpu_peak_percent > 0.0, "a busy loop uses CPU: {s:?}");
        assert_eq!(r.interval_ms, 20);
        assert!(!r.system_cpu.is_empty());
    }

    #[test]
    fn counts_what_this_process_writes_to_storage() {
        // Under target/, on the disk the build uses (/tmp may be a tmpfs, which has no I/O).
        let dir = tempfile::tempdir_in(concat!(env!("CARGO_MANIFEST_DIR"), "/target")).unwrap();
        let sampler = Sampler::start(
            vec![("harness".into(), std::process::id())],
            Duration::from_millis(20),
        );
        let file = dir.path().join("data");
        // 8 MiB written and synced, so it reaches the block layer rather than the page cache.
        std::fs::write(&file, vec![7u8; 8 << 20]).unwrap();
        std::fs::File::open(&file).unwrap().sync_all().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let r = sampler.finish();
        let s = &r.summaries["harness"];
        let written = r.processes["harness"].last().unwrap().disk_written_bytes;
        assert_eq!(s.disk_written_bytes, written);
        if cfg!(target_os = "linux") && std::path::Path::new("/proc/self/io").exists() {
            assert!(written >= 8 << 20, "{written} bytes counted");
        }
    }
}
