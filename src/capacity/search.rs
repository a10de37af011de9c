//! The capacity search as a pure state machine: step the rate up by a factor from a start until
//! a step misses the SLO (or the rate cap is reached), then bisect between the highest rate
//! that met it and the lowest that missed until they are within a precision. Bounded in steps
//! and in time.

use serde::{Deserialize, Serialize};

/// Bounds and shape of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub start_rps: f64,
    pub max_rps: f64,
    /// Each step up multiplies the rate by this.
    pub factor: f64,
    /// Bisection stops when (missed − met) / met is at most this.
    pub precision: f64,
    pub max_steps: usize,
    /// Seconds of load per step.
    pub step_s: u64,
    /// The whole search's seconds of load at most.
    pub max_time_s: u64,
}

/// Why a search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// The highest rate meeting the SLO is known to the precision.
    Knee,
    /// The rate cap met the SLO: the capacity is at least that.
    MaxRate,
    /// The step budget ran out first.
    Steps,
    /// The time budget ran out first.
    Time,
    /// Even the start rate missed the SLO.
    NothingMet,
}

impl Stop {
    /// As the JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Knee => "knee",
            Self::MaxRate => "max-rate",
            Self::Steps => "steps",
            Self::Time => "time",
            Self::NothingMet => "nothing-met",
        }
    }
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    Run(f64),
    Done(Stop),
}

#[derive(Debug, Clone)]
pub struct Search {
    limits: Limits,
    /// Highest rate that met the SLO, lowest that missed it.
    met: Option<f64>,
    missed: Option<f64>,
    steps: usize,
}

/// Rates of 10/s and more are whole numbers: easier to read and to rerun.
fn tidy(rate: f64) -> f64 {
    if rate >= 10.0 {
        rate.round()
    } else {
        (rate * 10.0).round() / 10.0
    }
}

impl Search {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            met: None,
            missed: None,
            steps: 0,
        }
    }

    pub fn next(&self) -> Next {
        let l = &self.limits;
        let rate = match (self.met, self.missed) {
            _ if self.steps == 0 => tidy(l.start_rps.min(l.max_rps)),
            (None, Some(_)) => return Next::Done(Stop::NothingMet),
            (Some(met), None) if met >= l.max_rps => return Next::Done(Stop::MaxRate),
            (Some(met), None) => tidy((met * l.factor).min(l.max_rps)),
            (Some(met), Some(missed)) => {
                let mid = tidy((met + missed) / 2.0);
                if (missed - met) / met <= l.precision || mid <= met || mid >= missed {
                    return Next::Done(Stop::Knee);
                }
                mid
            }
            (None, None) => unreachable!("a step was recorded"),
        };
        if self.steps >= l.max_steps {
            return Next::Done(Stop::Steps);
        }
        if (self.steps as u64 + 1) * l.step_s > l.max_time_s {
            return Next::Done(Stop::Time);
        }
        Next::Run(rate)
    }

    pub fn record(&mut self, rate: f64, met_slo: bool) {
        self.steps += 1;
        if met_slo {
            self.met = Some(self.met.map_or(rate, |m| m.max(rate)));
        } else {
            self.missed = Some(self.missed.map_or(rate, |m| m.min(rate)));
        }
    }

    /// The highest rate that met the SLO.
    pub fn knee(&self) -> Option<f64> {
        self.met
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            start_rps: 50.0,
            max_rps: 10_000.0,
            factor: 2.0,
            precision: 0.05,
            max_steps: 20,
            step_s: 10,
            max_time_s: 600,
        }
    }

    /// Runs a search against a service that meets the SLO up to `capacity`.
    fn against(limits: Limits, capacity: f64) -> (Vec<f64>, Option<f64>, Stop) {
        let mut s = Search::new(limits);
        let mut rates = Vec::new();
        loop {
            match s.next() {
                Next::Run(r) => {
                    rates.push(r);
                    s.record(r, r <= capacity);
                }
                Next::Done(stop) => return (rates, s.knee(), stop),
            }
        }
    }

    #[test]
    fn steps_up_then_bisects_to_the_precision() {
        let (rates, knee, stop) = against(limits(), 1234.0);
        assert_eq!(
            &rates[..7],
            [50.0, 100.0, 200.0, 400.0, 800.0, 1600.0, 1200.0]
        );
        assert_eq!(stop, Stop::Knee);
        let knee = knee.unwrap();
        let missed = rates
            .iter()
            .copied()
            .filter(|r| *r > 1234.0)
            .fold(f64::MAX, f64::min);
        assert!(
            knee <= 1234.0 && (missed - knee) / knee <= 0.05,
            "{rates:?}"
        );
    }

    #[test]
    fn every_bound_stops_the_search() {
        let (_, knee, stop) = against(limits(), 1e9);
        assert_eq!((knee, stop), (Some(10_000.0), Stop::MaxRate));
        let (rates, knee, stop) = against(limits(), 10.0);
        assert_eq!((rates, knee, stop), (vec![50.0], None, Stop::NothingMet));
        let (rates, _, stop) = against(
            Limits {
                max_steps: 3,
                ..limits()
            },
            1e9,
        );
        assert_eq!((rates.len(), stop), (3, Stop::Steps));
        let (rates, _, stop) = against(
            Limits {
                max_time_s: 45,
                ..limits()
            },
            1e9,
        );
        assert_eq!((rates.len(), stop), (4, Stop::Time));
    }
}
