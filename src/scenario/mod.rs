//! Journeys and load profiles, kept as data under `scenarios/` and turned into a validated
//! [`Plan`] before anything runs.
//!
//! A journey file describes one kind of user: how its users are named, the steps run once at
//! start (`on_start`, e.g. login and session creation) and the weighted steps of its loop, each
//! with method, path and body templates (`{{variable}}`), the status it expects and values it
//! captures from the JSON answer (JSON pointers). Variables are the built-ins `n`, `username`,
//! `password`, a random pick from a journey's `pools`, or a capture. `profiles.yaml` holds the
//! user mix and the profiles (users, ramp-up, duration, think-time scale, hard caps, SLA).

pub mod arrival;
mod plan;
pub mod template;

pub use plan::{Overrides, plan};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::yaml;
use arrival::{ArrivalPlan, ArrivalSpec};

const BUILTINS: [&str; 3] = ["n", "username", "password"];
/// Upper bounds every profile must respect, so no load can run away.
pub const MAX_DURATION_S: u64 = 4 * 3600;
pub const MAX_USERS: usize = 1000;
pub const MAX_REQUESTS: u64 = 10_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

fn one() -> u32 {
    1
}
fn ok() -> u16 {
    200
}

/// One request of a journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    #[serde(default = "one")]
    pub weight: u32,
    pub method: Method,
    pub path: String,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default = "ok")]
    pub expect: u16,
    /// variable → JSON pointer into the answer.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

/// A journey file (`scenarios/patient.yaml`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journey {
    pub journey: String,
    #[serde(default)]
    pub description: String,
    /// Username template; `{{n}}` is the user's number within this journey, from 1.
    pub username: String,
    pub password: String,
    /// Variable holding the bearer token sent with every request once captured.
    #[serde(default)]
    pub bearer: Option<String>,
    /// Think time between loop steps, [min, max] milliseconds (scaled by the profile).
    pub think_time_ms: [u64; 2],
    #[serde(default)]
    pub pools: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub on_start: Vec<Step>,
    pub steps: Vec<Step>,
}

/// Absolute targets a profile's run is checked against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSla {
    /// p95 latency of every route, milliseconds.
    pub p95_ms: f64,
    /// Share of requests with the expected status.
    pub success_rate: f64,
    /// Throughput floor over the whole run, requests per second.
    #[serde(default)]
    pub min_rps: Option<f64>,
}

/// A load profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub users: usize,
    pub ramp_up_s: u64,
    pub duration_s: u64,
    /// Multiplies the journeys' think times (0 finds capacity).
    pub think_scale: f64,
    /// Hard cap on requests; sending stops when it is reached.
    pub max_requests: u64,
    /// Cap on the request rate (requests per second), if any.
    #[serde(default)]
    pub throttle_rps: Option<u32>,
    pub sla: ProfileSla,
    /// The open model's arrivals for this profile (`load --executor arrival-rate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<ArrivalSpec>,
    /// Instead of the journeys: the sessions study ([`crate::session_study`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<crate::session_study::SessionPlan>,
    /// Where the figures come from.
    pub source: String,
}

/// `scenarios/profiles.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilesFile {
    /// Journey name → share of users (TTA staging and load tests: one clinician in four).
    pub mix: BTreeMap<String, u32>,
    pub profiles: BTreeMap<String, Profile>,
}

/// A journey ready to run, with its share of users.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedJourney {
    pub journey: Journey,
    pub weight: u32,
}

/// Which load model drives a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Executor {
    /// Goose: each user waits for its answer, then thinks, then sends again.
    #[default]
    Closed,
    /// Requests on a schedule fixed in advance, timed from their intended start.
    ArrivalRate,
}

impl Executor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::ArrivalRate => "arrival-rate",
        }
    }
}

/// Everything a load run needs, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub profile_name: String,
    pub profile: Profile,
    pub journeys: Vec<PlannedJourney>,
    /// `Some`: the open model, with these arrivals; `None`: the closed model.
    pub arrival: Option<ArrivalPlan>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn invalid_at(origin: &str, text: &str, needle: &str, message: String) -> Error {
    let (line, column) = yaml::locate(text, needle);
    Error::Parse {
        origin: origin.to_string(),
        line,
        column,
        message,
    }
}

/// Reads and validates a journey file.
pub fn load_journey(path: &Path) -> Result<Journey> {
    parse_journey(&path.display().to_string(), &read(path)?)
}

/// Parses and validates the text of a journey file; `origin` names it in errors.
pub(crate) fn parse_journey(origin: &str, text: &str) -> Result<Journey> {
    let journey: Journey = yaml::parse(origin, text)?;
    validate_journey(&journey, origin, text)?;
    Ok(journey)
}

fn validate_journey(j: &Journey, origin: &str, text: &str) -> Result<()> {
    let fail = |needle: &str, message: String| Err(invalid_at(origin, text, needle, message));
    if j.steps.is_empty() {
        return fail("steps", format!("journey {} has no steps", j.journey));
    }
    let [min, max] = j.think_time_ms;
    if min > max {
        return fail(
            "think_time_ms",
            format!("think_time_ms [{min}, {max}]: min is above max"),
        );
    }
    let mut defined: BTreeSet<String> = BUILTINS.iter().map(|s| s.to_string()).collect();
    defined.extend(j.pools.keys().cloned());
    for (name, pool) in &j.pools {
        if pool.is_empty() {
            return fail(name, format!("pool {name} is empty"));
        }
    }
    let all: Vec<&Step> = j.on_start.iter().chain(&j.steps).collect();
    let mut names = BTreeSet::new();
    for s in &all {
        if !names.insert(s.name.as_str()) {
            return fail(
                &format!("name: {}", s.name),
                format!("step name {} is used twice", s.name),
            );
        }
        defined.extend(s.capture.keys().cloned());
    }
    if let Some(b) = &j.bearer
        && !defined.contains(b)
    {
        return fail("bearer", format!("bearer variable {b} is never captured"));
    }
    let user_vars =
        template::variables(&j.username).map_err(|m| invalid_at(origin, text, "username", m))?;
    if let Some(v) = user_vars.iter().find(|v| *v != "n") {
        return fail(
            "username",
            format!("username may use only {{{{n}}}}, not {{{{{v}}}}}"),
        );
    }
    for s in all {
        let at = |m: String| {
            invalid_at(
                origin,
                text,
                &format!("name: {}", s.name),
                format!("step {}: {m}", s.name),
            )
        };
        if !s.path.starts_with('/') {
            return Err(at(format!("path {:?} must start with /", s.path)));
        }
        if s.weight == 0 {
            return Err(at("weight must be at least 1".into()));
        }
        if !(100..=599).contains(&s.expect) {
            return Err(at(format!("expect {} is not an HTTP status", s.expect)));
        }
        for (var, pointer) in &s.capture {
            if !(pointer.is_empty() || pointer.starts_with('/')) {
                return Err(at(format!(
                    "capture {var}: {pointer:?} is not a JSON pointer"
                )));
            }
        }
        let mut used = template::variables(&s.path).map_err(&at)?;
        if let Some(b) = &s.body {
            used.extend(template::value_variables(b).map_err(&at)?);
        }
        if let Some(v) = used.iter().find(|v| !defined.contains(*v)) {
            let needle = format!("{{{{{v}}}}}");
            return Err(invalid_at(
                origin,
                text,
                &needle,
                format!("step {}: undefined variable {{{{{v}}}}}", s.name),
            ));
        }
    }
    Ok(())
}

/// Reads and validates the profiles file.
pub fn load_profiles(path: &Path) -> Result<ProfilesFile> {
    parse_profiles(&path.display().to_string(), &read(path)?)
}

/// Parses and validates the text of a profiles file; `origin` names it in errors.
pub(crate) fn parse_profiles(origin: &str, text: &str) -> Result<ProfilesFile> {
    let file: ProfilesFile = yaml::parse(origin, text)?;
    for (name, p) in &file.profiles {
        let fail = |m: String| {
            Err(invalid_at(
                origin,
                text,
                &format!("{name}:"),
                format!("profile {name}: {m}"),
            ))
        };
        if p.users == 0 || p.users > MAX_USERS {
            return fail(format!("users must be 1-{MAX_USERS}, got {}", p.users));
        }
        if p.duration_s == 0 || p.duration_s > MAX_DURATION_S {
            return fail(format!(
                "duration_s must be 1-{MAX_DURATION_S}, got {}",
                p.duration_s
            ));
        }
        if p.ramp_up_s > p.duration_s {
            return fail(format!(
                "ramp_up_s {} is longer than duration_s {}",
                p.ramp_up_s, p.duration_s
            ));
        }
        if p.max_requests == 0 || p.max_requests > MAX_REQUESTS {
            return fail(format!(
                "max_requests must be 1-{MAX_REQUESTS}, got {}",
                p.max_requests
            ));
        }
        if !(p.think_scale.is_finite() && p.think_scale >= 0.0) {
            return fail(format!(
                "think_scale must be a non-negative number, got {}",
                p.think_scale
            ));
        }
        if !(p.sla.p95_ms.is_finite() && p.sla.p95_ms > 0.0) {
            return fail(format!("sla.p95_ms must be positive, got {}", p.sla.p95_ms));
        }
        if !(0.0..=1.0).contains(&p.sla.success_rate) {
            return fail(format!(
                "sla.success_rate must be within 0-1, got {}",
                p.sla.success_rate
            ));
        }
        if let Some(spec) = &p.arrival {
            let plan = match spec.to_plan("arrival.", p.duration_s) {
                Ok(plan) => plan,
                Err(m) => return fail(m),
            };
            if plan.duration().as_secs() > MAX_DURATION_S {
                return fail(format!(
                    "arrival.stages last longer than {MAX_DURATION_S} s"
                ));
            }
        }
        if let Some(s) = &p.sessions {
            if let Err(m) = s.validate() {
                return fail(m);
            }
            // Every creation is a request: the study stays within the profile's request cap.
            let last = s.levels.last().copied().unwrap_or(0);
            if last > p.max_requests {
                return fail(format!(
                    "sessions.levels reach {last}, beyond max_requests {}",
                    p.max_requests
                ));
            }
        }
    }
    if file.mix.values().all(|w| *w == 0) {
        return Err(invalid_at(
            origin,
            text,
            "mix",
            "mix gives no journey any users".into(),
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests;
