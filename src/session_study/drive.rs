//! Running the sessions study against a service on loopback (checked by the caller): logins,
//! creations on a fixed schedule level by level, cleanup passes, all recorded in the run's
//! recorder under their routes, so the run's tables and SLAs hold them as any load's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex;
use tta_stats::{Recorder, RequestOutcome};

use super::{CleanupResult, LevelResult, SessionPlan, SessionStudy};
use crate::error::{Error, Result};

const LOGIN: &str = "POST /api/v1/auth/login";
const CREATE: &str = "POST /api/patient/sessions";
const CLEANUP: &str = "POST /api/admin/sessions/cleanup";
/// A cleanup pass that expires nothing the study opened: it only looks.
const NOTHING_IDLE_S: u64 = 86_400;

struct Client {
    http: reqwest::Client,
    url: String,
    recorder: Arc<Recorder>,
}

impl Client {
    /// POST `path` with `body` as `token`; the answer's JSON when its status is `expected`.
    /// Timed from `intended` (its scheduled start), recorded under `route` and `step`.
    async fn post(
        &self,
        (route, step): (&str, &str),
        path: &str,
        token: Option<&str>,
        body: &Value,
        expected: u16,
        intended: Instant,
    ) -> Option<Value> {
        let mut req = self.http.post(format!("{}{path}", self.url)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let answer = req.send().await;
        let (outcome, json) = match answer {
            Ok(r) if r.status().as_u16() == expected => {
                let json = r.json::<Value>().await.ok();
                (RequestOutcome::Ok, json)
            }
            Ok(r) => (
                RequestOutcome::Status {
                    got: r.status().as_u16(),
                    expected,
                },
                None,
            ),
            Err(e) => (RequestOutcome::Transport(e.to_string()), None),
        };
        self.recorder
            .record(route, step, intended.elapsed(), &outcome);
        json
    }

    async fn login(&self, user: &str) -> Option<String> {
        let body = json!({ "username": user, "password": tta_service::DEFAULT_SEED_PASSWORD });
        let answer = self
            .post(
                (LOGIN, "sessions/login"),
                "/api/v1/auth/login",
                None,
                &body,
                200,
                Instant::now(),
            )
            .await?;
        answer["token"].as_str().map(str::to_string)
    }

    async fn cleanup(&self, admin: Option<&str>, idle_s: u64) -> Option<CleanupResult> {
        let body = json!({ "idle_s": idle_s });
        let path = "/api/admin/sessions/cleanup";
        let a = self
            .post(
                (CLEANUP, "sessions/cleanup"),
                path,
                admin,
                &body,
                200,
                Instant::now(),
            )
            .await?;
        Some(CleanupResult {
            candidates: a["candidates"].as_u64()?,
            expired: a["expired"].as_u64()?,
            duration_ms: a["duration_ms"].as_f64()?,
        })
    }

    async fn active_sessions(&self) -> Option<u64> {
        let text = self
            .http
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        crate::run::exposition::value(&text, "tta_active_sessions").map(|v| v as u64)
    }
}

/// Runs `plan` against `url` with `users` patients (patient-1…): every creation and pass is
/// recorded in `recorder`. Stops early, with what it has, at `deadline` or a stop signal.
pub async fn drive(
    url: &str,
    plan: &SessionPlan,
    users: usize,
    recorder: Arc<Recorder>,
    deadline: Instant,
) -> Result<SessionStudy> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Process(format!("http client: {e}")))?;
    let client = Arc::new(Client {
        http,
        url: url.to_string(),
        recorder,
    });
    let mut tokens = Vec::new();
    for i in 1..=users.max(1) {
        if let Some(t) = client.login(&format!("patient-{i}")).await {
            tokens.push(t);
        }
    }
    if tokens.is_empty() {
        return Err(Error::Process(format!(
            "{url}: no patient could log in (patient-1…{users}, the seeded password)"
        )));
    }
    let tokens = Arc::new(tokens);
    let admin = client.login("admin").await;
    let mut open = client.active_sessions().await.unwrap_or(0);
    // (sessions open when sent, latency ms) of every creation, for the slope.
    let points = Arc::new(Mutex::new(Vec::new()));
    let mut levels = Vec::new();
    let mut sent = 0usize;
    for &level in &plan.levels {
        let to_create = level.saturating_sub(open);
        let start = Instant::now();
        let mut tasks = Vec::new();
        let mut level_points = Vec::new();
        for i in 0..to_create {
            let intended = start + Duration::from_secs_f64(i as f64 / plan.rate_per_s);
            if intended >= deadline || crate::interrupt::received().is_some() {
                break;
            }
            tokio::time::sleep_until(intended.into()).await;
            let (client, tokens, points) = (client.clone(), tokens.clone(), points.clone());
            let open_then = open + i;
            let token = tokens[sent % tokens.len()].clone();
            sent += 1;
            tasks.push(tokio::spawn(async move {
                let created = client
                    .post(
                        (CREATE, "sessions/create_session"),
                        "/api/patient/sessions",
                        Some(&token),
                        &json!({}),
                        201,
                        intended,
                    )
                    .await
                    .is_some();
                let ms = intended.elapsed().as_secs_f64() * 1000.0;
                points.lock().await.push((open_then as f64 / 1000.0, ms));
                (created, ms)
            }));
        }
        let attempted = tasks.len() as u64;
        for t in tasks {
            if let Ok(r) = t.await {
                level_points.push(r);
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        let created = level_points.iter().filter(|(ok, _)| *ok).count() as u64;
        let mut ms: Vec<f64> = level_points.iter().map(|(_, ms)| *ms).collect();
        ms.sort_by(f64::total_cmp);
        open += created;
        let cleanup = match admin.as_deref() {
            Some(a) => client.cleanup(Some(a), NOTHING_IDLE_S).await,
            None => None,
        };
        levels.push(LevelResult {
            open,
            created,
            failed: attempted - created,
            seconds,
            rate_per_s: if seconds > 0.0 {
                created as f64 / seconds
            } else {
                0.0
            },
            p50_ms: quantile(&ms, 0.50),
            p95_ms: quantile(&ms, 0.95),
            cleanup,
        });
        if attempted < to_create {
            break; // the deadline or a stop signal
        }
    }
    let open_at_end = client.active_sessions().await;
    // A millisecond on, every session the study opened was written before now.
    tokio::time::sleep(Duration::from_millis(2)).await;
    let expiry = match admin.as_deref() {
        Some(a) => client.cleanup(Some(a), 0).await,
        None => None,
    };
    let points = points.lock().await;
    Ok(SessionStudy {
        rate_per_s: plan.rate_per_s,
        levels,
        open_at_end,
        latency_slope: tta_stats::slope::ols_slope(&points),
        expiry,
    })
}

/// The `q` quantile of sorted values (nearest rank); 0 for none.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
