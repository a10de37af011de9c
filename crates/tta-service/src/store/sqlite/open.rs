//! Opening the store: a file in WAL mode or memory, an in-memory copy of a file, the schema
//! brought up to date; and the one connection, held.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

use rusqlite::Connection;

use super::schema::MIGRATIONS;
use super::{SqliteStore, corrupt, usage};
use crate::store::StoreResult;

/// Page size of a new database file. A write-ahead log appends whole pages, and a patient's
/// turn changes a handful of small rows, each on its own page: smaller pages write that much
/// less WAL for the same work (docs/studies/wal-page-size.md measured it side by side).
pub const PAGE_SIZE: i64 = 1024;

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, or an in-memory one for `:memory:`,
    /// and brings its schema up to date.
    pub fn open(path: &str) -> StoreResult<Self> {
        let conn = if path == ":memory:" {
            Connection::open_in_memory()?
        } else {
            Connection::open(Path::new(path))?
        };
        // Only a new file takes it (an existing one keeps its own); before WAL mode, which
        // fixes the page size of what it creates.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // An in-memory database answers "memory": it has no WAL to count.
        let wal_page_size = if mode.eq_ignore_ascii_case("wal") {
            let size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
            Some(size as u64)
        } else {
            None
        };
        let store = Self {
            conn: Mutex::new(conn),
            wal_page_size,
            cpu_ns: AtomicU64::new(0),
        };
        store.migrate()?;
        Ok(store)
    }

    /// An in-memory database holding a copy of the one at `path` (SQLite's backup API), brought
    /// up to date like [`Self::open`]; `path` is only read.
    pub fn open_in_memory_copy(path: &Path) -> StoreResult<Self> {
        let mut conn = Connection::open_in_memory()?;
        conn.restore(
            rusqlite::MAIN_DB,
            path,
            None::<fn(rusqlite::backup::Progress)>,
        )?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let store = Self {
            conn: Mutex::new(conn),
            wal_page_size: None,
            cpu_ns: AtomicU64::new(0),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Runs `f` in one transaction (bulk loading: a generated dataset).
    pub fn bulk(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        f(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Moves the write-ahead log into the database file and empties it.
    pub fn checkpoint(&self) -> StoreResult<()> {
        self.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The connection, its CPU counted while held.
    pub(super) fn conn(&self) -> usage::Held<'_> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back on drop), so a poisoned lock is safe to reuse.
        let guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        usage::Held::new(guard, &self.cpu_ns)
    }

    fn migrate(&self) -> StoreResult<()> {
        let mut conn = self.conn();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let version = usize::try_from(version)
            .map_err(|_| corrupt("schema", format!("version {version}")))?;
        if version > MIGRATIONS.len() {
            return Err(corrupt(
                "schema",
                format!(
                    "version {version} is newer than this tool knows ({})",
                    MIGRATIONS.len()
                ),
            ));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }
}
