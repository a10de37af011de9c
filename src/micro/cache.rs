//! Micro-benchmarks of the service's read cache ([`tta_service::cache`]), group `cache`: a hit,
//! a miss with its load from the store, an eviction and the compression of a view, each on
//! the progress view of a patient of the generated dataset ([`super::dataset`]) as the
//! service would cache it.
//!
//! The caches here never expire what they hold while measured (expiry is not what is timed),
//! and hash with fixed keys ([`ViewCache::repeatable`]): with the service's random ones, the
//! eviction's instruction count moved from process to process (moka's admission hashes keys),
//! more than a count limit allows.

use std::hint::black_box;
use std::time::Duration;

use tta_service::cache::{Stored, ViewCache};
use tta_service::operations;

use super::iterate::Iterate;
use super::store::{self, Backend, Walk};

/// Entries the cache holds for the hit benchmark: as many as the service holds of a dataset's
/// patients' views, so the lookup is into a map of that size.
const HELD: u64 = 10_000;
/// The budget of the eviction benchmark's cache, full before timing starts.
const EVICTION_BUDGET: u64 = 4 * 1024 * 1024;
const NO_EXPIRY: Duration = Duration::from_secs(24 * 3600);

fn progress_key(patient: &str) -> String {
    format!("progress:{patient}")
}

/// The progress view of `patient` as the service caches it: its JSON.
pub fn view(patient: &str) -> Vec<u8> {
    let v = operations::progress(store::store(Backend::Memory), patient)
        .unwrap_or_else(|e| panic!("{patient}'s progress view: {e}"));
    serde_json::to_vec(&v).expect("a view serializes")
}

/// A cache holding `entries` copies of one encoded view under distinct keys.
fn filled(capacity_bytes: u64, entries: u64, stored: &Stored) -> ViewCache {
    let cache = ViewCache::repeatable(capacity_bytes, NO_EXPIRY);
    for i in 1..=entries {
        cache.insert_stored(progress_key(&format!("patient-{i}")), stored.clone());
    }
    cache.run_pending_tasks();
    cache
}

/// A hit: the lookup of a held view and its decompression.
pub fn hit(b: &mut impl Iterate) {
    let stored = Stored::encode(&view("patient-1"));
    let cache = filled(u64::MAX, HELD, &stored);
    let keys: Vec<String> = (1..=HELD)
        .map(|i| progress_key(&format!("patient-{i}")))
        .collect();
    let mut walk = Walk::new(HELD);
    b.iter(|| {
        cache
            .get(&keys[walk.next() as usize - 1])
            .expect("a held view")
    });
}

/// A miss: the lookup, the view's load from the store (the in-memory copy of the dataset), its
/// encoding and insertion; the entry is then invalidated, as a write of the patient does, so
/// the next call misses too.
pub fn miss(b: &mut impl Iterate) {
    let store = store::store(Backend::Memory);
    let cache = ViewCache::repeatable(u64::MAX, NO_EXPIRY);
    let patients = store::patients();
    let mut walk = Walk::new(patients.len() as u64);
    b.iter(|| {
        let patient = &patients[walk.next() as usize - 1];
        let key = progress_key(patient);
        let raw = cache
            .get_or_load(&key, || {
                operations::progress(store, patient)
                    .map(|v| serde_json::to_vec(&v).expect("a view serializes"))
            })
            .expect("the store answers");
        cache.invalidate(&key);
        raw
    });
}

/// An eviction: one more view inserted into a full cache and moka's maintenance run, which
/// evicts to keep the budget (or refuses the newcomer, as its TinyLFU admission may).
pub fn eviction(b: &mut impl Iterate) {
    let stored = Stored::encode(&view("patient-1"));
    let per_entry = stored.bytes.len() as u64 + 24;
    let cache = filled(EVICTION_BUDGET, 2 * EVICTION_BUDGET / per_entry, &stored);
    let mut next = 0u64;
    b.iter(|| {
        next += 1;
        cache.insert_stored(format!("progress:newcomer-{next}"), stored.clone());
        cache.run_pending_tasks();
    });
}

/// The compression of a view over 1 KiB (zstd), as an insertion does it.
pub fn compression(b: &mut impl Iterate) {
    let raw = view("patient-1");
    b.iter(|| Stored::encode(black_box(&raw)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    /// The eviction benchmark's cache is full and each call evicts: checked on a cache of
    /// the same construction over a synthetic view (no dataset needed).
    #[test]
    fn the_eviction_cache_evicts_on_every_insert() {
        let raw = serde_json::to_vec(&serde_json::json!({
            "sessions": (0..60).map(|i| format!("session {i}: I breathe slowly")).collect::<Vec<_>>()
        }))
        .unwrap();
        let stored = Stored::encode(&raw);
        let per_entry = stored.bytes.len() as u64 + 24;
        let cache = filled(EVICTION_BUDGET, 2 * EVICTION_BUDGET / per_entry, &stored);
        assert!(cache.weighted_bytes() <= EVICTION_BUDGET);
        assert!(cache.weighted_bytes() > EVICTION_BUDGET * 9 / 10);
        let before = cache.counters.evictions.load(Ordering::Relaxed);
        for i in 0..100 {
            cache.insert_stored(format!("progress:newcomer-{i}"), stored.clone());
            cache.run_pending_tasks();
        }
        assert_eq!(
            cache.counters.evictions.load(Ordering::Relaxed) - before,
            100
        );
    }
}
