//! The report's catalogue section: every figure of the AI therapist performance benchmarks,
//! what this verdict measured of it, and how it stands ([`crate::catalogue`]).

use std::fmt::Write as _;

use super::Report;
use super::html::escape;
use crate::catalogue::{Coverage, rows};
use crate::check::Status;

pub fn section(r: &Report<'_>) -> String {
    let rows = rows(&r.thresholds.catalogue, r.verdict);
    if rows.is_empty() {
        return String::new();
    }
    let (measurable, judged) = crate::catalogue::coverage_counts(&rows);
    let mut s = format!(
        "<section id=\"catalogue\"><h2>Catalogue</h2><p>Every figure of the AI therapist performance benchmarks: {} figures, {measurable} measured by tta-bench, {judged} judged in this verdict.</p><table><thead><tr><th>table</th><th>figure</th><th>target</th><th>threshold</th><th>measured</th><th>status</th><th>measured by, or why not</th></tr></thead><tbody>",
        rows.len()
    );
    for row in &rows {
        let class = match row.coverage {
            Coverage::Judged(Status::Fail) => "fail",
            Coverage::Judged(Status::Warn) => "warn",
            Coverage::Judged(Status::Pass | Status::Improved) => "pass",
            _ => "skipped",
        };
        let measured: Vec<String> = row
            .measured
            .iter()
            .map(|(name, value)| format!("{}: {}", escape(name), escape(value)))
            .collect();
        let by = row
            .entry
            .command
            .as_deref()
            .or(row.coverage.reason())
            .unwrap_or("");
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"status {class}\">{}</td><td>{}</td></tr>",
            escape(&row.entry.table),
            escape(&row.entry.figure),
            escape(&row.entry.target),
            escape(&row.entry.threshold),
            measured.join("<br>"),
            escape(row.coverage.status()),
            escape(by),
        );
    }
    s.push_str("</tbody></table></section>");
    s
}
