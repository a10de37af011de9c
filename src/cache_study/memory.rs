//! What the service's cache costs in memory holding a given amount of data (AI therapist
//! performance benchmarks, memory usage: "Cache (1GB data)"). Read here as: the process's
//! resident memory grows by how much while the cache holds views whose JSON, before
//! compression, adds up to that amount — the data a reader means, not what is left of it once
//! compressed. Measured before any other size runs, so the allocator has no freed memory of an
//! earlier cache to reuse.

use serde::{Deserialize, Serialize};
use std::time::Duration;

use tta_service::cache::{Stored, ViewCache};

/// The amount of data the document's figure names.
pub const DATA_BYTES: u64 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryResult {
    /// Raw (uncompressed) bytes of the values held: at least [`DATA_BYTES`].
    pub raw_bytes: u64,
    /// What the cache weighs them at: keys and compressed values.
    pub stored_bytes: u64,
    pub entries: u64,
    /// Growth of the process's resident memory from before the cache was made to when it held
    /// them all.
    pub rss_growth_bytes: u64,
}

impl MemoryResult {
    /// The measurement in words, for the terminal and the report.
    pub fn describe(&self) -> String {
        use crate::export::units::mib;
        format!(
            "{} of view data ({} entries, {} stored) grew the process by {}",
            mib(self.raw_bytes),
            self.entries,
            mib(self.stored_bytes),
            mib(self.rss_growth_bytes)
        )
    }
}

fn rss() -> Option<u64> {
    use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};
    let pid = Pid::from_u32(std::process::id());
    let mut sys = System::new().ok()?;
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        true,
        ProcessRefreshKind::nothing().with_memory(),
    );
    sys.process(pid).map(|p| p.memory())
}

/// Fills an unbounded cache with `pool`'s values under distinct keys until their raw bytes
/// reach `data_bytes`, and measures what it took. `None` where this process's memory cannot be
/// read.
pub fn held(pool: &[Stored], data_bytes: u64) -> Option<MemoryResult> {
    let before = rss()?;
    let cache = ViewCache::repeatable(u64::MAX, Duration::from_secs(24 * 3600));
    let (mut raw_bytes, mut stored_bytes, mut entries) = (0u64, 0u64, 0u64);
    while raw_bytes < data_bytes {
        let v = pool[(entries % pool.len() as u64) as usize].clone();
        let key = format!("m{entries}");
        raw_bytes += u64::from(v.raw_len);
        stored_bytes += (key.len() + v.bytes.len()) as u64;
        cache.insert_stored(key, v);
        entries += 1;
    }
    cache.run_pending_tasks();
    let after = rss()?;
    drop(cache);
    Some(MemoryResult {
        raw_bytes,
        stored_bytes,
        entries,
        rss_growth_bytes: after.saturating_sub(before),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_holds_the_data_asked_and_its_growth_is_read() {
        let pool: Vec<Stored> = (0..16)
            .map(|i| Stored::encode(format!("{{\"i\":{i}}}").repeat(200).as_bytes()))
            .collect();
        let r = held(&pool, 64 << 20).expect("linux has /proc");
        assert!(r.raw_bytes >= 64 << 20);
        assert!(r.stored_bytes < r.raw_bytes / 5, "{r:?}");
        assert!(r.rss_growth_bytes > r.stored_bytes / 2, "{r:?}");
    }
}
