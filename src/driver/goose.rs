//! The goose adapter: turns a [`Plan`] into goose scenarios at run time (one per journey, weighted
//! by the user mix; `on_start` steps in order, loop steps by weight, think time scaled by the
//! profile) and records every request in our [`Recorder`].
//!
//! Latency is measured around the whole request, from just before sending until the body has been
//! read, in microseconds; goose's own figures are whole milliseconds and are not used. Goose runs
//! a closed model (users wait for answers), so latencies are as each user saw them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::Counters;
use super::journey::{self, Rendered, UserVars, render_step, route_key};
use crate::error::{Error, Result};
use crate::scenario::{Journey, Method, Plan, Step};
use goose::GooseAttack;
use goose::config::GooseConfiguration;
use goose::goose::{
    GooseMethod, GooseRequest, GooseUser, Scenario, Transaction, TransactionResult,
};
use tta_stats::{Recorder, RequestOutcome};

struct Context {
    recorder: Arc<Recorder>,
    counters: Arc<Counters>,
    max_requests: u64,
    pacer: Option<Pacer>,
}

/// A profile's `throttle_rps`, applied before a request's timer starts: goose's own throttle
/// waits inside `GooseUser::request`, so a request timed around that call would count its wait
/// for a slot as latency. Requests take slots `1 / rate` apart, in the order they ask.
struct Pacer {
    interval: Duration,
    next: std::sync::Mutex<tokio::time::Instant>,
}

impl Pacer {
    fn new(rps: u32) -> Self {
        Self {
            interval: Duration::from_secs_f64(1.0 / f64::from(rps.max(1))),
            next: std::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// The next free slot, taken.
    fn take(&self) -> tokio::time::Instant {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let slot = (*next).max(tokio::time::Instant::now());
        *next = slot + self.interval;
        slot
    }

    async fn wait(&self) {
        tokio::time::sleep_until(self.take()).await;
    }
}

/// A step with its precomputed keys.
struct StepRun {
    journey: Arc<Journey>,
    step: Step,
    /// `POST /api/patient/sessions/{session_id}/choices`
    route: String,
    /// `patient/choice`
    key: String,
    /// Users of this journey started so far (numbers them 1, 2, …).
    numbering: Arc<AtomicUsize>,
}

fn goose_method(m: Method) -> GooseMethod {
    match m {
        Method::Get => GooseMethod::Get,
        Method::Post => GooseMethod::Post,
        Method::Put => GooseMethod::Put,
        Method::Patch => GooseMethod::Patch,
        Method::Delete => GooseMethod::Delete,
    }
}

/// A step that sends nothing must still wait: with think times scaled to zero, a user whose
/// steps are all skipped (its session failed) or capped would otherwise loop without ever
/// yielding, hold its worker thread, and starve the timers that end the run.
async fn idle() {
    tokio::time::sleep(Duration::from_millis(10)).await;
}

async fn run_step(user: &mut GooseUser, s: &StepRun, ctx: &Context) -> TransactionResult {
    if user.get_session_data::<UserVars>().is_none() {
        let n = s.numbering.fetch_add(1, Ordering::Relaxed) + 1;
        user.set_session_data(UserVars::new(&s.journey, n));
    }
    let vars = user.get_session_data::<UserVars>().expect("set above");
    let rendered = render_step(&s.journey, &s.step, vars, &mut rand::rng());
    let Some(Rendered { path, body, bearer }) = rendered else {
        ctx.counters.skipped.fetch_add(1, Ordering::Relaxed);
        idle().await;
        return Ok(());
    };
    if ctx.counters.sent.fetch_add(1, Ordering::Relaxed) >= ctx.max_requests {
        idle().await; // Request cap reached: the run sends nothing more until it ends.
        return Ok(());
    }
    let mut builder = user.get_request_builder(&goose_method(s.step.method), &path)?;
    if let Some(token) = bearer {
        builder = builder.bearer_auth(token);
    }
    if let Some(body) = body {
        builder = builder.json(&body);
    }
    let request = GooseRequest::builder()
        .set_request_builder(builder)
        .name(s.key.as_str())
        .build();
    if let Some(pacer) = &ctx.pacer {
        pacer.wait().await;
    }
    if super::stopping() {
        idle().await; // Goose is stopping its users: send nothing new.
        return Ok(());
    }
    let mut cut_off = CutOff {
        counters: &ctx.counters,
        armed: true,
    };
    let start = Instant::now();
    let response = user.request(request).await;
    let (outcome, captured) = match response {
        Err(e) => (
            RequestOutcome::Transport(format!("{e}").chars().take(60).collect()),
            None,
        ),
        Ok(r) => journey::answer(r.response, &s.step).await,
    };
    cut_off.armed = false;
    if outcome != RequestOutcome::Ok && super::stopping() {
        // Failed after the stop (the target may be stopping too): not the target's error.
        ctx.counters.cancelled.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    ctx.recorder
        .record(&s.route, &s.key, start.elapsed(), &outcome);
    if let (Some(json), Some(vars)) = (captured, user.get_session_data_mut::<UserVars>()) {
        vars.capture(&s.step, &json);
    }
    Ok(())
}

/// Counts a request whose task goose dropped before its answer (at a stop) as cancelled.
struct CutOff<'a> {
    counters: &'a Counters,
    armed: bool,
}

impl Drop for CutOff<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.counters.cancelled.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn transaction(s: Arc<StepRun>, ctx: Arc<Context>) -> Transaction {
    let name = s.key.clone();
    Transaction::new(Arc::new(move |user: &mut GooseUser| {
        let s = s.clone();
        let ctx = ctx.clone();
        Box::pin(async move { run_step(user, &s, &ctx).await })
    }))
    .set_name(&name)
}

/// Gives the user a client that follows no redirect: reqwest follows up to ten by default,
/// re-sending a request (a login body, a token) to wherever a target points, which the
/// loopback check of the target never saw. A redirect is recorded as the status it is.
async fn client_without_redirects(user: &mut GooseUser) -> TransactionResult {
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(super::REQUEST_TIMEOUT);
    user.set_client_builder(builder).await?;
    Ok(())
}

fn scale(ms: u64, factor: f64) -> Duration {
    Duration::from_secs_f64(ms as f64 * factor / 1000.0)
}

fn scenario(
    journey: &Journey,
    weight: u32,
    think_scale: f64,
    ctx: &Arc<Context>,
) -> Result<Scenario> {
    let goose_err = |e: goose::GooseError| {
        Error::Process(format!("goose rejected journey {}: {e}", journey.journey))
    };
    let shared = Arc::new(journey.clone());
    let numbering = Arc::new(AtomicUsize::new(0));
    let [min, max] = journey.think_time_ms;
    let mut sc = Scenario::new(&journey.journey)
        .set_weight(weight as usize)
        .map_err(goose_err)?
        .set_wait_time(scale(min, think_scale), scale(max, think_scale))
        .map_err(goose_err)?;
    let run = |step: &Step| {
        Arc::new(StepRun {
            journey: shared.clone(),
            step: step.clone(),
            route: route_key(step),
            key: format!("{}/{}", journey.journey, step.name),
            numbering: numbering.clone(),
        })
    };
    // First of all, each user's client: one that follows no redirect.
    sc = sc.register_transaction(
        goose::transaction!(client_without_redirects)
            .set_name("client")
            .set_on_start()
            .set_sequence(1),
    );
    for (i, step) in journey.on_start.iter().enumerate() {
        sc = sc.register_transaction(
            transaction(run(step), ctx.clone())
                .set_on_start()
                .set_sequence(i + 2),
        );
    }
    for step in &journey.steps {
        let t = transaction(run(step), ctx.clone())
            .set_weight(step.weight as usize)
            .map_err(goose_err)?;
        sc = sc.register_transaction(t);
    }
    Ok(sc)
}

/// Runs `plan` against `target` (a base URL) and fills `recorder`. Returns when the run time is
/// over; the request cap stops sending earlier if reached.
pub async fn run(
    plan: &Plan,
    target: &str,
    recorder: Arc<Recorder>,
    counters: Arc<Counters>,
) -> Result<()> {
    let p = &plan.profile;
    let ctx = Arc::new(Context {
        recorder,
        counters,
        max_requests: p.max_requests,
        pacer: p.throttle_rps.map(Pacer::new),
    });
    let mut config = GooseConfiguration::default();
    config.host = Some(target.to_string());
    config.users = Some(p.users);
    if p.users >= 2 && p.ramp_up_s > 0 {
        config.increase_time = Some(format!("{}s", p.ramp_up_s));
    } else {
        // No ramp: every user starts within a tenth of a second (goose launches at a rate).
        config.increase_rate = Some(format!("{}", p.users.max(1) * 10));
    }
    // The hard time cap covers ramp-up: run time is what remains after it (at least 1 s).
    config.run_time = Some(format!(
        "{}s",
        p.duration_s.saturating_sub(p.ramp_up_s).max(1)
    ));
    // Goose's telnet controller listens on 127.0.0.1:5116 unless turned off (its WebSocket
    // controller only when asked for): nothing here uses it, and a second run on the machine
    // (two shards, two CI jobs) would print its bind error into the user's output.
    // Goose's own metrics (whole milliseconds, sent per request over a channel to an aggregator)
    // are not used: turning them off removes that per-request cost from the generator.
    config.no_telnet = true;
    config.no_metrics = true;
    config.quiet = 1;
    config.no_print_metrics = true;
    config.no_error_summary = true;
    let mut attack = GooseAttack::initialize_with_config(config)
        .map_err(|e| Error::Process(format!("goose: {e:?}")))?;
    for j in &plan.journeys {
        attack = attack.register_scenario(scenario(&j.journey, j.weight, p.think_scale, &ctx)?);
    }
    if super::stopping() {
        return Ok(());
    }
    // A stop reaches goose through its killswitch, which goose clears as each attack starts:
    // pulled again until the attack ends, a stop during its start is not lost.
    let watcher = tokio::spawn(async {
        let signal = crate::interrupt::stopped().await;
        loop {
            goose::trigger_killswitch(signal.name());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let executed = attack.execute().await;
    watcher.abort();
    executed.map_err(|e| Error::Process(format!("goose: {e:?}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_pacer_hands_out_slots_one_interval_apart() {
        let pacer = Pacer::new(100);
        let first = pacer.take();
        let slots: Vec<Duration> = (0..4).map(|_| pacer.take() - first).collect();
        let ms = Duration::from_millis;
        assert_eq!(slots, [ms(10), ms(20), ms(30), ms(40)]);
        // After an idle spell the next slot is now, not in the past.
        tokio::time::sleep(ms(60)).await;
        assert!(pacer.take() >= first + ms(60));
    }
}
