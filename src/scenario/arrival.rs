//! The open model's arrival plan: a rate over time (one constant rate, or stages ramping
//! linearly from one rate to the next, as k6's ramping-arrival-rate executor), how arrivals are
//! spaced (uniformly, or as a Poisson process from a seed), and the in-flight cap beyond which
//! arrivals are dropped. Written `--rate 150/s` or `--stages 30s:50/s,60s:150/s,30s:0/s` on the
//! command line and the same in a profile's `arrival:` block.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Largest rate a plan may ask for, arrivals per second: far beyond what one machine sends, so
/// a typo (`150000/s` for `150/s`) is caught rather than run.
pub const MAX_RATE: f64 = 1_000_000.0;
/// Largest in-flight cap (also the most virtual users of one journey).
pub const MAX_IN_FLIGHT: usize = 10_000;
/// In-flight cap when none is given.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 500;

/// How arrivals are placed in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Spacing {
    /// Evenly: the k-th arrival when the rate's integral reaches k (k6, wrk2). The default: it
    /// adds no variance of its own, so runs and builds compare more tightly.
    #[default]
    Uniform,
    /// A Poisson process (exponential gaps, rescaled to the rate's integral), from a seed: the
    /// bursts independent users make.
    Poisson,
}

impl Spacing {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uniform => "uniform",
            Self::Poisson => "poisson",
        }
    }
}

/// One stage: the rate moves linearly to `target_rps` over `duration_ms` (0 jumps at once).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub duration_ms: u64,
    pub target_rps: f64,
}

/// A validated arrival plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalPlan {
    /// The rate at the start, arrivals per second (the first stage ramps from it).
    pub start_rps: f64,
    pub stages: Vec<Stage>,
    pub spacing: Spacing,
    /// Seed of the Poisson gaps and of every random pick of the run (steps, pool values).
    pub seed: u64,
    /// Requests in flight at most; an arrival finding no free slot is dropped.
    pub max_in_flight: usize,
}

impl ArrivalPlan {
    /// A constant `rps` for `duration_s`.
    pub fn constant(rps: f64, duration_s: u64) -> Self {
        Self {
            start_rps: rps,
            stages: vec![Stage {
                duration_ms: duration_s * 1000,
                target_rps: rps,
            }],
            spacing: Spacing::Uniform,
            seed: 1,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        }
    }

    /// Stages ramping from 0.
    pub fn staged(stages: Vec<Stage>) -> Self {
        Self {
            start_rps: 0.0,
            stages,
            spacing: Spacing::Uniform,
            seed: 1,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        }
    }

    pub fn duration(&self) -> Duration {
        Duration::from_millis(self.stages.iter().map(|s| s.duration_ms).sum())
    }

    /// Arrivals the plan schedules: the rate's integral over its stages.
    pub fn expected_arrivals(&self) -> f64 {
        let mut from = self.start_rps;
        let mut total = 0.0;
        for s in &self.stages {
            total += (from + s.target_rps) / 2.0 * s.duration_ms as f64 / 1000.0;
            from = s.target_rps;
        }
        total
    }

    /// The highest rate anywhere in the plan.
    pub fn peak_rps(&self) -> f64 {
        self.stages
            .iter()
            .map(|s| s.target_rps)
            .fold(self.start_rps, f64::max)
    }

    /// The plan as written on the command line: `150/s` or `30s:50/s,60s:150/s`.
    pub fn describe(&self) -> String {
        match self.stages.as_slice() {
            [only] if only.target_rps == self.start_rps => {
                format!(
                    "{}/s for {}",
                    rate_text(self.start_rps),
                    ms_text(only.duration_ms)
                )
            }
            stages => stages
                .iter()
                .map(|s| format!("{}:{}/s", ms_text(s.duration_ms), rate_text(s.target_rps)))
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

fn rate_text(r: f64) -> String {
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

fn ms_text(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Parses a duration: whole seconds, or a whole number with `ms`, `s`, `m` or `h`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (num, unit_ms) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3_600_000)
    } else {
        (t, 1000)
    };
    let n: u64 = num.trim().parse().ok()?;
    n.checked_mul(unit_ms).map(Duration::from_millis)
}

/// Parses a rate: `150`, `150/s` or `9000/m`, arrivals per second; `what` names the flag or
/// field in the error. Zero is allowed only where `allow_zero` (a stage may ramp down to 0).
pub fn parse_rate(what: &str, text: &str, allow_zero: bool) -> Result<f64, String> {
    let t = text.trim();
    let (num, per_s) = if let Some(n) = t.strip_suffix("/s") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("/m") {
        (n, 1.0 / 60.0)
    } else {
        (t, 1.0)
    };
    let rate = num
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite())
        .map(|r| r * per_s)
        .ok_or_else(|| format!("{what} {text:?}: expected a rate such as 150/s or 9000/m"))?;
    if rate < 0.0 || (rate == 0.0 && !allow_zero) {
        return Err(format!("{what} {text:?}: the rate must be above 0"));
    }
    if rate > MAX_RATE {
        return Err(format!(
            "{what} {text:?}: above the largest rate, {MAX_RATE:.0}/s"
        ));
    }
    Ok(rate)
}

/// Parses stages: `DURATION:RATE[,DURATION:RATE…]`, e.g. `30s:50/s,60s:150/s,30s:0/s`.
pub fn parse_stages(what: &str, text: &str) -> Result<Vec<Stage>, String> {
    let stages = text
        .split(',')
        .map(|part| {
            let (d, r) = part.split_once(':').ok_or_else(|| {
                format!("{what} {part:?}: expected DURATION:RATE, e.g. 30s:150/s")
            })?;
            let duration = parse_duration(d).ok_or_else(|| {
                format!("{what} {part:?}: {d:?} is not a duration such as 500ms, 30s or 2m")
            })?;
            Ok(Stage {
                duration_ms: duration.as_millis() as u64,
                target_rps: parse_rate(what, r, true)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let plan = ArrivalPlan::staged(stages);
    if plan.duration().is_zero() {
        return Err(format!("{what} {text:?}: the stages last no time"));
    }
    if plan.expected_arrivals() < 1.0 {
        return Err(format!("{what} {text:?}: the stages schedule no arrival"));
    }
    Ok(plan.stages)
}

/// A profile's `arrival:` block (scenarios/profiles.yaml): a `rate` held for the profile's
/// duration, or `stages`; optional spacing, seed and in-flight cap.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spacing: Option<Spacing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_in_flight: Option<usize>,
}

impl ArrivalSpec {
    /// The plan this block (or these flags: the same fields) describes, over `duration_s` when
    /// only a rate is given. `what` prefixes each field's name in errors (`arrival.` or `--`).
    pub fn to_plan(&self, what: &str, duration_s: u64) -> Result<ArrivalPlan, String> {
        let mut plan = match (&self.rate, &self.stages) {
            (Some(_), Some(_)) => {
                return Err(format!("{what}rate and {what}stages exclude each other"));
            }
            (Some(r), None) => {
                ArrivalPlan::constant(parse_rate(&format!("{what}rate"), r, false)?, duration_s)
            }
            (None, Some(s)) => ArrivalPlan::staged(parse_stages(&format!("{what}stages"), s)?),
            (None, None) => return Err(format!("needs {what}rate or {what}stages")),
        };
        if let Some(spacing) = self.spacing {
            plan.spacing = spacing;
        }
        if let Some(seed) = self.seed {
            plan.seed = seed;
        }
        if let Some(n) = self.max_in_flight {
            if n == 0 || n > MAX_IN_FLIGHT {
                return Err(format!(
                    "{what}max-in-flight must be 1-{MAX_IN_FLIGHT}, got {n}"
                ));
            }
            plan.max_in_flight = n;
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_durations_and_stages_parse() {
        assert_eq!(parse_rate("--rate", "150/s", false), Ok(150.0));
        assert_eq!(parse_rate("--rate", "150", false), Ok(150.0));
        assert_eq!(parse_rate("--rate", "600/m", false), Ok(10.0));
        for bad in ["0", "-3/s", "fast", "150/h", "nan", "2000000/s"] {
            let e = parse_rate("--rate", bad, false).unwrap_err();
            assert!(e.starts_with(&format!("--rate {bad:?}: ")), "{e}");
        }
        assert_eq!(parse_rate("--stages", "0/s", true), Ok(0.0));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_duration("1.5s"), None);
        let stages = parse_stages("--stages", "30s:50/s,60s:150/s,30s:0/s").unwrap();
        assert_eq!(stages.len(), 3);
        assert_eq!(
            stages[1],
            Stage {
                duration_ms: 60_000,
                target_rps: 150.0
            }
        );
        let plan = ArrivalPlan::staged(stages);
        assert_eq!(plan.duration(), Duration::from_secs(120));
        // 0→50 over 30 s, 50→150 over 60 s, 150→0 over 30 s.
        assert_eq!(plan.expected_arrivals(), 750.0 + 6000.0 + 2250.0);
        assert_eq!(plan.describe(), "30s:50/s,60s:150/s,30s:0/s");
        assert_eq!(ArrivalPlan::constant(150.0, 60).describe(), "150/s for 60s");
        for (bad, says) in [
            ("30s", "expected DURATION:RATE"),
            ("3x:5/s", "is not a duration"),
            ("30s:-1/s", "above 0"),
            ("0s:50/s", "last no time"),
            ("30s:0/s", "no arrival"),
        ] {
            let e = parse_stages("--stages", bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn a_spec_is_a_rate_or_stages_with_options() {
        let spec = ArrivalSpec {
            rate: Some("20/s".into()),
            stages: None,
            spacing: Some(Spacing::Poisson),
            seed: Some(7),
            max_in_flight: Some(40),
        };
        let plan = spec.to_plan("arrival.", 10).unwrap();
        assert_eq!((plan.expected_arrivals(), plan.seed), (200.0, 7));
        assert_eq!((plan.spacing, plan.max_in_flight), (Spacing::Poisson, 40));
        let both = ArrivalSpec {
            stages: Some("1s:5/s".into()),
            ..spec.clone()
        };
        assert_eq!(
            both.to_plan("--", 10).unwrap_err(),
            "--rate and --stages exclude each other"
        );
        let zero = ArrivalSpec {
            max_in_flight: Some(0),
            ..spec
        };
        assert_eq!(
            zero.to_plan("--", 10).unwrap_err(),
            "--max-in-flight must be 1-10000, got 0"
        );
    }
}
