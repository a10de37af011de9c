//! The service's database operations, each written once and called by its route and by the
//! store micro-benchmarks (`tta-bench micro`, group `store_*`), so the benchmarks time what a
//! request does against the store, without HTTP, the cache or the core.
//!
//! The four are the database operations of the AI therapist performance benchmarks: user
//! authentication (the lookup and the password verification), session retrieval, data insertion
//! (one patient turn), and the complex query (a clinician's dashboard aggregate).

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::auth::{hash_password, verify_password};
use crate::routes::patient::view;
use crate::store::{Alert, Store, StoreResult, TurnWrite, UserRecord};
use tta_core::session::Session;

/// Recent events shown in a progress view.
pub const RECENT_EVENTS: u32 = 20;

/// The hash an unknown user's password is verified against: argon2id with the defaults every
/// account's hash has, of a random password, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        hash_password(&format!("{bytes:?}"))
    })
}

/// User authentication: the account's lookup, then argon2 verification of `password`. An
/// unknown user is verified against a dummy hash of the same parameters, so it costs the same
/// argon2 run as a known one and timing does not tell them apart. `Some` only for a known user
/// with the right password. Blocking (argon2 takes milliseconds): routes run it off the runtime.
pub fn authenticate(
    store: &dyn Store,
    username: &str,
    password: &str,
) -> StoreResult<Option<UserRecord>> {
    let user = lookup_user(store, username)?;
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash(), |u| u.password_hash.as_str());
    let ok = verify_password(password, hash);
    Ok(user.filter(|_| ok))
}

/// The lookup half of [`authenticate`], for measuring argon2's share apart.
pub fn lookup_user(store: &dyn Store, username: &str) -> StoreResult<Option<UserRecord>> {
    store.user(username)
}

/// The verification half of [`authenticate`]: argon2 over `password` against a PHC `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    verify_password(password, hash)
}

/// Session retrieval: one session read back from the store by id.
pub fn retrieve_session(store: &dyn Store, id: u64) -> StoreResult<Option<Session>> {
    store.session(id)
}

/// Data insertion: everything one patient turn changes, in one transaction.
pub fn insert_turn(store: &dyn Store, turn: TurnWrite<'_>) -> StoreResult<Option<Alert>> {
    store.write_turn(turn)
}

/// A patient's progress view from the store: character, difficulty, sessions and recent events.
pub fn progress(store: &dyn Store, patient: &str) -> StoreResult<Value> {
    let level = store
        .difficulty(patient)?
        .unwrap_or(tta_core::difficulty::DEFAULT_LEVEL);
    let sessions: Vec<_> = store
        .sessions_of(patient)?
        .iter()
        .map(|s| view(s, level))
        .collect();
    let highest = sessions
        .iter()
        .map(|s| s.highest_crisis.clone())
        .max_by_key(crisis_rank);
    Ok(json!({
        "patient_id": patient,
        "character": store.character(patient)?,
        "difficulty_level": level,
        "highest_crisis": highest.unwrap_or(json!("NONE")),
        "sessions": sessions,
        "recent_events": store.recent_events(patient, RECENT_EVENTS)?,
    }))
}

fn crisis_rank(v: &Value) -> usize {
    ["NONE", "LOW", "MODERATE", "HIGH", "CRITICAL"]
        .iter()
        .position(|l| v.as_str() == Some(l))
        .unwrap_or(0)
}

/// A patient's row of a clinician's dashboard, from their progress view: sessions, active
/// ones, turns, difficulty, highest crisis and last event (the open alerts are added apart,
/// from the store).
pub fn dashboard_row(view: &Value) -> Value {
    let sessions = view["sessions"]
        .as_array()
        .map_or(&[][..], |s| s.as_slice());
    json!({
        "sessions": sessions.len(),
        "active_sessions": sessions.iter().filter(|s| s["state"] == "active").count(),
        "total_turns": sessions.iter().filter_map(|s| s["turns"].as_u64()).sum::<u64>(),
        "difficulty_level": view["difficulty_level"],
        "highest_crisis": view["highest_crisis"],
        "last_event": view["recent_events"].get(0).map(|e| e["timestamp"].clone()),
    })
}

/// The complex query: a clinician's dashboard, their patients with session counts, turns,
/// difficulty, highest crisis, last event and open alerts. `patients` lists them and `row`
/// gives each one's [`dashboard_row`]: the route passes its cached ones, the benchmark the
/// store's ([`dashboard_uncached`]).
pub fn dashboard<E: From<crate::store::StoreError>>(
    store: &dyn Store,
    clinician: &str,
    patients: &[String],
    mut row: impl FnMut(&str) -> Result<Value, E>,
) -> Result<Value, E> {
    let counts = store.open_alert_counts(clinician)?;
    let mut rows = Vec::with_capacity(patients.len());
    for p in patients {
        let mut r = serde_json::Map::new();
        r.insert("patient_id".into(), json!(p));
        if let Value::Object(fields) = row(p)? {
            r.extend(fields);
        }
        let open = counts.iter().find(|(q, _)| q == p).map_or(0, |(_, n)| *n);
        r.insert("open_alerts".into(), json!(open));
        rows.push(Value::Object(r));
    }
    Ok(json!({
        "clinician_id": clinician,
        "patients": rows,
        "open_alerts": counts.iter().map(|(_, n)| n).sum::<u64>(),
    }))
}

/// [`dashboard`] with every row made from a view read from the store: what a request costs on
/// a cold cache.
pub fn dashboard_uncached(store: &dyn Store, clinician: &str) -> StoreResult<Value> {
    let patients = store.patients_of(clinician)?;
    dashboard(store, clinician, &patients, |p| {
        progress(store, p).map(|v| dashboard_row(&v))
    })
}
