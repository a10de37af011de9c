//! The reference implementation of the TTA therapeutic core: nine stateful systems (TTA therapeutic systems benchmarks)
//! and a facade that runs one patient turn across them.
//!
//! Everything here is deterministic for a given input and seed: no wall clock, no global
//! randomness, ordered maps wherever output order is visible.

pub mod character;
pub mod collaboration;
pub mod consequences;
pub mod crisis;
pub mod difficulty;
pub mod frameworks;
mod lexicon;
pub mod recovery;
pub mod replay;
pub mod session;
pub mod text;

use serde::{Deserialize, Serialize};

use character::{AttributeUpdate, Character, CharacterSystem, Goal};
use collaboration::CollaborationSystem;
use consequences::{Consequence, ConsequenceSystem};
use crisis::{CrisisAssessment, CrisisLevel, CrisisPatterns, EmotionalSafetySystem};
use difficulty::{Adaptation, DifficultyEngine, Observation};
use frameworks::{Profile, Recommendation, recommend};
use recovery::ErrorRecoveryManager;
use replay::{ReplaySystem, Snapshot};
use session::{Session, SessionEvent, SessionManager};

/// Errors of the therapeutic core. Each names the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("text is empty")]
    EmptyText,
    #[error("text is {len} bytes; the limit is {max}")]
    TextTooLong { len: usize, max: usize },
    #[error("no session with id {0}")]
    UnknownSession(u64),
    #[error("no snapshot with id {0} for this user")]
    UnknownSnapshot(u64),
    #[error("no group with id {0}")]
    UnknownGroup(u64),
    #[error("no character for user {0:?}")]
    UnknownCharacter(String),
    #[error("session in state {from} cannot take event {event}")]
    InvalidTransition { from: String, event: String },
    #[error("session capacity reached ({max} open sessions)")]
    CapacityReached { max: usize },
    #[error("group mode {mode} allows at most {max} participants")]
    GroupFull { mode: String, max: usize },
    #[error("{0}")]
    InvalidInput(String),
}

/// Settings of a core instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreConfig {
    /// Seed for every random choice (backoff jitter, alternative paths).
    pub seed: u64,
    /// Open sessions the pool accepts.
    pub max_sessions: usize,
}

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            seed: 0x77a,
            max_sessions: session::DEFAULT_MAX_CONCURRENT,
        }
    }
}

/// All nine systems, wired together.
#[derive(Debug)]
pub struct TherapeuticCore {
    pub config: CoreConfig,
    pub safety: EmotionalSafetySystem,
    pub consequences: ConsequenceSystem,
    pub difficulty: DifficultyEngine,
    pub characters: CharacterSystem,
    pub sessions: SessionManager,
    pub replay: ReplaySystem,
    pub collaboration: CollaborationSystem,
    pub recovery: ErrorRecoveryManager,
}

/// What starting a session produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionStart {
    pub session: Session,
    pub character: Character,
    pub recommendations: Vec<Recommendation>,
}

/// What one patient turn produced across the systems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnOutcome {
    pub crisis: CrisisAssessment,
    /// Absent when the crisis check paused the session before the choice was played.
    pub consequence: Option<Consequence>,
    pub attribute_update: Option<AttributeUpdate>,
    pub adaptation: Adaptation,
    pub session: Session,
}

impl TherapeuticCore {
    /// Builds the nine systems, sharing the process-wide compiled pattern tables.
    pub fn new(config: CoreConfig) -> Self {
        Self::with_patterns(config, CrisisPatterns::shared())
    }

    /// Builds the nine systems around given crisis patterns (cold-start measurement compiles
    /// its own).
    pub fn with_patterns(config: CoreConfig, patterns: std::sync::Arc<CrisisPatterns>) -> Self {
        consequences::warm_up();
        Self {
            config,
            safety: EmotionalSafetySystem::new(patterns),
            consequences: ConsequenceSystem::default(),
            difficulty: DifficultyEngine::default(),
            characters: CharacterSystem::default(),
            sessions: SessionManager::new(config.max_sessions),
            replay: ReplaySystem::default(),
            collaboration: CollaborationSystem::default(),
            recovery: ErrorRecoveryManager::new(config.seed),
        }
    }

    /// Session initialisation: creates and starts a session, creates the character when the user
    /// has none, and recommends frameworks for the goals' concerns.
    pub fn start_session(
        &mut self,
        user: &str,
        character_name: &str,
        goals: &[Goal],
        profile: &Profile,
    ) -> Result<SessionStart, CoreError> {
        let id = self.sessions.create(user)?.id;
        let session = self.sessions.apply(id, SessionEvent::Start)?.clone();
        let character = match self.characters.get(user) {
            Some(c) => c.clone(),
            None => self.characters.create(user, character_name, goals).clone(),
        };
        let in_crisis = profile.in_crisis || self.safety.prior_episodes(user) > 0;
        let recommendations = recommend(&Profile {
            in_crisis,
            ..profile.clone()
        });
        Ok(SessionStart {
            session,
            character,
            recommendations,
        })
    }

    /// The cross-system operation: one patient choice in an active session.
    ///
    /// Crisis check first; at MODERATE or above the session pauses, difficulty drops by
    /// therapeutic override, and the choice is not played. Otherwise the choice's consequence is
    /// applied to the character and the difficulty adapts to the outcome (a choice of therapeutic
    /// value ≥ 0.5 counts as a success; engagement grows with emotional weight; stress follows
    /// the crisis score).
    pub fn turn(&mut self, session_id: u64, text: &str) -> Result<TurnOutcome, CoreError> {
        let session = self.sessions.get(session_id)?;
        if session.state != session::SessionState::Active {
            return Err(CoreError::InvalidTransition {
                from: format!("{:?}", session.state),
                event: "Turn".into(),
            });
        }
        let user = session.user.clone();
        let crisis = self.safety.assess(&user, text)?;
        let stress = (crisis.score / 4.0).min(1.0);
        let (consequence, attribute_update, observation) = if crisis.level >= CrisisLevel::Moderate
        {
            let obs = Observation {
                success: false,
                engagement: 0.5,
                stress,
                crisis_level: crisis.level,
            };
            (None, None, obs)
        } else {
            let goals = self
                .characters
                .get(&user)
                .map(|c| c.goals.clone())
                .unwrap_or_default();
            let c = self.consequences.process(&user, text, &goals)?;
            let update = match self.characters.get(&user) {
                Some(_) => Some(self.characters.update(&user, &c.attribute_impacts)?),
                None => None,
            };
            let obs = Observation {
                success: c.therapeutic_value >= 0.5,
                engagement: (0.5 + c.emotional_weight / 2.0).min(1.0),
                stress,
                crisis_level: crisis.level,
            };
            (Some(c), update, obs)
        };
        let adaptation = self.difficulty.adapt(&user, observation)?;
        let session = self.sessions.record_turn(session_id, crisis.level)?.clone();
        Ok(TurnOutcome {
            crisis,
            consequence,
            attribute_update,
            adaptation,
            session,
        })
    }

    /// A crisis check outside a turn (an emotional-state update): assesses `text` and, at
    /// MODERATE or above, pauses the session as a turn would.
    pub fn check_in(
        &mut self,
        session_id: u64,
        text: &str,
    ) -> Result<(CrisisAssessment, Session), CoreError> {
        let user = self.sessions.get(session_id)?.user.clone();
        let crisis = self.safety.assess(&user, text)?;
        let session = self
            .sessions
            .crisis_pause(session_id, crisis.level)?
            .clone();
        Ok((crisis, session))
    }

    /// Saves a replay snapshot of a session's current state.
    pub fn snapshot(&mut self, session_id: u64) -> Result<u64, CoreError> {
        let session = self.sessions.get(session_id)?;
        let user = session.user.clone();
        let character = self
            .characters
            .get(&user)
            .ok_or_else(|| CoreError::UnknownCharacter(user.clone()))?;
        let snapshot = Snapshot {
            id: 0,
            session_id,
            turn: session.turns,
            attributes: character.attributes,
            difficulty_level: self.difficulty.level(&user),
            goals: character.goals.clone(),
            choices: self.consequences.history(&user),
            user,
        };
        Ok(self.replay.save(snapshot))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use session::SessionState;

    fn started(core: &mut TherapeuticCore) -> u64 {
        core.start_session(
            "p1",
            "Ari",
            &[Goal::AnxietyManagement],
            &Profile {
                concerns: vec!["anxiety".into()],
                ..Profile::default()
            },
        )
        .unwrap()
        .session
        .id
    }

    #[test]
    fn session_start_creates_character_and_recommendations() {
        let mut core = TherapeuticCore::new(CoreConfig::default());
        let start = core
            .start_session("p1", "Ari", &[Goal::AnxietyManagement], &Profile::default())
            .unwrap();
        assert_eq!(start.session.state, SessionState::Active);
        assert_eq!(start.character.name, "Ari");
        assert!(!start.recommendations.is_empty());
        // A second session keeps the existing character.
        let again = core
            .start_session("p1", "Other", &[], &Profile::default())
            .unwrap();
        assert_eq!(again.character.name, "Ari");
    }

    #[test]
    fn benign_turn_plays_the_choice() {
        let mut core = TherapeuticCore::new(CoreConfig::default());
        let id = started(&mut core);
        let t = core.turn(id, "I take a slow breath and stay calm").unwrap();
        assert_eq!(t.crisis.level, CrisisLevel::None);
        let c = t.consequence.unwrap();
        assert_eq!(c.choice_type, consequences::ChoiceType::Coping);
        assert!(
            t.attribute_update
                .unwrap()
                .changes
                .iter()
                .all(|(_, d)| *d > 0.0)
        );
        assert_eq!(t.session.turns, 1);
        assert_eq!(t.session.state, SessionState::Active);
    }

    #[test]
    fn crisis_turn_pauses_and_overrides_difficulty() {
        let mut core = TherapeuticCore::new(CoreConfig::default());
        let id = started(&mut core);
        let t = core
            .turn(id, "I can't go on, I want to end my life")
            .unwrap();
        assert_eq!(t.crisis.level, CrisisLevel::Critical);
        assert!(t.consequence.is_none());
        assert_eq!(t.adaptation.level, 1);
        assert_eq!(t.session.state, SessionState::CrisisPaused);
        assert!(
            core.turn(id, "hello").is_err(),
            "paused session takes no turns"
        );
        // Later sessions of this user get crisis-aware recommendations.
        let next = core
            .start_session("p1", "Ari", &[], &Profile::default())
            .unwrap();
        assert_eq!(
            next.recommendations[0].framework,
            frameworks::Framework::Dbt
        );
    }

    #[test]
    fn check_in_pauses_only_at_moderate_and_above() {
        let mut core = TherapeuticCore::new(CoreConfig::default());
        let id = started(&mut core);
        let (c, s) = core.check_in(id, "I'm a bit stressed").unwrap();
        assert_eq!((c.level, s.state), (CrisisLevel::Low, SessionState::Active));
        let (c, s) = core.check_in(id, "I feel hopeless").unwrap();
        assert_eq!(
            (c.level, s.state),
            (CrisisLevel::Moderate, SessionState::CrisisPaused)
        );
        assert_eq!(s.turns, 0, "a check-in is not a turn");
    }

    #[test]
    fn snapshot_and_alternatives_from_a_live_session() {
        let mut core = TherapeuticCore::new(CoreConfig::default());
        let id = started(&mut core);
        core.turn(id, "I call a friend and talk").unwrap();
        let snap = core.snapshot(id).unwrap();
        let paths = core.replay.alternative_paths("p1", snap, 2, 4, 1).unwrap();
        assert_eq!(paths.len(), 2);
        assert_eq!(
            core.replay.snapshots("p1")[0].choices,
            [consequences::ChoiceType::Social]
        );
    }

    #[test]
    fn same_seed_same_outputs() {
        let run = || {
            let mut core = TherapeuticCore::new(CoreConfig::default());
            let id = started(&mut core);
            let turns: Vec<_> = ["I breathe", "I ignore them", "I feel so sad and alone"]
                .iter()
                .map(|t| serde_json::to_string(&core.turn(id, t).unwrap()).unwrap())
                .collect();
            turns
        };
        assert_eq!(run(), run());
    }
}
