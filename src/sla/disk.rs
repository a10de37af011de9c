//! Disk I/O limits (AI therapist performance benchmarks, disk I/O): the write rate of each of
//! the service's disk writers over a load run, from its own counters ([`ServiceWrites`]).

use serde::{Deserialize, Serialize};

use super::status::upper;
use super::units::ByteRate;
use crate::check::{Check, Status, Subject};
use crate::run::RunResult;
use crate::run::writes::{ServiceWrites, Writer};

/// A write-rate limit with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByteRateLevel {
    pub warning: ByteRate,
    pub critical: ByteRate,
    pub source: String,
}

/// The write rate allowed each writer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskWriteLimits {
    /// The structured log file.
    pub log: ByteRateLevel,
    /// The database's write-ahead log.
    pub database_wal: ByteRateLevel,
    /// The cache's snapshots.
    pub cache_snapshots: ByteRateLevel,
}

impl DiskWriteLimits {
    pub fn level(&self, w: Writer) -> &ByteRateLevel {
        match w {
            Writer::Log => &self.log,
            Writer::Wal => &self.database_wal,
            Writer::CacheSnapshots => &self.cache_snapshots,
        }
    }

    /// `(field, message)` of the first level whose warning is above its critical one.
    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        for (field, l) in [
            ("log", &self.log),
            ("database_wal", &self.database_wal),
            ("cache_snapshots", &self.cache_snapshots),
        ] {
            if l.warning.0.value > l.critical.0.value {
                return Err((
                    field,
                    format!(
                        "disk_writes.{field}: warning {} is above critical {}",
                        l.warning.0, l.critical.0
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// One check per writer of a run that read the service's counters: its rate in MB/min, or
/// skipped, saying so, when the service reports no such writer.
pub(super) fn evaluate(run: &RunResult, limits: &DiskWriteLimits) -> Vec<Check> {
    let Some(writes) = &run.service_writes else {
        return Vec::new();
    };
    Writer::ALL
        .into_iter()
        .map(|w| check(writes, w, limits.level(w)))
        .collect()
}

fn check(writes: &ServiceWrites, w: Writer, level: &ByteRateLevel) -> Check {
    let (warning, critical) = (
        level.warning.0.mb_per_minute(),
        level.critical.0.mb_per_minute(),
    );
    let subject = Subject::DiskWrites(w.key().to_string());
    let (actual, status, detail) = match (writes.mb_per_minute(w), writes.bytes(w)) {
        (Some(rate), Some(bytes)) => (
            rate,
            upper(rate, Some(warning), critical),
            format!(
                "{bytes} bytes in {:.1} s, by the service's {}",
                writes.seconds,
                w.counter()
            ),
        ),
        _ => (
            0.0,
            Status::Skipped,
            format!(
                "not measured: the service reports no {} ({})",
                w.counter(),
                w.absent_because()
            ),
        ),
    };
    let mut c = Check::sla(
        subject,
        "MB/min",
        actual,
        Some(warning),
        critical,
        &level.source,
        status,
    );
    c.detail = Some(detail);
    c
}
