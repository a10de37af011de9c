//! The reference service's arguments: `serve`, and the faults it can be started with (serve,
//! load, gate, baseline save).

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Loopback address to bind; port 0 picks a free port. The first stdout line is the URL
    /// actually bound (http://127.0.0.1:PORT).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: String,
    /// SQLite database file (created if missing, survives restarts) or :memory:.
    #[arg(long, default_value = ":memory:")]
    pub db: String,
    /// Accepted for compatibility: the bound URL is always printed first.
    #[arg(long)]
    pub print_addr: bool,
    /// Seed patient-1..N, clinician-1..C (C = max(1, N/4)) and admin.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub seed_users: u32,
    /// Password of every seeded user.
    #[arg(long, value_name = "PASSWORD", default_value = tta_service::DEFAULT_SEED_PASSWORD)]
    pub seed_password: String,
    /// Requests per user per window, as N/SECONDS, or "off" for capacity runs.
    #[arg(long, value_name = "N/SECS|off", default_value = "100/60")]
    pub rate_limit: String,
    /// Failed logins per account within SECONDS of the first before its logins get 429 (with
    /// Retry-After) until then; a success clears them. "off" turns the throttle off.
    #[arg(long, value_name = "N/SECS|off", default_value = "5/900")]
    pub login_throttle: String,
    /// The same per client address, across accounts; a success does not clear it. Every load
    /// generator on loopback is one client, so its users' logins must succeed (they do).
    #[arg(long, value_name = "N/SECS|off", default_value = "20/900")]
    pub login_throttle_client: String,
    /// Requests in flight beyond which new ones get 503 at once.
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_in_flight: usize,
    /// Per-request timeout in milliseconds (503 when exceeded).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Largest request body in KiB (413 beyond).
    #[arg(long, value_name = "KIB", default_value_t = 64)]
    pub body_limit_kib: usize,
    /// Open therapeutic sessions the core accepts.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_sessions: usize,
    /// Bytes of keys and values the read cache holds (values over 1 KiB count compressed),
    /// with a unit: B, KB, MB, GB, KiB, MiB, GiB.
    #[arg(long, value_name = "SIZE", default_value = "64MiB")]
    pub cache_size: String,
    /// Snapshot file of the cache: warmed from at start when it exists (entries keep their
    /// age, so none outlives its 60 s), written at shutdown and every --cache-snapshot-every.
    #[arg(long, value_name = "FILE", env = tta_service::env::CACHE_SNAPSHOT)]
    pub cache_snapshot: Option<PathBuf>,
    /// How often the snapshot is written while serving: 30, 90s, 2m, or "off" (at shutdown
    /// only).
    #[arg(
        long,
        value_name = "DURATION|off",
        default_value = "60s",
        requires = "cache_snapshot",
        env = tta_service::env::CACHE_SNAPSHOT_EVERY
    )]
    pub cache_snapshot_every: String,
    /// Structured log file, one JSON object per line (appended to; its folder must exist).
    /// Without it the service logs nothing.
    #[arg(long, value_name = "FILE", env = tta_service::env::LOG_FILE)]
    pub log_file: Option<PathBuf>,
    /// The least severe event logged: error, warn, info (adds one line per request) or debug.
    #[arg(
        long,
        value_name = "LEVEL",
        default_value = "info",
        env = tta_service::env::LOG_LEVEL
    )]
    pub log_level: String,
    /// Sessions not completed and untouched this long are expired (completed) by the cleanup
    /// pass; a session a crisis paused never is.
    #[arg(long, value_name = "DURATION", default_value = "30m")]
    pub session_idle_timeout: String,
    /// How often the cleanup pass runs, or "off" (then only POST /api/admin/sessions/cleanup).
    #[arg(long, value_name = "DURATION|off", default_value = "60s")]
    pub session_cleanup_every: String,
    #[command(flatten)]
    pub faults: FaultArgs,
    /// Seed of the core's randomness.
    #[arg(long, default_value_t = tta_core::CoreConfig::default().seed)]
    pub seed: u64,
}

/// Fault injection for the embedded service (serve, load, gate, baseline save).
#[derive(Debug, Clone, Args)]
pub struct FaultArgs {
    /// Added latency per route template: ROUTE=MS[,ROUTE=MS…], e.g.
    /// /api/patient/sessions/{id}/choices=20.
    #[arg(long, value_name = "ROUTE=MS,…")]
    pub inject_delay: Option<String>,
    /// CPU cost multiplier per route template: ROUTE=FACTOR[,…] (FACTOR 1-100).
    #[arg(long, value_name = "ROUTE=FACTOR,…")]
    pub inject_cpu: Option<String>,
    /// Share of requests answered 500 per route template: ROUTE=RATE[,…] (RATE 0-1).
    #[arg(long, value_name = "ROUTE=RATE,…")]
    pub inject_error: Option<String>,
    /// Stall the whole service: every EVERY (from its start) nothing is answered for PAUSE,
    /// e.g. 200ms/2s, as in a stop-the-world pause or behind a held lock.
    #[arg(long, value_name = "PAUSE/EVERY")]
    pub inject_stall: Option<String>,
}
