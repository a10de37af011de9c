//! Persistent state of the reference service behind one trait, so another backend can be added.
//! [`sqlite::SqliteStore`] is the one implementation.
//!
//! Everything a request changes is written in one call ([`Store::write_turn`],
//! [`Store::save_session`], …), each one transaction, so a failure never leaves half a change.

pub mod sqlite;

use serde::{Deserialize, Serialize};

use tta_core::character::Character;
use tta_core::consequences::ChoiceType;
use tta_core::session::Session;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("database holds malformed {what}: {message}")]
    Corrupt { what: &'static str, message: String },
    #[error("{0}")]
    NotFound(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Patient,
    Clinician,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Clinician => "clinician",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "patient" => Some(Self::Patient),
            "clinician" => Some(Self::Clinician),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub role: Role,
    pub password_hash: String,
    /// The clinician a patient is assigned to.
    pub clinician: Option<String>,
}

/// Something that happened in a session, kept for progress views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: i64,
    pub session_id: u64,
    pub patient: String,
    /// `choice`, `progress`, `emotional_state`, `intervention`, `clinical_intervention`.
    pub kind: String,
    pub data: serde_json::Value,
    pub timestamp: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertType {
    Crisis,
    MissedSession,
    ProgressConcern,
    TechnicalIssue,
}

/// A clinician alert, shaped as DESIGN.md section 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub id: i64,
    pub patient_id: String,
    #[serde(rename = "type")]
    pub kind: AlertType,
    pub severity: String,
    pub message: String,
    pub timestamp: String,
    pub acknowledged: bool,
    #[serde(skip)]
    pub clinician: String,
}

/// A new alert (id and time assigned by the store).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub patient: String,
    pub clinician: String,
    pub kind: AlertType,
    pub severity: String,
    pub message: String,
}

/// A new event (id and time assigned by the store).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub session_id: u64,
    pub patient: String,
    pub kind: &'static str,
    pub data: serde_json::Value,
}

/// Everything one patient turn changes, written in one transaction.
#[derive(Debug, Clone)]
pub struct TurnWrite<'a> {
    pub session: &'a Session,
    pub character: Option<&'a Character>,
    pub difficulty_level: u8,
    pub event: NewEvent,
    pub alert: Option<NewAlert>,
}

/// Which alerts to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Active,
    Acknowledged,
    All,
}

/// A page of alerts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertPage {
    pub alerts: Vec<Alert>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// State read back at start-up to rebuild the core.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub sessions: Vec<Session>,
    pub characters: Vec<Character>,
    pub difficulty: Vec<(String, u8)>,
    /// Crisis alerts per patient (earlier HIGH+ episodes).
    pub crisis_episodes: Vec<(String, u32)>,
    /// Last choice types per patient, oldest first.
    pub choice_history: Vec<(String, Vec<ChoiceType>)>,
}

pub trait Store: Send + Sync {
    /// A cheap query proving the database answers.
    fn ping(&self) -> StoreResult<()>;
    /// Inserts users, replacing any with the same name (seeding is idempotent).
    fn upsert_users(&self, users: &[UserRecord]) -> StoreResult<()>;
    fn user(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    fn patients_of(&self, clinician: &str) -> StoreResult<Vec<String>>;
    fn save_session(
        &self,
        session: &Session,
        character: Option<&Character>,
        event: Option<NewEvent>,
    ) -> StoreResult<()>;
    fn session(&self, id: u64) -> StoreResult<Option<Session>>;
    /// Ids of the sessions not completed and last written before `before_unix_ms`, oldest first.
    fn sessions_idle_since(&self, before_unix_ms: i64) -> StoreResult<Vec<u64>>;
    /// Writes `sessions` in one transaction (the cleanup pass's expired sessions).
    fn save_sessions(&self, sessions: &[Session]) -> StoreResult<()>;
    fn sessions_of(&self, patient: &str) -> StoreResult<Vec<Session>>;
    fn character(&self, patient: &str) -> StoreResult<Option<Character>>;
    fn difficulty(&self, patient: &str) -> StoreResult<Option<u8>>;
    /// Writes a turn; returns the alert raised, if any.
    fn write_turn(&self, turn: TurnWrite<'_>) -> StoreResult<Option<Alert>>;
    fn add_event(&self, event: NewEvent) -> StoreResult<EventRecord>;
    fn recent_events(&self, patient: &str, limit: u32) -> StoreResult<Vec<EventRecord>>;
    fn alerts(
        &self,
        clinician: &str,
        status: AlertStatus,
        page: u32,
        per_page: u32,
    ) -> StoreResult<AlertPage>;
    fn alert(&self, id: i64) -> StoreResult<Option<Alert>>;
    fn acknowledge_alert(&self, id: i64) -> StoreResult<Alert>;
    /// Open alerts per patient of a clinician.
    fn open_alert_counts(&self, clinician: &str) -> StoreResult<Vec<(String, u64)>>;
    fn snapshot(&self) -> StoreResult<Snapshot>;
    /// What the store has cost the service since it opened.
    fn usage(&self) -> StoreUsage;
}

/// What the store has cost the service so far, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StoreUsage {
    /// Bytes appended to the write-ahead log (none: it keeps no WAL).
    pub wal_bytes: Option<u64>,
    /// CPU seconds spent in the store's calls (none: this platform cannot count them).
    pub cpu_seconds: Option<f64>,
    /// Bytes the database engine holds now, and at most so far.
    pub memory_bytes: u64,
    pub memory_peak_bytes: u64,
}
