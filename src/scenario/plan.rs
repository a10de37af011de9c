//! A profile made into a [`Plan`]: the command line's overrides applied and checked, the
//! journeys of the mix read, and, for the open model, the arrival plan.

use std::path::{Path, PathBuf};

use super::arrival::{ArrivalPlan, ArrivalSpec};
use super::{
    Executor, MAX_DURATION_S, MAX_USERS, Plan, PlannedJourney, Profile, load_journey, load_profiles,
};
use crate::error::{Error, Result};

/// Overrides from the command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub users: Option<usize>,
    pub duration_s: Option<u64>,
    pub think_scale: Option<f64>,
    /// `None`: the closed model unless `arrival` gives a rate or stages.
    pub executor: Option<Executor>,
    /// `--rate`, `--stages`, `--spacing`, `--seed`, `--max-in-flight`: each replaces the
    /// profile's `arrival:` field of the same name.
    pub arrival: ArrivalSpec,
}

impl Overrides {
    /// The arrival plan these overrides make of `profile` (after `--duration`), if open.
    fn arrival_plan(&self, name: &str, profile: &Profile) -> Result<Option<ArrivalPlan>> {
        let flags = &self.arrival;
        let paced = flags.rate.is_some() || flags.stages.is_some();
        let executor = match self.executor {
            Some(Executor::Closed) if paced => {
                return Err(Error::Usage(
                    "--rate and --stages are for --executor arrival-rate".into(),
                ));
            }
            Some(e) => e,
            None if paced => Executor::ArrivalRate,
            None => Executor::Closed,
        };
        if executor == Executor::Closed {
            return Ok(None);
        }
        let mut spec = profile.arrival.clone().unwrap_or_default();
        if paced {
            spec.rate = flags.rate.clone();
            spec.stages = flags.stages.clone();
        }
        if spec.stages.is_some() && self.duration_s.is_some() {
            return Err(Error::Usage(if flags.stages.is_some() {
                "--duration and --stages exclude each other: the stages set the duration".into()
            } else {
                format!(
                    "--duration does not apply: profile {name}'s arrival stages set the duration (give --rate)"
                )
            }));
        }
        if spec.rate.is_none() && spec.stages.is_none() {
            return Err(Error::Usage(format!(
                "--executor arrival-rate needs --rate or --stages: profile {name} has no arrival: block"
            )));
        }
        spec.spacing = flags.spacing.or(spec.spacing);
        spec.seed = flags.seed.or(spec.seed);
        spec.max_in_flight = flags.max_in_flight.or(spec.max_in_flight);
        let prefix = if paced { "--" } else { "arrival." };
        let plan = spec
            .to_plan(prefix, profile.duration_s)
            .map_err(|m| Error::Usage(format!("profile {name}: {m}")))?;
        if plan.duration().as_secs() > MAX_DURATION_S {
            return Err(Error::Usage(format!(
                "--stages last longer than {MAX_DURATION_S} s"
            )));
        }
        Ok(Some(plan))
    }
}

/// Builds the plan of `profile` from the scenario directory (or explicit journey files).
pub fn plan(
    scenario_dir: &Path,
    journeys: &[PathBuf],
    profile: &str,
    overrides: &Overrides,
) -> Result<Plan> {
    let profiles_path = scenario_dir.join("profiles.yaml");
    let profiles = load_profiles(&profiles_path)?;
    let mut p = profiles.profiles.get(profile).cloned().ok_or_else(|| {
        Error::Usage(format!(
            "--profile {profile}: not in {} (known: {})",
            profiles_path.display(),
            profiles
                .profiles
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    if let Some(u) = overrides.users {
        if u == 0 || u > MAX_USERS {
            return Err(Error::Usage(format!("--users must be 1-{MAX_USERS}")));
        }
        p.users = u;
    }
    if let Some(d) = overrides.duration_s {
        if d == 0 || d > MAX_DURATION_S {
            return Err(Error::Usage(format!(
                "--duration must be 1 s to {MAX_DURATION_S} s"
            )));
        }
        p.duration_s = d;
        p.ramp_up_s = p.ramp_up_s.min(d);
    }
    if let Some(t) = overrides.think_scale {
        if !(t.is_finite() && t >= 0.0) {
            return Err(Error::Usage(
                "--think-scale must be a non-negative number".into(),
            ));
        }
        p.think_scale = t;
    }
    let files: Vec<PathBuf> = if journeys.is_empty() {
        profiles
            .mix
            .keys()
            .map(|j| scenario_dir.join(format!("{j}.yaml")))
            .collect()
    } else {
        journeys.to_vec()
    };
    let mut planned = Vec::new();
    for f in files {
        let journey = load_journey(&f)?;
        let weight = *profiles
            .mix
            .get(&journey.journey)
            .ok_or_else(|| Error::Invalid {
                origin: profiles_path.display().to_string(),
                message: format!(
                    "mix has no share for journey {} ({})",
                    journey.journey,
                    f.display()
                ),
            })?;
        if weight > 0 {
            planned.push(PlannedJourney { journey, weight });
        }
    }
    let arrival = overrides.arrival_plan(profile, &p)?;
    if let Some(a) = &arrival {
        // The run lasts as long as its schedule; think times do not apply.
        p.duration_s = a.duration().as_secs_f64().ceil() as u64;
        p.ramp_up_s = 0;
        p.throttle_rps = None;
    }
    Ok(Plan {
        profile_name: profile.to_string(),
        profile: p,
        journeys: planned,
        arrival,
    })
}
