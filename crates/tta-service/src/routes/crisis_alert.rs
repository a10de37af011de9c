//! The crisis alert a patient's words raise: counted in the metrics, logged without the words,
//! addressed to the patient's assigned clinician.

use serde_json::json;

use crate::AppState;
use crate::api_error::ApiError;
use crate::store::{AlertType, NewAlert};
use tta_core::crisis::{CrisisAssessment, CrisisLevel};

/// Assigned clinician of a patient, for alerts.
fn clinician_of(state: &AppState, patient: &str) -> Result<String, ApiError> {
    state
        .store
        .user(patient)?
        .and_then(|u| u.clinician)
        .ok_or_else(|| ApiError::internal(format!("patient {patient} has no assigned clinician")))
}

/// The clinician alert a crisis assessment raises, if it raises one (counting every
/// assessment at LOW or above in the metrics).
pub(super) fn crisis_alert(
    state: &AppState,
    patient: &str,
    session: u64,
    crisis: &CrisisAssessment,
) -> Result<Option<NewAlert>, ApiError> {
    if crisis.level >= CrisisLevel::Low {
        state.metrics.crisis_detected(level_name(crisis.level));
    }
    if !crisis.alert_clinician {
        return Ok(None);
    }
    // The session and level only: what the patient wrote stays out of the log.
    tracing::warn!(
        session,
        level = level_name(crisis.level),
        "crisis: clinician alerted"
    );
    let families: Vec<String> = crisis
        .indicators
        .iter()
        .map(|m| json!(m.family).as_str().unwrap_or_default().to_string())
        .collect();
    Ok(Some(NewAlert {
        patient: patient.to_string(),
        clinician: clinician_of(state, patient)?,
        kind: AlertType::Crisis,
        severity: level_name(crisis.level).to_string(),
        message: format!(
            "{} crisis indicators ({}) in session {session}; session paused",
            level_name(crisis.level),
            families.join(", ")
        ),
    }))
}

fn level_name(level: CrisisLevel) -> &'static str {
    match level {
        CrisisLevel::None => "NONE",
        CrisisLevel::Low => "LOW",
        CrisisLevel::Moderate => "MODERATE",
        CrisisLevel::High => "HIGH",
        CrisisLevel::Critical => "CRITICAL",
    }
}
