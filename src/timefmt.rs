//! Wall-clock timestamps of the files tta-bench writes.

use chrono::{SecondsFormat, Utc};

/// Now as RFC 3339 in UTC with milliseconds: `2026-11-23T13:58:53.123Z`.
pub(crate) fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Seconds since the Unix epoch, now.
pub(crate) fn now_unix_s() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}
