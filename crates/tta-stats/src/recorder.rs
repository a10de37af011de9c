//! The recorder every simulated user shares: per route, per journey step and in all, each
//! request's latency (and the open model's service time, lag and drops), and a per-second
//! timeline, behind one lock.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{OpenTimes, RequestOutcome, Second, Series, micros};

#[derive(Debug, Default)]
struct Inner {
    routes: BTreeMap<String, Series>,
    steps: BTreeMap<String, Series>,
    all: Series,
    timeline: Vec<Second>,
}

/// Thread-safe recorder shared by every simulated user.
#[derive(Debug)]
pub struct Recorder {
    started: Instant,
    inner: Mutex<Inner>,
}

/// A cheap look at the run so far, for progress output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub requests: u64,
    pub errors: u64,
    /// Open model: arrivals dropped so far.
    pub dropped: u64,
    pub p95_ms: f64,
    /// Requests in the last complete second.
    pub current_rps: u64,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records one request under its route (e.g. `POST /api/patient/sessions/{session_id}/choices`)
    /// and its journey step (e.g. `patient/choice`).
    pub fn record(&self, route: &str, step: &str, latency: Duration, outcome: &RequestOutcome) {
        let us = micros(latency);
        self.apply(
            route,
            step,
            |s| s.record(us, outcome),
            |sec| {
                sec.requests += 1;
                if *outcome != RequestOutcome::Ok {
                    sec.errors += 1;
                }
            },
        );
    }

    /// Records one open-model request: its latency from the intended start (what
    /// [`Series::histogram`] holds), its service time and its lag.
    pub fn record_open(&self, route: &str, step: &str, times: OpenTimes, outcome: &RequestOutcome) {
        self.apply(
            route,
            step,
            |s| s.record_open(&times, outcome),
            |sec| {
                sec.requests += 1;
                if *outcome != RequestOutcome::Ok {
                    sec.errors += 1;
                }
            },
        );
    }

    /// Counts an arrival of the open model that was not sent (the in-flight cap was reached)
    /// under the route and step it would have requested.
    pub fn record_dropped(&self, route: &str, step: &str) {
        self.apply(route, step, Series::record_dropped, |sec| sec.dropped += 1);
    }

    fn apply(
        &self,
        route: &str,
        step: &str,
        series: impl Fn(&mut Series),
        second: impl FnOnce(&mut Second),
    ) {
        let now = self.started.elapsed().as_secs() as usize;
        let mut inner = self.lock();
        match inner.routes.get_mut(route) {
            Some(s) => series(s),
            None => series(inner.routes.entry(route.to_string()).or_default()),
        }
        match inner.steps.get_mut(step) {
            Some(s) => series(s),
            None => series(inner.steps.entry(step.to_string()).or_default()),
        }
        series(&mut inner.all);
        if inner.timeline.len() <= now {
            inner.timeline.resize(now + 1, Second::default());
        }
        second(&mut inner.timeline[now]);
    }

    pub fn progress(&self) -> Progress {
        let inner = self.lock();
        let now = self.started.elapsed().as_secs() as usize;
        Progress {
            requests: inner.all.histogram.len(),
            errors: inner.all.error_count(),
            dropped: inner.all.dropped(),
            p95_ms: inner.all.histogram.value_at_quantile(0.95) as f64 / 1000.0,
            current_rps: now
                .checked_sub(1)
                .and_then(|s| inner.timeline.get(s))
                .map_or(0, |s| s.requests),
        }
    }

    /// Takes the recorded series out: (routes, steps, per-second timeline).
    pub fn finish(
        &self,
    ) -> (
        BTreeMap<String, Series>,
        BTreeMap<String, Series>,
        Vec<Second>,
    ) {
        let mut inner = self.lock();
        let inner = std::mem::take(&mut *inner);
        (inner.routes, inner.steps, inner.timeline)
    }
}
