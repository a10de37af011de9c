//! The report's sessions study, when a run holds one: each level's creations and cleanup pass,
//! the final expiry and the latency slope.

use std::fmt::Write as _;

use crate::run::RunResult;

pub(super) fn section(load: &[RunResult]) -> String {
    let Some(s) = load.iter().find_map(|r| r.sessions.as_ref()) else {
        return String::new();
    };
    let mut out = format!(
        "<section id=\"sessions\"><h2>Sessions</h2><p>Patients opened sessions at {} per second, level by level; at each level the service's cleanup pass was timed over the sessions open (none idle yet), then one pass expired them all.</p><table><thead><tr><th class=\"num\">open</th><th class=\"num\">created</th><th class=\"num\">failed</th><th class=\"num\">rate</th><th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">cleanup pass</th></tr></thead><tbody>",
        s.rate_per_s
    );
    for l in &s.levels {
        let _ = write!(
            out,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1} /s</td><td class=\"num\">{:.2} ms</td><td class=\"num\">{:.2} ms</td><td class=\"num\">{}</td></tr>",
            l.open,
            l.created,
            l.failed,
            l.rate_per_s,
            l.p50_ms,
            l.p95_ms,
            l.cleanup
                .map_or("–".to_string(), |p| format!("{:.2} ms", p.duration_ms))
        );
    }
    out.push_str("</tbody></table>");
    if let Some(e) = &s.expiry {
        let _ = write!(
            out,
            "<p>Expiring them: {} of {} idle sessions in {:.2} ms.</p>",
            e.expired, e.candidates, e.duration_ms
        );
    }
    if let Some(slope) = &s.latency_slope {
        let _ = write!(
            out,
            "<p>Creation latency against sessions open: {:+.3} ms per 1000 (95 % interval {:+.3} to {:+.3}, {} creations).</p>",
            slope.slope, slope.low, slope.high, slope.n
        );
    }
    out.push_str("</section>");
    out
}
