//! The cache's snapshot while the service runs (`serve --cache-snapshot`): warmed from at
//! start, written every so often and at shutdown.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::{DEFAULT_TTL, ViewCache, snapshot};
use crate::state::AppState;
use crate::{Result, ServiceError};

/// Where the cache is snapshotted: warmed from at start when the file exists, written at
/// shutdown and every `every` (when set) while serving.
#[derive(Debug, Clone)]
pub struct CacheSnapshot {
    pub path: PathBuf,
    pub every: Option<Duration>,
}

/// The read cache, warmed from its snapshot when one exists. A snapshot that does
/// not read is refused (the service does not start) rather than silently ignored; a folder that
/// does not exist is refused now rather than at the first write.
pub(crate) fn open(capacity_bytes: u64, snapshot: Option<&CacheSnapshot>) -> Result<ViewCache> {
    let cache = ViewCache::new(capacity_bytes, DEFAULT_TTL);
    let Some(s) = snapshot else {
        return Ok(cache);
    };
    let invalid = |message: String| ServiceError::Invalid {
        origin: s.path.display().to_string(),
        message,
    };
    let dir = s.path.parent().filter(|p| !p.as_os_str().is_empty());
    if dir.is_some_and(|d| !d.is_dir()) {
        return Err(invalid("cache snapshot: its folder does not exist".into()));
    }
    if s.path.exists() {
        snapshot::warm(&cache, &s.path).map_err(|e| invalid(format!("cache snapshot: {e}")))?;
    }
    Ok(cache)
}

/// Writes the snapshot every `every` while the server runs; a failed write is reported on
/// stderr and retried at the next tick (the cache itself is unaffected).
pub(crate) fn timer(state: Arc<AppState>, s: &CacheSnapshot) -> Option<JoinHandle<()>> {
    let every = s.every?;
    let path = s.path.clone();
    Some(crate::periodic::every(every, move || {
        if let Err(e) = snapshot::write(&state.cache, &path) {
            tracing::error!(path = %path.display(), error = %e, "cache snapshot failed");
            eprintln!(
                "tta-bench: {}: cannot write the cache snapshot: {e}",
                path.display()
            );
        }
    }))
}

/// The snapshot written at shutdown, after the last request: an error names the file.
pub(crate) async fn write_final(state: Arc<AppState>, s: &CacheSnapshot) -> Result<()> {
    let target = s.path.clone();
    tokio::task::spawn_blocking(move || snapshot::write(&state.cache, &target))
        .await
        .map_err(|e| ServiceError::Process(format!("cache snapshot task failed: {e}")))?
        .map_err(|e| ServiceError::Invalid {
            origin: s.path.display().to_string(),
            message: format!("cannot write the cache snapshot: {e}"),
        })?;
    Ok(())
}
