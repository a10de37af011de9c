//! SQLite store (rusqlite, bundled SQLite): WAL journal, schema migrations tracked in
//! `PRAGMA user_version`, one connection behind a mutex. Every call is short (tens of
//! microseconds), so handlers call it directly rather than through a blocking pool.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, OptionalExtension, params};

mod open;
mod rows;
mod schema;
mod snapshot;
mod usage;
mod wal;

use super::*;
use crate::clock::{now_ms, rfc3339};
use rows::*;

pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The page size, when the database is a file in WAL mode (what the WAL's frames hold).
    wal_page_size: Option<u64>,
    /// CPU spent holding the connection, in nanoseconds.
    cpu_ns: AtomicU64,
}

fn corrupt(what: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what,
        message: e.to_string(),
    }
}

fn json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

impl Store for SqliteStore {
    fn usage(&self) -> StoreUsage {
        let (memory_bytes, memory_peak_bytes) = usage::memory();
        StoreUsage {
            wal_bytes: wal::bytes_written(self),
            cpu_seconds: usage::counts_cpu()
                .then(|| self.cpu_ns.load(Ordering::Relaxed) as f64 / 1e9),
            memory_bytes,
            memory_peak_bytes,
        }
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn upsert_users(&self, users: &[UserRecord]) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO users (username, role, password_hash, clinician) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (username) DO UPDATE SET role = excluded.role,
                   password_hash = excluded.password_hash, clinician = excluded.clinician",
            )?;
            for u in users {
                stmt.execute(params![
                    u.username,
                    u.role.as_str(),
                    u.password_hash,
                    u.clinician
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn user(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        let row = self
            .conn()
            .query_row(
                "SELECT username, role, password_hash, clinician FROM users WHERE username = ?1",
                [username],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(username, role, password_hash, clinician)| {
            Ok(UserRecord {
                role: Role::parse(&role).ok_or_else(|| corrupt("user role", &role))?,
                username,
                password_hash,
                clinician,
            })
        })
        .transpose()
    }

    fn patients_of(&self, clinician: &str) -> StoreResult<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT username FROM users WHERE clinician = ?1 AND role = 'patient' ORDER BY username",
        )?;
        let rows = stmt.query_map([clinician], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn save_session(
        &self,
        session: &Session,
        character: Option<&Character>,
        event: Option<NewEvent>,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        put_session(&tx, session)?;
        if let Some(c) = character {
            put_character(&tx, c)?;
        }
        if let Some(e) = &event {
            put_event(&tx, e)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn sessions_idle_since(&self, before_unix_ms: i64) -> StoreResult<Vec<u64>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM sessions WHERE updated_at < ?1
             AND json_extract(data, '$.state') != 'completed' ORDER BY updated_at",
        )?;
        let ids = stmt
            .query_map([before_unix_ms], |r| r.get::<_, i64>(0))?
            .map(|id| id.map(|id| id as u64))
            .collect::<rusqlite::Result<Vec<u64>>>()?;
        Ok(ids)
    }

    fn save_sessions(&self, sessions: &[Session]) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for s in sessions {
            put_session(&tx, s)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn session(&self, id: u64) -> StoreResult<Option<Session>> {
        let data: Option<String> = self
            .conn()
            .query_row(
                "SELECT data FROM sessions WHERE id = ?1",
                [id as i64],
                |r| r.get(0),
            )
            .optional()?;
        data.map(|d| json("session", &d)).transpose()
    }

    fn sessions_of(&self, patient: &str) -> StoreResult<Vec<Session>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT data FROM sessions WHERE patient = ?1 ORDER BY id")?;
        let rows: Vec<String> = stmt
            .query_map([patient], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        rows.iter().map(|d| json("session", d)).collect()
    }

    fn character(&self, patient: &str) -> StoreResult<Option<Character>> {
        let data: Option<String> = self
            .conn()
            .query_row(
                "SELECT data FROM characters WHERE patient = ?1",
                [patient],
                |r| r.get(0),
            )
            .optional()?;
        data.map(|d| json("character", &d)).transpose()
    }

    fn difficulty(&self, patient: &str) -> StoreResult<Option<u8>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT level FROM difficulty WHERE patient = ?1",
                [patient],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn write_turn(&self, turn: TurnWrite<'_>) -> StoreResult<Option<Alert>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        put_session(&tx, turn.session)?;
        if let Some(c) = turn.character {
            put_character(&tx, c)?;
        }
        tx.execute(
            "INSERT INTO difficulty (patient, level) VALUES (?1, ?2)
             ON CONFLICT (patient) DO UPDATE SET level = excluded.level",
            params![turn.session.user, turn.difficulty_level],
        )?;
        put_event(&tx, &turn.event)?;
        let alert = match &turn.alert {
            None => None,
            Some(a) => {
                let now = now_ms();
                tx.execute(
                    "INSERT INTO alerts (patient, clinician, type, severity, message, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        a.patient,
                        a.clinician,
                        alert_type_str(a.kind),
                        a.severity,
                        a.message,
                        now
                    ],
                )?;
                Some(Alert {
                    id: tx.last_insert_rowid(),
                    patient_id: a.patient.clone(),
                    kind: a.kind,
                    severity: a.severity.clone(),
                    message: a.message.clone(),
                    timestamp: rfc3339(now),
                    acknowledged: false,
                    clinician: a.clinician.clone(),
                })
            }
        };
        tx.commit()?;
        Ok(alert)
    }

    fn add_event(&self, event: NewEvent) -> StoreResult<EventRecord> {
        Ok(put_event(&self.conn(), &event)?)
    }

    fn recent_events(&self, patient: &str, limit: u32) -> StoreResult<Vec<EventRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, session_id, patient, kind, data, created_at FROM events
             WHERE patient = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows: Vec<(i64, i64, String, String, String, i64)> = stmt
            .query_map(params![patient, limit], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, session_id, patient, kind, data, at)| {
                Ok(EventRecord {
                    id,
                    session_id: session_id as u64,
                    patient,
                    kind,
                    data: json("event", &data)?,
                    timestamp: rfc3339(at),
                })
            })
            .collect()
    }

    fn alerts(
        &self,
        clinician: &str,
        status: AlertStatus,
        page: u32,
        per_page: u32,
    ) -> StoreResult<AlertPage> {
        let filter = match status {
            AlertStatus::Active => "AND acknowledged = 0",
            AlertStatus::Acknowledged => "AND acknowledged = 1",
            AlertStatus::All => "",
        };
        let conn = self.conn();
        let total: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM alerts WHERE clinician = ?1 {filter}"),
            [clinician],
            |r| r.get(0),
        )?;
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE clinician = ?1 {filter} ORDER BY id DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows: Vec<(Alert, String)> = stmt
            .query_map(params![clinician, per_page, offset], alert_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(AlertPage {
            alerts: rows
                .into_iter()
                .map(finish_alert)
                .collect::<StoreResult<_>>()?,
            page,
            per_page,
            total: total as u64,
        })
    }

    fn alert(&self, id: i64) -> StoreResult<Option<Alert>> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"),
                [id],
                alert_from_row,
            )
            .optional()?;
        row.map(finish_alert).transpose()
    }

    fn acknowledge_alert(&self, id: i64) -> StoreResult<Alert> {
        let changed = self
            .conn()
            .execute("UPDATE alerts SET acknowledged = 1 WHERE id = ?1", [id])?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("no alert with id {id}")));
        }
        self.alert(id)?
            .ok_or_else(|| StoreError::NotFound(format!("no alert with id {id}")))
    }

    fn open_alert_counts(&self, clinician: &str) -> StoreResult<Vec<(String, u64)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT patient, COUNT(*) FROM alerts WHERE clinician = ?1 AND acknowledged = 0
             GROUP BY patient ORDER BY patient",
        )?;
        let rows = stmt.query_map([clinician], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn snapshot(&self) -> StoreResult<Snapshot> {
        snapshot::read(&self.conn())
    }
}

/// `n` patients from `patient-{from}` on, for the store's own tests.
#[cfg(test)]
fn test_users(n: usize, from: usize) -> Vec<UserRecord> {
    (from..from + n)
        .map(|i| UserRecord {
            username: format!("patient-{i}"),
            role: Role::Patient,
            password_hash: "x".repeat(200),
            clinician: None,
        })
        .collect()
}
