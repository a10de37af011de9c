//! A measured value's status against its levels.

use crate::check::Status;

/// Status of `actual` against an upper limit with an optional warning level.
pub(super) fn upper(actual: f64, warning: Option<f64>, critical: f64) -> Status {
    if actual > critical {
        Status::Fail
    } else if warning.is_some_and(|w| actual > w) {
        Status::Warn
    } else {
        Status::Pass
    }
}

/// Status of `actual` against a floor (`critical`) with a warning level above it.
pub(super) fn lower(actual: f64, warning: f64, critical: f64) -> Status {
    if actual < critical {
        Status::Fail
    } else if actual < warning {
        Status::Warn
    } else {
        Status::Pass
    }
}
