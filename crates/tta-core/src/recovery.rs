//! Error recovery (TTA `TherapeuticErrorRecoveryManager`; recovery < 100 ms with 100 % success in
//! the validation suite, TTA therapeutic systems benchmarks).
//!
//! Error classes map to strategies: transient and timeout → retry with exponential backoff (up to
//! three retries, 50 ms × 2ⁿ plus deterministic jitter of up to 10 %); dependency unavailable and
//! data validation → fallback; resource exhausted → degrade; data corruption and safety-critical →
//! escalate. Severity starts from the class and rises one step when the same component has had
//! three or more errors of that class among its last ten. Component health is judged from the last
//! twenty outcomes: healthy when all recovered, degraded with one or two unrecovered, unhealthy
//! with three or more.
//!
//! The core computes the backoff schedule but does not sleep: the caller's operation decides
//! whether an attempt succeeds, and a service layer waits the returned delays. That keeps the
//! reference core deterministic and its recovery time a measure of decision cost.

use std::collections::{BTreeMap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

const MAX_RETRIES: u32 = 3;
const BASE_BACKOFF_MS: u64 = 50;
const SEVERITY_WINDOW: usize = 10;
const HEALTH_WINDOW: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    Transient,
    Timeout,
    DependencyUnavailable,
    DataValidation,
    ResourceExhausted,
    DataCorruption,
    SafetyCritical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryStrategy {
    RetryWithBackoff,
    Fallback,
    Degrade,
    Escalate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    fn raised(self) -> Self {
        match self {
            Self::Low => Self::Medium,
            Self::Medium => Self::High,
            Self::High | Self::Critical => Self::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Degraded,
    Unhealthy,
}

impl ErrorClass {
    pub fn strategy(self) -> RecoveryStrategy {
        match self {
            Self::Transient | Self::Timeout => RecoveryStrategy::RetryWithBackoff,
            Self::DependencyUnavailable | Self::DataValidation => RecoveryStrategy::Fallback,
            Self::ResourceExhausted => RecoveryStrategy::Degrade,
            Self::DataCorruption | Self::SafetyCritical => RecoveryStrategy::Escalate,
        }
    }

    pub fn base_severity(self) -> Severity {
        match self {
            Self::Transient | Self::DataValidation => Severity::Low,
            Self::Timeout | Self::DependencyUnavailable => Severity::Medium,
            Self::ResourceExhausted | Self::DataCorruption => Severity::High,
            Self::SafetyCritical => Severity::Critical,
        }
    }
}

/// What one recovery did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryOutcome {
    pub component: String,
    pub class: ErrorClass,
    pub strategy: RecoveryStrategy,
    pub severity: Severity,
    /// Attempts of the operation made during recovery (retries only).
    pub attempts: u32,
    /// Delays to wait before each retry, in milliseconds.
    pub backoff_ms: Vec<u64>,
    pub recovered: bool,
    pub health: Health,
}

#[derive(Debug, Default)]
struct ComponentLog {
    classes: VecDeque<ErrorClass>,
    outcomes: VecDeque<bool>,
}

fn push_bounded<T>(q: &mut VecDeque<T>, v: T, cap: usize) {
    if q.len() == cap {
        q.pop_front();
    }
    q.push_back(v);
}

#[derive(Debug)]
pub struct ErrorRecoveryManager {
    components: BTreeMap<String, ComponentLog>,
    rng: ChaCha8Rng,
}

impl ErrorRecoveryManager {
    pub fn new(seed: u64) -> Self {
        Self {
            components: BTreeMap::new(),
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Recovers from an error of `class` in `component`. For retries, `retry(attempt)` is called
    /// with attempt 1, 2, 3 until it returns true. Fallback and degrade always recover (they
    /// serve a safe default or a reduced feature); escalation hands over to a human and counts as
    /// unrecovered.
    pub fn recover(
        &mut self,
        component: &str,
        class: ErrorClass,
        mut retry: impl FnMut(u32) -> bool,
    ) -> RecoveryOutcome {
        let strategy = class.strategy();
        let log = self.components.entry(component.to_string()).or_default();
        push_bounded(&mut log.classes, class, SEVERITY_WINDOW);
        let same = log.classes.iter().filter(|c| **c == class).count();
        let severity = if same >= 3 {
            class.base_severity().raised()
        } else {
            class.base_severity()
        };

        let mut attempts = 0;
        let mut backoff_ms = Vec::new();
        let recovered = match strategy {
            RecoveryStrategy::RetryWithBackoff => {
                let mut ok = false;
                while attempts < MAX_RETRIES && !ok {
                    let base = BASE_BACKOFF_MS << attempts;
                    backoff_ms.push(base + self.rng.random_range(0..=base / 10));
                    attempts += 1;
                    ok = retry(attempts);
                }
                ok
            }
            RecoveryStrategy::Fallback | RecoveryStrategy::Degrade => true,
            RecoveryStrategy::Escalate => false,
        };
        push_bounded(&mut log.outcomes, recovered, HEALTH_WINDOW);
        let health = health_of(log);
        RecoveryOutcome {
            component: component.to_string(),
            class,
            strategy,
            severity,
            attempts,
            backoff_ms,
            recovered,
            health,
        }
    }

    pub fn health(&self, component: &str) -> Health {
        self.components
            .get(component)
            .map_or(Health::Healthy, health_of)
    }
}

fn health_of(log: &ComponentLog) -> Health {
    match log.outcomes.iter().filter(|ok| !**ok).count() {
        0 => Health::Healthy,
        1 | 2 => Health::Degraded,
        _ => Health::Unhealthy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_table() {
        use ErrorClass::*;
        use RecoveryStrategy::*;
        let cases = [
            (Transient, RetryWithBackoff),
            (Timeout, RetryWithBackoff),
            (DependencyUnavailable, Fallback),
            (DataValidation, Fallback),
            (ResourceExhausted, Degrade),
            (DataCorruption, Escalate),
            (SafetyCritical, Escalate),
        ];
        for (class, strategy) in cases {
            assert_eq!(class.strategy(), strategy, "{class:?}");
        }
    }

    #[test]
    fn retry_backs_off_exponentially_with_bounded_jitter() {
        let mut m = ErrorRecoveryManager::new(7);
        let o = m.recover("db", ErrorClass::Transient, |attempt| attempt == 3);
        assert!(o.recovered);
        assert_eq!(o.attempts, 3);
        for (i, d) in o.backoff_ms.iter().enumerate() {
            let base = 50u64 << i;
            assert!((base..=base + base / 10).contains(d), "{d} for base {base}");
        }
        let again = ErrorRecoveryManager::new(7).recover("db", ErrorClass::Transient, |a| a == 3);
        assert_eq!(again.backoff_ms, o.backoff_ms, "same seed, same schedule");
    }

    #[test]
    fn exhausted_retries_and_escalations_degrade_health() {
        let mut m = ErrorRecoveryManager::new(1);
        let o = m.recover("llm", ErrorClass::Timeout, |_| false);
        assert!(!o.recovered);
        assert_eq!(o.attempts, 3);
        assert_eq!(o.health, Health::Degraded);
        m.recover("llm", ErrorClass::DataCorruption, |_| true);
        let o = m.recover("llm", ErrorClass::SafetyCritical, |_| true);
        assert_eq!(o.health, Health::Unhealthy);
        assert_eq!(m.health("cache"), Health::Healthy);
    }

    #[test]
    fn repeated_errors_raise_severity() {
        let mut m = ErrorRecoveryManager::new(1);
        let sev: Vec<_> = (0..3)
            .map(|_| {
                m.recover("db", ErrorClass::DependencyUnavailable, |_| true)
                    .severity
            })
            .collect();
        assert_eq!(sev, [Severity::Medium, Severity::Medium, Severity::High]);
        assert_eq!(
            m.recover("db", ErrorClass::SafetyCritical, |_| true)
                .severity,
            Severity::Critical
        );
    }

    #[test]
    fn validation_suite_recovers_every_recoverable_class() {
        let mut m = ErrorRecoveryManager::new(3);
        for class in [
            ErrorClass::Transient,
            ErrorClass::Timeout,
            ErrorClass::DependencyUnavailable,
            ErrorClass::DataValidation,
            ErrorClass::ResourceExhausted,
        ] {
            assert!(m.recover("svc", class, |a| a >= 2).recovered, "{class:?}");
        }
        assert_eq!(m.health("svc"), Health::Healthy);
    }
}
