//! A lane: one keep-alive connection and the task that sends on it, one request at a time.
//! The executor hands each arrival to an idle lane (a new one while fewer than `max_in_flight`
//! exist), so a request costs no task of its own, no pool lock and no connection checkout; a
//! lane is idle again once its request is recorded and its user given back.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use tokio::sync::mpsc;

use super::client::Link;
use super::{Shared, StepRun, User};
use crate::driver::Counters;
use crate::driver::journey::{self, Rendered};
use tta_stats::{OpenTimes, Recorder, RequestOutcome};

/// One arrival, rendered, for a lane to send.
pub(super) struct Job {
    pub journey: usize,
    pub user: User,
    pub step: Arc<StepRun>,
    pub request: Rendered,
    pub intended: Instant,
}

/// Lane `id`: sends each job it receives on its connection, records it and gives its user
/// back. Runs until aborted when the run ends (an unanswered request is then recorded by its
/// guard).
pub(super) async fn run(
    shared: Arc<Shared>,
    id: usize,
    mut jobs: mpsc::UnboundedReceiver<Job>,
    mut link: Link,
) {
    while let Some(job) = jobs.recv().await {
        let Job {
            journey,
            mut user,
            step,
            request,
            intended,
        } = job;
        exchange(&shared, &mut link, &mut user, &step, request, intended).await;
        shared.give_back(journey, user, Some(id));
    }
}

/// Records a request that was never answered when its task is dropped unfinished (the run
/// stopped waiting): an error, with the latency it had reached, a lower bound.
struct Unanswered<'a> {
    recorder: &'a Recorder,
    counters: &'a Counters,
    step: &'a StepRun,
    intended: Instant,
    sent: Instant,
    armed: bool,
}

impl Drop for Unanswered<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if crate::driver::stopping() {
            self.counters.cancelled.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let now = Instant::now();
        let sent = self.sent;
        self.counters.unanswered.fetch_add(1, Ordering::Relaxed);
        self.recorder.record_open(
            &self.step.route,
            &self.step.key,
            OpenTimes {
                latency: now - self.intended,
                service: now - sent,
                lag: sent.saturating_duration_since(self.intended),
            },
            &RequestOutcome::Transport("unanswered when the run ended".into()),
        );
    }
}

/// Sends one rendered step for `user`, records it, and keeps what it captured.
pub(super) async fn exchange(
    shared: &Shared,
    link: &mut Link,
    user: &mut User,
    step: &StepRun,
    request: Rendered,
    intended: Instant,
) {
    let sent = Instant::now();
    let mut guard = Unanswered {
        recorder: &shared.recorder,
        counters: &shared.counters,
        step,
        intended,
        sent,
        armed: true,
    };
    let json = request
        .body
        .as_ref()
        .map(|b| serde_json::to_vec(b).expect("a JSON value serialises"));
    let answer = shared
        .client
        .send(
            link,
            step.step.method,
            &request.path,
            request.bearer.as_deref(),
            json.as_deref(),
        )
        .await;
    let (outcome, captured) = match answer {
        Err(failure) => (RequestOutcome::Transport(failure.kind().to_string()), None),
        Ok(a) => journey::outcome(a.status, a.location.as_deref(), Ok(&a.body), &step.step),
    };
    let done = Instant::now();
    guard.armed = false;
    if outcome != RequestOutcome::Ok && crate::driver::stopping() {
        // Failed after the stop (the target may be stopping too): not the target's error.
        shared.counters.cancelled.fetch_add(1, Ordering::Relaxed);
        return;
    }
    shared.recorder.record_open(
        &step.route,
        &step.key,
        OpenTimes {
            latency: done - intended,
            service: done - sent,
            lag: sent.saturating_duration_since(intended),
        },
        &outcome,
    );
    if let Some(json) = captured {
        user.vars.capture(&step.step, &json);
    }
    if step.on_start && outcome == RequestOutcome::Ok {
        user.started += 1;
    }
}
