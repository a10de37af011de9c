//! `*Args` → validated domain values.

use regex::Regex;

use super::{
    ArrivalArgs, ArrivalOptions, CoreArgs, FaultArgs, LoadArgs, MeasureArgs, MicroArgs, ServeArgs,
};
use crate::error::{Error, Result};
use crate::load::{LoadConfig, Target};
use crate::micro::{MicroConfig, Mode, Source, StudyRequest};
use crate::probe::System;
use crate::scenario::arrival::{ArrivalSpec, Spacing, parse_duration};
use crate::scenario::{self, Executor, Overrides};
use crate::sla::units::{Kind, Quantity};
use tta_service::RateLimit;
use tta_service::{CacheSnapshot, FaultConfig, LogConfig, LogLevel, SessionCleanup};
use tta_service::{JWT_SECRET_ENV, ServerConfig};

/// Compiles a `--filter` regex, naming the flag on error.
pub fn filter(re: Option<&str>) -> Result<Option<Regex>> {
    re.map(|r| {
        Regex::new(r).map_err(|e| {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or_default().trim();
            let first = last.trim_start_matches("error: ").to_string();
            Error::Usage(format!("--filter {r:?} is not a valid regex: {first}"))
        })
    })
    .transpose()
}

impl TryFrom<&MicroArgs> for MicroConfig {
    type Error = Error;

    fn try_from(a: &MicroArgs) -> Result<Self> {
        if !(a.budget_scale.is_finite() && a.budget_scale > 0.0) {
            return Err(Error::Usage(format!(
                "--budget-scale must be a positive number, got {}",
                a.budget_scale
            )));
        }
        if let Some(out) = &a.out
            && out.is_dir()
        {
            return Err(Error::Usage(format!(
                "--out {} is a directory",
                out.display()
            )));
        }
        let source = match &a.from {
            Some(dir) if !dir.is_dir() => {
                return Err(Error::Usage(format!(
                    "--from {}: no such directory",
                    dir.display()
                )));
            }
            Some(dir) => Source::Ingest(dir.clone()),
            None if a.quick => Source::Measure(Mode::Quick),
            None => Source::Measure(Mode::Full),
        };
        Ok(Self {
            source,
            filter: filter(a.filter.as_deref())?,
            budget_scale: a.budget_scale,
        })
    }
}

impl TryFrom<&MicroArgs> for StudyRequest {
    type Error = Error;

    fn try_from(a: &MicroArgs) -> Result<Self> {
        let base = crate::cache_study::Workload::from_env().map_err(Error::Usage)?;
        let workload = crate::cache_study::Workload::parse_onto(base, &a.cache_workload)
            .map_err(|e| Error::Usage(format!("--cache-workload: {e}")))?;
        let sizes = a
            .cache_sizes
            .as_deref()
            .map(crate::cache_study::parse_sizes)
            .transpose()
            .map_err(|e| Error::Usage(format!("--cache-sizes: {e}")))?;
        Ok(Self { workload, sizes })
    }
}

/// A validated `core` request: which system, and where its input comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreRequest {
    pub system: System,
    /// `--text`, already checked to be UTF-8 (crisis only); `None` means read stdin.
    pub text: Option<String>,
    pub compact: bool,
}

impl TryFrom<&CoreArgs> for CoreRequest {
    type Error = Error;

    fn try_from(a: &CoreArgs) -> Result<Self> {
        let system: System = a.system.parse()?;
        let text = match &a.text {
            None => None,
            Some(_) if system != System::Crisis => {
                return Err(Error::Usage(format!(
                    "--text is for the crisis system; {system} reads a JSON request on stdin"
                )));
            }
            Some(t) => Some(
                t.to_str()
                    .ok_or_else(|| Error::Usage("--text is not valid UTF-8".into()))?
                    .to_string(),
            ),
        };
        Ok(Self {
            system,
            text,
            compact: a.json,
        })
    }
}

/// Parses `--rate-limit` or `--login-throttle` (`flag`): `N/SECONDS` or `off`.
pub fn rate_limit(flag: &str, text: &str) -> Result<Option<RateLimit>> {
    if text == "off" {
        return Ok(None);
    }
    let bad = || {
        Error::Usage(format!(
            "{flag} {text:?}: expected N/SECONDS (e.g. 100/60) or off"
        ))
    };
    let (n, secs) = text.split_once('/').ok_or_else(bad)?;
    let requests: u32 = n.trim().parse().map_err(|_| bad())?;
    let secs: u64 = secs.trim().parse().map_err(|_| bad())?;
    if requests == 0 || secs == 0 {
        return Err(bad());
    }
    Ok(Some(RateLimit {
        requests,
        window: std::time::Duration::from_secs(secs),
    }))
}

impl TryFrom<&FaultArgs> for FaultConfig {
    type Error = Error;

    fn try_from(a: &FaultArgs) -> Result<Self> {
        fn parse<T: std::str::FromStr>(
            flag: &str,
            text: Option<&str>,
        ) -> Result<std::collections::BTreeMap<String, T>> {
            Ok(match text {
                Some(t) => FaultConfig::parse_pairs(flag, t)
                    .map_err(Error::Usage)?
                    .into_iter()
                    .collect(),
                None => Default::default(),
            })
        }
        let config = FaultConfig {
            delay_ms: parse("--inject-delay", a.inject_delay.as_deref())?,
            cpu_factor: parse("--inject-cpu", a.inject_cpu.as_deref())?,
            error_rate: parse("--inject-error", a.inject_error.as_deref())?,
            stall: a
                .inject_stall
                .as_deref()
                .map(tta_service::Stall::parse)
                .transpose()
                .map_err(Error::Usage)?,
        };
        config
            .validate(tta_service::route_templates())
            .map_err(Error::Usage)?;
        Ok(config)
    }
}

impl TryFrom<&ServeArgs> for ServerConfig {
    type Error = Error;

    fn try_from(a: &ServeArgs) -> Result<Self> {
        let addr: std::net::SocketAddr = a.addr.parse().map_err(|_| {
            Error::Usage(format!(
                "--addr {:?} is not an address such as 127.0.0.1:0",
                a.addr
            ))
        })?;
        if !addr.ip().is_loopback() {
            return Err(Error::Usage(format!(
                "--addr {addr}: the reference service binds loopback addresses only (127.0.0.0/8, [::1])"
            )));
        }
        for (flag, v) in [
            ("--max-in-flight", a.max_in_flight),
            ("--body-limit-kib", a.body_limit_kib),
            ("--max-sessions", a.max_sessions),
        ] {
            if v == 0 {
                return Err(Error::Usage(format!("{flag} must be at least 1")));
            }
        }
        if a.timeout_ms == 0 {
            return Err(Error::Usage("--timeout-ms must be at least 1".into()));
        }
        if a.seed_password.is_empty() {
            return Err(Error::Usage("--seed-password must not be empty".into()));
        }
        let cache_bytes = cache_size(&a.cache_size)?;
        let cache_snapshot = match &a.cache_snapshot {
            None => None,
            Some(path) => Some(CacheSnapshot {
                path: path.clone(),
                every: duration_or_off("--cache-snapshot-every", &a.cache_snapshot_every)?,
            }),
        };
        let level = LogLevel::parse(&a.log_level).ok_or_else(|| {
            Error::Usage(format!(
                "--log-level {:?}: expected one of {}",
                a.log_level,
                LogLevel::NAMES.join(", ")
            ))
        })?;
        let log = a.log_file.as_ref().map(|path| LogConfig {
            path: path.clone(),
            level,
        });
        let session_cleanup = SessionCleanup {
            idle: std::time::Duration::from_secs(duration_s(
                "--session-idle-timeout",
                &a.session_idle_timeout,
            )?),
            every: duration_or_off("--session-cleanup-every", &a.session_cleanup_every)?,
        };
        let jwt_secret = match std::env::var(JWT_SECRET_ENV) {
            Ok(s) if s.len() < 32 => {
                return Err(Error::Usage(format!(
                    "{JWT_SECRET_ENV} must be at least 32 bytes"
                )));
            }
            Ok(s) => Some(s.into_bytes()),
            Err(_) => None,
        };
        Ok(ServerConfig {
            addr,
            db: a.db.clone(),
            seed_users: a.seed_users,
            seed_password: a.seed_password.clone(),
            jwt_secret,
            rate_limit: rate_limit("--rate-limit", &a.rate_limit)?,
            login_throttle: rate_limit("--login-throttle", &a.login_throttle)?,
            login_throttle_client: rate_limit("--login-throttle-client", &a.login_throttle_client)?,
            max_in_flight: a.max_in_flight,
            request_timeout: std::time::Duration::from_millis(a.timeout_ms),
            body_limit: a.body_limit_kib * 1024,
            max_sessions: a.max_sessions,
            faults: FaultConfig::try_from(&a.faults)?,
            seed: a.seed,
            cache_bytes,
            cache_snapshot,
            log,
            session_cleanup,
        })
    }
}

/// `--cache-size`: a size with its unit, at least 1 KiB (a cache that cannot hold one view
/// would only count misses).
fn cache_size(text: &str) -> Result<u64> {
    let q = Quantity::parse(text, Kind::Size)
        .map_err(|e| Error::Usage(format!("--cache-size: {e}")))?;
    if q.value < 1024.0 || q.value > u64::MAX as f64 {
        return Err(Error::Usage(format!(
            "--cache-size {text:?}: expected a size from 1KiB up"
        )));
    }
    Ok(q.value as u64)
}

/// Parses a duration of whole seconds: plain seconds, or a number with s, m or h.
pub fn duration_s(flag: &str, text: &str) -> Result<u64> {
    parse_duration(text)
        .filter(|d| d.subsec_millis() == 0 && !d.is_zero())
        .map(|d| d.as_secs())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{flag} {text:?}: expected a duration such as 30, 90s, 2m or 1h"
            ))
        })
}

/// A `DURATION|off` flag: `None` for "off", else whole seconds as [`duration_s`] reads them.
fn duration_or_off(flag: &str, text: &str) -> Result<Option<std::time::Duration>> {
    match text {
        "off" => Ok(None),
        text => Ok(Some(std::time::Duration::from_secs(duration_s(
            flag, text,
        )?))),
    }
}

impl MeasureArgs {
    /// `--idle`: how long the first repetition watches the service idle (zero: off).
    pub fn idle(&self) -> Result<std::time::Duration> {
        Ok(duration_or_off("--idle", &self.idle)?.unwrap_or_default())
    }

    /// The load plan these arguments measure (the profile, closed or open).
    pub fn plan(&self) -> Result<scenario::Plan> {
        let overrides = Overrides {
            executor: executor(self.arrival.executor.as_deref())?,
            arrival: ArrivalSpec::try_from(&self.arrival)?,
            ..Overrides::default()
        };
        scenario::plan(&self.scenario_dir, &[], &self.profile, &overrides)
    }
}

/// Parses `--executor`.
pub fn executor(text: Option<&str>) -> Result<Option<Executor>> {
    text.map(|t| match t {
        "closed" => Ok(Executor::Closed),
        "arrival-rate" => Ok(Executor::ArrivalRate),
        other => Err(Error::Usage(format!(
            "--executor {other:?}: expected closed or arrival-rate"
        ))),
    })
    .transpose()
}

/// Parses `--spacing`.
pub fn spacing(text: Option<&str>) -> Result<Option<Spacing>> {
    match text {
        None => Ok(None),
        Some("uniform") => Ok(Some(Spacing::Uniform)),
        Some("poisson") => Ok(Some(Spacing::Poisson)),
        Some(other) => Err(Error::Usage(format!(
            "--spacing {other:?}: expected uniform or poisson"
        ))),
    }
}

/// The target of a load: `--target` (loopback only, no faults: they are the embedded
/// service's) or the embedded service with `faults`.
pub fn target(url: Option<&String>, faults: FaultConfig) -> Result<Target> {
    match url {
        Some(url) if !faults.is_empty() => Err(Error::Usage(format!(
            "--inject-* apply to the embedded service; set faults on {url} with PUT /api/admin/faults"
        ))),
        Some(url) => {
            crate::load::target::check_loopback(url)?;
            Ok(Target::Url(url.clone()))
        }
        None => Ok(Target::Embedded { exe: None, faults }),
    }
}

impl TryFrom<&ArrivalArgs> for ArrivalSpec {
    type Error = Error;

    /// The flags as a spec; rates and stages are parsed when the plan is made.
    fn try_from(a: &ArrivalArgs) -> Result<Self> {
        Ok(Self {
            rate: a.rate.clone(),
            stages: a.stages.clone(),
            ..Self::try_from(&a.options)?
        })
    }
}

impl TryFrom<&ArrivalOptions> for ArrivalSpec {
    type Error = Error;

    fn try_from(a: &ArrivalOptions) -> Result<Self> {
        Ok(Self {
            rate: None,
            stages: None,
            spacing: spacing(a.spacing.as_deref())?,
            seed: a.seed,
            max_in_flight: a.max_in_flight,
        })
    }
}

impl TryFrom<&LoadArgs> for LoadConfig {
    type Error = Error;

    fn try_from(a: &LoadArgs) -> Result<Self> {
        let overrides = Overrides {
            users: a.users,
            duration_s: a
                .duration
                .as_deref()
                .map(|d| duration_s("--duration", d))
                .transpose()?,
            think_scale: a.think_scale,
            executor: executor(a.arrival.executor.as_deref())?,
            arrival: ArrivalSpec::try_from(&a.arrival)?,
        };
        let target = target(a.target.as_ref(), FaultConfig::try_from(&a.faults)?)?;
        if !(10..=60_000).contains(&a.sample_ms) {
            return Err(Error::Usage("--sample-ms must be 10-60000".into()));
        }
        let plan = scenario::plan(&a.scenario_dir, &a.scenario, &a.profile, &overrides)?;
        let mut config = LoadConfig::new(plan, target);
        config.sample_interval = std::time::Duration::from_millis(a.sample_ms);
        if let Some(idle) = &a.idle {
            config.idle = std::time::Duration::from_secs(duration_s("--idle", idle)?);
        }
        Ok(config)
    }
}
