//! One request of the open model: sent on its link, timed from its intended start, recorded,
//! and its captures kept; a guard records it as unanswered if the run stops waiting for it.

use std::sync::atomic::Ordering;
use std::time::Instant;

use super::client::Link;
use super::{Finished, Shared, StepRun, User};
use crate::driver::Counters;
use crate::driver::journey::{self, Rendered};
use tta_stats::{OpenTimes, Recorder, RequestOutcome};

/// One arrival, rendered, with the user it is for and the link to send it on.
pub(super) struct Job<'a> {
    pub journey: usize,
    pub user: User,
    pub step: &'a StepRun,
    pub request: Rendered,
    pub intended: Instant,
    pub link: Link,
}

/// Sends `job`; returns its journey, its user and its link, for the next request.
pub(super) async fn send(shared: &Shared, job: Job<'_>) -> Finished {
    let Job {
        journey,
        mut user,
        step,
        request,
        intended,
        mut link,
    } = job;
    exchange(shared, &mut link, &mut user, step, request, intended).await;
    (journey, user, link)
}

/// Records a request that was never answered when its future is dropped unfinished (the run
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
