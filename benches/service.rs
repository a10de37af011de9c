//! Throughput benchmark of the reference service (`cargo bench --bench service`).
//!
//! Starts the real `tta-bench serve` (release build) as a child on 127.0.0.1:0, so its RSS is
//! its own, then drives the mixed patient journey over loopback with async reqwest clients on
//! the same machine and records every latency in an HdrHistogram (µs, 3 significant digits):
//!
//! 1. capacity: closed loop, think time 0, `TTA_BENCH_USERS` (default 32) clients for
//!    `TTA_BENCH_SECS` (default 10) seconds;
//! 2. heavy load (AI therapist performance benchmarks: 150 req/s): an open-model schedule at 150 req/s for the same time,
//!    latency measured from each request's *intended* start (no coordinated omission);
//! 3. memory: 1,000 patients each open a session; the server's RSS is read from /proc.
//!
//! Tokens are minted with the server's secret rather than by logging in: argon2 verification is
//! deliberately slow and is not what these figures are about. Every loop is bounded in time.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hdrhistogram::Histogram;
use reqwest::Client;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tta_bench::EmbeddedServer;
// What a patient types, as the generated dataset plays it.
use tta_service::dataset::CHOICES;

const SECRET: &str = "service-bench-secret-of-at-least-32-bytes";

/// The release service as a child (the library's own spawner), with the bench's settings.
struct Server(EmbeddedServer);

impl std::ops::Deref for Server {
    type Target = EmbeddedServer;
    fn deref(&self) -> &EmbeddedServer {
        &self.0
    }
}

impl Server {
    fn start(patients: u32, db: &str) -> Self {
        let args: Vec<String> = [
            "--rate-limit",
            "off",
            "--max-in-flight",
            "4096",
            "--seed-users",
            &patients.to_string(),
            "--db",
            db,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let exe = std::path::Path::new(env!("CARGO_BIN_EXE_tta-bench"));
        Self(
            EmbeddedServer::spawn(exe, &args, &[("TTA_JWT_SECRET", SECRET)])
                .expect("server starts"),
        )
    }

    fn rss_mib(&self) -> f64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

fn token(user: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({ "sub": user, "role": "patient", "iat": now, "exp": now + 1800 });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

/// One patient's journey state.
struct Patient {
    client: Client,
    url: String,
    token: String,
    session: u64,
    step: u64,
}

impl Patient {
    async fn new(client: Client, url: &str, user: &str) -> Self {
        let token = token(user);
        let r: Value = client
            .post(format!("{url}/api/patient/sessions"))
            .bearer_auth(&token)
            .json(&json!({ "goals": ["anxiety_management"] }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Self {
            client,
            url: url.to_string(),
            token,
            session: r["id"].as_u64().expect("session id"),
            step: 0,
        }
    }

    /// The next request of the mixed journey: choice ×3, progress, emotional state, session read,
    /// and an intervention every tenth loop. Returns the HTTP status.
    async fn next(&mut self) -> u16 {
        self.step += 1;
        let base = format!("{}/api/patient/sessions/{}", self.url, self.session);
        let c = &self.client;
        let req = match self.step % 6 {
            0..=2 => c
                .post(format!("{base}/choices"))
                .json(&json!({ "text": CHOICES[(self.step % 6) as usize] })),
            3 => c
                .patch(format!("{base}/progress"))
                .json(&json!({ "note": "going well" })),
            4 => c
                .post(format!("{base}/emotional-state"))
                .json(&json!({ "mood": 7, "emotions": ["calm"] })),
            _ if self.step % 60 == 5 => c
                .post(format!("{base}/interventions"))
                .json(&json!({ "type": "breathing" })),
            _ => c.get(base),
        };
        match req.bearer_auth(&self.token).send().await {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        }
    }
}

fn report(name: &str, h: &Histogram<u64>, errors: u64, secs: f64) {
    let q = |p: f64| h.value_at_quantile(p) as f64 / 1000.0;
    println!(
        "{name}: {} requests in {secs:.1} s = {:.0} req/s, {errors} errors; latency ms p50 {:.2} p90 {:.2} p99 {:.2} p99.9 {:.2} max {:.2}",
        h.len(),
        h.len() as f64 / secs,
        q(0.5),
        q(0.9),
        q(0.99),
        q(0.999),
        h.max() as f64 / 1000.0
    );
}

/// Open model at the seed's heavy load, 150 req/s over 100 patients.
async fn heavy(client: &Client, secs: u64, db: &str) {
    let rate = 150u64;
    let server = Server::start(100, db);
    let mut patients = Vec::new();
    for i in 1..=100 {
        patients.push(Arc::new(Mutex::new(
            Patient::new(client.clone(), &server.url, &format!("patient-{i}")).await,
        )));
    }
    let hist = Arc::new(Mutex::new(
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap(),
    ));
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let start = Instant::now();
    let total = rate * secs;
    let mut tasks = Vec::new();
    for n in 0..total {
        let intended = start + Duration::from_micros(n * 1_000_000 / rate);
        tokio::time::sleep_until(intended.into()).await;
        let (p, hist, errors) = (
            patients[(n % 100) as usize].clone(),
            hist.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let status = p.lock().await.next().await;
            let latency = intended.elapsed().as_micros().max(1) as u64;
            hist.lock().await.record(latency).unwrap();
            if !(200..300).contains(&status) {
                errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    report(
        &format!("heavy ({rate} req/s open model, latency from intended start, database {db})"),
        &*hist.lock().await,
        errors.load(std::sync::atomic::Ordering::Relaxed),
        start.elapsed().as_secs_f64(),
    );
}

/// Closed loop: `users` clients, think time 0, for `secs` seconds.
async fn capacity(client: &Client, users: u32, secs: u64, db: &str) {
    let server = Server::start(users, db);
    let hist = Arc::new(Mutex::new(
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap(),
    ));
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 1..=users {
        let (client, url, hist, errors) = (
            client.clone(),
            server.url.clone(),
            hist.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut p = Patient::new(client, &url, &format!("patient-{i}")).await;
            let mut local = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
            while Instant::now() < deadline {
                let t = Instant::now();
                let status = p.next().await;
                local.record(t.elapsed().as_micros().max(1) as u64).unwrap();
                if !(200..300).contains(&status) {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            hist.lock().await.add(&local).unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "server RSS after capacity phase: {:.1} MiB",
        server.rss_mib()
    );
    report(
        &format!("capacity ({users} clients, think time 0, database {db})"),
        &*hist.lock().await,
        errors.load(std::sync::atomic::Ordering::Relaxed),
        elapsed,
    );
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo test --benches asks benchmarks to list themselves.
    }
    let users = env_or("TTA_BENCH_USERS", 32) as u32;
    let secs = env_or("TTA_BENCH_SECS", 10);
    let client = Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .unwrap();

    // 1. Capacity: closed loop, think time 0, with an in-memory and a file database.
    capacity(&client, users, secs, ":memory:").await;
    let dir = tempfile::tempdir().unwrap();
    capacity(
        &client,
        users,
        secs,
        dir.path().join("bench.db").to_str().unwrap(),
    )
    .await;

    // 2. Heavy load: open model at 150 req/s, with both databases.
    heavy(&client, secs, ":memory:").await;
    heavy(&client, secs, dir.path().join("heavy.db").to_str().unwrap()).await;

    // 3. Memory with 1,000 sessions.
    let server = Server::start(1000, ":memory:");
    let idle = server.rss_mib();
    let mut handles = Vec::new();
    for chunk in (1..=1000).collect::<Vec<u32>>().chunks(50) {
        for i in chunk {
            let (client, url) = (client.clone(), server.url.clone());
            let i = *i;
            handles.push(tokio::spawn(async move {
                Patient::new(client, &url, &format!("patient-{i}"))
                    .await
                    .session
            }));
        }
        for h in handles.drain(..) {
            h.await.unwrap();
        }
    }
    let health: Value = client
        .get(format!("{}/health", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    println!(
        "memory: server RSS {idle:.1} MiB after start with 1,000 patients seeded, {:.1} MiB with {} open sessions",
        server.rss_mib(),
        health["active_sessions"]
    );
}
