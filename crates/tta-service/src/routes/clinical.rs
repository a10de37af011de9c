//! Clinical API: clinicians (and admin) only; a clinician sees only their assigned patients.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, Path, Query};
use super::patient::view;
use crate::AppState;
use crate::api_error::ApiError;
use crate::auth::AuthUser;
use crate::operations;
use crate::store::{AlertPage, AlertStatus, NewEvent, Role};
use tta_core::session::SessionEvent;

const MAX_PER_PAGE: u32 = 100;

/// Checks that the caller may see `patient`: the assigned clinician, or admin.
fn may_see(state: &AppState, user: &AuthUser, patient: &str) -> Result<(), ApiError> {
    user.require(&[Role::Clinician, Role::Admin])?;
    let record = state
        .store
        .user(patient)?
        .filter(|u| u.role == Role::Patient)
        .ok_or_else(|| ApiError::not_found(format!("no patient {patient}")))?;
    if user.role == Role::Admin || record.clinician.as_deref() == Some(&user.name) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "patient {patient} is not assigned to {}",
            user.name
        )))
    }
}

/// A patient's progress view ([`operations::progress`]) as JSON, cached until the patient's
/// next write.
fn progress_json(state: &AppState, patient: &str) -> Result<Vec<u8>, ApiError> {
    state.progress_json(patient, || {
        Ok(operations::progress(&*state.store, patient)?)
    })
}

/// A patient's dashboard row ([`operations::dashboard_row`]), cached until the patient's next
/// write; made from the progress view as the store gives it, not through the view's cache
/// entry (serializing, compressing and parsing it back cost more than the row saves).
fn dashboard_row(state: &AppState, patient: &str) -> Result<Value, ApiError> {
    state.dashboard_row(patient, || {
        let view = operations::progress(&*state.store, patient)?;
        Ok(operations::dashboard_row(&view))
    })
}

/// Dashboard of a clinician: their patients with recent progress and open alert counts.
#[utoipa::path(get, path = "/api/clinical/dashboard/{clinician_id}", tag = "clinical",
    params(("clinician_id" = String, Path)), responses((status = 200, body = Object), (status = 403)))]
pub async fn dashboard(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(clinician): Path<String>,
) -> Result<Json<Value>, ApiError> {
    user.require(&[Role::Clinician, Role::Admin])?;
    if user.role == Role::Clinician && user.name != clinician {
        return Err(ApiError::forbidden(
            "a clinician sees only their own dashboard",
        ));
    }
    let patients = state.patients_of(&clinician)?;
    Ok(Json(operations::dashboard(
        &*state.store,
        &clinician,
        &patients,
        |p| dashboard_row(&state, p),
    )?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// active (default), acknowledged or all.
    #[param(value_type = Option<String>)]
    pub status: Option<AlertStatus>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// Whose alerts (admin only; a clinician always gets their own).
    pub clinician: Option<String>,
}

/// A page of the caller's alerts, newest first.
#[utoipa::path(get, path = "/api/clinical/alerts", tag = "clinical", params(AlertQuery),
    responses((status = 200, body = Object), (status = 400), (status = 403)))]
pub async fn alerts(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Query(q): Query<AlertQuery>,
) -> Result<Json<AlertPage>, ApiError> {
    user.require(&[Role::Clinician, Role::Admin])?;
    let clinician = match (user.role, q.clinician) {
        (Role::Admin, Some(c)) => c,
        (Role::Admin, None) => return Err(ApiError::bad_request("admin must name ?clinician=")),
        (_, Some(c)) if c != user.name => {
            return Err(ApiError::forbidden(
                "a clinician sees only their own alerts",
            ));
        }
        _ => user.name.clone(),
    };
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(20);
    if page == 0 || per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ApiError::bad_request(format!(
            "page must be ≥ 1 and per_page 1-{MAX_PER_PAGE}"
        )));
    }
    Ok(Json(state.store.alerts(
        &clinician,
        q.status.unwrap_or(AlertStatus::Active),
        page,
        per_page,
    )?))
}

/// Acknowledges an alert of the caller's (idempotent).
#[utoipa::path(post, path = "/api/clinical/alerts/{id}/acknowledge", tag = "clinical",
    params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 403), (status = 404)))]
pub async fn acknowledge(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    user.require(&[Role::Clinician, Role::Admin])?;
    let alert = state
        .store
        .alert(id)?
        .ok_or_else(|| ApiError::not_found(format!("no alert with id {id}")))?;
    if user.role == Role::Clinician && alert.clinician != user.name {
        return Err(ApiError::forbidden(format!(
            "alert {id} belongs to another clinician"
        )));
    }
    let alert = state.store.acknowledge_alert(id)?;
    Ok(Json(json!(alert)))
}

/// Progress of an assigned patient.
#[utoipa::path(get, path = "/api/clinical/patients/{id}/progress", tag = "clinical",
    params(("id" = String, Path)), responses((status = 200, body = Object), (status = 403), (status = 404)))]
pub async fn patient_progress(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(patient): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    may_see(&state, &user, &patient)?;
    let body = progress_json(&state, &patient)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClinicalInterventionKind {
    CheckIn,
    SafetyPlan,
    Referral,
    /// Lifts a crisis pause (needs `session_id`).
    ResumeSession,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicalIntervention {
    pub patient_id: String,
    #[serde(rename = "type")]
    pub kind: ClinicalInterventionKind,
    pub session_id: Option<u64>,
    pub message: Option<String>,
}

/// A clinician acts for an assigned patient; `resume_session` lifts a crisis pause.
#[utoipa::path(post, path = "/api/clinical/interventions", tag = "clinical", request_body = ClinicalIntervention,
    responses((status = 201, body = Object), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn intervene(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Json(req): Json<ClinicalIntervention>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_see(&state, &user, &req.patient_id)?;
    if req.message.as_ref().is_some_and(|m| m.len() > 4096) {
        return Err(ApiError::bad_request("message is longer than 4096 bytes"));
    }
    let session = match req.session_id {
        None if matches!(req.kind, ClinicalInterventionKind::ResumeSession) => {
            return Err(ApiError::bad_request("resume_session needs session_id"));
        }
        None => None,
        Some(id) => {
            let mut core = state.core();
            if core.sessions.get(id)?.user != req.patient_id {
                return Err(ApiError::bad_request(format!(
                    "session {id} is not {}'s",
                    req.patient_id
                )));
            }
            let s = match req.kind {
                ClinicalInterventionKind::ResumeSession => {
                    core.sessions.apply(id, SessionEvent::ClinicianResume)?
                }
                _ => core.sessions.get(id)?,
            };
            Some(s.clone())
        }
    };
    let event = NewEvent {
        session_id: req.session_id.unwrap_or(0),
        patient: req.patient_id.clone(),
        kind: "clinical_intervention",
        data: json!({ "type": req.kind, "by": user.name, "message": req.message }),
    };
    match &session {
        Some(s) => state.store.save_session(s, None, Some(event))?,
        None => {
            state.store.add_event(event)?;
        }
    }
    state.invalidate(&req.patient_id);
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "patient_id": req.patient_id,
            "type": req.kind,
            "session": session.map(|s| view(&s, state.core().difficulty.level(&req.patient_id))),
        })),
    ))
}
