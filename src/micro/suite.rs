//! The micro-benchmark suite: one benchmark per core operation that has a budget in TTA therapeutic systems benchmarks,
//! on deterministic inputs, in warm and cold state. `benches/core.rs` (`cargo bench`) and
//! `tta-bench micro` register the same list, so both measure the same thing.
//!
//! "Warm" runs the operation on a system that already holds state for the user; "cold" builds
//! fresh state in Criterion's untimed setup (`iter_batched`) so only the operation is timed.

use criterion::{Bencher, Criterion};
use regex::Regex;
use std::hint::black_box;

use crate::micro::cache;
use crate::micro::count::Counter;
use crate::micro::inputs::Messages;
use crate::micro::iterate::Iterate;
use crate::micro::store::{self, Backend};
use tta_core::character::{Attribute, CharacterSystem, Goal};
use tta_core::collaboration::{CollaborationSystem, GroupMode, Participant};
use tta_core::consequences::{ConsequencePatterns, ConsequenceSystem};
use tta_core::crisis::{CrisisLevel, CrisisPatterns};
use tta_core::difficulty::{DifficultyEngine, Observation};
use tta_core::frameworks::{Profile, recommend};
use tta_core::recovery::{ErrorClass, ErrorRecoveryManager};
use tta_core::{CoreConfig, TherapeuticCore};

const SEED: u64 = 2024;
const USER: &str = "bench-user";

/// One benchmark of the suite, instantiated for both ways of running it.
pub struct MicroBench {
    pub group: &'static str,
    pub name: &'static str,
    pub run: fn(&mut Bencher<'_>),
    pub count: fn(&mut Counter),
    /// Calls counted under Callgrind: [`count::ITERATIONS`](crate::micro::count::ITERATIONS),
    /// fewer for operations of tens of millions of instructions (argon2), whose count is
    /// as exact in two calls and which would take minutes under Callgrind in twenty.
    pub counted_calls: u64,
}

impl MicroBench {
    pub fn id(&self) -> String {
        format!("{}/{}", self.group, self.name)
    }
}

macro_rules! bench {
    ($group:literal, $name:literal, |$b:ident| $body:expr) => {
        MicroBench {
            group: $group,
            name: $name,
            run: |$b: &mut Bencher<'_>| $body,
            count: |$b: &mut Counter| $body,
            counted_calls: crate::micro::count::ITERATIONS,
        }
    };
    ($group:literal, $name:literal, calls $calls:expr, |$b:ident| $body:expr) => {
        MicroBench {
            counted_calls: $calls,
            ..bench!($group, $name, |$b| $body)
        }
    };
    ($group:literal, $name:literal, $f:ident) => {
        bench!($group, $name, |b| $f(b))
    };
}

pub const SUITE: &[MicroBench] = &[
    bench!("init", "cold", init_cold),
    bench!("init", "warm", init_warm),
    bench!("crisis", "short_benign", |b| crisis(b, |m| &m.short_benign)),
    bench!("crisis", "short_crisis", |b| crisis(b, |m| &m.short_crisis)),
    bench!("crisis", "long_benign", |b| crisis(b, |m| &m.long_benign)),
    bench!("crisis", "long_crisis", |b| crisis(b, |m| &m.long_crisis)),
    bench!("consequences", "short_choice", |b| choice(b, |m| &m
        .short_benign)),
    bench!("consequences", "long_choice", |b| choice(b, |m| &m
        .long_benign)),
    bench!("difficulty", "adapt", difficulty_adapt),
    bench!("character", "create", character_create),
    bench!("character", "update", character_update),
    bench!("frameworks", "recommend", |b| frameworks(b, false)),
    bench!("frameworks", "recommend_crisis", |b| frameworks(b, true)),
    bench!("session", "initialise_new_user", |b| session_init(b, false)),
    bench!("session", "initialise_returning_user", |b| session_init(
        b, true
    )),
    bench!("replay", "alternative_paths", replay_paths),
    bench!("collaboration", "setup_group_therapy", collaboration_setup),
    bench!("recovery", "retry_transient", |b| recovery(
        b,
        ErrorClass::Transient
    )),
    bench!("recovery", "escalate_safety", |b| recovery(
        b,
        ErrorClass::SafetyCritical
    )),
    bench!("cross_system", "turn_warm", cross_turn_warm),
    bench!("cross_system", "turn_cold", |b| cross_turn_cold(b, false)),
    bench!("cross_system", "turn_crisis", |b| cross_turn_cold(b, true)),
    bench!("cache", "hit", |b| cache::hit(b)),
    bench!("cache", "miss", |b| cache::miss(b)),
    bench!("cache", "eviction", |b| cache::eviction(b)),
    bench!("cache", "compression", |b| cache::compression(b)),
    bench!("store", "argon2_verify", calls 2, |b| store::argon2_verify(b)),
    bench!("store_wal", "authenticate", calls 2, |b| store::authenticate(
        b,
        Backend::Wal
    )),
    bench!("store_wal", "user_lookup", |b| store::user_lookup(
        b,
        Backend::Wal
    )),
    bench!("store_wal", "session_retrieval", |b| {
        store::session_retrieval(b, Backend::Wal)
    }),
    bench!("store_wal", "data_insertion", |b| store::data_insertion(
        b,
        Backend::Wal
    )),
    bench!("store_wal", "complex_query", |b| store::complex_query(
        b,
        Backend::Wal
    )),
    bench!("store_memory", "authenticate", calls 2, |b| store::authenticate(
        b,
        Backend::Memory
    )),
    bench!("store_memory", "user_lookup", |b| store::user_lookup(
        b,
        Backend::Memory
    )),
    bench!("store_memory", "session_retrieval", |b| {
        store::session_retrieval(b, Backend::Memory)
    }),
    bench!("store_memory", "data_insertion", |b| store::data_insertion(
        b,
        Backend::Memory
    )),
    bench!("store_memory", "complex_query", |b| store::complex_query(
        b,
        Backend::Memory
    )),
];

/// Groups whose benchmarks read the generated dataset: the store's, and the cache's (its
/// views). Whoever runs them holds a scratch folder ([`store::Scratch`]).
const DATASET_GROUPS: [&str; 4] = ["store", "store_wal", "store_memory", "cache"];

/// Groups that read the dataset's in-memory copy, made once before the count worker forks.
pub const IN_MEMORY_GROUPS: [&str; 3] = ["store", "store_memory", "cache"];

/// Whether `filter` selects a benchmark that needs the generated dataset.
pub fn needs_dataset(filter: Option<&Regex>) -> bool {
    selected(filter).any(|b| DATASET_GROUPS.contains(&b.group))
}

/// The benchmarks `filter` selects (all when `None`), in suite order.
pub fn selected(filter: Option<&Regex>) -> impl Iterator<Item = &'static MicroBench> + '_ {
    SUITE
        .iter()
        .filter(move |b| filter.is_none_or(|f| f.is_match(&b.id())))
}
/// Names (`group/function`) of every benchmark in the suite.
pub fn names() -> Vec<String> {
    SUITE.iter().map(MicroBench::id).collect()
}

/// Registers the benchmarks whose name matches `filter` (all when `None`) and returns how many.
pub fn register(c: &mut Criterion, filter: Option<&Regex>) -> usize {
    let selected: Vec<&MicroBench> = selected(filter).collect();
    let mut groups: Vec<&str> = selected.iter().map(|b| b.group).collect();
    groups.dedup();
    for group in groups {
        let mut g = c.benchmark_group(group);
        for b in selected.iter().filter(|b| b.group == group) {
            g.bench_function(b.name, b.run);
        }
        g.finish();
    }
    selected.len()
}

fn core() -> TherapeuticCore {
    TherapeuticCore::new(CoreConfig {
        seed: SEED,
        max_sessions: usize::MAX,
    })
}

fn anxious_profile(in_crisis: bool) -> Profile {
    Profile {
        concerns: vec!["anxiety".into(), "stress".into(), "relationships".into()],
        strengths: vec!["discipline".into(), "openness".into()],
        in_crisis,
    }
}

const GOALS: [Goal; 2] = [Goal::AnxietyManagement, Goal::SocialSkills];

/// A core with one active session for [`USER`] after a few turns.
fn warm_core() -> (TherapeuticCore, u64) {
    let mut core = core();
    let id = core
        .start_session(USER, "Ari", &GOALS, &anxious_profile(false))
        .expect("fresh core has capacity")
        .session
        .id;
    for text in [
        "I breathe slowly",
        "I talk to my friend",
        "I write in my journal",
    ] {
        core.turn(id, text).expect("benign turn");
    }
    (core, id)
}

fn init_cold(b: &mut impl Iterate) {
    b.iter(|| {
        let crisis = std::sync::Arc::new(CrisisPatterns::compile());
        black_box(ConsequencePatterns::compile());
        TherapeuticCore::with_patterns(CoreConfig::default(), crisis)
    });
}

fn init_warm(b: &mut impl Iterate) {
    b.iter(|| TherapeuticCore::new(CoreConfig::default()));
}

fn crisis(b: &mut impl Iterate, pick: fn(&Messages) -> &String) {
    let messages = Messages::generate(SEED);
    let text = pick(&messages).as_str();
    let patterns = CrisisPatterns::shared();
    b.iter(|| patterns.assess(black_box(text), 0).expect("valid text"));
}

fn choice(b: &mut impl Iterate, pick: fn(&Messages) -> &String) {
    let messages = Messages::generate(SEED);
    let text = pick(&messages).as_str();
    let mut system = ConsequenceSystem::default();
    b.iter(|| {
        system
            .process(USER, black_box(text), &GOALS)
            .expect("valid text")
    });
}

fn difficulty_adapt(b: &mut impl Iterate) {
    let observations: Vec<Observation> = (0..16)
        .map(|i| Observation {
            success: i % 3 != 0,
            engagement: 0.3 + (i % 5) as f32 * 0.1,
            stress: 0.1 + (i % 4) as f32 * 0.15,
            crisis_level: CrisisLevel::None,
        })
        .collect();
    let mut engine = DifficultyEngine::default();
    let mut i = 0;
    b.iter(|| {
        i = (i + 1) % observations.len();
        engine
            .adapt(USER, observations[i])
            .expect("valid observation")
    });
}

fn character_create(b: &mut impl Iterate) {
    b.iter_batched(CharacterSystem::default, |mut s| {
        s.create(USER, "Ari", &GOALS);
        s
    });
}

fn character_update(b: &mut impl Iterate) {
    let mut s = CharacterSystem::default();
    s.create(USER, "Ari", &GOALS);
    let up = [(Attribute::Courage, 0.15), (Attribute::Empathy, 0.1)];
    let down = [(Attribute::Courage, -0.15), (Attribute::Empathy, -0.1)];
    let mut flip = false;
    b.iter(|| {
        flip = !flip;
        s.update(USER, if flip { &up } else { &down })
            .expect("known user")
    });
}

fn frameworks(b: &mut impl Iterate, in_crisis: bool) {
    let profile = anxious_profile(in_crisis);
    b.iter(|| recommend(black_box(&profile)));
}

fn session_init(b: &mut impl Iterate, returning: bool) {
    let profile = anxious_profile(false);
    b.iter_batched(
        || if returning { warm_core().0 } else { core() },
        |mut core| {
            black_box(
                core.start_session(USER, "Ari", &GOALS, &profile)
                    .expect("capacity"),
            );
            core
        },
    );
}

fn replay_paths(b: &mut impl Iterate) {
    let (mut core, id) = warm_core();
    let snapshot = core.snapshot(id).expect("session has a character");
    b.iter(|| {
        core.replay
            .alternative_paths(USER, snapshot, 3, 10, black_box(SEED))
            .expect("valid request")
    });
}

fn collaboration_setup(b: &mut impl Iterate) {
    let people: Vec<Participant> = (0..8)
        .map(|i| Participant {
            user: format!("patient-{i}"),
            goals: vec![GOALS[i % 2]],
        })
        .collect();
    b.iter_batched(CollaborationSystem::default, |mut s| {
        s.create_group(GroupMode::GroupTherapy, &people)
            .expect("within limit");
        s
    });
}

fn recovery(b: &mut impl Iterate, class: ErrorClass) {
    let mut m = ErrorRecoveryManager::new(SEED);
    b.iter(|| m.recover("database", class, |attempt| attempt >= 2));
}

fn cross_turn_warm(b: &mut impl Iterate) {
    let messages = Messages::generate(SEED);
    let (mut core, id) = warm_core();
    b.iter(|| {
        core.turn(id, black_box(&messages.short_benign))
            .expect("benign turn")
    });
}

fn cross_turn_cold(b: &mut impl Iterate, crisis: bool) {
    let messages = Messages::generate(SEED);
    let text = if crisis {
        messages.short_crisis
    } else {
        messages.short_benign
    };
    let profile = anxious_profile(false);
    b.iter_batched(
        || {
            let mut core = core();
            let id = core
                .start_session(USER, "Ari", &GOALS, &profile)
                .expect("capacity")
                .session
                .id;
            (core, id)
        },
        |(mut core, id)| {
            black_box(core.turn(id, &text).expect("active session"));
            core
        },
    );
}
