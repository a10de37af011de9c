//! Per-request middleware: load shedding, fault injection (by route template) and metrics.
//!
//! Shedding uses one semaphore in the shared state: axum applies `Router::layer` to each route
//! separately, so a tower concurrency limit there would give every route its own budget.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::api_error::ApiError;
use super::faults::{burn_cpu, delay};

/// Records every request in the metrics and applies any fault configured for its route.
pub async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = req.method().as_str().to_string();
    let Ok(_permit) = state.in_flight.try_acquire() else {
        let response = ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "too many requests in flight",
        )
        .into_response();
        state
            .metrics
            .observe(&route, &method, 503, start.elapsed().as_secs_f64());
        tracing::warn!(
            method,
            route,
            status = 503,
            "request shed: too many in flight"
        );
        return response;
    };
    let stalled = state.faults.stall_wait();
    if !stalled.is_zero() {
        tokio::time::sleep(stalled).await;
    }
    let injection = state.faults.for_route(&route);
    let response = match injection {
        Some(i) if i.error_rate > 0.0 && rand::random::<f64>() < i.error_rate => {
            ApiError::internal(format!("injected error on {route}")).into_response()
        }
        _ => {
            if let Some(i) = injection
                && i.delay_ms > 0.0
            {
                delay(std::time::Duration::from_secs_f64(i.delay_ms / 1000.0)).await;
            }
            let handler_start = Instant::now();
            let response = next.run(req).await;
            if let Some(i) = injection
                && i.cpu_factor > 1.0
            {
                burn_cpu(handler_start.elapsed().mul_f64(i.cpu_factor - 1.0));
            }
            response
        }
    };
    let (status, seconds) = (response.status().as_u16(), start.elapsed().as_secs_f64());
    state.metrics.observe(&route, &method, status, seconds);
    log_request(&method, &route, status, seconds);
    response
}

/// One log line per request: method, route template (never the path, which names patients),
/// status and latency; a server error at error level.
fn log_request(method: &str, route: &str, status: u16, seconds: f64) {
    let duration_ms = (seconds * 1e6).round() / 1e3; // whole microseconds
    if status >= 500 {
        tracing::error!(method, route, status, duration_ms, "request failed");
    } else {
        tracing::info!(method, route, status, duration_ms, "request");
    }
}
