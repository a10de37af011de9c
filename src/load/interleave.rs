//! Paired rounds of load on two services, for an A/B comparison of two builds.
//!
//! Both services are started once and kept running. Each round drives one short block of the
//! plan against each, back to back, in an order drawn at random for that round (randomized
//! multiple interleaved trials, Abedi and Brecht, ICPE 2017). On a shared machine, latency
//! moves by several per cent from one few-second stretch to the next; two blocks seconds apart
//! share most of that, so their difference is what the builds differ by. Much of what is left
//! varies from block to block whatever the block's length, so more, shorter blocks give the
//! better estimate for the same load (`docs/statistics.md`).
//! The random order is what makes the paired test exact: if the builds do not differ, either
//! block of a round is as likely to be the slower one, whatever the noise looks like.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::run::RunResult;
use crate::scenario::Plan;
use crate::sysmon::DEFAULT_INTERVAL;
use tta_service::FaultConfig;

use super::target::{EmbeddedServer, wait_healthy};
use super::{drive, seed_users};

/// One of the two services compared: a build's binary, started as `serve`.
#[derive(Debug, Clone)]
pub struct Service {
    /// `reference` or `current`: names its runs and its progress lines.
    pub name: &'static str,
    pub exe: PathBuf,
    pub faults: FaultConfig,
}

/// The shape of an interleaved measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounds {
    pub rounds: usize,
    /// Seconds of load per block (whole seconds: goose's run time).
    pub block_s: u64,
}

impl Rounds {
    /// As much load per service as `repeat` runs of `plan`, cut into `block_s`-second blocks.
    pub fn covering(plan: &Plan, repeat: usize, block_s: u64) -> Result<Self> {
        if block_s == 0 || block_s > 3600 {
            return Err(Error::Usage("--block must be 1-3600 seconds".into()));
        }
        let seconds = plan.profile.duration_s.max(1) * repeat as u64;
        Ok(Self {
            rounds: seconds.div_ceil(block_s).max(1) as usize,
            block_s,
        })
    }
}

/// What one finished block was, for progress lines and for keeping its run.
pub struct Block<'a> {
    pub round: usize,
    pub service: &'static str,
    pub run: &'a RunResult,
}

/// The plan of one block: the profile's users, think time and caps, for `block_s` seconds,
/// every user started at once (a ramp would leave most of a short block under-loaded).
/// An open-model block holds the plan's peak rate: a ramp would make blocks of one round
/// unlike each other.
fn block_plan(plan: &Plan, block_s: u64) -> Plan {
    let mut p = plan.clone();
    p.profile.duration_s = block_s;
    p.profile.ramp_up_s = 0;
    if let Some(a) = &mut p.arrival {
        a.start_rps = a.peak_rps();
        a.stages = vec![crate::scenario::arrival::Stage {
            duration_ms: block_s * 1000,
            target_rps: a.start_rps,
        }];
    }
    p
}

/// The order of the two services in each of `rounds` rounds, drawn from `seed`: the same seed
/// gives the same orders, so a test can pin them and a printed seed tells a gate's orders.
pub fn round_orders(seed: u64, rounds: usize) -> Vec<[usize; 2]> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..rounds)
        .map(|_| if rng.random::<bool>() { [0, 1] } else { [1, 0] })
        .collect()
}

/// Starts both services, then runs `shape.rounds` rounds of one block on each, in the order
/// [`round_orders`] draws from `order_seed`.
/// Returns each service's block runs in round order (index i of both is round i + 1).
/// `on_start` is told each round's order before it runs; `on_block` gets every finished block.
pub fn run(
    plan: &Plan,
    services: &[Service; 2],
    shape: Rounds,
    order_seed: u64,
    mut on_start: impl FnMut(usize, [&'static str; 2]),
    mut on_block: impl FnMut(Block<'_>) -> Result<()>,
) -> Result<[Vec<RunResult>; 2]> {
    let block = block_plan(plan, shape.block_s);
    let mut servers = Vec::with_capacity(2);
    for s in services {
        let server = EmbeddedServer::start(&s.exe, seed_users(plan), &s.faults)?;
        wait_healthy(&server.url, Duration::from_secs(15))?;
        servers.push(server);
    }
    let mut runs: [Vec<RunResult>; 2] = [Vec::new(), Vec::new()];
    for (order, round) in round_orders(order_seed, shape.rounds).into_iter().zip(1..) {
        on_start(round, order.map(|i| services[i].name));
        for i in order {
            if !servers[i].is_running() {
                return Err(Error::Process(format!(
                    "the {} build's service ({}) exited during round {round}",
                    services[i].name,
                    services[i].exe.display()
                )));
            }
            let run = drive(
                &block,
                &servers[i].url,
                Some(servers[i].pid()),
                DEFAULT_INTERVAL,
                false,
            )?;
            on_block(Block {
                round,
                service: services[i].name,
                run: &run,
            })?;
            runs[i].push(run);
        }
    }
    for s in servers {
        s.stop();
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_orders_are_seeded_and_take_both_orders() {
        let orders = round_orders(7, 40);
        assert_eq!(orders.len(), 40);
        assert!(
            orders.contains(&[0, 1]) && orders.contains(&[1, 0]),
            "{orders:?}"
        );
        assert_eq!(
            orders,
            round_orders(7, 40),
            "the same seed, the same orders"
        );
        assert_ne!(orders, round_orders(8, 40));
        // Over many rounds each order comes first about half the time.
        let first = round_orders(1, 10_000).iter().filter(|o| o[0] == 0).count();
        assert!((4_700..5_300).contains(&first), "{first}");
    }

    #[test]
    fn rounds_cover_the_asked_load_time() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let plan = crate::scenario::plan(
            &root.join("scenarios"),
            &[],
            "smoke",
            &crate::scenario::Overrides::default(),
        )
        .unwrap();
        // smoke: 8 s; 5 repetitions in 2-s blocks → 20 rounds; 3-s blocks round up to 14.
        assert_eq!(Rounds::covering(&plan, 5, 2).unwrap().rounds, 20);
        assert_eq!(Rounds::covering(&plan, 5, 3).unwrap().rounds, 14);
        assert!(Rounds::covering(&plan, 5, 0).is_err());
        let b = block_plan(&plan, 2);
        assert_eq!((b.profile.duration_s, b.profile.ramp_up_s), (2, 0));
        assert_eq!(b.profile.users, plan.profile.users);
    }
}
