//! Micro-benchmarks of the service's database operations on the store itself, without HTTP
//! ([`tta_service::operations`]), over the generated dataset ([`super::dataset`]): group
//! `store_wal` on a file in WAL mode (what a deployment uses), `store_memory` on an in-memory
//! copy, and `store/argon2_verify`, the password verification alone, to show its share of an
//! authentication.
//!
//! Each process works on copies: the WAL benchmarks on a copy of the dataset file in the
//! process's [`Scratch`] folder, the memory ones on an in-memory copy, so insertions never
//! change the cached dataset. Copies are made once per process (Criterion calls a benchmark's
//! function once per sample) and outside any measurement.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use serde_json::json;
use tta_service::DEFAULT_SEED_PASSWORD;
use tta_service::dataset::DatasetSize;
use tta_service::operations;
use tta_service::store::sqlite::SqliteStore;
use tta_service::store::{NewEvent, Store, TurnWrite};

use super::dataset;
use super::iterate::Iterate;
use crate::error::{Error, Result};

/// Which database the operations run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A file in WAL mode with `synchronous = NORMAL`, as the service opens it.
    Wal,
    /// An in-memory database.
    Memory,
}

static SCRATCH: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The folder this process copies the dataset into, removed when dropped. Whoever runs store
/// benchmarks (the micro worker, `cargo bench`) holds one for as long as they run; children
/// forked for counting use their parent's and leave without cleaning up.
pub struct Scratch {
    /// Removed with its contents when the guard drops.
    _dir: tempfile::TempDir,
}

impl Scratch {
    pub fn create() -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("tta-bench-store-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        *SCRATCH.lock().unwrap_or_else(|p| p.into_inner()) = Some(dir.path().to_path_buf());
        Ok(Self { _dir: dir })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        *SCRATCH.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Makes the in-memory copy now, in a process about to fork one child per operation for
/// counting: the children inherit it (copy-on-write) instead of each copying the dataset
/// under Callgrind, which was most of the counting's time. A file connection is never carried across a
/// fork (SQLite's locks would be shared), so the WAL copy is still made in each child.
/// `store/argon2_verify` reads its hash from the in-memory copy too.
pub fn prepare_before_fork() {
    store(Backend::Memory);
}

/// The store of `backend`, over this process's copy of the dataset. A failure here is a
/// broken set-up (the parent generated the dataset and holds the scratch folder), so it panics
/// with the reason, which the worker's caller reports.
pub(super) fn store(backend: Backend) -> &'static SqliteStore {
    static WAL: OnceLock<SqliteStore> = OnceLock::new();
    static MEMORY: OnceLock<SqliteStore> = OnceLock::new();
    let source = || dataset::ensure().unwrap_or_else(|e| panic!("store dataset: {e}"));
    match backend {
        Backend::Wal => WAL.get_or_init(|| {
            let scratch = SCRATCH
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
                .expect("store benchmarks run with a scratch folder (micro::store::Scratch)");
            let copy = scratch.join(format!("wal-{}.db", std::process::id()));
            let source = source();
            std::fs::copy(&source, &copy)
                .unwrap_or_else(|e| panic!("copying {}: {e}", source.display()));
            SqliteStore::open(&copy.to_string_lossy())
                .unwrap_or_else(|e| panic!("{}: {e}", copy.display()))
        }),
        Backend::Memory => MEMORY.get_or_init(|| {
            let source = source();
            SqliteStore::open_in_memory_copy(&source)
                .unwrap_or_else(|e| panic!("{}: {e}", source.display()))
        }),
    }
}

fn size() -> DatasetSize {
    dataset::size().unwrap_or_else(|e| panic!("{e}"))
}

/// Walks 1..=n in a fixed order that jumps around the table (a stride prime to n), so
/// consecutive calls do not read neighbouring rows.
pub(super) struct Walk {
    n: u64,
    k: u64,
    stride: u64,
}

impl Walk {
    pub(super) fn new(n: u64) -> Self {
        let stride = [7919, 104_729, 1_299_709]
            .into_iter()
            .find(|p| !n.is_multiple_of(*p))
            .unwrap_or(1);
        Self { n, k: 0, stride }
    }

    pub(super) fn next(&mut self) -> u64 {
        self.k += 1;
        (self.k * self.stride) % self.n + 1
    }
}

pub(super) fn patients() -> Vec<String> {
    (1..=size().patients)
        .map(|i| format!("patient-{i}"))
        .collect()
}

/// User authentication: the account's lookup and argon2 verification of its password.
pub fn authenticate(b: &mut impl Iterate, backend: Backend) {
    let store = store(backend);
    let names = patients();
    let mut walk = Walk::new(names.len() as u64);
    b.iter(|| {
        let name = &names[walk.next() as usize - 1];
        operations::authenticate(store, name, DEFAULT_SEED_PASSWORD)
            .expect("the store answers")
            .expect("a seeded account and its password")
    });
}

/// The lookup half of an authentication.
pub fn user_lookup(b: &mut impl Iterate, backend: Backend) {
    let store = store(backend);
    let names = patients();
    let mut walk = Walk::new(names.len() as u64);
    b.iter(|| {
        let name = &names[walk.next() as usize - 1];
        operations::lookup_user(store, name)
            .expect("the store answers")
            .expect("a seeded account")
    });
}

/// The verification half: argon2id at the service's parameters, the same for every backend.
pub fn argon2_verify(b: &mut impl Iterate) {
    let hash = store(Backend::Memory)
        .user("patient-1")
        .expect("the store answers")
        .expect("a seeded account")
        .password_hash;
    b.iter(|| operations::verify(black_box(DEFAULT_SEED_PASSWORD), &hash));
}

pub fn session_retrieval(b: &mut impl Iterate, backend: Backend) {
    let store = store(backend);
    let mut walk = Walk::new(size().sessions());
    b.iter(|| {
        operations::retrieve_session(store, walk.next())
            .expect("the store answers")
            .expect("a generated session")
    });
}

/// Data insertion: a patient turn as the choices route writes it (session, character,
/// difficulty, event), each call one committed transaction.
pub fn data_insertion(b: &mut impl Iterate, backend: Backend) {
    let store = store(backend);
    // A thousand of the patients' open sessions with their characters, read before timing.
    let size = size();
    let per = u64::from(size.sessions_per_patient);
    let mut walk = Walk::new(u64::from(size.patients));
    let turns: Vec<_> = (0..1000.min(size.patients))
        .map(|_| {
            let id = walk.next() * per;
            let session = store
                .session(id)
                .expect("the store answers")
                .expect("a generated session");
            let character = store.character(&session.user).expect("the store answers");
            (session, character)
        })
        .collect();
    let mut i = 0;
    b.iter(|| {
        i = (i + 1) % turns.len();
        let (session, character) = &turns[i];
        operations::insert_turn(
            store,
            TurnWrite {
                session,
                character: character.as_ref(),
                difficulty_level: 3,
                event: NewEvent {
                    session_id: session.id,
                    patient: session.user.clone(),
                    kind: "choice",
                    data: json!({
                        "choice_type": "mindful",
                        "therapeutic_value": 0.8,
                        "crisis_level": "NONE",
                        "text_bytes": 34,
                    }),
                },
                alert: None,
            },
        )
        .expect("the store writes")
    });
}

/// The complex query: a clinician's dashboard aggregate, every view read from the store.
pub fn complex_query(b: &mut impl Iterate, backend: Backend) {
    let store = store(backend);
    let clinicians: Vec<String> = (1..=(size().patients / 4).max(1))
        .map(|c| format!("clinician-{c}"))
        .collect();
    let mut walk = Walk::new(clinicians.len() as u64);
    b.iter(|| {
        operations::dashboard_uncached(store, &clinicians[walk.next() as usize - 1])
            .expect("the store answers")
    });
}

#[cfg(test)]
mod tests {
    use super::Walk;

    #[test]
    fn the_walk_visits_every_row_once_per_round() {
        for n in [1u64, 2, 7, 7919, 10_000, 100_000] {
            let mut w = Walk::new(n);
            let mut seen: Vec<u64> = (0..n).map(|_| w.next()).collect();
            seen.sort_unstable();
            assert_eq!(seen, (1..=n).collect::<Vec<_>>(), "n = {n}");
        }
    }
}
