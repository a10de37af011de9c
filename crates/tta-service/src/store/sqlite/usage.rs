//! What the database costs the service: the CPU its calls take and the memory SQLite holds,
//! for `/metrics` (`tta_db_cpu_seconds_total`, `tta_db_memory_bytes`,
//! `tta_db_memory_peak_bytes`), judged as the document's "CPU usage: database query" and
//! "memory usage: database connections".

use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;

/// The connection, held: the CPU this thread spends until it is released is counted.
pub(super) struct Held<'a> {
    guard: MutexGuard<'a, Connection>,
    started: Option<u64>,
    cpu_ns: &'a AtomicU64,
}

impl<'a> Held<'a> {
    pub(super) fn new(guard: MutexGuard<'a, Connection>, cpu_ns: &'a AtomicU64) -> Self {
        Self {
            guard,
            started: thread_cpu_ns(),
            cpu_ns,
        }
    }
}

impl Deref for Held<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.guard
    }
}

impl DerefMut for Held<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.guard
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if let (Some(start), Some(end)) = (self.started, thread_cpu_ns()) {
            self.cpu_ns
                .fetch_add(end.saturating_sub(start), Ordering::Relaxed);
        }
    }
}

/// CPU time of the calling thread, in nanoseconds: the store's calls run on the request's
/// thread without awaiting, so the difference across one is that call's CPU, whatever else
/// the machine runs. None where the platform has no such clock.
fn thread_cpu_ns() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes the one timespec it is given.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        (rc == 0).then(|| t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Whether the store's CPU can be counted on this platform.
pub(super) fn counts_cpu() -> bool {
    thread_cpu_ns().is_some()
}

/// Bytes SQLite holds now and at most since the process started: its page caches, schemas
/// and prepared statements (`sqlite3_memory_used`, `sqlite3_memory_highwater`). Process-wide:
/// the service has one connection, so this is that connection's memory.
pub(super) fn memory() -> (u64, u64) {
    // SAFETY: both only read SQLite's memory statistics; resetting is not asked (0).
    let (used, peak) = unsafe {
        (
            rusqlite::ffi::sqlite3_memory_used(),
            rusqlite::ffi::sqlite3_memory_highwater(0),
        )
    };
    (used.max(0) as u64, peak.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::super::{SqliteStore, test_users as users};
    use crate::store::Store;

    #[test]
    fn the_calls_cpu_and_the_engines_memory_are_counted() {
        let store = SqliteStore::open(":memory:").unwrap();
        let before = store.usage();
        for batch in 0..20 {
            store.upsert_users(&users(50, batch * 50)).unwrap();
        }
        let after = store.usage();
        if cfg!(unix) {
            assert!(after.cpu_seconds.unwrap() > before.cpu_seconds.unwrap());
        }
        // A thousand users' rows are in the engine's page cache now.
        assert!(after.memory_bytes > 200_000, "{after:?}");
        assert!(after.memory_peak_bytes >= after.memory_bytes);
    }
}
