//! The reference service: the therapeutic core behind the TTA patient and clinical APIs
//! (DESIGN.md section 5), on axum/tokio, with SQLite storage, a read cache, JWT auth, rate
//! limiting, load shedding, fault injection, `/health`, `/metrics` and `/openapi.json`.
//!
//! It binds loopback addresses only: it exists to be measured on this machine.

mod api_error;
mod auth;
pub mod cache;
mod clock;
pub mod dataset;
mod faults;
mod limits;
mod metrics;
mod middleware;
pub mod operations;
mod periodic;
mod routes;
pub mod service_log;
pub mod session_cleanup;
mod state;
pub mod store;

pub use cache::persistence::CacheSnapshot;
pub use faults::{FaultConfig, Stall};
pub use limits::RateLimit;
pub use routes::templates as route_templates;
pub use service_log::{LogConfig, LogLevel};
pub use session_cleanup::SessionCleanup;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use state::AppState;
use store::sqlite::SqliteStore;
use store::{Role, Store, UserRecord};
use tta_core::{CoreConfig, TherapeuticCore};

/// Default password of seeded users (documented in the README; these are test accounts).
pub const DEFAULT_SEED_PASSWORD: &str = "tta-bench";
/// Environment variable holding the JWT secret; without it a random one is made per start.
pub const JWT_SECRET_ENV: &str = "TTA_JWT_SECRET";

/// Why the service could not start, or stopped with an error; each names what it concerns.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A setting or stored state is unusable (`origin` names it: a database, a flag).
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    /// A configuration value is unusable.
    #[error("{0}")]
    Usage(String),
    /// The runtime or the server task failed.
    #[error("{0}")]
    Process(String),
    /// A socket operation failed.
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    /// SQLite file, or `:memory:`.
    pub db: String,
    /// Patients to seed; clinicians are max(1, N/4); one admin.
    pub seed_users: u32,
    pub seed_password: String,
    pub jwt_secret: Option<Vec<u8>>,
    pub rate_limit: Option<limits::RateLimit>,
    /// Failed logins per account before 429 (`None`: no throttle).
    pub login_throttle: Option<limits::RateLimit>,
    /// Failed logins per client address before 429 (`None`: no throttle).
    pub login_throttle_client: Option<limits::RateLimit>,
    /// Requests in flight beyond which new ones are answered 503 at once.
    pub max_in_flight: usize,
    pub request_timeout: Duration,
    pub body_limit: usize,
    /// Open sessions the core accepts.
    pub max_sessions: usize,
    pub faults: faults::FaultConfig,
    pub seed: u64,
    /// Bytes of keys and (compressed) values the read cache holds.
    pub cache_bytes: u64,
    /// Where the cache is snapshotted: warmed from at start when it exists, written at
    /// shutdown and every `every` (when set) while serving.
    pub cache_snapshot: Option<CacheSnapshot>,
    /// The structured log file and its level (none: no log).
    pub log: Option<LogConfig>,
    /// When sessions count as idle and how often they are expired.
    pub session_cleanup: SessionCleanup,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: ":memory:".into(),
            seed_users: 10,
            seed_password: DEFAULT_SEED_PASSWORD.into(),
            jwt_secret: None,
            rate_limit: Some(limits::RateLimit::default()),
            login_throttle: Some(limits::LoginThrottle::DEFAULT),
            login_throttle_client: Some(limits::LoginThrottle::DEFAULT_PER_CLIENT),
            max_in_flight: 512,
            request_timeout: Duration::from_secs(10),
            body_limit: 64 * 1024,
            max_sessions: 100_000,
            faults: faults::FaultConfig::default(),
            seed: CoreConfig::default().seed,
            cache_bytes: cache::DEFAULT_CAPACITY_BYTES,
            cache_snapshot: None,
            log: None,
            session_cleanup: SessionCleanup::default(),
        }
    }
}

/// Seeded accounts: `patient-1…N`, `clinician-1…C` (C = max(1, N/4)), `admin`; patient i is
/// assigned to clinician ((i − 1) mod C) + 1. All share one password hash, computed once, so
/// seeding a thousand users does not take a thousand argon2 runs.
pub fn seed_accounts(patients: u32, password_hash: &str) -> Vec<UserRecord> {
    let clinicians = (patients / 4).max(1);
    let user = |username: String, role, clinician| UserRecord {
        username,
        role,
        password_hash: password_hash.to_string(),
        clinician,
    };
    let mut out: Vec<UserRecord> = (1..=clinicians)
        .map(|c| user(format!("clinician-{c}"), Role::Clinician, None))
        .collect();
    out.extend((1..=patients).map(|i| {
        let c = (i - 1) % clinicians + 1;
        user(
            format!("patient-{i}"),
            Role::Patient,
            Some(format!("clinician-{c}")),
        )
    }));
    out.push(user("admin".into(), Role::Admin, None));
    out
}

/// Rebuilds the core from what the store holds.
fn restore_core(config: &ServerConfig, store: &dyn Store) -> Result<TherapeuticCore> {
    let snapshot = store.snapshot().map_err(|e| ServiceError::Invalid {
        origin: config.db.clone(),
        message: e.to_string(),
    })?;
    let mut core = TherapeuticCore::new(CoreConfig {
        seed: config.seed,
        max_sessions: config.max_sessions,
    });
    for s in snapshot.sessions {
        core.sessions.restore(s);
    }
    for c in snapshot.characters {
        core.characters.restore(c);
    }
    for (patient, level) in snapshot.difficulty {
        core.difficulty.set_level(&patient, level);
    }
    for (patient, n) in snapshot.crisis_episodes {
        core.safety.set_prior_episodes(&patient, n);
    }
    for (patient, history) in snapshot.choice_history {
        core.consequences.set_history(&patient, &history);
    }
    Ok(core)
}

/// A server running on this process's tokio runtime.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    shutdown: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    snapshot: Option<CacheSnapshot>,
    snapshot_timer: Option<tokio::task::JoinHandle<()>>,
    cleanup_timer: Option<tokio::task::JoinHandle<()>>,
    /// Held to the end, so the log's last lines (the shutdown's) reach the file.
    _log: Option<service_log::ServiceLog>,
}

impl RunningServer {
    /// Stops accepting, lets in-flight requests finish, writes the cache snapshot (with
    /// `--cache-snapshot`), then returns.
    pub async fn stop(self) -> Result<()> {
        let _ = self.shutdown.send(());
        for timer in [self.snapshot_timer, self.cleanup_timer]
            .into_iter()
            .flatten()
        {
            timer.abort();
        }
        self.task
            .await
            .map_err(|e| ServiceError::Process(format!("server task failed: {e}")))?
            .map_err(|e| ServiceError::Process(format!("server failed: {e}")))?;
        if let Some(s) = self.snapshot {
            cache::persistence::write_final(self.state.clone(), &s).await?;
        }
        tracing::info!("service stopped");
        Ok(())
    }
}

/// Opens the store, seeds users, restores the core, binds and starts serving.
pub async fn start(config: ServerConfig) -> Result<RunningServer> {
    if !config.addr.ip().is_loopback() {
        return Err(ServiceError::Usage(format!(
            "--addr {}: the reference service binds loopback addresses only (127.0.0.0/8, [::1])",
            config.addr
        )));
    }
    let log = config.log.as_ref().map(service_log::install).transpose()?;
    let store = SqliteStore::open(&config.db).map_err(|e| ServiceError::Invalid {
        origin: config.db.clone(),
        message: e.to_string(),
    })?;
    let hash = auth::hash_password(&config.seed_password);
    store
        .upsert_users(&seed_accounts(config.seed_users, &hash))
        .map_err(|e| ServiceError::Invalid {
            origin: config.db.clone(),
            message: e.to_string(),
        })?;
    let core = restore_core(&config, &store)?;
    let secret = config.jwt_secret.clone().unwrap_or_else(|| {
        let mut s = vec![0u8; 32];
        rand::rng().fill_bytes(&mut s);
        s
    });
    let cache = cache::persistence::open(config.cache_bytes, config.cache_snapshot.as_ref())?;
    let state = Arc::new(AppState::new(
        &config,
        core,
        Arc::new(store),
        auth::Keys::new(&secret),
        cache,
        log.as_ref().map(|l| l.bytes.clone()),
    ));
    let app = routes::router(state.clone(), &config);
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| ServiceError::Usage(format!("--addr {}: cannot bind: {e}", config.addr)))?;
    let addr = listener.local_addr().map_err(|e| ServiceError::Io {
        what: "listener".into(),
        source: e,
    })?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await
    });
    let snapshot_timer = config
        .cache_snapshot
        .as_ref()
        .and_then(|s| cache::persistence::timer(state.clone(), s));
    let cleanup_timer = session_cleanup::timer(state.clone(), config.session_cleanup);
    tracing::info!(
        %addr,
        db = config.db,
        cache_bytes = config.cache_bytes,
        "service started"
    );
    Ok(RunningServer {
        addr,
        state,
        shutdown: tx,
        task,
        snapshot: config.cache_snapshot,
        snapshot_timer,
        cleanup_timer,
        _log: log,
    })
}

/// Environment variables `serve` reads its disk settings from when their flags are not given.
/// A parent starting an older build (`gate --against`) sets these rather than flags that build
/// may not know: it runs without them instead of refusing to start.
pub mod env {
    pub const CACHE_SNAPSHOT: &str = "TTA_SERVE_CACHE_SNAPSHOT";
    pub const CACHE_SNAPSHOT_EVERY: &str = "TTA_SERVE_CACHE_SNAPSHOT_EVERY";
    pub const LOG_FILE: &str = "TTA_SERVE_LOG_FILE";
    pub const LOG_LEVEL: &str = "TTA_SERVE_LOG_LEVEL";
}

/// Set (to anything) by a parent that starts `serve` as its child with a pipe for stdin: the
/// service then also stops when that pipe closes, which happens when the parent exits however
/// it exits (killed, crashed), so no service outlives the gate that started it. An environment
/// variable rather than a flag, because the parent may start an older build that has no such
/// flag (`gate --against`) and would refuse it; an older build just ignores the variable.
pub const EXIT_WITH_STDIN_ENV: &str = "TTA_BENCH_EXIT_WITH_STDIN";

/// `tta-bench serve`: runs until SIGINT or SIGTERM (or, with [`EXIT_WITH_STDIN_ENV`] set, until
/// stdin closes), printing the bound address first.
pub fn serve_blocking(config: ServerConfig, on_bound: impl FnOnce(SocketAddr)) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServiceError::Process(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let server = start(config).await?;
        on_bound(server.addr);
        shutdown_signal().await;
        eprintln!("tta-bench: shutting down; letting requests in flight finish");
        server.stop().await
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    let (closed_tx, closed_rx) = oneshot::channel::<()>();
    if std::env::var_os(EXIT_WITH_STDIN_ENV).is_some() {
        // A plain thread: a blocked read would hold up the runtime's shutdown.
        std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            while matches!(std::io::Read::read(&mut std::io::stdin(), &mut buf), Ok(n) if n > 0) {}
            let _ = closed_tx.send(());
        });
    } else {
        drop(closed_tx); // the branch below is then disabled
    }
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
        Ok(()) = closed_rx => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_assigns_patients_round_robin() {
        let users = seed_accounts(9, "h");
        let clinicians: Vec<_> = users.iter().filter(|u| u.role == Role::Clinician).collect();
        assert_eq!(clinicians.len(), 2);
        let p5 = users.iter().find(|u| u.username == "patient-5").unwrap();
        assert_eq!(p5.clinician.as_deref(), Some("clinician-1"));
        let p6 = users.iter().find(|u| u.username == "patient-6").unwrap();
        assert_eq!(p6.clinician.as_deref(), Some("clinician-2"));
        assert_eq!(users.last().unwrap().username, "admin");
        assert_eq!(
            seed_accounts(1, "h")
                .iter()
                .filter(|u| u.role == Role::Clinician)
                .count(),
            1
        );
    }
}
