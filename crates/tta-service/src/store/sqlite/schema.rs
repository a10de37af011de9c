//! The database schema, as migrations applied in order.

/// Schema versions, applied in order; `user_version` records how many have run. Version 2
/// indexes sessions by their last write, for the idle-session cleanup pass.
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('patient', 'clinician', 'admin')),
    password_hash TEXT NOT NULL,
    clinician TEXT
);
CREATE INDEX users_clinician ON users (clinician);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    patient TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX sessions_patient ON sessions (patient, id);
CREATE TABLE characters (patient TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE difficulty (patient TEXT PRIMARY KEY, level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 6));
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL,
    patient TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_patient ON events (patient, id);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient TEXT NOT NULL,
    clinician TEXT NOT NULL,
    type TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    acknowledged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alerts_clinician ON alerts (clinician, acknowledged, id);
"#,
    r#"
CREATE INDEX sessions_updated ON sessions (updated_at);
"#,
];
