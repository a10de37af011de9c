//! The state read back at start-up to rebuild the core.

use rusqlite::Connection;

use super::json;
use crate::store::{Snapshot, StoreResult};
use tta_core::consequences::ChoiceType;

pub(super) fn read(conn: &Connection) -> StoreResult<Snapshot> {
    let strings = |sql: &str| -> StoreResult<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let sessions = strings("SELECT data FROM sessions ORDER BY id")?
        .iter()
        .map(|d| json("session", d))
        .collect::<StoreResult<_>>()?;
    let characters = strings("SELECT data FROM characters ORDER BY patient")?
        .iter()
        .map(|d| json("character", d))
        .collect::<StoreResult<_>>()?;
    let pairs = |sql: &str| -> StoreResult<Vec<(String, i64)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let difficulty = pairs("SELECT patient, level FROM difficulty ORDER BY patient")?
        .into_iter()
        .map(|(p, l)| (p, l.clamp(1, 6) as u8))
        .collect();
    let crisis_episodes =
        pairs("SELECT patient, COUNT(*) FROM alerts WHERE type = 'crisis' GROUP BY patient")?
            .into_iter()
            .map(|(p, n)| (p, n as u32))
            .collect();
    let mut stmt = conn.prepare(
        "SELECT patient, json_extract(data, '$.choice_type') FROM
           (SELECT patient, data, ROW_NUMBER() OVER (PARTITION BY patient ORDER BY id DESC) AS n
            FROM events WHERE kind = 'choice')
         WHERE n <= 10 ORDER BY patient, n DESC",
    )?;
    let rows: Vec<(String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut choice_history: Vec<(String, Vec<ChoiceType>)> = Vec::new();
    for (patient, kind) in rows {
        let Some(kind) = kind else { continue };
        let kind: ChoiceType = json("choice type", &format!("\"{kind}\""))?;
        match choice_history.last_mut() {
            Some((p, h)) if *p == patient => h.push(kind),
            _ => choice_history.push((patient, vec![kind])),
        }
    }
    Ok(Snapshot {
        sessions,
        characters,
        difficulty,
        crisis_episodes,
        choice_history,
    })
}
