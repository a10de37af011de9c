//! What every request shares: the core (the live computation engine), the store (the source of
//! truth), the cache, keys, limits, faults and metrics.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use moka::sync::Cache;

use super::api_error::ApiError;
use super::auth::Keys;
use super::faults::Faults;
use super::limits::{LoginThrottle, RateLimiter};
use super::metrics::Metrics;
use super::store::{Store, StoreResult};
use tta_core::TherapeuticCore;

/// Entries the read cache holds, and how long one lives. Writes for a patient evict that
/// patient's entries at once; the TTL bounds staleness of anything else (clinician assignments).
const CACHE_ENTRIES: u64 = 10_000;
const CACHE_TTL: Duration = Duration::from_secs(60);

pub struct AppState {
    core: Mutex<TherapeuticCore>,
    pub store: Arc<dyn Store>,
    pub keys: Keys,
    pub rate_limiter: RateLimiter,
    pub login_throttle: LoginThrottle,
    pub faults: Faults,
    pub metrics: Metrics,
    pub started: Instant,
    /// Permits for requests in flight; none left means answer 503 at once.
    pub in_flight: tokio::sync::Semaphore,
    /// Patients of a clinician.
    patients: Cache<String, Arc<Vec<String>>>,
    /// Progress views of a patient.
    progress: Cache<String, Arc<serde_json::Value>>,
}

fn new_cache<V: Clone + Send + Sync + 'static>() -> Cache<String, V> {
    Cache::builder()
        .max_capacity(CACHE_ENTRIES)
        .time_to_live(CACHE_TTL)
        .build()
}

impl AppState {
    pub fn new(
        core: TherapeuticCore,
        store: Arc<dyn Store>,
        keys: Keys,
        rate_limiter: RateLimiter,
        login_throttle: LoginThrottle,
        faults: Faults,
        max_in_flight: usize,
    ) -> Self {
        Self {
            core: Mutex::new(core),
            store,
            keys,
            rate_limiter,
            login_throttle,
            faults,
            metrics: Metrics::default(),
            started: Instant::now(),
            in_flight: tokio::sync::Semaphore::new(max_in_flight),
            patients: new_cache(),
            progress: new_cache(),
        }
    }

    /// The core, locked. Core operations take microseconds; never hold this across an await.
    pub fn core(&self) -> MutexGuard<'_, TherapeuticCore> {
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn counted<V: Clone + Send + Sync + 'static>(
        &self,
        cache: &Cache<String, V>,
        key: &str,
        load: impl FnOnce() -> Result<V, ApiError>,
    ) -> Result<V, ApiError> {
        if let Some(v) = cache.get(key) {
            self.metrics.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(v);
        }
        self.metrics.cache_misses.fetch_add(1, Ordering::Relaxed);
        let v = load()?;
        cache.insert(key.to_string(), v.clone());
        Ok(v)
    }

    /// The patients assigned to `clinician` (cached).
    pub fn patients_of(&self, clinician: &str) -> Result<Arc<Vec<String>>, ApiError> {
        self.counted(&self.patients, clinician, || {
            Ok(Arc::new(self.store.patients_of(clinician)?))
        })
    }

    /// A patient's progress view (cached until the patient's next write).
    pub fn progress(
        &self,
        patient: &str,
        load: impl FnOnce() -> Result<serde_json::Value, ApiError>,
    ) -> Result<Arc<serde_json::Value>, ApiError> {
        self.counted(&self.progress, patient, || load().map(Arc::new))
    }

    /// Forgets cached views of `patient` after a write.
    pub fn invalidate(&self, patient: &str) {
        self.progress.invalidate(patient);
    }

    /// Whether the cache answers (a write and a read of a probe key).
    pub fn cache_ok(&self) -> bool {
        let key = "\u{0}health".to_string();
        self.progress
            .insert(key.clone(), Arc::new(serde_json::Value::Null));
        let ok = self.progress.get(&key).is_some();
        self.progress.invalidate(&key);
        ok
    }

    pub fn store_ok(&self) -> StoreResult<()> {
        self.store.ping()
    }
}
