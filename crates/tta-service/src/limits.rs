//! Per-user rate limiting (TTA staging and load tests: 100 requests per 60 s by default) with a fixed window per
//! user: simple, exact to state, and what a 429 with Retry-After needs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::api_error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            requests: 100,
            window: Duration::from_secs(60),
        }
    }
}

pub struct RateLimiter {
    limit: Option<RateLimit>,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// `None` turns limiting off (capacity runs).
    pub fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub fn limit(&self) -> Option<RateLimit> {
        self.limit
    }

    /// Counts one request by `user`; refuses it with 429 when the window is full.
    pub fn check(&self, user: &str) -> Result<(), ApiError> {
        self.check_at(user, Instant::now())
    }

    fn check_at(&self, user: &str, now: Instant) -> Result<(), ApiError> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = windows.entry(user.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        if entry.1 >= limit.requests {
            let left = limit.window.saturating_sub(now.duration_since(entry.0));
            return Err(ApiError::too_many(left.as_secs_f64().ceil().max(1.0) as u64));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_fills_then_resets() {
        let limiter = RateLimiter::new(Some(RateLimit {
            requests: 2,
            window: Duration::from_secs(10),
        }));
        let t0 = Instant::now();
        assert!(limiter.check_at("a", t0).is_ok());
        assert!(limiter.check_at("a", t0).is_ok());
        let refused = limiter
            .check_at("a", t0 + Duration::from_secs(3))
            .unwrap_err();
        assert_eq!(refused.status, 429);
        assert_eq!(refused.retry_after_s, Some(7));
        assert!(limiter.check_at("b", t0).is_ok(), "per user");
        assert!(
            limiter.check_at("a", t0 + Duration::from_secs(10)).is_ok(),
            "new window"
        );
    }

    #[test]
    fn off_means_unlimited() {
        let limiter = RateLimiter::new(None);
        for _ in 0..1000 {
            assert!(limiter.check("a").is_ok());
        }
    }
}
