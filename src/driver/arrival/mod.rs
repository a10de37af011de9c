//! The open-model executor: requests start on a schedule fixed in advance ([`schedule`]),
//! whatever the target does, and each is timed from its **intended** start, so a stall of the
//! target shows in the latencies instead of pausing the generator (coordinated omission).
//!
//! One arrival is one request: the next step of a simulated user. Each arrival goes to a
//! journey by the mix (smooth weighted round-robin: exactly the mix's shares, in a fixed
//! order), then to that journey's longest-idle user; a journey with no idle user gets a new one
//! (numbered 1, 2, … as in the closed model, so it logs in as its own account). A user's first
//! arrivals are its `on_start` steps in order (one retried until it succeeds), later ones a loop
//! step drawn by weight from the run's seed. Think times do not apply: the schedule sets the
//! pace. An arrival that finds `max_in_flight` requests in flight is **dropped**, counted under
//! the loop step it would have drawn. Before the schedule starts, the profile's `users` log in
//! (their `on_start` steps, timed from their send), as k6 pre-allocates its users. Requests
//! still unanswered 10 s after the warm-up or the schedule ends are recorded as errors with
//! their latency so far, a lower bound.

mod client;
mod http1;
mod mix;
pub mod schedule;

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_chacha::ChaCha8Rng;
use tokio::task::JoinSet;

use super::Counters;
use super::journey::{self, Rendered, UserVars, render_step, route_key};
use crate::error::{Error, Result};
use crate::scenario::arrival::ArrivalPlan;
use crate::scenario::{Journey, Plan, Step};
use client::Client;
use mix::Mix;
use schedule::Schedule;
use tta_stats::{OpenTimes, Recorder, RequestOutcome};

/// How long requests in flight when the schedule ends are waited for.
pub const DRAIN: Duration = Duration::from_secs(10);
/// How long requests in flight at a stop signal are waited for.
pub const STOP_GRACE: Duration = Duration::from_secs(1);

/// A step with its keys.
struct StepRun {
    step: Step,
    route: String,
    key: String,
    on_start: bool,
}

/// A journey with its steps' keys and its loop's weights.
struct JourneyRun {
    journey: Journey,
    on_start: Vec<Arc<StepRun>>,
    steps: Vec<Arc<StepRun>>,
    weights: WeightedIndex<u32>,
}

impl JourneyRun {
    fn new(journey: &Journey) -> Result<Self> {
        let keyed = |on_start: bool| {
            move |s: &Step| {
                Arc::new(StepRun {
                    step: s.clone(),
                    route: route_key(s),
                    key: format!("{}/{}", journey.journey, s.name),
                    on_start,
                })
            }
        };
        let weights = WeightedIndex::new(journey.steps.iter().map(|s| s.weight)).map_err(|e| {
            Error::Process(format!("journey {}: step weights: {e}", journey.journey))
        })?;
        Ok(Self {
            journey: journey.clone(),
            on_start: journey.on_start.iter().map(keyed(true)).collect(),
            steps: journey.steps.iter().map(keyed(false)).collect(),
            weights,
        })
    }
}

/// A simulated user of one journey.
struct User {
    vars: UserVars,
    /// `on_start` steps done.
    started: usize,
}

/// The users of every journey and the requests in flight.
struct Pool {
    idle: Vec<VecDeque<User>>,
    made: Vec<usize>,
    in_flight: usize,
}

impl Pool {
    /// A new user of journey `j`, numbered after the last.
    fn make(&mut self, j: usize, journey: &Journey) -> User {
        self.made[j] += 1;
        User {
            vars: UserVars::new(journey, self.made[j]),
            started: 0,
        }
    }
}

/// Records a request that was never answered when its task is dropped unfinished (the run
/// stopped waiting): an error, with the latency it had reached, a lower bound.
struct Unanswered {
    recorder: Arc<Recorder>,
    counters: Arc<Counters>,
    step: Arc<StepRun>,
    intended: Instant,
    sent: Instant,
    armed: bool,
}

impl Drop for Unanswered {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if super::stopping() {
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

/// Everything a request's task shares.
struct Shared {
    /// The plan's journeys, by index.
    journeys: Vec<JourneyRun>,
    client: Client,
    recorder: Arc<Recorder>,
    counters: Arc<Counters>,
    pool: Mutex<Pool>,
}

impl Shared {
    fn pool(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A user of journey `j` for a request, counted in flight until given back: its
    /// longest-idle one (`fresh`: a new one), or `None` when `max_in_flight` are in flight.
    fn take(&self, j: usize, fresh: bool, max_in_flight: usize) -> Option<User> {
        let mut pool = self.pool();
        if pool.in_flight >= max_in_flight {
            return None;
        }
        pool.in_flight += 1;
        let idle = if fresh {
            None
        } else {
            pool.idle[j].pop_front()
        };
        Some(idle.unwrap_or_else(|| pool.make(j, &self.journeys[j].journey)))
    }

    fn give_back(&self, journey: usize, user: User) {
        let mut pool = self.pool();
        pool.in_flight -= 1;
        pool.idle[journey].push_back(user);
    }
}

/// Sends one rendered step for `user` and gives the user back to the pool.
async fn send(
    shared: Arc<Shared>,
    journey: usize,
    mut user: User,
    step: Arc<StepRun>,
    request: Rendered,
    intended: Instant,
) {
    exchange(&shared, &mut user, &step, request, intended).await;
    shared.give_back(journey, user);
}

/// Logs `user` in before the schedule starts: its `on_start` steps in order, each timed from
/// its send (it has no intended start), then gives it to the pool.
async fn warm_up(shared: Arc<Shared>, journey: usize, mut user: User) {
    for step in shared.journeys[journey].on_start.clone() {
        let rendered = render_step(
            &shared.journeys[journey].journey,
            &step.step,
            &user.vars,
            &mut rand::rng(),
        );
        let Some(request) = rendered else {
            break;
        };
        shared.counters.warm_up.fetch_add(1, Ordering::Relaxed);
        exchange(&shared, &mut user, &step, request, Instant::now()).await;
        if user.started == 0 {
            break; // The first step failed: the schedule's arrivals will retry it.
        }
    }
    shared.give_back(journey, user);
}

/// Sends one rendered step for `user`, records it, and keeps what it captured.
async fn exchange(
    shared: &Shared,
    user: &mut User,
    step: &Arc<StepRun>,
    request: Rendered,
    intended: Instant,
) {
    let sent = Instant::now();
    let mut guard = Unanswered {
        recorder: shared.recorder.clone(),
        counters: shared.counters.clone(),
        step: step.clone(),
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
    if outcome != RequestOutcome::Ok && super::stopping() {
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

/// Runs the arrivals of `arrival` for the journeys of `plan` against `target` (a base URL) and
/// fills `recorder`. Returns when the schedule is over and its requests answered (or given up
/// after [`DRAIN`]); the profile's request cap cuts the schedule.
pub async fn run(
    plan: &Plan,
    arrival: &ArrivalPlan,
    target: &str,
    recorder: Arc<Recorder>,
    counters: Arc<Counters>,
) -> Result<()> {
    let journeys = plan
        .journeys
        .iter()
        .map(|j| JourneyRun::new(&j.journey))
        .collect::<Result<Vec<_>>>()?;
    let count = journeys.len();
    let mut mix = Mix::new(plan.journeys.iter().map(|j| j.weight));
    // No redirect is followed and every request goes to the one loopback origin checked here.
    let client = Client::new(target, super::REQUEST_TIMEOUT)?;
    let shared = Arc::new(Shared {
        journeys,
        client,
        recorder,
        counters: counters.clone(),
        pool: Mutex::new(Pool {
            idle: (0..count).map(|_| VecDeque::new()).collect(),
            made: vec![0; count],
            in_flight: 0,
        }),
    });
    let mut rng = ChaCha8Rng::seed_from_u64(arrival.seed);
    let mut tasks = JoinSet::new();
    // The profile's users log in before the schedule starts (k6's pre-allocated users), so its
    // first arrivals do not each make a new user, all logging in at once.
    let mut warm_mix = Mix::new(plan.journeys.iter().map(|j| j.weight));
    for _ in 0..plan.profile.users {
        let j = warm_mix.next();
        let Some(user) = shared.take(j, true, arrival.max_in_flight) else {
            break;
        };
        tasks.spawn(warm_up(shared.clone(), j, user));
    }
    drain(&mut tasks).await;
    let start = Instant::now();
    for offset in Schedule::new(arrival, plan.profile.max_requests) {
        let intended = start + offset;
        if intended > Instant::now() {
            tokio::select! {
                () = tokio::time::sleep_until(intended.into()) => {}
                _ = crate::interrupt::stopped() => break,
            }
        }
        if super::stopping() {
            break;
        }
        while tasks.try_join_next().is_some() {}
        counters.scheduled.fetch_add(1, Ordering::Relaxed);
        let j = mix.next();
        let jr = &shared.journeys[j];
        let Some(user) = shared.take(j, false, arrival.max_in_flight) else {
            let step = &jr.steps[jr.weights.sample(&mut rng)];
            counters.dropped.fetch_add(1, Ordering::Relaxed);
            shared.recorder.record_dropped(&step.route, &step.key);
            continue;
        };
        let step = match jr.on_start.get(user.started) {
            Some(s) => s.clone(),
            None => jr.steps[jr.weights.sample(&mut rng)].clone(),
        };
        match render_step(&jr.journey, &step.step, &user.vars, &mut rng) {
            None => {
                counters.skipped.fetch_add(1, Ordering::Relaxed);
                shared.give_back(j, user);
            }
            Some(request) => {
                counters.sent.fetch_add(1, Ordering::Relaxed);
                tasks.spawn(send(shared.clone(), j, user, step, request, intended));
            }
        }
    }
    drain(&mut tasks).await;
    Ok(())
}

/// Waits for `tasks` at most [`DRAIN`], or [`STOP_GRACE`] after a stop signal; those still
/// running then are dropped, which records each request as unanswered (or, after a stop,
/// counts it as cancelled).
async fn drain(tasks: &mut JoinSet<()>) {
    let all_done = async { while tasks.join_next().await.is_some() {} };
    let limit = async {
        tokio::select! {
            () = tokio::time::sleep(DRAIN) => {}
            _ = async {
                crate::interrupt::stopped().await;
                tokio::time::sleep(STOP_GRACE).await;
            } => {}
        }
    };
    let drained = tokio::select! {
        () = all_done => true,
        () = limit => false,
    };
    if !drained {
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
}
