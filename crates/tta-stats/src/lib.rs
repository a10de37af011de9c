//! Latency statistics. Every request's latency goes into an HdrHistogram (microseconds, 3
//! significant digits: each recorded value is within 0.1 % of the true one), per route and per
//! journey step. Histograms are kept whole in run results, serialised in HdrHistogram's V2
//! format and base64-encoded, so percentiles stay exact to that precision and histograms from
//! several runs or machines merge exactly (`Histogram::add`). Summaries are derived, never stored
//! alone.

pub mod compare;
pub mod paired;
pub mod pooled;
mod recorder;
pub mod slope;

pub use recorder::{Progress, Recorder};

use std::collections::BTreeMap;

use std::time::Duration;

use base64::Engine;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

/// Largest latency recorded: one hour, in µs. Longer values are clamped to it.
pub const MAX_LATENCY_US: u64 = 3_600_000_000;

pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("static bounds are valid")
}

/// Base64 of the V2 serialisation of `h`.
pub fn encode(h: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    V2Serializer::new()
        .serialize(h, &mut bytes)
        .expect("serialising into memory cannot fail");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Inverse of [`encode`].
pub fn decode(text: &str) -> Result<Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("histogram is not base64: {e}"))?;
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| format!("histogram is not HdrHistogram V2: {e:?}"))
}

/// Adds the histogram encoded in `text` ([`encode`]) to `into`: histograms of runs, routes or
/// machines merge exactly.
pub fn add_encoded(into: &mut Histogram<u64>, text: &str) -> Result<(), String> {
    into.add(decode(text)?)
        .map_err(|e| format!("histogram cannot be added: {e:?}"))
}

/// Every value recorded in `h`, one per request, as the histogram holds it (µs, the highest
/// value of its bucket, as percentiles report it), in ascending order.
pub fn values_us(h: &Histogram<u64>) -> impl Iterator<Item = f64> + '_ {
    h.iter_recorded().flat_map(|v| {
        let value = h.highest_equivalent(v.value_iterated_to()) as f64;
        std::iter::repeat_n(value, v.count_at_value() as usize)
    })
}

/// What happened to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestOutcome {
    /// The expected status came back.
    Ok,
    /// Another status came back.
    Status { got: u16, expected: u16 },
    /// A redirect came back, towards `to` (the Location's host, or "the same host"); it was not
    /// followed.
    Redirect { got: u16, expected: u16, to: String },
    /// No HTTP answer (connection refused, reset, timeout…).
    Transport(String),
}

impl RequestOutcome {
    fn error_kind(&self) -> Option<String> {
        match self {
            Self::Ok => None,
            Self::Status { got, expected } => Some(format!("status {got} (expected {expected})")),
            Self::Redirect { got, expected, to } => Some(format!(
                "status {got} (expected {expected}), redirect to {to} not followed"
            )),
            Self::Transport(kind) => Some(format!("transport: {kind}")),
        }
    }
}

/// Latencies and errors of one route or step.
#[derive(Debug, Clone)]
pub struct Series {
    /// What the user saw: in the open model, from each request's intended start.
    pub histogram: Histogram<u64>,
    pub errors: BTreeMap<String, u64>,
    /// Open model only: from the actual send, and the send's lag behind its intended start.
    pub open: Option<OpenSeries>,
}

/// What the open model records beside each request's latency from its intended start.
#[derive(Debug, Clone)]
pub struct OpenSeries {
    /// From the actual send to the answer read.
    pub service: Histogram<u64>,
    /// Actual send − intended start (0 when on time).
    pub lag: Histogram<u64>,
    /// Arrivals not sent because the in-flight cap was reached.
    pub dropped: u64,
}

impl Default for OpenSeries {
    fn default() -> Self {
        Self {
            service: new_histogram(),
            lag: new_histogram(),
            dropped: 0,
        }
    }
}

/// One open-model request's times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenTimes {
    /// From the intended start to the answer read.
    pub latency: Duration,
    /// From the actual send to the answer read.
    pub service: Duration,
    /// Actual send − intended start.
    pub lag: Duration,
}

impl Default for Series {
    fn default() -> Self {
        Self {
            histogram: new_histogram(),
            errors: BTreeMap::new(),
            open: None,
        }
    }
}

fn micros(d: Duration) -> u64 {
    d.as_micros().min(u128::from(MAX_LATENCY_US)) as u64
}

fn record_us(h: &mut Histogram<u64>, us: u64) {
    h.saturating_record(us.clamp(1, MAX_LATENCY_US));
}

impl Series {
    fn record(&mut self, latency_us: u64, outcome: &RequestOutcome) {
        record_us(&mut self.histogram, latency_us);
        if let Some(kind) = outcome.error_kind() {
            *self.errors.entry(kind).or_default() += 1;
        }
    }

    fn record_open(&mut self, t: &OpenTimes, outcome: &RequestOutcome) {
        self.record(micros(t.latency), outcome);
        let open = self.open.get_or_insert_with(OpenSeries::default);
        record_us(&mut open.service, micros(t.service));
        // A lag of 0 is recorded as 1 µs, the histogram's lowest value.
        record_us(&mut open.lag, micros(t.lag));
    }

    fn record_dropped(&mut self) {
        self.open.get_or_insert_with(OpenSeries::default).dropped += 1;
    }

    /// Arrivals dropped (open model; 0 otherwise).
    pub fn dropped(&self) -> u64 {
        self.open.as_ref().map_or(0, |o| o.dropped)
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Requests and errors in one second of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Second {
    pub requests: u64,
    pub errors: u64,
    /// Open model: arrivals dropped in this second (absent when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Figures derived from a histogram. Times in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub count: u64,
    pub errors: u64,
    pub error_rate: f64,
    /// Requests per second over the run's measured duration.
    pub throughput_rps: f64,
    pub min_ms: f64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

/// Summarises a histogram recorded over `seconds`. Percentiles are HdrHistogram's
/// `value_at_quantile`: the smallest recorded value (to 3 significant digits) at or below which
/// that share of values lies, so they are monotone by construction.
pub fn summarize(h: &Histogram<u64>, errors: u64, seconds: f64) -> Summary {
    let ms = |us: u64| us as f64 / 1000.0;
    let count = h.len();
    let empty = count == 0;
    Summary {
        count,
        errors,
        error_rate: if empty {
            0.0
        } else {
            errors as f64 / count as f64
        },
        throughput_rps: if seconds > 0.0 {
            count as f64 / seconds
        } else {
            0.0
        },
        min_ms: if empty { 0.0 } else { ms(h.min()) },
        mean_ms: if empty { 0.0 } else { h.mean() / 1000.0 },
        p50_ms: ms(h.value_at_quantile(0.5)),
        p90_ms: ms(h.value_at_quantile(0.9)),
        p95_ms: ms(h.value_at_quantile(0.95)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        p999_ms: ms(h.value_at_quantile(0.999)),
        max_ms: if empty { 0.0 } else { ms(h.max()) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialisation_round_trips_exactly_and_merges() {
        let mut a = new_histogram();
        for v in [120, 340, 560, 10_000, 2_000_000] {
            a.record(v).unwrap();
        }
        let back = decode(&encode(&a)).unwrap();
        assert_eq!(back, a);
        let mut b = new_histogram();
        b.record(999).unwrap();
        let mut merged = back.clone();
        merged.add(decode(&encode(&b)).unwrap()).unwrap();
        assert_eq!(merged.len(), 6);
        assert_eq!(merged.max(), a.max());
        assert!(
            decode("not base64!")
                .unwrap_err()
                .starts_with("histogram is not base64")
        );
        assert!(
            decode("AAAA")
                .unwrap_err()
                .starts_with("histogram is not HdrHistogram V2")
        );
    }

    #[test]
    fn summary_is_exact_to_three_digits_and_monotone() {
        let mut h = new_histogram();
        for v in 1..=1000u64 {
            h.record(v * 1000).unwrap(); // 1 ms … 1000 ms
        }
        let s = summarize(&h, 10, 10.0);
        assert_eq!((s.count, s.errors, s.throughput_rps), (1000, 10, 100.0));
        assert!((s.error_rate - 0.01).abs() < 1e-12);
        for (got, want) in [
            (s.p50_ms, 500.0),
            (s.p90_ms, 900.0),
            (s.p95_ms, 950.0),
            (s.p99_ms, 990.0),
            (s.max_ms, 1000.0),
        ] {
            assert!((got - want).abs() / want <= 0.001, "{got} vs {want}");
        }
        let ps = [
            s.min_ms, s.p50_ms, s.p90_ms, s.p95_ms, s.p99_ms, s.p999_ms, s.max_ms,
        ];
        assert!(ps.windows(2).all(|w| w[0] <= w[1]), "{ps:?}");
        assert_eq!(summarize(&new_histogram(), 0, 0.0).max_ms, 0.0);
    }

    #[test]
    fn recorder_keeps_routes_steps_errors_and_timeline() {
        let r = Recorder::new();
        r.record(
            "GET /a",
            "j/a",
            Duration::from_millis(3),
            &RequestOutcome::Ok,
        );
        r.record(
            "GET /a",
            "j/a2",
            Duration::from_millis(5),
            &RequestOutcome::Status {
                got: 500,
                expected: 200,
            },
        );
        r.record(
            "GET /b",
            "j/b",
            Duration::from_millis(1),
            &RequestOutcome::Transport("connect".into()),
        );
        let p = r.progress();
        assert_eq!((p.requests, p.errors), (3, 2));
        let (routes, steps, timeline) = r.finish();
        assert_eq!(routes["GET /a"].histogram.len(), 2);
        assert_eq!(routes["GET /a"].errors["status 500 (expected 200)"], 1);
        assert_eq!(routes["GET /b"].errors["transport: connect"], 1);
        assert_eq!(steps.len(), 3);
        assert_eq!(timeline.iter().map(|s| s.requests).sum::<u64>(), 3);
    }

    #[test]
    fn open_model_requests_keep_three_times_and_drops() {
        let r = Recorder::new();
        let ms = Duration::from_millis;
        let times = OpenTimes {
            latency: ms(250),
            service: ms(50),
            lag: ms(200),
        };
        r.record_open("GET /a", "j/a", times, &RequestOutcome::Ok);
        r.record_dropped("GET /a", "j/a");
        r.record_dropped("GET /b", "j/b");
        assert_eq!(r.progress().dropped, 2);
        let (routes, _, timeline) = r.finish();
        let a = &routes["GET /a"];
        let open = a.open.as_ref().unwrap();
        assert_eq!((a.histogram.len(), a.dropped()), (1, 1));
        let near = |h: &Histogram<u64>, us: u64| h.equivalent(h.max(), us);
        assert!(near(&a.histogram, 250_000) && near(&open.service, 50_000));
        assert!(near(&open.lag, 200_000));
        assert_eq!(
            (routes["GET /b"].histogram.len(), routes["GET /b"].dropped()),
            (0, 1)
        );
        assert_eq!(timeline.iter().map(|s| s.dropped).sum::<u64>(), 2);
        let json = serde_json::to_string(&Second::default()).unwrap();
        assert_eq!(
            json, r#"{"requests":0,"errors":0}"#,
            "no dropped field when none"
        );
    }
}

#[cfg(test)]
mod reference_tests;
