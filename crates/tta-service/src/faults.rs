//! Fault injection, so the gate's detection rate can be measured honestly: per route template
//! (e.g. `/api/patient/sessions/{id}/choices`) an added delay, a CPU multiplier (the handler's
//! own time is burnt again FACTOR − 1 times on the worker thread), and an error rate (answered
//! 500 before the handler runs); and for the whole service a periodic stall (every request
//! arriving in the first PAUSE of each EVERY waits until it ends, as behind a stop-the-world
//! pause or a held lock). Off by default, changeable at run time by an admin, shown in
//! `/health`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::RwLock;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FaultConfig {
    /// Route template → added latency in milliseconds (fractions allowed: a sub-millisecond
    /// route slowed by 15 % needs a delay of a fraction of a millisecond).
    pub delay_ms: BTreeMap<String, f64>,
    /// Route template → CPU cost multiplier (≥ 1).
    pub cpu_factor: BTreeMap<String, f64>,
    /// Route template → share of requests answered 500 (0–1).
    pub error_rate: BTreeMap<String, f64>,
    /// The whole service stops answering for a while, periodically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stall: Option<Stall>,
}

/// Every `every_ms`, counted from the service's start, nothing is answered for `pause_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stall {
    pub pause_ms: u64,
    pub every_ms: u64,
}

impl Stall {
    /// Parses `PAUSE/EVERY` as given to `--inject-stall`, e.g. `200ms/2s`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("--inject-stall {text:?}: expected PAUSE/EVERY, e.g. 200ms/2s");
        let ms = |t: &str| -> Option<u64> {
            let t = t.trim();
            if let Some(n) = t.strip_suffix("ms") {
                n.trim().parse().ok()
            } else {
                t.strip_suffix('s')?
                    .trim()
                    .parse::<u64>()
                    .ok()?
                    .checked_mul(1000)
            }
        };
        let (pause, every) = text.split_once('/').ok_or_else(bad)?;
        let stall = Self {
            pause_ms: ms(pause).ok_or_else(bad)?,
            every_ms: ms(every).ok_or_else(bad)?,
        };
        stall.validate()?;
        Ok(stall)
    }

    fn validate(&self) -> Result<(), String> {
        if self.pause_ms == 0 || self.pause_ms >= self.every_ms || self.every_ms > 3_600_000 {
            return Err(format!(
                "stall {} ms every {} ms: the pause must be above 0 and shorter than the period (at most 1 h)",
                self.pause_ms, self.every_ms
            ));
        }
        Ok(())
    }

    /// How long a request arriving `since_start` into the service's life waits.
    pub fn wait(&self, since_start: std::time::Duration) -> std::time::Duration {
        let phase = since_start.as_micros() % (u128::from(self.every_ms) * 1000);
        let pause = u128::from(self.pause_ms) * 1000;
        std::time::Duration::from_micros(pause.saturating_sub(phase) as u64)
    }
}

impl FaultConfig {
    pub fn is_empty(&self) -> bool {
        self.delay_ms.is_empty()
            && self.cpu_factor.is_empty()
            && self.error_rate.is_empty()
            && self.stall.is_none()
    }

    /// Checks ranges; the message names the offending entry.
    pub fn validate(&self, known: &BTreeSet<String>) -> Result<(), String> {
        if let Some(stall) = &self.stall {
            stall.validate()?;
        }
        for (route, f) in &self.cpu_factor {
            if !(f.is_finite() && (1.0..=100.0).contains(f)) {
                return Err(format!(
                    "cpu factor for {route} must be within 1-100, got {f}"
                ));
            }
        }
        for (route, r) in &self.error_rate {
            if !(0.0..=1.0).contains(r) {
                return Err(format!(
                    "error rate for {route} must be within 0-1, got {r}"
                ));
            }
        }
        for (route, ms) in &self.delay_ms {
            if !(ms.is_finite() && (0.0..=60_000.0).contains(ms)) {
                return Err(format!(
                    "delay for {route} must be within 0-60000 ms, got {ms}"
                ));
            }
        }
        for route in self
            .delay_ms
            .keys()
            .chain(self.cpu_factor.keys())
            .chain(self.error_rate.keys())
        {
            if !route.starts_with('/') {
                return Err(format!(
                    "route {route:?} must be a path template starting with /"
                ));
            }
            // A misspelt template would otherwise slow nothing, and a detection study would
            // quietly measure an unchanged build.
            if !known.contains(route) {
                let names: Vec<&str> = known.iter().map(String::as_str).collect();
                return Err(format!(
                    "route {route:?} is not a route of the service; routes: {}",
                    names.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// Parses `ROUTE=VALUE[,ROUTE=VALUE…]` as given to `--inject-*` flags.
    pub fn parse_pairs<T: std::str::FromStr>(
        flag: &str,
        text: &str,
    ) -> Result<Vec<(String, T)>, String> {
        text.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|pair| {
                let (route, value) = pair
                    .rsplit_once('=')
                    .ok_or_else(|| format!("{flag} {pair:?}: expected ROUTE=VALUE"))?;
                let value = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{flag} {pair:?}: {value:?} is not a valid number"))?;
                Ok((route.trim().to_string(), value))
            })
            .collect()
    }
}

/// Faults in force, readable by every request.
#[derive(Debug)]
pub struct Faults {
    config: RwLock<FaultConfig>,
    /// Where stall periods are counted from.
    epoch: std::time::Instant,
}

/// What to do to one request.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Injection {
    pub delay_ms: f64,
    pub cpu_factor: f64,
    pub error_rate: f64,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Self {
        Self {
            config: RwLock::new(config),
            epoch: std::time::Instant::now(),
        }
    }

    /// How long a request arriving now must wait for a stall to end (zero when none).
    pub fn stall_wait(&self) -> std::time::Duration {
        let c = self.config.read().unwrap_or_else(|p| p.into_inner());
        c.stall
            .map_or(std::time::Duration::ZERO, |s| s.wait(self.epoch.elapsed()))
    }

    pub fn get(&self) -> FaultConfig {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set(&self, config: FaultConfig) {
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = config;
    }

    pub fn for_route(&self, route: &str) -> Option<Injection> {
        let c = self.config.read().unwrap_or_else(|p| p.into_inner());
        if c.is_empty() {
            return None;
        }
        let i = Injection {
            delay_ms: c.delay_ms.get(route).copied().unwrap_or(0.0),
            cpu_factor: c.cpu_factor.get(route).copied().unwrap_or(1.0),
            error_rate: c.error_rate.get(route).copied().unwrap_or(0.0),
        };
        (i != Injection {
            delay_ms: 0.0,
            cpu_factor: 1.0,
            error_rate: 0.0,
        })
        .then_some(i)
    }
}

/// Waits `d` for an injected delay, as precisely as the length allows:
/// - under 1 ms, by spinning on the request's own worker: a hand-off to another thread costs
///   about 0.1 ms on a busy 2-core machine (measured: a 0.09 ms delay added 0.2 ms), more than
///   the delay itself; spinning adds exactly `d` and occupies the worker as slow synchronous
///   code in a handler would;
/// - from 1 to 5 ms, on a blocking thread (the worker stays free): a sleep until 100 µs before
///   the deadline, as the kernel's timer slack makes short sleeps overshoot, then a spin;
/// - from 5 ms, with tokio's timer, which counts whole milliseconds.
pub async fn delay(d: std::time::Duration) {
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + d;
    let spin = move || {
        while Instant::now() < deadline {
            std::hint::spin_loop();
        }
    };
    if d < Duration::from_millis(1) {
        spin();
    } else if d < Duration::from_millis(5) {
        let _ = tokio::task::spawn_blocking(move || {
            let early = deadline
                .saturating_duration_since(Instant::now())
                .saturating_sub(Duration::from_micros(100));
            if !early.is_zero() {
                std::thread::sleep(early);
            }
            spin();
        })
        .await;
    } else {
        tokio::time::sleep(d).await;
    }
}

/// Burns CPU on this thread for `d` (fault injection's CPU multiplier).
pub fn burn_cpu(d: std::time::Duration) {
    let start = std::time::Instant::now();
    let mut x: u64 = 0x9e37_79b9;
    while start.elapsed() < d {
        for _ in 0..64 {
            x = x.rotate_left(5) ^ x.wrapping_mul(0x5851_f42d);
        }
        std::hint::black_box(x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates_flags() {
        let pairs: Vec<(String, u64)> = FaultConfig::parse_pairs(
            "--inject-delay",
            "/api/patient/sessions/{id}/choices=20, /health=5",
        )
        .unwrap();
        assert_eq!(
            pairs,
            [
                ("/api/patient/sessions/{id}/choices".to_string(), 20),
                ("/health".to_string(), 5)
            ]
        );
        let err = FaultConfig::parse_pairs::<u64>("--inject-delay", "/health").unwrap_err();
        assert_eq!(err, "--inject-delay \"/health\": expected ROUTE=VALUE");
        let err = FaultConfig::parse_pairs::<u64>("--inject-delay", "/health=fast").unwrap_err();
        assert_eq!(
            err,
            "--inject-delay \"/health=fast\": \"fast\" is not a valid number"
        );

        let mut c = FaultConfig::default();
        c.error_rate.insert("/health".into(), 1.5);
        assert_eq!(
            c.validate(crate::routes::templates()).unwrap_err(),
            "error rate for /health must be within 0-1, got 1.5"
        );

        let mut c = FaultConfig::default();
        c.delay_ms
            .insert("/api/patient/sessions/{session_id}/choices".into(), 1.0);
        let err = c.validate(crate::routes::templates()).unwrap_err();
        assert!(
            err.starts_with("route \"/api/patient/sessions/{session_id}/choices\" is not a route of the service; routes: ")
                && err.contains("/api/patient/sessions/{id}/choices, "),
            "{err}"
        );
        c.delay_ms.clear();
        c.cpu_factor
            .insert("/api/patient/sessions/{id}/choices".into(), 2.0);
        c.error_rate.insert("/openapi.json".into(), 0.5);
        assert_eq!(c.validate(crate::routes::templates()), Ok(()));

        for bad in [-1.0, f64::NAN, 60_001.0] {
            let mut c = FaultConfig::default();
            c.delay_ms.insert("/health".into(), bad);
            assert_eq!(
                c.validate(crate::routes::templates()).unwrap_err(),
                format!("delay for /health must be within 0-60000 ms, got {bad}")
            );
        }
    }

    #[tokio::test]
    async fn delays_are_never_cut_short() {
        // One delay per way of waiting: spin, blocking thread, tokio timer.
        for us in [300, 2_000, 6_000] {
            let d = std::time::Duration::from_micros(us);
            let start = std::time::Instant::now();
            delay(d).await;
            assert!(start.elapsed() >= d, "{us} µs");
        }
    }

    #[test]
    fn a_stall_holds_requests_arriving_in_its_pause_until_it_ends() {
        let s = Stall::parse("200ms/2s").unwrap();
        assert_eq!((s.pause_ms, s.every_ms), (200, 2000));
        let ms = std::time::Duration::from_millis;
        assert_eq!(s.wait(ms(0)), ms(200));
        assert_eq!(s.wait(ms(150)), ms(50));
        assert_eq!(s.wait(ms(200)), ms(0));
        assert_eq!(s.wait(ms(1999)), ms(0));
        assert_eq!(s.wait(ms(4050)), ms(150));
        for bad in ["200ms", "2s/200ms", "0ms/1s", "fast/2s", "1s/1s"] {
            assert!(Stall::parse(bad).is_err(), "{bad}");
        }
        let f = Faults::new(FaultConfig {
            stall: Some(s),
            ..FaultConfig::default()
        });
        assert!(f.stall_wait() > ms(150), "the service starts in a pause");
        assert_eq!(Faults::new(FaultConfig::default()).stall_wait(), ms(0));
    }

    #[test]
    fn only_configured_routes_are_touched() {
        let mut c = FaultConfig::default();
        c.delay_ms.insert("/a".into(), 0.25);
        let f = Faults::new(c);
        assert_eq!(f.for_route("/a").unwrap().delay_ms, 0.25);
        assert_eq!(f.for_route("/b"), None);
        f.set(FaultConfig::default());
        assert_eq!(f.for_route("/a"), None);
    }
}
