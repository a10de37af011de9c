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
mod request;
pub mod schedule;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use rand::SeedableRng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_chacha::ChaCha8Rng;

use super::Counters;
use super::journey::{UserVars, render_step, route_key};
use crate::error::{Error, Result};
use crate::scenario::arrival::ArrivalPlan;
use crate::scenario::{Journey, Plan, Step};
use client::{Client, Link};
use mix::Mix;
use request::Job;
use schedule::Schedule;
use tta_stats::Recorder;

/// How long requests in flight when the schedule ends are waited for.
pub const DRAIN: Duration = Duration::from_secs(10);
/// How long requests in flight at a stop signal are waited for.
pub const STOP_GRACE: Duration = Duration::from_secs(1);
/// Arrivals sent one after another, each already due, before the executor lets the runtime
/// poll the sockets once.
const YIELD_WHEN_BEHIND: u32 = 64;

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
    on_start: Vec<StepRun>,
    steps: Vec<StepRun>,
    weights: WeightedIndex<u32>,
}

impl JourneyRun {
    fn new(journey: &Journey) -> Result<Self> {
        let keyed = |on_start: bool| {
            move |s: &Step| StepRun {
                step: s.clone(),
                route: route_key(s),
                key: format!("{}/{}", journey.journey, s.name),
                on_start,
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

/// The users of every journey, each journey's longest-idle first, and the links with no
/// request, the last freed first (its connection is the warmest).
struct Pool {
    idle: Vec<VecDeque<User>>,
    made: Vec<usize>,
    links: Vec<Link>,
}

impl Pool {
    fn new(journeys: usize) -> Self {
        Self {
            idle: (0..journeys).map(|_| VecDeque::new()).collect(),
            made: vec![0; journeys],
            links: Vec::new(),
        }
    }

    /// A new user of journey `j`, numbered after the last.
    fn make(&mut self, j: usize, journey: &Journey) -> User {
        self.made[j] += 1;
        User {
            vars: UserVars::new(journey, self.made[j]),
            started: 0,
        }
    }

    /// Journey `j`'s longest-idle user, or a new one.
    fn take(&mut self, j: usize, journey: &Journey) -> User {
        match self.idle[j].pop_front() {
            Some(user) => user,
            None => self.make(j, journey),
        }
    }

    fn give_back(&mut self, j: usize, user: User) {
        self.idle[j].push_back(user);
    }

    /// Takes back what a finished request (or warm-up) held: its user and its link.
    fn finished(&mut self, (j, user, link): Finished) {
        self.give_back(j, user);
        self.links.push(link);
    }
}

/// What a finished request gives back: its journey, its user and its link.
type Finished = (usize, User, Link);

/// What every request reads.
struct Shared {
    /// The plan's journeys, by index.
    journeys: Vec<JourneyRun>,
    client: Client,
    recorder: Arc<Recorder>,
    counters: Arc<Counters>,
}

/// Logs `user` in before the schedule starts: its `on_start` steps in order, each timed from
/// its send (it has no intended start). Returns the user and the link it used.
async fn warm_up(shared: &Shared, journey: usize, mut user: User) -> Finished {
    let mut link = shared.client.link();
    for step in &shared.journeys[journey].on_start {
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
        let now = Instant::now();
        request::exchange(shared, &mut link, &mut user, step, request, now).await;
        if user.started == 0 {
            break; // The first step failed: the schedule's arrivals will retry it.
        }
    }
    (journey, user, link)
}

/// Runs the arrivals of `arrival` for the journeys of `plan` against `target` (a base URL) and
/// fills `recorder`. Returns when the schedule is over and its requests answered (or given up
/// after [`DRAIN`]); the profile's request cap cuts the schedule.
///
/// Every request in flight is a future of one set polled by this task, on an idle link (a
/// keep-alive connection) or a new one: no task, channel or lock per request, and
/// `max_in_flight` bounds the connections too.
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
    let mut pool = Pool::new(journeys.len());
    let mut mix = Mix::new(plan.journeys.iter().map(|j| j.weight));
    // No redirect is followed and every request goes to the one loopback origin checked here.
    let client = Client::new(target, super::REQUEST_TIMEOUT)?;
    let shared = Shared {
        journeys,
        client,
        recorder,
        counters: counters.clone(),
    };
    let shared = &shared;
    let mut rng = ChaCha8Rng::seed_from_u64(arrival.seed);

    // The profile's users log in before the schedule starts (k6's pre-allocated users), so its
    // first arrivals do not each make a new user, all logging in at once.
    let mut warming = FuturesUnordered::new();
    let mut warm_mix = Mix::new(plan.journeys.iter().map(|j| j.weight));
    for _ in 0..plan.profile.users.min(arrival.max_in_flight) {
        let j = warm_mix.next();
        let user = pool.make(j, &shared.journeys[j].journey);
        warming.push(warm_up(shared, j, user));
    }
    let all_warm = async {
        while let Some(done) = warming.next().await {
            pool.finished(done);
        }
    };
    within_limit(all_warm).await;
    drop(warming); // Users still logging in are given up (recorded as unanswered).

    let mut in_flight = FuturesUnordered::new();
    // Polled only until it resolves: the schedule then ends.
    let mut stop = std::pin::pin!(crate::interrupt::stopped());
    let start = Instant::now();
    let mut behind = 0u32;
    'schedule: for offset in Schedule::new(arrival, plan.profile.max_requests) {
        let intended = start + offset;
        // Until the arrival is due, requests in flight go on and finished ones come back.
        if intended > Instant::now() {
            behind = 0;
            let mut due = std::pin::pin!(tokio::time::sleep_until(intended.into()));
            loop {
                tokio::select! {
                    biased;
                    _ = stop.as_mut() => break 'schedule,
                    Some(done) = in_flight.next() => pool.finished(done),
                    () = due.as_mut() => break,
                }
            }
        } else {
            behind += 1;
            if behind == YIELD_WHEN_BEHIND {
                // Arrivals keep coming due: let the runtime read the sockets, so requests in
                // flight are answered and their links come back.
                behind = 0;
                tokio::task::yield_now().await;
                while let Some(Some(done)) = in_flight.next().now_or_never() {
                    pool.finished(done);
                }
            }
        }
        if super::stopping() {
            break;
        }
        counters.scheduled.fetch_add(1, Ordering::Relaxed);
        let j = mix.next();
        let jr = &shared.journeys[j];
        if in_flight.len() >= arrival.max_in_flight {
            let step = &jr.steps[jr.weights.sample(&mut rng)];
            counters.dropped.fetch_add(1, Ordering::Relaxed);
            shared.recorder.record_dropped(&step.route, &step.key);
            continue;
        }
        let user = pool.take(j, &jr.journey);
        let step = match jr.on_start.get(user.started) {
            Some(s) => s,
            None => &jr.steps[jr.weights.sample(&mut rng)],
        };
        match render_step(&jr.journey, &step.step, &user.vars, &mut rng) {
            None => {
                counters.skipped.fetch_add(1, Ordering::Relaxed);
                pool.give_back(j, user);
            }
            Some(request) => {
                counters.sent.fetch_add(1, Ordering::Relaxed);
                let link = pool.links.pop().unwrap_or_else(|| shared.client.link());
                let job = Job {
                    journey: j,
                    user,
                    step,
                    request,
                    intended,
                    link,
                };
                in_flight.push(request::send(shared, job));
            }
        }
    }
    let all_answered = async { while in_flight.next().await.is_some() {} };
    within_limit(all_answered).await;
    // A request still in flight is dropped with its guard, which records it as unanswered
    // (or, after a stop, counts it as cancelled).
    drop(in_flight);
    Ok(())
}

/// Waits for `done` at most [`DRAIN`], or [`STOP_GRACE`] after a stop signal.
async fn within_limit(done: impl Future<Output = ()>) {
    let limit = async {
        tokio::select! {
            () = tokio::time::sleep(DRAIN) => {}
            _ = async {
                crate::interrupt::stopped().await;
                tokio::time::sleep(STOP_GRACE).await;
            } => {}
        }
    };
    tokio::select! {
        () = done => {}
        () = limit => {}
    }
}
