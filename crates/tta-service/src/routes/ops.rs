//! Login, health, metrics and the admin endpoints: fault injection, session cleanup.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::extract::Json;
use crate::AppState;
use crate::api_error::ApiError;
use crate::auth::AuthUser;
use crate::clock::{now_ms, rfc3339};
use crate::faults::FaultConfig;
use crate::operations;
use crate::session_cleanup::{self, CleanupPass};
use crate::store::Role;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    #[schema(value_type = String, example = "patient")]
    pub role: Role,
    /// RFC 3339.
    pub expires_at: String,
}

/// Exchanges a username and password for a 30-minute HS256 token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400), (status = 401), (status = 429)))]
pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    Json(req): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    if req.username.len() > 128 || req.password.len() > 1024 {
        return Err(ApiError::bad_request("username or password too long"));
    }
    // Logins count as requests of the account, and failed ones are throttled apart: the
    // request limit is off in load runs, and 100 guesses a minute is a brute force.
    state
        .rate_limiter
        .check(&format!("login:{}", req.username))?;
    let client = client.ip();
    state.login_throttle.check(&req.username, client)?;
    let store = state.store.clone();
    let (username, password) = (req.username.clone(), req.password);
    let user = tokio::task::spawn_blocking(move || {
        operations::authenticate(&*store, &username, &password)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let Some(user) = user else {
        state.login_throttle.failed(&req.username, client);
        return Err(ApiError::unauthorized("unknown user or wrong password"));
    };
    state.login_throttle.succeeded(&req.username);
    let now_s = now_ms() / 1000;
    let (token, exp) = state.keys.issue(&user.username, user.role, now_s);
    Ok(Json(LoginResponse {
        token,
        role: user.role,
        expires_at: rfc3339(exp * 1000),
    }))
}

/// Liveness and dependency checks; 503 when a dependency is down.
#[utoipa::path(get, path = "/health", tag = "ops", responses((status = 200, body = Object), (status = 503, body = Object)))]
pub async fn health(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let database = match state.store_ok() {
        Ok(()) => json!({ "status": "ok" }),
        Err(e) => json!({ "status": "down", "error": e.to_string() }),
    };
    let cache = json!({ "status": if state.cache_ok() { "ok" } else { "down" } });
    let up = database["status"] == "ok" && cache["status"] == "ok";
    let faults = state.faults.get();
    let body = json!({
        "status": if up { "ok" } else { "down" },
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": state.started.elapsed().as_secs_f64(),
        "checks": { "database": database, "cache": cache },
        "active_sessions": state.core().sessions.open_sessions(),
        "rate_limit": state.rate_limiter.limit().map(|l| json!({ "requests": l.requests, "window_s": l.window.as_secs() })),
        "faults": if faults.is_empty() { Value::Null } else { json!(faults) },
    });
    let status = if up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body))
}

/// Prometheus metrics (text exposition format 0.0.4).
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let active = state.core().sessions.open_sessions();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(active, &state.store.usage()),
    )
}

/// The faults in force (admin only).
#[utoipa::path(get, path = "/api/admin/faults", tag = "admin", responses((status = 200, body = FaultConfig), (status = 403)))]
pub async fn get_faults(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> Result<Json<FaultConfig>, ApiError> {
    user.require(&[Role::Admin])?;
    Ok(Json(state.faults.get()))
}

/// Replaces the faults in force (admin only); `{}` turns them all off.
#[utoipa::path(put, path = "/api/admin/faults", tag = "admin", request_body = FaultConfig,
    responses((status = 200, body = FaultConfig), (status = 400), (status = 403)))]
pub async fn put_faults(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Json(config): Json<FaultConfig>,
) -> Result<Json<FaultConfig>, ApiError> {
    user.require(&[Role::Admin])?;
    config
        .validate(super::templates())
        .map_err(ApiError::bad_request)?;
    state.faults.set(config.clone());
    Ok(Json(config))
}

/// Sessions idle longer than `idle_s` seconds, to expire now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CleanupRequest {
    pub idle_s: u64,
}

/// Runs the idle-session cleanup pass now (admin only), as the service does every
/// `--session-cleanup-every`, with the caller's idle timeout; returns what it did.
#[utoipa::path(post, path = "/api/admin/sessions/cleanup", tag = "admin", request_body = CleanupRequest,
    responses((status = 200, body = CleanupPass), (status = 403)))]
pub async fn cleanup_sessions(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Json(req): Json<CleanupRequest>,
) -> Result<Json<CleanupPass>, ApiError> {
    user.require(&[Role::Admin])?;
    let idle = std::time::Duration::from_secs(req.idle_s);
    let pass = tokio::task::spawn_blocking(move || session_cleanup::run(&state, idle))
        .await
        .map_err(|e| ApiError::internal(format!("cleanup task failed: {e}")))??;
    Ok(Json(pass))
}
