//! Gameplay sessions (TTA `TherapeuticGameplayLoopController`; initialisation < 500 ms, TTA therapeutic systems benchmarks).
//!
//! Lifecycle: `created → active ⇄ paused → completed`, and `crisis_paused` entered from active or
//! paused when a turn's crisis level is MODERATE or above. Only a clinician clearance resumes a
//! crisis-paused session (`resume(id, true)`). Completed is final. Phases advance every three
//! turns: opening → exploration → challenge → reflection → closing. The pool holds at most
//! `max_concurrent` sessions that are not completed (default 100, the seed's target capacity); a
//! service raises it. Time is a logical tick so that output is deterministic.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::CoreError;
use super::crisis::CrisisLevel;

pub const DEFAULT_MAX_CONCURRENT: usize = 100;
const TURNS_PER_PHASE: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Created,
    Active,
    Paused,
    CrisisPaused,
    Completed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Opening,
    Exploration,
    Challenge,
    Reflection,
    Closing,
}

impl Phase {
    fn for_turns(turns: u32) -> Self {
        match turns / TURNS_PER_PHASE {
            0 => Self::Opening,
            1 => Self::Exploration,
            2 => Self::Challenge,
            3 => Self::Reflection,
            _ => Self::Closing,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: u64,
    pub user: String,
    pub state: SessionState,
    pub phase: Phase,
    pub turns: u32,
    pub highest_crisis: CrisisLevel,
    pub created_tick: u64,
    pub updated_tick: u64,
}

/// Events that move a session through its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEvent {
    Start,
    Pause,
    Resume,
    ClinicianResume,
    Complete,
}

#[derive(Debug)]
pub struct SessionManager {
    sessions: BTreeMap<u64, Session>,
    next_id: u64,
    tick: u64,
    open: usize,
    max_concurrent: usize,
}

impl Default for SessionManager {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_CONCURRENT)
    }
}

impl SessionManager {
    pub fn new(max_concurrent: usize) -> Self {
        Self {
            sessions: BTreeMap::new(),
            next_id: 1,
            tick: 0,
            open: 0,
            max_concurrent,
        }
    }

    /// Sessions not yet completed.
    pub fn open_sessions(&self) -> usize {
        self.open
    }

    pub fn get(&self, id: u64) -> Result<&Session, CoreError> {
        self.sessions.get(&id).ok_or(CoreError::UnknownSession(id))
    }

    /// Puts back a persisted session (after a restart). Ids and ticks continue after the
    /// largest restored ones; a completed session does not count towards capacity.
    pub fn restore(&mut self, session: Session) {
        self.next_id = self.next_id.max(session.id + 1);
        self.tick = self.tick.max(session.updated_tick);
        if let Some(old) = self.sessions.get(&session.id)
            && old.state != SessionState::Completed
        {
            self.open -= 1;
        }
        if session.state != SessionState::Completed {
            self.open += 1;
        }
        self.sessions.insert(session.id, session);
    }

    /// Creates a session in state `created`.
    pub fn create(&mut self, user: &str) -> Result<&Session, CoreError> {
        if self.open >= self.max_concurrent {
            return Err(CoreError::CapacityReached {
                max: self.max_concurrent,
            });
        }
        self.tick += 1;
        let id = self.next_id;
        self.next_id += 1;
        self.open += 1;
        let session = Session {
            id,
            user: user.to_string(),
            state: SessionState::Created,
            phase: Phase::Opening,
            turns: 0,
            highest_crisis: CrisisLevel::None,
            created_tick: self.tick,
            updated_tick: self.tick,
        };
        Ok(self.sessions.entry(id).or_insert(session))
    }

    /// Applies a lifecycle event, or explains why it is not allowed.
    pub fn apply(&mut self, id: u64, event: SessionEvent) -> Result<&Session, CoreError> {
        use SessionEvent as E;
        use SessionState as S;
        let (tick, s) = touch(&mut self.tick, &mut self.sessions, id)?;
        let next = match (s.state, event) {
            (S::Created, E::Start)
            | (S::Paused, E::Resume)
            | (S::CrisisPaused, E::ClinicianResume) => S::Active,
            (S::Active, E::Pause) => S::Paused,
            (S::Active | S::Paused | S::Created, E::Complete) => S::Completed,
            (from, event) => {
                return Err(CoreError::InvalidTransition {
                    from: format!("{from:?}"),
                    event: format!("{event:?}"),
                });
            }
        };
        if next == S::Completed {
            self.open -= 1;
        }
        s.state = next;
        s.updated_tick = tick;
        Ok(s)
    }

    /// Pauses an active or paused session for a crisis found outside a turn (a check-in).
    pub fn crisis_pause(&mut self, id: u64, crisis: CrisisLevel) -> Result<&Session, CoreError> {
        let (tick, s) = touch(&mut self.tick, &mut self.sessions, id)?;
        s.highest_crisis = s.highest_crisis.max(crisis);
        if matches!(s.state, SessionState::Active | SessionState::Paused)
            && crisis >= CrisisLevel::Moderate
        {
            s.state = SessionState::CrisisPaused;
        }
        s.updated_tick = tick;
        Ok(s)
    }

    /// Records a turn on an active session; a crisis at MODERATE or above pauses it.
    pub fn record_turn(&mut self, id: u64, crisis: CrisisLevel) -> Result<&Session, CoreError> {
        let (tick, s) = touch(&mut self.tick, &mut self.sessions, id)?;
        if s.state != SessionState::Active {
            return Err(CoreError::InvalidTransition {
                from: format!("{:?}", s.state),
                event: "Turn".into(),
            });
        }
        s.turns += 1;
        s.phase = Phase::for_turns(s.turns);
        s.highest_crisis = s.highest_crisis.max(crisis);
        if crisis >= CrisisLevel::Moderate {
            s.state = SessionState::CrisisPaused;
        }
        s.updated_tick = tick;
        Ok(s)
    }
}

/// Advances the clock for a change to session `id` and returns the new tick with the
/// session. Takes the fields, not `self`, so a caller can still update its counters.
fn touch<'a>(
    tick: &mut u64,
    sessions: &'a mut BTreeMap<u64, Session>,
    id: u64,
) -> Result<(u64, &'a mut Session), CoreError> {
    *tick += 1;
    let s = sessions.get_mut(&id).ok_or(CoreError::UnknownSession(id))?;
    Ok((*tick, s))
}

#[cfg(test)]
mod tests {
    use super::SessionEvent::*;
    use super::SessionState::*;
    use super::*;

    #[test]
    fn lifecycle_transitions() {
        let mut m = SessionManager::default();
        let id = m.create("u").unwrap().id;
        assert_eq!(m.apply(id, Start).unwrap().state, Active);
        assert_eq!(m.apply(id, Pause).unwrap().state, Paused);
        assert_eq!(m.apply(id, Resume).unwrap().state, Active);
        assert_eq!(m.apply(id, Complete).unwrap().state, Completed);
        assert!(matches!(
            m.apply(id, Resume),
            Err(CoreError::InvalidTransition { .. })
        ));
        assert_eq!(m.open_sessions(), 0);
    }

    #[test]
    fn turns_advance_phases_and_crisis_pauses() {
        let mut m = SessionManager::default();
        let id = m.create("u").unwrap().id;
        m.apply(id, Start).unwrap();
        for _ in 0..3 {
            m.record_turn(id, CrisisLevel::Low).unwrap();
        }
        assert_eq!(m.get(id).unwrap().phase, Phase::Exploration);
        let s = m.record_turn(id, CrisisLevel::Moderate).unwrap();
        assert_eq!(
            (s.state, s.highest_crisis),
            (CrisisPaused, CrisisLevel::Moderate)
        );
        assert!(
            m.record_turn(id, CrisisLevel::None).is_err(),
            "no turns while paused"
        );
        assert!(
            m.apply(id, Resume).is_err(),
            "plain resume cannot lift a crisis pause"
        );
        assert_eq!(m.apply(id, ClinicianResume).unwrap().state, Active);
    }

    #[test]
    fn capacity_counts_open_sessions_only() {
        let mut m = SessionManager::new(2);
        let a = m.create("a").unwrap().id;
        m.create("b").unwrap();
        assert_eq!(
            m.create("c").unwrap_err(),
            CoreError::CapacityReached { max: 2 }
        );
        m.apply(a, Complete).unwrap();
        assert!(m.create("c").is_ok());
    }

    #[test]
    fn restored_sessions_keep_ids_and_capacity_consistent() {
        let mut m = SessionManager::new(2);
        let mut a = m.create("a").unwrap().clone();
        let b = m.create("b").unwrap().clone();
        let mut fresh = SessionManager::new(2);
        fresh.restore(a.clone());
        fresh.restore(b);
        assert_eq!(fresh.open_sessions(), 2);
        a.state = Completed;
        fresh.restore(a);
        assert_eq!(
            fresh.open_sessions(),
            1,
            "restoring over an open session replaces it"
        );
        assert_eq!(
            fresh.create("c").unwrap().id,
            3,
            "ids continue after the restored ones"
        );
    }

    #[test]
    fn unknown_session_is_an_error() {
        let mut m = SessionManager::default();
        assert_eq!(m.apply(7, Start).unwrap_err(), CoreError::UnknownSession(7));
    }
}
