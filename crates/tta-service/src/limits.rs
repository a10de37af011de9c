//! Per-user rate limiting (TTA staging and load tests: 100 requests per 60 s by default) with a fixed window per
//! user: simple, exact to state, and what a 429 with Retry-After needs. And a throttle of failed
//! logins per account and per client address (5 and 20 per 15 minutes by default), which the
//! request limit alone is not: it is off in load runs, and 100 guesses a minute is a brute force.

use std::collections::HashMap;
use std::net::IpAddr;
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

/// Failures per key (an account, a client address): after `limit.requests` failures within
/// `limit.window` of the first, the key is refused with 429 until the window ends.
struct Failures {
    limit: Option<RateLimit>,
    by_key: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Keys tracked before expired ones are swept: failures for names that do not exist must
/// not grow the map without end.
const SWEEP_ABOVE: usize = 10_000;

impl Failures {
    fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit,
            by_key: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        self.by_key.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), ApiError> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let mut by_key = self.lock();
        match by_key.get(key) {
            Some((since, _)) if now.duration_since(*since) >= limit.window => {
                by_key.remove(key);
                Ok(())
            }
            Some((since, n)) if *n >= limit.requests => {
                let left = limit.window.saturating_sub(now.duration_since(*since));
                Err(ApiError::too_many(left.as_secs_f64().ceil().max(1.0) as u64))
            }
            _ => Ok(()),
        }
    }

    fn failed_at(&self, key: &str, now: Instant) {
        let Some(limit) = self.limit else {
            return;
        };
        let mut by_key = self.lock();
        if by_key.len() >= SWEEP_ABOVE {
            by_key.retain(|_, (since, _)| now.duration_since(*since) < limit.window);
        }
        by_key.entry(key.to_string()).or_insert((now, 0)).1 += 1;
    }

    fn clear(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// Failed logins, throttled per account and per client address: a guesser of one account's
/// password is stopped by the first, one trying many accounts by the second. A successful
/// login clears its account's failures, not its client's (else one valid account would let
/// its owner guess others' passwords without end).
pub struct LoginThrottle {
    account: Failures,
    client: Failures,
}

impl LoginThrottle {
    /// Per account by default: 5 failures per 15 minutes.
    pub const DEFAULT: RateLimit = RateLimit {
        requests: 5,
        window: Duration::from_secs(900),
    };
    /// Per client address by default: 20 failures per 15 minutes.
    pub const DEFAULT_PER_CLIENT: RateLimit = RateLimit {
        requests: 20,
        window: Duration::from_secs(900),
    };

    /// `None` turns that throttle off.
    pub fn new(per_account: Option<RateLimit>, per_client: Option<RateLimit>) -> Self {
        Self {
            account: Failures::new(per_account),
            client: Failures::new(per_client),
        }
    }

    pub fn per_account(&self) -> Option<RateLimit> {
        self.account.limit
    }

    pub fn per_client(&self) -> Option<RateLimit> {
        self.client.limit
    }

    /// Refuses a login for `account` from `client` with 429 while either is at its limit.
    pub fn check(&self, account: &str, client: IpAddr) -> Result<(), ApiError> {
        self.check_at(account, client, Instant::now())
    }

    fn check_at(&self, account: &str, client: IpAddr, now: Instant) -> Result<(), ApiError> {
        self.client.check_at(&client.to_string(), now)?;
        self.account.check_at(account, now)
    }

    /// Counts a failed login of `account` from `client`.
    pub fn failed(&self, account: &str, client: IpAddr) {
        self.failed_at(account, client, Instant::now());
    }

    fn failed_at(&self, account: &str, client: IpAddr, now: Instant) {
        self.account.failed_at(account, now);
        self.client.failed_at(&client.to_string(), now);
    }

    /// A successful login clears `account`'s failures.
    pub fn succeeded(&self, account: &str) {
        self.account.clear(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(requests: u32) -> Option<RateLimit> {
        Some(RateLimit {
            requests,
            window: Duration::from_secs(60),
        })
    }

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn failed_logins_are_throttled_per_account_until_the_window_ends() {
        let t = LoginThrottle::new(limit(3), None);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(t.check_at("a", HOME, start).is_ok());
            t.failed_at("a", HOME, start);
        }
        let refused = t
            .check_at("a", OTHER, start + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(refused.retry_after_s, Some(40), "from any client");
        assert!(
            t.check_at("b", HOME, start).is_ok(),
            "another account is not throttled"
        );
        assert!(
            t.check_at("a", HOME, start + Duration::from_secs(60))
                .is_ok()
        );
        t.failed_at("b", HOME, start);
        t.succeeded("b");
        assert!(t.account.lock().get("b").is_none());
        let off = LoginThrottle::new(None, None);
        for _ in 0..10 {
            off.failed("c", HOME);
        }
        assert!(off.check("c", HOME).is_ok());
    }

    #[test]
    fn failed_logins_are_throttled_per_client_across_accounts() {
        let t = LoginThrottle::new(limit(100), limit(4));
        let start = Instant::now();
        for i in 0..4 {
            let account = format!("user{i}");
            assert!(t.check_at(&account, HOME, start).is_ok());
            t.failed_at(&account, HOME, start);
        }
        // A success does not clear the client's failures.
        t.succeeded("user0");
        let refused = t
            .check_at("anyone", HOME, start + Duration::from_secs(15))
            .unwrap_err();
        assert_eq!(refused.status, 429);
        assert_eq!(refused.retry_after_s, Some(45));
        assert!(t.check_at("anyone", OTHER, start).is_ok(), "per client");
        assert!(
            t.check_at("anyone", HOME, start + Duration::from_secs(60))
                .is_ok()
        );
    }

    #[test]
    fn expired_failures_are_swept_once_many_keys_are_held() {
        let t = LoginThrottle::new(limit(5), None);
        let start = Instant::now();
        for i in 0..SWEEP_ABOVE {
            t.failed_at(&format!("nobody{i}"), HOME, start);
        }
        t.failed_at("late", HOME, start + Duration::from_secs(61));
        assert_eq!(t.account.lock().len(), 1);
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
