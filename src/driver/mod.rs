//! Load drivers: turn a validated plan into requests against a target and record them. Goose
//! runs the closed model (users wait for their answers); `arrival` the open model (requests
//! start on a schedule fixed in advance, whatever the target does).

pub mod arrival;
pub mod goose;
pub mod journey;

use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// A request's timeout in both executors: goose's default.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Counts shared by every user of a run.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests sent (the cap applies to this).
    pub sent: AtomicU64,
    /// Steps skipped because a variable they use was not captured yet.
    pub skipped: AtomicU64,
    /// Open model: arrivals the schedule held (sent, skipped and dropped).
    pub scheduled: AtomicU64,
    /// Open model: arrivals not sent because the in-flight cap was reached.
    pub dropped: AtomicU64,
    /// Open model: requests still unanswered when the run stopped waiting for them.
    pub unanswered: AtomicU64,
    /// Open model: requests of the users logging in before the schedule started.
    pub warm_up: AtomicU64,
    /// Requests cut off, or failed, after a stop signal: counted apart, never as errors.
    pub cancelled: AtomicU64,
}

/// True once a stop signal was received: requests ending then are counted as cancelled.
pub(crate) fn stopping() -> bool {
    crate::interrupt::received().is_some()
}
