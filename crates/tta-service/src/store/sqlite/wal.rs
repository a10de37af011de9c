//! What the store wrote to its write-ahead log: the database WAL's share of the service's disk
//! writes (`tta_db_wal_bytes_total`).

use super::SqliteStore;

/// A WAL frame's header, before each page (SQLite's file format, "WAL file format").
const FRAME_HEADER: u64 = 24;

/// Bytes appended to the WAL since the store opened: frames of a page and its header each. The
/// WAL file's own 32-byte header, rewritten when a checkpoint restarts it, is not counted.
pub(super) fn bytes_written(store: &SqliteStore) -> Option<u64> {
    let page = store.wal_page_size?;
    Some(pages_written(store)? * (page + FRAME_HEADER))
}

/// Pages this connection wrote to the WAL (SQLite's `SQLITE_DBSTATUS_CACHE_WRITE`: in WAL
/// mode, frames appended; checkpoints copying them into the database are not counted).
fn pages_written(store: &SqliteStore) -> Option<u64> {
    let conn = store.conn();
    let (mut current, mut highwater) = (0, 0);
    // SAFETY: the handle is this open connection's, held by the lock for the call, and
    // sqlite3_db_status only reads its counters into the two integers given.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_CACHE_WRITE,
            &mut current,
            &mut highwater,
            0,
        )
    };
    (rc == rusqlite::ffi::SQLITE_OK).then_some(current as u64)
}

#[cfg(test)]
mod tests {
    use super::super::test_users as users;
    use super::*;
    use crate::store::Store;

    #[test]
    fn counts_what_the_wal_file_grew_by() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        let at_open = store.usage().wal_bytes.unwrap();
        let wal = dir.path().join("t.db-wal");
        let size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
        let file_at_open = size();
        for batch in 0..5 {
            store.upsert_users(&users(40, batch * 40)).unwrap();
        }
        let written = store.usage().wal_bytes.unwrap() - at_open;
        assert!(written > 0);
        // No checkpoint ran (far fewer than SQLite's 1000 pages): the file grew by exactly the
        // frames counted, each a page and its header.
        assert_eq!(size() - file_at_open, written);
        assert_eq!(written % (store.wal_page_size.unwrap() + FRAME_HEADER), 0);
        assert_eq!(
            store.wal_page_size,
            Some(super::super::open::PAGE_SIZE as u64)
        );
    }

    #[test]
    fn an_in_memory_database_has_no_wal_to_count() {
        let store = SqliteStore::open(":memory:").unwrap();
        store.upsert_users(&users(3, 0)).unwrap();
        assert_eq!(store.usage().wal_bytes, None);
    }
}
