//! What the service wrote to disk over a run, by writer: its log, its database's write-ahead
//! log and its cache snapshots, read from its own `/metrics` counters before and after the
//! load. The process's block-layer totals (`/proc/PID/io`, in the resource samples) cannot
//! tell the three apart, and count a write only once the page cache flushes it, seconds later.

use serde::{Deserialize, Serialize};

/// Bytes each writer wrote between two readings of the service's counters; a writer the
/// service does not have (no log file, an in-memory database) or did not report is absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceWrites {
    /// Seconds between the two readings.
    pub seconds: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wal_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_snapshot_bytes: Option<u64>,
}

/// The writers, in the order the disk I/O figures list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Log,
    Wal,
    CacheSnapshots,
}

impl Writer {
    pub const ALL: [Writer; 3] = [Writer::Log, Writer::CacheSnapshots, Writer::Wal];

    /// The `/metrics` counter that reports it.
    pub fn counter(self) -> &'static str {
        match self {
            Self::Log => "tta_log_bytes_total",
            Self::Wal => "tta_db_wal_bytes_total",
            Self::CacheSnapshots => "tta_cache_snapshot_bytes_total",
        }
    }

    /// Its name in a check's ("disk write rate of database WAL") and a table's.
    pub fn key(self) -> &'static str {
        match self {
            Self::Log => "log",
            Self::Wal => "database WAL",
            Self::CacheSnapshots => "cache snapshots",
        }
    }

    /// Why a service may have no such writer.
    pub fn absent_because(self) -> &'static str {
        match self {
            Self::Log => "started without --log-file",
            Self::Wal => "an in-memory database keeps no WAL",
            Self::CacheSnapshots => "started without --cache-snapshot",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.key() == key)
    }
}

/// One reading of the counters: writer → bytes since the service started.
pub type Reading = Vec<(Writer, u64)>;

impl ServiceWrites {
    /// The bytes written between `before` and `after`, `seconds` apart; a counter missing from
    /// either reading, or gone backwards (the service restarted), is absent.
    pub fn between(before: &Reading, after: &Reading, seconds: f64) -> Self {
        let delta = |w: Writer| {
            let find = |r: &Reading| r.iter().find(|(x, _)| *x == w).map(|(_, b)| *b);
            find(after)?.checked_sub(find(before)?)
        };
        Self {
            seconds,
            log_bytes: delta(Writer::Log),
            wal_bytes: delta(Writer::Wal),
            cache_snapshot_bytes: delta(Writer::CacheSnapshots),
        }
    }

    pub fn bytes(&self, w: Writer) -> Option<u64> {
        match w {
            Writer::Log => self.log_bytes,
            Writer::Wal => self.wal_bytes,
            Writer::CacheSnapshots => self.cache_snapshot_bytes,
        }
    }

    /// Megabytes (10^6 bytes, as the figures count them) per minute.
    pub fn mb_per_minute(&self, w: Writer) -> Option<f64> {
        let bytes = self.bytes(w)?;
        (self.seconds > 0.0).then(|| bytes as f64 / 1e6 / (self.seconds / 60.0))
    }

    /// Repetitions as one: bytes and seconds added, a writer kept only if every run has it.
    pub fn pooled<'a>(runs: impl IntoIterator<Item = Option<&'a ServiceWrites>>) -> Option<Self> {
        let mut out: Option<Self> = None;
        for w in runs {
            let w = w?;
            out = Some(match out {
                None => w.clone(),
                Some(o) => {
                    let add = |a: Option<u64>, b: Option<u64>| Some(a? + b?);
                    Self {
                        seconds: o.seconds + w.seconds,
                        log_bytes: add(o.log_bytes, w.log_bytes),
                        wal_bytes: add(o.wal_bytes, w.wal_bytes),
                        cache_snapshot_bytes: add(o.cache_snapshot_bytes, w.cache_snapshot_bytes),
                    }
                }
            });
        }
        out
    }
}

/// The writers' counters in a Prometheus text exposition (`/metrics`); a writer the service
/// does not report is left out.
pub fn parse_counters(exposition: &str) -> Reading {
    Writer::ALL
        .into_iter()
        .filter_map(|w| Some((w, super::exposition::value(exposition, w.counter())? as u64)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPOSITION: &str = "# HELP tta_log_bytes_total Bytes.\n# TYPE tta_log_bytes_total counter\ntta_log_bytes_total 1200\ntta_cache_snapshot_bytes_total 0\ntta_cache_hits_total 99\ntta_db_wal_bytes_total 8.25e3\n";

    #[test]
    fn reads_the_three_counters_and_nothing_else() {
        assert_eq!(
            parse_counters(EXPOSITION),
            vec![
                (Writer::Log, 1200),
                (Writer::CacheSnapshots, 0),
                (Writer::Wal, 8250)
            ],
            "in Writer::ALL's order"
        );
        assert!(parse_counters("tta_log_bytes_total NaN\ngarbage\n\n").is_empty());
    }

    #[test]
    fn rates_are_differences_over_the_interval() {
        let before = parse_counters(EXPOSITION);
        let after = vec![(Writer::Log, 1_201_200), (Writer::Wal, 8250)];
        let w = ServiceWrites::between(&before, &after, 30.0);
        assert_eq!(w.log_bytes, Some(1_200_000));
        assert_eq!(w.wal_bytes, Some(0));
        // Not in the second reading: not measured, rather than zero.
        assert_eq!(w.cache_snapshot_bytes, None);
        assert_eq!(w.mb_per_minute(Writer::Log), Some(2.4));
        // A counter that went backwards is a restarted service: no difference to take.
        let restarted = ServiceWrites::between(&after, &before, 1.0);
        assert_eq!(restarted.log_bytes, None);
        let none = ServiceWrites::between(&before, &after, 0.0);
        assert_eq!(none.mb_per_minute(Writer::Log), None);
    }

    #[test]
    fn pooling_adds_what_every_run_has() {
        let a = ServiceWrites {
            seconds: 10.0,
            log_bytes: Some(100),
            wal_bytes: Some(5),
            cache_snapshot_bytes: None,
        };
        let b = ServiceWrites {
            seconds: 20.0,
            log_bytes: Some(50),
            wal_bytes: Some(7),
            cache_snapshot_bytes: Some(1),
        };
        let p = ServiceWrites::pooled([Some(&a), Some(&b)]).unwrap();
        assert_eq!(
            (p.seconds, p.log_bytes, p.wal_bytes, p.cache_snapshot_bytes),
            (30.0, Some(150), Some(12), None)
        );
        assert_eq!(ServiceWrites::pooled([Some(&a), None]), None);
        assert_eq!(ServiceWrites::pooled([]), None);
    }
}
