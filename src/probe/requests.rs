//! Request types of the probes and how each runs on a fresh core.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Step;
use tta_core::character::{Attribute, AttributeUpdate, Character, CharacterSystem, Goal};
use tta_core::collaboration::{CollaborationSystem, Group, GroupMode, Participant};
use tta_core::consequences::{ChoiceType, Consequence, ConsequenceSystem};
use tta_core::crisis::{CrisisAssessment, CrisisPatterns};
use tta_core::difficulty::{Adaptation, DEFAULT_LEVEL, DifficultyEngine, Observation};
use tta_core::frameworks::{Profile, Recommendation, recommend};
use tta_core::recovery::{ErrorClass, ErrorRecoveryManager, RecoveryOutcome};
use tta_core::replay::{self, AlternativePath, PathComparison, Snapshot};
use tta_core::session::{Session, SessionEvent};
use tta_core::{CoreConfig, CoreError, SessionStart, TherapeuticCore, TurnOutcome};

type Outcome<T> = Result<T, CoreError>;
const PROBE_USER: &str = "probe-user";

/// `{"text": "...", "prior_episodes": 0}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisRequest {
    pub text: String,
    #[serde(default)]
    pub prior_episodes: u32,
}

impl CrisisRequest {
    pub fn run(&self) -> Outcome<CrisisAssessment> {
        CrisisPatterns::shared().assess(&self.text, self.prior_episodes)
    }
}

/// `{"text": "...", "goals": [...], "history": [...]}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsequencesRequest {
    pub text: String,
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Earlier choice types, oldest first.
    #[serde(default)]
    pub history: Vec<ChoiceType>,
}

impl ConsequencesRequest {
    pub fn run(&self) -> Outcome<Consequence> {
        let mut system = ConsequenceSystem::default();
        system.set_history(PROBE_USER, &self.history);
        system.process(PROBE_USER, &self.text, &self.goals)
    }
}

/// `{"level": 3, "observations": [{"success": true, "engagement": 0.8, "stress": 0.2}]}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DifficultyRequest {
    #[serde(default = "default_level")]
    pub level: u8,
    pub observations: Vec<Observation>,
}

fn default_level() -> u8 {
    DEFAULT_LEVEL
}

impl DifficultyRequest {
    pub fn run(&self) -> Outcome<Vec<Adaptation>> {
        if !(1..=6).contains(&self.level) {
            return Err(CoreError::InvalidInput(format!(
                "level must be 1-6, got {}",
                self.level
            )));
        }
        let mut engine = DifficultyEngine::default();
        engine.set_level(PROBE_USER, self.level);
        self.observations
            .iter()
            .map(|o| engine.adapt(PROBE_USER, *o))
            .collect()
    }
}

/// `{"name": "Ari", "goals": [...], "updates": [{"courage": 0.2}]}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharacterRequest {
    #[serde(default = "default_name")]
    pub name: String,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub updates: Vec<BTreeMap<Attribute, f32>>,
}

fn default_name() -> String {
    "Player".into()
}

#[derive(Debug, Serialize)]
pub struct CharacterAnswer {
    pub created: Character,
    pub updates: Vec<AttributeUpdate>,
}

impl CharacterRequest {
    pub fn run(&self) -> Outcome<CharacterAnswer> {
        let mut system = CharacterSystem::default();
        let created = system.create(PROBE_USER, &self.name, &self.goals).clone();
        let updates = self
            .updates
            .iter()
            .map(|u| {
                system.update(
                    PROBE_USER,
                    &u.iter().map(|(a, d)| (*a, *d)).collect::<Vec<_>>(),
                )
            })
            .collect::<Outcome<_>>()?;
        Ok(CharacterAnswer { created, updates })
    }
}

/// `{"concerns": [...], "strengths": [...], "in_crisis": false}`
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct FrameworksRequest(pub Profile);

impl FrameworksRequest {
    pub fn run(&self) -> Outcome<Vec<Recommendation>> {
        Ok(recommend(&self.0))
    }
}

/// Who starts the session in `session`, `turn` and `replay` probes.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Player {
    pub goals: Vec<Goal>,
    pub concerns: Vec<String>,
    pub strengths: Vec<String>,
}

impl Player {
    fn start(&self, core: &mut TherapeuticCore) -> Outcome<SessionStart> {
        let profile = Profile {
            concerns: self.concerns.clone(),
            strengths: self.strengths.clone(),
            in_crisis: false,
        };
        core.start_session(PROBE_USER, "Player", &self.goals, &profile)
    }
}

/// `{"player": {...}, "events": ["pause", "resume", "complete"]}` (the session starts active).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    #[serde(default)]
    pub player: Player,
    #[serde(default)]
    pub events: Vec<SessionEvent>,
}

#[derive(Debug, Serialize)]
pub struct SessionAnswer {
    pub start: SessionStart,
    pub events: Vec<Step<Session>>,
}

impl SessionRequest {
    pub fn run(&self) -> Outcome<SessionAnswer> {
        let mut core = TherapeuticCore::new(CoreConfig::default());
        let start = self.player.start(&mut core)?;
        let id = start.session.id;
        let events = self
            .events
            .iter()
            .map(|e| core.sessions.apply(id, *e).cloned().into())
            .collect();
        Ok(SessionAnswer { start, events })
    }
}

/// `{"player": {...}, "turns": ["text", ...]}`: the cross-system operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnRequest {
    #[serde(default)]
    pub player: Player,
    pub turns: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TurnAnswer {
    pub start: SessionStart,
    pub turns: Vec<Step<TurnOutcome>>,
}

impl TurnRequest {
    pub fn run(&self) -> Outcome<TurnAnswer> {
        for t in &self.turns {
            tta_core::text::validate(t)?;
        }
        let mut core = TherapeuticCore::new(CoreConfig::default());
        let start = self.player.start(&mut core)?;
        let id = start.session.id;
        let turns = self.turns.iter().map(|t| core.turn(id, t).into()).collect();
        Ok(TurnAnswer { start, turns })
    }
}

/// `{"player": {...}, "turns": [...], "paths": 3, "depth": 5, "seed": 1}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    #[serde(default)]
    pub player: Player,
    #[serde(default)]
    pub turns: Vec<String>,
    #[serde(default = "default_paths")]
    pub paths: usize,
    #[serde(default = "default_depth")]
    pub depth: usize,
    #[serde(default)]
    pub seed: u64,
}

fn default_paths() -> usize {
    3
}
fn default_depth() -> usize {
    5
}

#[derive(Debug, Serialize)]
pub struct ReplayAnswer {
    pub snapshot: Snapshot,
    pub paths: Vec<AlternativePath>,
    /// Each path after the first compared with the first.
    pub comparisons: Vec<PathComparison>,
}

impl ReplayRequest {
    pub fn run(&self) -> Outcome<ReplayAnswer> {
        let mut core = TherapeuticCore::new(CoreConfig {
            seed: self.seed,
            ..CoreConfig::default()
        });
        let id = self.player.start(&mut core)?.session.id;
        for t in &self.turns {
            core.turn(id, t)?;
        }
        let snap_id = core.snapshot(id)?;
        let paths = core
            .replay
            .alternative_paths(PROBE_USER, snap_id, self.paths, self.depth, self.seed)?;
        let comparisons = paths
            .iter()
            .skip(1)
            .map(|p| replay::compare(p, &paths[0]))
            .collect();
        let snapshot = core.replay.snapshots(PROBE_USER)[0].clone();
        Ok(ReplayAnswer {
            snapshot,
            paths,
            comparisons,
        })
    }
}

/// `{"mode": "peer_support", "participants": [{"user": "a"}], "join": [...], "leave": ["a"]}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollaborationRequest {
    pub mode: GroupMode,
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub join: Vec<Participant>,
    #[serde(default)]
    pub leave: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CollaborationAnswer {
    pub created: Group,
    pub joins: Vec<Step<Group>>,
    pub leaves: Vec<Step<Option<Group>>>,
}

impl CollaborationRequest {
    pub fn run(&self) -> Outcome<CollaborationAnswer> {
        let mut system = CollaborationSystem::default();
        let created = system.create_group(self.mode, &self.participants)?.clone();
        let id = created.id;
        let joins = self
            .join
            .iter()
            .map(|p| system.join(id, p.clone()).cloned().into())
            .collect();
        let leaves = self
            .leave
            .iter()
            .map(|u| system.leave(id, u).map(|g| g.cloned()).into())
            .collect();
        Ok(CollaborationAnswer {
            created,
            joins,
            leaves,
        })
    }
}

/// `{"component": "db", "seed": 0, "errors": [{"class": "transient", "failed_attempts": 2}]}`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    #[serde(default = "default_component")]
    pub component: String,
    #[serde(default)]
    pub seed: u64,
    pub errors: Vec<ErrorEvent>,
}

fn default_component() -> String {
    "service".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEvent {
    pub class: ErrorClass,
    /// Retries that fail before one succeeds (3 or more: retries are exhausted).
    #[serde(default)]
    pub failed_attempts: u32,
}

impl RecoveryRequest {
    pub fn run(&self) -> Outcome<Vec<RecoveryOutcome>> {
        let mut manager = ErrorRecoveryManager::new(self.seed);
        Ok(self
            .errors
            .iter()
            .map(|e| {
                manager.recover(&self.component, e.class, |attempt| {
                    attempt > e.failed_attempts
                })
            })
            .collect())
    }
}
