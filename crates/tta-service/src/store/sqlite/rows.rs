//! Rows written and read by more than one query.

use rusqlite::{Connection, Row, params};

use super::{json, to_json};
use crate::clock::{now_ms, rfc3339};
use crate::store::{Alert, AlertType, EventRecord, NewEvent, StoreResult};
use tta_core::character::Character;
use tta_core::session::Session;

pub(super) fn alert_type_str(t: AlertType) -> &'static str {
    match t {
        AlertType::Crisis => "crisis",
        AlertType::MissedSession => "missed_session",
        AlertType::ProgressConcern => "progress_concern",
        AlertType::TechnicalIssue => "technical_issue",
    }
}

pub(super) fn alert_from_row(row: &Row<'_>) -> rusqlite::Result<(Alert, String)> {
    let kind: String = row.get(3)?;
    Ok((
        Alert {
            id: row.get(0)?,
            patient_id: row.get(1)?,
            clinician: row.get(2)?,
            kind: AlertType::Crisis,
            severity: row.get(4)?,
            message: row.get(5)?,
            timestamp: rfc3339(row.get(6)?),
            acknowledged: row.get::<_, i64>(7)? != 0,
        },
        kind,
    ))
}

pub(super) fn finish_alert((mut alert, kind): (Alert, String)) -> StoreResult<Alert> {
    alert.kind = json("alert type", &format!("\"{kind}\""))?;
    Ok(alert)
}

pub(super) const ALERT_COLUMNS: &str =
    "id, patient, clinician, type, severity, message, created_at, acknowledged";

pub(super) fn put_session(conn: &Connection, s: &Session) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sessions (id, patient, data, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        params![s.id as i64, s.user, to_json(s), now_ms()],
    )?;
    Ok(())
}

pub(super) fn put_character(conn: &Connection, c: &Character) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO characters (patient, data) VALUES (?1, ?2)
         ON CONFLICT (patient) DO UPDATE SET data = excluded.data",
        params![c.user, to_json(c)],
    )?;
    Ok(())
}

pub(super) fn put_event(conn: &Connection, e: &NewEvent) -> rusqlite::Result<EventRecord> {
    let now = now_ms();
    conn.execute(
        "INSERT INTO events (session_id, patient, kind, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![e.session_id as i64, e.patient, e.kind, e.data.to_string(), now],
    )?;
    Ok(EventRecord {
        id: conn.last_insert_rowid(),
        session_id: e.session_id,
        patient: e.patient.clone(),
        kind: e.kind.to_string(),
        data: e.data.clone(),
        timestamp: rfc3339(now),
    })
}
