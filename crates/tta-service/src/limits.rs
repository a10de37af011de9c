//! Per-user rate limiting (TTA staging and load tests: 100 requests per 60 s by default) with a fixed window per
//! user: simple, exact to state, and what a 429 with Retry-After needs. And a throttle of failed
//! logins per account (5 per 15 minutes by default), which the request limit alone is not: it is
//! off in load runs, and 100 guesses a minute is a brute force.

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

/// Failed logins per account: after `limit.requests` failures within `limit.window` of the
/// first, the account's logins are answered 429 until the window ends; a success clears them.
pub struct LoginThrottle {
    limit: Option<RateLimit>,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginThrottle {
    /// The default: 5 failures per 15 minutes.
    pub const DEFAULT: RateLimit = RateLimit {
        requests: 5,
        window: Duration::from_secs(900),
    };

    /// `None` turns the throttle off.
    pub fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit,
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub fn limit(&self) -> Option<RateLimit> {
        self.limit
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Refuses a login for `account` with 429 while its failures are at the limit.
    pub fn check(&self, account: &str) -> Result<(), ApiError> {
        self.check_at(account, Instant::now())
    }

    fn check_at(&self, account: &str, now: Instant) -> Result<(), ApiError> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let mut failures = self.lock();
        match failures.get(account) {
            Some((since, _)) if now.duration_since(*since) >= limit.window => {
                failures.remove(account);
                Ok(())
            }
            Some((since, n)) if *n >= limit.requests => {
                let left = limit.window.saturating_sub(now.duration_since(*since));
                Err(ApiError::too_many(left.as_secs_f64().ceil().max(1.0) as u64))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed login of `account`.
    pub fn failed(&self, account: &str) {
        self.failed_at(account, Instant::now());
    }

    fn failed_at(&self, account: &str, now: Instant) {
        if self.limit.is_none() {
            return;
        }
        self.lock().entry(account.to_string()).or_insert((now, 0)).1 += 1;
    }

    /// A successful login clears `account`'s failures.
    pub fn succeeded(&self, account: &str) {
        self.lock().remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_logins_are_throttled_per_account_until_the_window_ends() {
        let t = LoginThrottle::new(Some(RateLimit {
            requests: 3,
            window: Duration::from_secs(60),
        }));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(t.check_at("a", start).is_ok());
            t.failed_at("a", start);
        }
        let refused = t
            .check_at("a", start + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(refused.retry_after_s, Some(40));
        assert!(
            t.check_at("b", start).is_ok(),
            "another account is not throttled"
        );
        assert!(t.check_at("a", start + Duration::from_secs(60)).is_ok());
        t.failed_at("b", start);
        t.succeeded("b");
        assert!(t.lock().get("b").is_none());
        let off = LoginThrottle::new(None);
        for _ in 0..10 {
            off.failed("c");
        }
        assert!(off.check("c").is_ok());
    }

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
