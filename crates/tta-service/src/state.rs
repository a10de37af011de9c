//! What every request shares: the core (the live computation engine), the store (the source of
//! truth), the cache, keys, limits, faults and metrics.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::Value;

use super::ServerConfig;
use super::api_error::ApiError;
use super::auth::Keys;
use super::cache::ViewCache;
use super::faults::Faults;
use super::limits::{LoginThrottle, RateLimiter};
use super::metrics::Metrics;
use super::store::{Store, StoreResult};
use tta_core::TherapeuticCore;

/// Cache keys: a clinician's patients, a patient's progress view.
fn patients_key(clinician: &str) -> String {
    format!("patients:{clinician}")
}

fn progress_key(patient: &str) -> String {
    format!("progress:{patient}")
}

fn row_key(patient: &str) -> String {
    format!("dashboard-row:{patient}")
}

/// A view as the cache holds it: its JSON.
fn view_json(v: &impl serde::Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| ApiError::internal(format!("cannot serialize a view: {e}")))
}

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
    /// Clinicians' patients and patients' progress views, as JSON.
    pub cache: ViewCache,
}

impl AppState {
    /// The state of a service of `config` over `core`, `store` and `cache`, signing with `keys`;
    /// `log_bytes` counts what its log file was written (none: no log).
    pub fn new(
        config: &ServerConfig,
        core: TherapeuticCore,
        store: Arc<dyn Store>,
        keys: Keys,
        cache: ViewCache,
        log_bytes: Option<Arc<std::sync::atomic::AtomicU64>>,
    ) -> Self {
        Self {
            core: Mutex::new(core),
            store,
            keys,
            rate_limiter: RateLimiter::new(config.rate_limit),
            login_throttle: LoginThrottle::new(config.login_throttle, config.login_throttle_client),
            faults: Faults::new(config.faults.clone()),
            metrics: Metrics::new(
                cache.counters.clone(),
                log_bytes,
                config.cache_snapshot.is_some(),
            ),
            started: Instant::now(),
            in_flight: tokio::sync::Semaphore::new(config.max_in_flight),
            cache,
        }
    }

    /// The core, locked. Core operations take microseconds; never hold this across an await.
    pub fn core(&self) -> MutexGuard<'_, TherapeuticCore> {
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The JSON under `key`, or `load`'s, which is then cached.
    fn cached<T: serde::Serialize + serde::de::DeserializeOwned>(
        &self,
        key: &str,
        load: impl FnOnce() -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        if let Some(raw) = self.cache.get(key) {
            match serde_json::from_slice(&raw) {
                Ok(v) => return Ok(v),
                // A cached value is JSON this service wrote; one that does not parse as `T` (a
                // snapshot of an older build) is dropped and loaded afresh.
                Err(_) => self.cache.invalidate(key),
            }
        }
        let v = load()?;
        self.cache.insert(key, &view_json(&v)?);
        Ok(v)
    }

    /// The patients assigned to `clinician` (cached).
    pub fn patients_of(&self, clinician: &str) -> Result<Vec<String>, ApiError> {
        self.cached(&patients_key(clinician), || {
            Ok(self.store.patients_of(clinician)?)
        })
    }

    /// A patient's progress view as JSON, as cached: served as it is (cached until the
    /// patient's next write).
    pub fn progress_json(
        &self,
        patient: &str,
        load: impl FnOnce() -> Result<Value, ApiError>,
    ) -> Result<Vec<u8>, ApiError> {
        self.cache
            .get_or_load(&progress_key(patient), || view_json(&load()?))
    }

    /// A patient's dashboard row (cached until the patient's next write): a few fields, so a
    /// dashboard does not parse every patient's whole view.
    pub fn dashboard_row(
        &self,
        patient: &str,
        load: impl FnOnce() -> Result<Value, ApiError>,
    ) -> Result<Value, ApiError> {
        self.cached(&row_key(patient), load)
    }

    /// Forgets cached views of `patient` after a write.
    pub fn invalidate(&self, patient: &str) {
        self.cache.invalidate(&progress_key(patient));
        self.cache.invalidate(&row_key(patient));
    }

    /// Whether the cache answers (a write and a read of a probe key).
    pub fn cache_ok(&self) -> bool {
        let key = "\u{0}health";
        self.cache.insert(key, b"null");
        let ok = self.cache.contains(key);
        self.cache.invalidate(key);
        ok
    }

    pub fn store_ok(&self) -> StoreResult<()> {
        self.store.ping()
    }
}
