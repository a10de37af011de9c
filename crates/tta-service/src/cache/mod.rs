//! The service's read cache: serialized views under string keys, held within a byte budget,
//! values over 1 KiB compressed with zstd ([`codec`]), each expiring a fixed time after it was
//! loaded from the store, and written to and warmed from a snapshot file ([`snapshot`]).
//!
//! On moka: its TinyLFU policy admits and evicts by the weight of each entry, which here is the
//! key's and the stored value's bytes; moka's own bookkeeping per entry comes on top (it shows
//! in the process's memory, not in [`ViewCache::weighted_bytes`]).

pub mod codec;
pub mod persistence;
pub mod snapshot;

use std::collections::hash_map::{DefaultHasher, RandomState};
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::notification::RemovalCause;
use moka::sync::Cache;

pub use codec::{COMPRESS_OVER, Codec, DecodeError, Stored};

/// The budget of [`ViewCache`] unless a setting gives another: a few thousand patients' views.
pub const DEFAULT_CAPACITY_BYTES: u64 = 64 * 1024 * 1024;
/// How long a view lives after it was loaded. Writes for a patient evict that patient's views at
/// once; this bounds the staleness of anything else (clinician assignments).
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// Counters of what the cache did, shared with its eviction listener.
#[derive(Debug, Default)]
pub struct CacheCounters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    /// Entries removed to keep within the byte budget (not expiries, not invalidations).
    pub evictions: AtomicU64,
    /// Snapshots written to disk, and their bytes.
    pub snapshots: AtomicU64,
    pub snapshot_bytes: AtomicU64,
}

/// Expires each entry [`ViewCache::ttl`] after its value was loaded, also when the entry was
/// warmed from a snapshot (it keeps its load time, so a restart does not make it younger).
struct SinceLoaded {
    ttl: Duration,
}

impl SinceLoaded {
    fn remaining(&self, value: &Stored) -> Option<Duration> {
        let age = codec::now_unix_ms().saturating_sub(value.loaded_unix_ms);
        Some(self.ttl.saturating_sub(Duration::from_millis(age)))
    }
}

impl Expiry<String, Arc<Stored>> for SinceLoaded {
    fn expire_after_create(
        &self,
        _key: &String,
        value: &Arc<Stored>,
        _created_at: Instant,
    ) -> Option<Duration> {
        self.remaining(value)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        value: &Arc<Stored>,
        _updated_at: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        self.remaining(value)
    }
}

/// How keys are hashed: with random keys per process (the service: no one can aim keys at a
/// bucket), or with fixed ones, so a benchmark's admissions and evictions (moka's frequency
/// sketch hashes keys) repeat from process to process. Both are SipHash-1-3, at the same cost.
#[derive(Debug, Clone)]
pub enum Hashing {
    Random(RandomState),
    Fixed,
}

impl BuildHasher for Hashing {
    type Hasher = DefaultHasher;

    fn build_hasher(&self) -> DefaultHasher {
        match self {
            Self::Random(s) => s.build_hasher(),
            Self::Fixed => DefaultHasher::new(),
        }
    }
}

/// The weight moka budgets an entry by: its key and its stored bytes.
fn weight(key: &str, value: &Stored) -> u32 {
    u32::try_from(key.len() + value.bytes.len()).unwrap_or(u32::MAX)
}

pub struct ViewCache {
    inner: Cache<String, Arc<Stored>, Hashing>,
    ttl: Duration,
    pub counters: Arc<CacheCounters>,
}

impl ViewCache {
    pub fn new(capacity_bytes: u64, ttl: Duration) -> Self {
        Self::with_hashing(capacity_bytes, ttl, Hashing::Random(RandomState::new()))
    }

    /// A cache whose behaviour repeats from process to process ([`Hashing::Fixed`]): for
    /// benchmarks and studies.
    pub fn repeatable(capacity_bytes: u64, ttl: Duration) -> Self {
        Self::with_hashing(capacity_bytes, ttl, Hashing::Fixed)
    }

    fn with_hashing(capacity_bytes: u64, ttl: Duration, hashing: Hashing) -> Self {
        let counters = Arc::new(CacheCounters::default());
        let evictions = counters.clone();
        let inner = Cache::builder()
            .max_capacity(capacity_bytes)
            .weigher(|k: &String, v: &Arc<Stored>| weight(k, v))
            .expire_after(SinceLoaded { ttl })
            .eviction_listener(move |_k, _v, cause| {
                if cause == RemovalCause::Size {
                    evictions.evictions.fetch_add(1, Ordering::Relaxed);
                }
            })
            .build_with_hasher(hashing);
        Self {
            inner,
            ttl,
            counters,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The value under `key`, decompressed; counted as a hit or a miss. A value that does not
    /// decode (it cannot, short of memory corruption) is dropped and counted as a miss.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.counted(self.inner.get(key).and_then(|s| s.decode().ok()))
    }

    /// The value under `key` as stored (compressed or not), counted as a hit or a miss: a
    /// lookup without the decompression, for measuring the policy alone.
    pub fn get_stored(&self, key: &str) -> Option<Arc<Stored>> {
        self.counted(self.inner.get(key))
    }

    /// `found` counted as a hit, or its absence as a miss.
    fn counted<T>(&self, found: Option<T>) -> Option<T> {
        let counter = if found.is_some() {
            &self.counters.hits
        } else {
            &self.counters.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Stores `raw` under `key`, compressed if it is over [`COMPRESS_OVER`] bytes.
    pub fn insert(&self, key: &str, raw: &[u8]) {
        self.insert_stored(key.to_string(), Stored::encode(raw));
    }

    /// Stores an already encoded value (from a snapshot, or encoded by the caller).
    pub fn insert_stored(&self, key: String, stored: Stored) {
        self.inner.insert(key, Arc::new(stored));
    }

    /// The value under `key`, or `load`'s, which is then cached. `load`'s error is returned
    /// and nothing is cached.
    pub fn get_or_load<E>(
        &self,
        key: &str,
        load: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        if let Some(raw) = self.get(key) {
            return Ok(raw);
        }
        let raw = load()?;
        self.insert(key, &raw);
        Ok(raw)
    }

    /// Whether `key` is held, without counting a lookup.
    pub fn contains(&self, key: &str) -> bool {
        self.inner.contains_key(key)
    }

    pub fn invalidate(&self, key: &str) {
        self.inner.invalidate(key);
    }

    /// Runs moka's pending maintenance now: admissions, evictions to the budget, expiries.
    /// moka also runs it by itself within inserts and reads once enough are pending.
    pub fn run_pending_tasks(&self) {
        self.inner.run_pending_tasks();
    }

    /// Bytes of keys and stored values held (as of the last maintenance).
    pub fn weighted_bytes(&self) -> u64 {
        self.inner.weighted_size()
    }

    /// Every live entry, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (Arc<String>, Arc<Stored>)> + '_ {
        self.inner.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_misses_and_loads_are_counted() {
        let cache = ViewCache::new(1 << 20, DEFAULT_TTL);
        assert_eq!(cache.get("a"), None);
        let loaded: Result<_, ()> = cache.get_or_load("a", || Ok(b"view".to_vec()));
        assert_eq!(loaded.unwrap(), b"view");
        assert_eq!(cache.get("a").as_deref(), Some(&b"view"[..]));
        let failed: Result<Vec<u8>, &str> = cache.get_or_load("b", || Err("store down"));
        assert_eq!(failed.unwrap_err(), "store down");
        assert_eq!(cache.get("b"), None, "a failed load caches nothing");
        let c = &cache.counters;
        assert_eq!(c.hits.load(Ordering::Relaxed), 1);
        assert_eq!(c.misses.load(Ordering::Relaxed), 4);
        cache.invalidate("a");
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn the_byte_budget_holds_and_evictions_are_counted() {
        let budget = 64 * 1024;
        let cache = ViewCache::new(budget, DEFAULT_TTL);
        let value = vec![b'v'; 1000]; // under the compression limit: weighs its length
        for i in 0..500 {
            cache.insert(&format!("k{i:03}"), &value);
            cache.run_pending_tasks();
        }
        assert!(
            cache.weighted_bytes() <= budget,
            "{}",
            cache.weighted_bytes()
        );
        assert!(
            cache.weighted_bytes() > budget / 2,
            "{}",
            cache.weighted_bytes()
        );
        assert!(cache.counters.evictions.load(Ordering::Relaxed) > 0);
    }

    #[test]
    fn large_values_are_held_compressed() {
        let cache = ViewCache::new(1 << 20, DEFAULT_TTL);
        let view = serde_json::to_vec(&serde_json::json!({
            "sessions": vec!["I breathe slowly and talk to my friend"; 200]
        }))
        .unwrap();
        cache.insert("p", &view);
        cache.run_pending_tasks();
        assert!(cache.weighted_bytes() < view.len() as u64 / 5);
        assert_eq!(cache.get("p").unwrap(), view);
    }

    #[test]
    fn an_entry_expires_by_the_age_of_its_value() {
        let cache = ViewCache::new(1 << 20, Duration::from_secs(60));
        let old = Stored::encode_at(b"old", codec::now_unix_ms() - 61_000);
        cache.insert_stored("old".into(), old);
        let young = Stored::encode_at(b"young", codec::now_unix_ms() - 1_000);
        cache.insert_stored("young".into(), young);
        assert_eq!(cache.get("old"), None);
        assert_eq!(cache.get("young").as_deref(), Some(&b"young"[..]));
    }
}
