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
//! their latency so far, a lower bound. A request is sent by an idle lane ([`lane`]: a
//! connection and its task), so `max_in_flight` also bounds the connections.

mod client;
mod http1;
mod lane;
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
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;

use super::Counters;
use super::journey::{UserVars, render_step, route_key};
use crate::error::{Error, Result};
use crate::scenario::arrival::ArrivalPlan;
use crate::scenario::{Journey, Plan, Step};
use client::{Client, Link};
use lane::Job;
use mix::Mix;
use schedule::Schedule;
use tta_stats::Recorder;

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

/// The users of every journey, the requests in flight and the idle lanes.
struct Pool {
    idle: Vec<VecDeque<User>>,
    made: Vec<usize>,
    in_flight: usize,
    /// Lanes with no request, the last freed first (its connection is the warmest).
    idle_lanes: Vec<usize>,
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

/// Everything a request's task shares.
struct Shared {
    /// The plan's journeys, by index.
    journeys: Vec<JourneyRun>,
    client: Client,
    recorder: Arc<Recorder>,
    counters: Arc<Counters>,
    pool: Mutex<Pool>,
    /// Told when the last request in flight is given back.
    all_back: Notify,
}

impl Shared {
    fn pool(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A user of journey `j` for a request, counted in flight until given back: its
    /// longest-idle one (`fresh`: a new one), and an idle lane if there is one; `None` when
    /// `max_in_flight` are in flight.
    fn take(&self, j: usize, fresh: bool, max_in_flight: usize) -> Option<(User, Option<usize>)> {
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
        let user = idle.unwrap_or_else(|| pool.make(j, &self.journeys[j].journey));
        Some((user, pool.idle_lanes.pop()))
    }

    /// Gives back a user taken for a request and the lane that sent it (if any).
    fn give_back(&self, journey: usize, user: User, lane: Option<usize>) {
        let mut pool = self.pool();
        pool.in_flight -= 1;
        pool.idle[journey].push_back(user);
        pool.idle_lanes.extend(lane);
        if pool.in_flight == 0 {
            self.all_back.notify_waiters();
        }
    }

    /// Returns once no request is in flight.
    async fn all_answered(&self) {
        loop {
            // Registered before the check, so a give-back in between is not missed.
            let told = self.all_back.notified();
            if self.pool().in_flight == 0 {
                return;
            }
            told.await;
        }
    }
}

/// Logs `user` in before the schedule starts: its `on_start` steps in order, each timed from
/// its send (it has no intended start), then gives it to the pool; returns the connection it
/// used, for a lane.
async fn warm_up(shared: Arc<Shared>, journey: usize, mut user: User) -> Link {
    let mut link = shared.client.link();
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
        let now = Instant::now();
        lane::exchange(&shared, &mut link, &mut user, &step, request, now).await;
        if user.started == 0 {
            break; // The first step failed: the schedule's arrivals will retry it.
        }
    }
    shared.give_back(journey, user, None);
    link
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
            idle_lanes: Vec::new(),
        }),
        all_back: Notify::new(),
    });
    let mut rng = ChaCha8Rng::seed_from_u64(arrival.seed);
    let mut lanes = Lanes::default();
    let mut warming = JoinSet::new();
    // The profile's users log in before the schedule starts (k6's pre-allocated users), so its
    // first arrivals do not each make a new user, all logging in at once.
    let mut warm_mix = Mix::new(plan.journeys.iter().map(|j| j.weight));
    for _ in 0..plan.profile.users {
        let j = warm_mix.next();
        let Some((user, _)) = shared.take(j, true, arrival.max_in_flight) else {
            break;
        };
        warming.spawn(warm_up(shared.clone(), j, user));
    }
    // Their connections become the first lanes.
    let mut warmed = Vec::new();
    let all_done = async {
        while let Some(done) = warming.join_next().await {
            warmed.extend(done.ok());
        }
    };
    if !within_limit(all_done).await {
        warming.abort_all();
        while warming.join_next().await.is_some() {}
    }
    for link in warmed {
        let id = lanes.open(&shared, Some(link));
        shared.pool().idle_lanes.push(id);
    }
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
        counters.scheduled.fetch_add(1, Ordering::Relaxed);
        let j = mix.next();
        let jr = &shared.journeys[j];
        let Some((user, lane)) = shared.take(j, false, arrival.max_in_flight) else {
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
                shared.give_back(j, user, lane);
            }
            Some(request) => {
                counters.sent.fetch_add(1, Ordering::Relaxed);
                let job = Job {
                    journey: j,
                    user,
                    step,
                    request,
                    intended,
                };
                lanes.send(&shared, lane, job);
            }
        }
    }
    within_limit(shared.all_answered()).await;
    // Lanes wait for work until aborted; one still sending then records its request as
    // unanswered (or, after a stop, counts it as cancelled).
    lanes.tasks.abort_all();
    while lanes.tasks.join_next().await.is_some() {}
    Ok(())
}

/// The lanes made so far: each one's job channel, and their tasks.
#[derive(Default)]
struct Lanes {
    senders: Vec<mpsc::UnboundedSender<Job>>,
    tasks: JoinSet<()>,
}

impl Lanes {
    /// Starts a lane (on `link` if given) and returns its number.
    fn open(&mut self, shared: &Arc<Shared>, link: Option<Link>) -> usize {
        let id = self.senders.len();
        let link = link.unwrap_or_else(|| shared.client.link());
        // Unbounded, but a lane is given a job only while idle: one at a time.
        let (sender, jobs) = mpsc::unbounded_channel();
        self.senders.push(sender);
        self.tasks.spawn(lane::run(shared.clone(), id, jobs, link));
        id
    }

    /// Hands `job` to the idle lane `lane`, or to a new lane when there is none.
    fn send(&mut self, shared: &Arc<Shared>, lane: Option<usize>, job: Job) {
        let job = match lane {
            Some(id) => match self.senders[id].send(job) {
                Ok(()) => return,
                // An idle lane's task is alive; should it not be, a new lane takes the job.
                Err(refused) => refused.0,
            },
            None => job,
        };
        let id = self.open(shared, None);
        if let Err(refused) = self.senders[id].send(job) {
            // A new lane's task has not even started: unreachable, but the user goes back.
            let job = refused.0;
            shared.give_back(job.journey, job.user, Some(id));
        }
    }
}

/// Waits for `done` at most [`DRAIN`], or [`STOP_GRACE`] after a stop signal: whether it
/// finished.
async fn within_limit(done: impl Future<Output = ()>) -> bool {
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
        () = done => true,
        () = limit => false,
    }
}
