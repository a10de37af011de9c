//! A populated database of a stated, deterministic size, for the store micro-benchmarks: the
//! seeded accounts (`patient-1…N`, clinicians, admin), and for every patient a number of
//! sessions of a number of turns each, played by the reference core itself, so every session,
//! character, event and alert is what the service would have written.
//!
//! Deterministic: the same size and seed give the same rows (synthetic timestamps, a fixed
//! salt for the one password hash every seeded account shares, choices drawn from a seeded
//! generator), so two machines benchmark the same database.

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::params;
use serde_json::json;

use crate::store::sqlite::SqliteStore;
use crate::store::{Store, StoreError, StoreResult};
use crate::{DEFAULT_SEED_PASSWORD, seed_accounts};
use tta_core::character::Goal;
use tta_core::frameworks::Profile;
use tta_core::session::{SessionEvent, SessionState};
use tta_core::{CoreConfig, TherapeuticCore};

/// What a patient types: mostly choices of the kinds the journeys play, now and then distress.
pub const CHOICES: [&str; 8] = [
    "I take a slow breath and stay calm",
    "I call my friend and ask for help",
    "I write in my journal about the day",
    "I stand up and tell them how I feel",
    "I take a short break and rest",
    "I paint what I imagine",
    "I walk away from the argument",
    "I ask my sister to listen for a while",
];
const DISTRESS: [&str; 2] = [
    "I feel hopeless and I want to die",
    "I can't go on like this, I want to end it all",
];
/// One turn in this many is a distress message (a crisis alert, the session paused and resumed
/// by the clinician).
const DISTRESS_EVERY: u32 = 200;
/// Synthetic time of the first row (2026-01-01T00:00:00Z), one second further per turn.
const EPOCH_MS: i64 = 1_767_225_600_000;

/// How much the database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetSize {
    pub patients: u32,
    pub sessions_per_patient: u32,
    pub turns_per_session: u32,
}

impl DatasetSize {
    /// 10 000 patients, 100 000 sessions, 1 000 000 turns.
    pub const DEFAULT: Self = Self {
        patients: 10_000,
        sessions_per_patient: 10,
        turns_per_session: 10,
    };

    /// `PATIENTS:SESSIONS_PER_PATIENT:TURNS_PER_SESSION`, each at least 1.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split(':').map(str::trim).collect();
        let [p, s, t] = parts[..] else {
            return Err(format!(
                "{text:?} is not PATIENTS:SESSIONS_PER_PATIENT:TURNS_PER_SESSION"
            ));
        };
        let n = |what: &str, v: &str, max: u32| -> Result<u32, String> {
            match v.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(format!(
                    "{what} {v:?} must be a whole number within 1-{max}"
                )),
            }
        };
        Ok(Self {
            patients: n("patients", p, 1_000_000)?,
            sessions_per_patient: n("sessions per patient", s, 1_000)?,
            turns_per_session: n("turns per session", t, 1_000)?,
        })
    }

    pub fn sessions(&self) -> u64 {
        u64::from(self.patients) * u64::from(self.sessions_per_patient)
    }

    pub fn turns(&self) -> u64 {
        self.sessions() * u64::from(self.turns_per_session)
    }

    /// A name for files holding this size.
    pub fn slug(&self) -> String {
        format!(
            "p{}-s{}-t{}",
            self.patients, self.sessions_per_patient, self.turns_per_session
        )
    }
}

impl std::fmt::Display for DatasetSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} patients, {} sessions, {} turns",
            self.patients,
            self.sessions(),
            self.turns()
        )
    }
}

/// Writes the dataset into a new database at `path` (which must not exist yet), calling
/// `progress` with the patients done so far after each patient. Callers write to a temporary
/// name and rename, so a dataset is either whole or absent.
pub fn generate(
    path: &Path,
    size: DatasetSize,
    seed: u64,
    progress: &mut dyn FnMut(u32),
) -> StoreResult<()> {
    if path.exists() {
        return Err(StoreError::Corrupt {
            what: "dataset",
            message: format!("{} exists already", path.display()),
        });
    }
    let store = SqliteStore::open(&path.to_string_lossy())?;
    let hash = crate::auth::hash_password_with_salt(DEFAULT_SEED_PASSWORD, &seed.to_le_bytes());
    store.upsert_users(&seed_accounts(size.patients, &hash))?;
    let mut core = TherapeuticCore::new(CoreConfig {
        seed,
        max_sessions: usize::MAX,
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let clinicians = (size.patients / 4).max(1);
    let profile = Profile {
        concerns: vec!["anxiety".into(), "stress".into()],
        strengths: vec!["openness".into()],
        in_crisis: false,
    };
    let goals = [Goal::AnxietyManagement, Goal::EmotionalRegulation];
    let mut clock = EPOCH_MS;
    for i in 1..=size.patients {
        let patient = format!("patient-{i}");
        let clinician = format!("clinician-{}", (i - 1) % clinicians + 1);
        store.bulk(|tx| {
            let mut session_row = tx.prepare_cached(
                "INSERT INTO sessions (id, patient, data, updated_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut event_row = tx.prepare_cached(
                "INSERT INTO events (session_id, patient, kind, data, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut alert_row = tx.prepare_cached(
                "INSERT INTO alerts (patient, clinician, type, severity, message, created_at)
                 VALUES (?1, ?2, 'crisis', ?3, ?4, ?5)",
            )?;
            for s in 0..size.sessions_per_patient {
                let start = core
                    .start_session(&patient, "Ari", &goals, &profile)
                    .map_err(invalid)?;
                let id = start.session.id;
                event_row.execute(params![
                    id as i64,
                    patient,
                    "session_started",
                    json!({ "goals": start.character.goals }).to_string(),
                    clock
                ])?;
                for _ in 0..size.turns_per_session {
                    clock += 1000;
                    resume_if_paused(&mut core, id)?;
                    let text = if rng.random_range(0..DISTRESS_EVERY) == 0 {
                        DISTRESS[rng.random_range(0..DISTRESS.len())]
                    } else {
                        CHOICES[rng.random_range(0..CHOICES.len())]
                    };
                    let outcome = core.turn(id, text).map_err(invalid)?;
                    let data = json!({
                        "choice_type": outcome.consequence.as_ref().map(|c| c.choice_type),
                        "therapeutic_value": outcome.consequence.as_ref().map(|c| c.therapeutic_value),
                        "crisis_level": outcome.crisis.level,
                        "text_bytes": text.len(),
                    });
                    event_row.execute(params![
                        id as i64,
                        patient,
                        "choice",
                        data.to_string(),
                        clock
                    ])?;
                    if outcome.crisis.alert_clinician {
                        let level = json!(outcome.crisis.level);
                        let level = level.as_str().unwrap_or_default();
                        alert_row.execute(params![
                            patient,
                            clinician,
                            level,
                            format!("{level} crisis indicators in session {id}; session paused"),
                            clock
                        ])?;
                    }
                }
                // Every session but a patient's last is over.
                let session = if s + 1 < size.sessions_per_patient {
                    resume_if_paused(&mut core, id)?;
                    core.sessions
                        .apply(id, SessionEvent::Complete)
                        .map_err(invalid)?
                        .clone()
                } else {
                    core.sessions.get(id).map_err(invalid)?.clone()
                };
                session_row.execute(params![
                    id as i64,
                    patient,
                    serde_json::to_string(&session).expect("plain data serialises"),
                    clock
                ])?;
            }
            tx.execute(
                "INSERT INTO difficulty (patient, level) VALUES (?1, ?2)",
                params![patient, core.difficulty.level(&patient)],
            )?;
            if let Some(c) = core.characters.get(&patient) {
                tx.execute(
                    "INSERT INTO characters (patient, data) VALUES (?1, ?2)",
                    params![
                        patient,
                        serde_json::to_string(c).expect("plain data serialises")
                    ],
                )?;
            }
            Ok(())
        })?;
        progress(i);
    }
    store.checkpoint()?;
    Ok(())
}

/// Checks that `path` holds a dataset of `size`: a SQLite database of this schema with the
/// sessions and turns the size states. Reads only, on a read-write connection (one that
/// cannot create the file), so closing it removes the write-ahead log's side files again; a
/// file that is not SQLite, is locked or holds another size is an error saying so.
pub fn check(path: &Path, size: DatasetSize) -> StoreResult<()> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let count = |sql: &str| -> StoreResult<u64> {
        Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
    };
    let sessions = count("SELECT COUNT(*) FROM sessions")?;
    let turns = count("SELECT COUNT(*) FROM events WHERE kind = 'choice'")?;
    if (sessions, turns) != (size.sessions(), size.turns()) {
        return Err(StoreError::Corrupt {
            what: "dataset",
            message: format!(
                "holds {sessions} sessions and {turns} turns, not the {} and {} of {size}",
                size.sessions(),
                size.turns()
            ),
        });
    }
    Ok(())
}

/// A session paused by a crisis is resumed by its clinician before it goes on or ends.
fn resume_if_paused(core: &mut TherapeuticCore, id: u64) -> rusqlite::Result<()> {
    if core.sessions.get(id).map_err(invalid)?.state == SessionState::CrisisPaused {
        core.sessions
            .apply(id, SessionEvent::ClinicianResume)
            .map_err(invalid)?;
    }
    Ok(())
}

fn invalid(e: tta_core::CoreError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations;

    const SMALL: DatasetSize = DatasetSize {
        patients: 9,
        sessions_per_patient: 3,
        turns_per_session: 40,
    };

    fn count(store: &SqliteStore, sql: &str) -> i64 {
        let mut n = 0;
        store
            .bulk(|tx| {
                n = tx.query_row(sql, [], |r| r.get(0))?;
                Ok(())
            })
            .unwrap();
        n
    }

    #[test]
    fn the_dataset_holds_its_stated_size_and_is_the_same_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
        let mut seen = Vec::new();
        generate(&a, SMALL, 7, &mut |n| seen.push(n)).unwrap();
        generate(&b, SMALL, 7, &mut |_| {}).unwrap();
        assert_eq!(seen, (1..=9).collect::<Vec<_>>());
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let store = SqliteStore::open(&a.to_string_lossy()).unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM sessions"), 27);
        let turns = count(&store, "SELECT COUNT(*) FROM events WHERE kind = 'choice'");
        assert_eq!(turns as u64, SMALL.turns());
        // 1 080 turns at one in 200 distress: some alerts, each for the patient's clinician.
        assert!(count(&store, "SELECT COUNT(*) FROM alerts") > 0);
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM alerts a JOIN users u ON u.username = a.patient
                 WHERE u.clinician <> a.clinician"
            ),
            0
        );
        // Every patient's last session is open, the others completed.
        let last = store.sessions_of("patient-4").unwrap();
        assert_eq!(last.len(), 3);
        assert!(last[..2].iter().all(|s| s.state == SessionState::Completed));
        assert_ne!(last[2].state, SessionState::Completed);
        assert_eq!(last.iter().map(|s| s.turns).sum::<u32>(), 120);
        // Another seed, another dataset.
        let c = dir.path().join("c.db");
        generate(&c, SMALL, 8, &mut |_| {}).unwrap();
        assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
        assert!(
            generate(&a, SMALL, 7, &mut |_| {}).is_err(),
            "never overwrites"
        );
    }

    #[test]
    fn the_operations_answer_on_the_dataset_on_file_and_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.db");
        generate(&path, SMALL, 1, &mut |_| {}).unwrap();
        let file = SqliteStore::open(&path.to_string_lossy()).unwrap();
        let memory = SqliteStore::open_in_memory_copy(&path).unwrap();
        for store in [&file as &dyn Store, &memory] {
            let ok = operations::authenticate(store, "patient-3", DEFAULT_SEED_PASSWORD).unwrap();
            assert_eq!(ok.unwrap().clinician.as_deref(), Some("clinician-1"));
            assert!(
                operations::authenticate(store, "patient-3", "wrong")
                    .unwrap()
                    .is_none()
            );
            assert!(
                operations::authenticate(store, "nobody", DEFAULT_SEED_PASSWORD)
                    .unwrap()
                    .is_none()
            );
            let s = operations::retrieve_session(store, 5).unwrap().unwrap();
            assert_eq!(s.turns, 40);
            // Clinician 1 of 2 has patients 1, 3, 5, 7, 9.
            let d = operations::dashboard_uncached(store, "clinician-1").unwrap();
            let rows = d["patients"].as_array().unwrap();
            assert_eq!(rows.len(), 5);
            assert!(
                rows.iter()
                    .all(|r| r["sessions"] == 3 && r["total_turns"] == 120)
            );
        }
        // Writing to the copy leaves the file as it was.
        let session = memory.session(5).unwrap().unwrap();
        operations::insert_turn(
            &memory,
            crate::store::TurnWrite {
                session: &session,
                character: None,
                difficulty_level: 2,
                event: crate::store::NewEvent {
                    session_id: 5,
                    patient: session.user.clone(),
                    kind: "choice",
                    data: json!({}),
                },
                alert: None,
            },
        )
        .unwrap();
        let events = "SELECT COUNT(*) FROM events";
        assert_eq!(count(&memory, events), count(&file, events) + 1);
    }

    #[test]
    fn sizes_parse_strictly() {
        assert_eq!(
            DatasetSize::parse("10000:10:10").unwrap(),
            DatasetSize::DEFAULT
        );
        assert_eq!(DatasetSize::DEFAULT.turns(), 1_000_000);
        for bad in ["10000:10", "0:1:1", "a:1:1", "1:1:1:1", "1:1001:1"] {
            assert!(DatasetSize::parse(bad).is_err(), "{bad}");
        }
    }
}
