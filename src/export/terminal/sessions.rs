//! The sessions study under a load run's table: each level's creation rate and latency and its
//! cleanup pass, the final expiry, and the latency slope.

use std::fmt::Write as _;

use crate::session_study::SessionStudy;

pub fn study(s: &SessionStudy) -> String {
    let mut out = format!(
        "sessions study: creations at {} per second offered, level by level{}\n  {:>6} {:>8} {:>7} {:>8} {:>9} {:>9} {:>15}\n",
        s.rate_per_s,
        s.open_at_end.map_or(String::new(), |n| format!(
            "; {n} open at the end by the service's count"
        )),
        "open",
        "created",
        "failed",
        "rate/s",
        "p50 ms",
        "p95 ms",
        "cleanup pass ms"
    );
    for l in &s.levels {
        let _ = writeln!(
            out,
            "  {:>6} {:>8} {:>7} {:>8.1} {:>9.2} {:>9.2} {:>15}",
            l.open,
            l.created,
            l.failed,
            l.rate_per_s,
            l.p50_ms,
            l.p95_ms,
            l.cleanup
                .map_or("–".to_string(), |p| format!("{:.2}", p.duration_ms))
        );
    }
    match &s.expiry {
        Some(e) => {
            let _ = writeln!(
                out,
                "  expiring them: {} of {} idle sessions in {:.2} ms",
                e.expired, e.candidates, e.duration_ms
            );
        }
        None => out
            .push_str("  no cleanup pass on demand (POST /api/admin/sessions/cleanup as admin)\n"),
    }
    if let Some(slope) = &s.latency_slope {
        let _ = writeln!(
            out,
            "  creation latency slope: {:+.3} ms per 1000 sessions open (95 %: {:+.3} to {:+.3}, {} creations)",
            slope.slope, slope.low, slope.high, slope.n
        );
    }
    out
}
