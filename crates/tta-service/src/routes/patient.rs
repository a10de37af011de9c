//! Patient API: a patient reads and writes only their own sessions.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::crisis_alert::crisis_alert;
use super::extract::{Json, Path};
use crate::AppState;
use crate::api_error::ApiError;
use crate::auth::AuthUser;
use crate::store::{NewEvent, Role, TurnWrite};
use tta_core::character::{Character, Goal};
use tta_core::frameworks::Profile;
use tta_core::session::{Session, SessionEvent};

/// Longest free-text note accepted in progress updates.
const MAX_NOTE_BYTES: usize = 4096;

/// A session as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: u64,
    pub patient_id: String,
    #[schema(value_type = String, example = "active")]
    pub state: Value,
    #[schema(value_type = String, example = "opening")]
    pub phase: Value,
    pub turns: u32,
    #[schema(value_type = String, example = "NONE")]
    pub highest_crisis: Value,
    pub difficulty_level: u8,
}

pub fn view(session: &Session, difficulty_level: u8) -> SessionView {
    SessionView {
        id: session.id,
        patient_id: session.user.clone(),
        state: json!(session.state),
        phase: json!(session.phase),
        turns: session.turns,
        highest_crisis: json!(session.highest_crisis),
        difficulty_level,
    }
}

/// The caller's own session, or why not.
fn own_session(state: &AppState, user: &AuthUser, id: u64) -> Result<Session, ApiError> {
    user.require(&[Role::Patient])?;
    let session = state.core().sessions.get(id)?.clone();
    if session.user != user.name {
        return Err(ApiError::forbidden(format!(
            "session {id} belongs to another patient"
        )));
    }
    Ok(session)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CreateSession {
    pub character_name: Option<String>,
    #[schema(value_type = Vec<String>, example = json!(["anxiety_management"]))]
    pub goals: Vec<Goal>,
    pub concerns: Vec<String>,
    pub strengths: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedSession {
    #[serde(flatten)]
    pub session: SessionView,
    #[schema(value_type = Object)]
    pub character: Character,
    #[schema(value_type = Vec<Object>)]
    pub recommendations: Vec<tta_core::frameworks::Recommendation>,
}

/// Starts a session: session initialisation, character creation (first session only) and
/// framework recommendations.
#[utoipa::path(post, path = "/api/patient/sessions", tag = "patient", request_body = CreateSession,
    responses((status = 201, body = CreatedSession), (status = 400), (status = 401), (status = 403)))]
pub async fn create_session(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Json(req): Json<CreateSession>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    user.require(&[Role::Patient])?;
    let name = req.character_name.as_deref().unwrap_or("Traveller");
    if name.trim().is_empty() || name.len() > 64 {
        return Err(ApiError::bad_request("character_name must be 1-64 bytes"));
    }
    let profile = Profile {
        concerns: req.concerns,
        strengths: req.strengths,
        in_crisis: false,
    };
    let (start, level) = {
        let mut core = state.core();
        let start = core.start_session(&user.name, name, &req.goals, &profile)?;
        (start, core.difficulty.level(&user.name))
    };
    let event = NewEvent {
        session_id: start.session.id,
        patient: user.name.clone(),
        kind: "session_started",
        data: json!({ "goals": start.character.goals }),
    };
    state
        .store
        .save_session(&start.session, Some(&start.character), Some(event))?;
    state.invalidate(&user.name);
    Ok((
        StatusCode::CREATED,
        Json(CreatedSession {
            session: view(&start.session, level),
            character: start.character,
            recommendations: start.recommendations,
        }),
    ))
}

/// One of the caller's sessions.
#[utoipa::path(get, path = "/api/patient/sessions/{id}", tag = "patient",
    params(("id" = u64, Path)), responses((status = 200, body = SessionView), (status = 403), (status = 404)))]
pub async fn get_session(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<u64>,
) -> Result<Json<SessionView>, ApiError> {
    let session = own_session(&state, &user, id)?;
    let level = state.core().difficulty.level(&user.name);
    Ok(Json(view(&session, level)))
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    Active,
    Paused,
    Completed,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProgressUpdate {
    /// Move the session to this state.
    pub status: Option<ProgressStatus>,
    pub note: Option<String>,
    pub milestone: Option<String>,
}

/// Records progress and optionally moves the session through its lifecycle.
#[utoipa::path(patch, path = "/api/patient/sessions/{id}/progress", tag = "patient",
    params(("id" = u64, Path)), request_body = ProgressUpdate,
    responses((status = 200, body = SessionView), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn update_progress(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<u64>,
    Json(req): Json<ProgressUpdate>,
) -> Result<Json<SessionView>, ApiError> {
    let current = own_session(&state, &user, id)?;
    for (field, text) in [("note", &req.note), ("milestone", &req.milestone)] {
        if text.as_ref().is_some_and(|t| t.len() > MAX_NOTE_BYTES) {
            return Err(ApiError::bad_request(format!(
                "{field} is longer than {MAX_NOTE_BYTES} bytes"
            )));
        }
    }
    let (session, level) = {
        let mut core = state.core();
        let session = match req.status {
            None => current,
            Some(status) => {
                use tta_core::session::SessionState as S;
                let event = match (status, current.state) {
                    (ProgressStatus::Active, S::Created) => SessionEvent::Start,
                    (ProgressStatus::Active, _) => SessionEvent::Resume,
                    (ProgressStatus::Paused, _) => SessionEvent::Pause,
                    (ProgressStatus::Completed, _) => SessionEvent::Complete,
                };
                core.sessions.apply(id, event)?.clone()
            }
        };
        (session, core.difficulty.level(&user.name))
    };
    let event = NewEvent {
        session_id: id,
        patient: user.name.clone(),
        kind: "progress",
        data: json!({ "state": session.state, "note": req.note, "milestone": req.milestone }),
    };
    state.store.save_session(&session, None, Some(event))?;
    state.invalidate(&user.name);
    Ok(Json(view(&session, level)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceRequest {
    /// What the player chooses to do, in their words.
    pub text: String,
}

/// A patient choice: crisis check, consequence, character update, adaptive difficulty.
/// At HIGH or above a clinician alert is raised; at MODERATE or above the session pauses.
/// Choice texts are not stored, only what the core made of them.
#[utoipa::path(post, path = "/api/patient/sessions/{id}/choices", tag = "patient",
    params(("id" = u64, Path)), request_body = ChoiceRequest,
    responses((status = 200, body = Object), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn make_choice(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<u64>,
    Json(req): Json<ChoiceRequest>,
) -> Result<Json<Value>, ApiError> {
    own_session(&state, &user, id)?;
    let (outcome, character) = {
        let mut core = state.core();
        let outcome = core.turn(id, &req.text)?;
        (outcome, core.characters.get(&user.name).cloned())
    };
    let alert = crisis_alert(&state, &user.name, id, &outcome.crisis)?;
    let event = NewEvent {
        session_id: id,
        patient: user.name.clone(),
        kind: "choice",
        data: json!({
            "choice_type": outcome.consequence.as_ref().map(|c| c.choice_type),
            "therapeutic_value": outcome.consequence.as_ref().map(|c| c.therapeutic_value),
            "crisis_level": outcome.crisis.level,
            "text_bytes": req.text.len(),
        }),
    };
    let raised = state.store.write_turn(TurnWrite {
        session: &outcome.session,
        character: character.as_ref(),
        difficulty_level: outcome.adaptation.level,
        event,
        alert,
    })?;
    state.invalidate(&user.name);
    let mut body = serde_json::to_value(&outcome).map_err(|e| ApiError::internal(e.to_string()))?;
    body["alert"] = json!(raised);
    Ok(Json(body))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmotionalState {
    /// 1 (very low) to 10 (very good).
    pub mood: u8,
    #[serde(default)]
    pub emotions: Vec<String>,
    /// Optional words about how the patient feels; checked for crisis indicators.
    #[serde(default)]
    pub text: Option<String>,
}

/// Records an emotional-state update; a text is checked for crisis like a choice.
#[utoipa::path(post, path = "/api/patient/sessions/{id}/emotional-state", tag = "patient",
    params(("id" = u64, Path)), request_body = EmotionalState,
    responses((status = 200, body = Object), (status = 400), (status = 403), (status = 404)))]
pub async fn emotional_state(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<u64>,
    Json(req): Json<EmotionalState>,
) -> Result<Json<Value>, ApiError> {
    let current = own_session(&state, &user, id)?;
    if !(1..=10).contains(&req.mood) {
        return Err(ApiError::bad_request(format!(
            "mood must be 1-10, got {}",
            req.mood
        )));
    }
    if req.emotions.len() > 20 || req.emotions.iter().any(|e| e.len() > 64) {
        return Err(ApiError::bad_request(
            "emotions: at most 20 words of at most 64 bytes",
        ));
    }
    let (crisis, session, level) = {
        let mut core = state.core();
        let (crisis, session) = match &req.text {
            Some(text) => {
                let (c, s) = core.check_in(id, text)?;
                (Some(c), s)
            }
            None => (None, current),
        };
        (crisis, session, core.difficulty.level(&user.name))
    };
    let alert = match &crisis {
        Some(c) => crisis_alert(&state, &user.name, id, c)?,
        None => None,
    };
    let event = NewEvent {
        session_id: id,
        patient: user.name.clone(),
        kind: "emotional_state",
        data: json!({ "mood": req.mood, "emotions": req.emotions, "crisis_level": crisis.as_ref().map(|c| c.level) }),
    };
    let raised = state.store.write_turn(TurnWrite {
        session: &session,
        character: None,
        difficulty_level: level,
        event,
        alert,
    })?;
    state.invalidate(&user.name);
    Ok(Json(json!({
        "session": view(&session, level),
        "mood": req.mood,
        "crisis": crisis,
        "alert": raised,
    })))
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    Breathing,
    Grounding,
    Journaling,
    ReachOut,
    CrisisResources,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterventionRequest {
    #[serde(rename = "type")]
    pub kind: InterventionKind,
}

fn steps(kind: InterventionKind) -> &'static [&'static str] {
    match kind {
        InterventionKind::Breathing => &[
            "Breathe in for 4 counts",
            "Hold for 4",
            "Breathe out for 6",
            "Repeat 5 times",
        ],
        InterventionKind::Grounding => &[
            "Name 5 things you see",
            "4 you can touch",
            "3 you hear",
            "2 you smell",
            "1 you taste",
        ],
        InterventionKind::Journaling => &[
            "Write what happened",
            "Write what you felt",
            "Write one thing you would do again",
        ],
        InterventionKind::ReachOut => &[
            "Pick one person you trust",
            "Send them a short message",
            "Plan a time to talk",
        ],
        InterventionKind::CrisisResources => &[
            "Call or text 988",
            "Text HOME to 741741",
            "If in immediate danger, call 911",
        ],
    }
}

/// A self-guided intervention the patient asked for.
#[utoipa::path(post, path = "/api/patient/sessions/{id}/interventions", tag = "patient",
    params(("id" = u64, Path)), request_body = InterventionRequest,
    responses((status = 201, body = Object), (status = 400), (status = 403), (status = 404)))]
pub async fn intervention(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<u64>,
    Json(req): Json<InterventionRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    own_session(&state, &user, id)?;
    let event = state.store.add_event(NewEvent {
        session_id: id,
        patient: user.name.clone(),
        kind: "intervention",
        data: json!({ "type": req.kind }),
    })?;
    state.invalidate(&user.name);
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "id": event.id, "session_id": id, "type": req.kind, "steps": steps(req.kind) }),
        ),
    ))
}
