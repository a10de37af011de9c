//! Idle sessions expired by the service: a pass finds the sessions not completed whose last
//! write is older than the idle timeout (by the store's `updated_at`, indexed), completes them
//! in the core, writes them back in one transaction and drops their patients' cached views.
//! It runs every `--session-cleanup-every` with `--session-idle-timeout`, and on demand as an
//! admin (`POST /api/admin/sessions/cleanup`) with a timeout of the caller's. A session a
//! crisis paused is never expired: only a clinician resumes it. Each pass's duration is in
//! `/metrics` (the AI therapist performance benchmarks' "session cleanup" figure).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::task::JoinHandle;
use tta_core::session::{SessionEvent, SessionState};
use utoipa::ToSchema;

use crate::api_error::ApiError;
use crate::clock::now_ms;
use crate::state::AppState;

/// When sessions count as idle and how often the service looks for them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionCleanup {
    pub idle: Duration,
    /// `None`: no periodic pass (on demand only).
    pub every: Option<Duration>,
}

impl Default for SessionCleanup {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            every: Some(Duration::from_secs(60)),
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct CleanupPass {
    /// Sessions idle longer than the timeout and not completed, by the store.
    pub candidates: u64,
    /// Those completed by the pass (the others were crisis-paused, or already gone).
    pub expired: u64,
    /// Wall time of the whole pass.
    pub duration_ms: f64,
}

/// One pass over sessions idle for longer than `idle`.
pub fn run(state: &AppState, idle: Duration) -> Result<CleanupPass, ApiError> {
    let started = Instant::now();
    let idle_ms = i64::try_from(idle.as_millis()).unwrap_or(i64::MAX);
    let cutoff = now_ms().saturating_sub(idle_ms);
    let ids = state.store.sessions_idle_since(cutoff)?;
    let expired: Vec<_> = {
        let mut core = state.core();
        ids.iter()
            .filter_map(|id| {
                let s = core.sessions.get(*id).ok()?;
                if s.state == SessionState::CrisisPaused {
                    return None;
                }
                core.sessions
                    .apply(*id, SessionEvent::Complete)
                    .ok()
                    .cloned()
            })
            .collect()
    };
    state.store.save_sessions(&expired)?;
    for s in &expired {
        state.invalidate(&s.user);
    }
    let pass = CleanupPass {
        candidates: ids.len() as u64,
        expired: expired.len() as u64,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    state
        .metrics
        .session_cleanup(pass.expired, pass.duration_ms / 1000.0);
    if pass.expired > 0 {
        tracing::info!(
            candidates = pass.candidates,
            expired = pass.expired,
            duration_ms = pass.duration_ms,
            "idle sessions expired"
        );
    }
    Ok(pass)
}

/// The periodic pass, while the server runs; a failed pass is logged and retried at the next.
pub(crate) fn timer(state: Arc<AppState>, cleanup: SessionCleanup) -> Option<JoinHandle<()>> {
    let every = cleanup.every?;
    Some(crate::periodic::every(every, move || {
        if let Err(e) = run(&state, cleanup.idle) {
            tracing::error!(error = ?e, "session cleanup failed");
        }
    }))
}
