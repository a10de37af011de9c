//! The catalogue as a terminal table: every figure of the AI therapist performance benchmarks,
//! what this verdict measured of it, and how it stands.

use tabled::{Table, Tabled};

use crate::catalogue::Row;

#[derive(Tabled)]
struct Line {
    table: String,
    figure: String,
    target: String,
    threshold: String,
    measured: String,
    status: String,
    /// The command, or why nothing measures it yet.
    #[tabled(rename = "measured by, or why not")]
    measured_by: String,
}

/// A heading of coverage, then one line per figure, fitted to `width` by wrapping.
pub fn catalogue_table(rows: &[Row<'_>], width: Option<usize>) -> String {
    let (measurable, judged) = crate::catalogue::coverage_counts(rows);
    let heading = format!(
        "catalogue (AI therapist performance benchmarks): {} figures, {measurable} measured by tta-bench, {judged} judged in this verdict",
        rows.len()
    );
    let mut table = Table::new(rows.iter().map(|r| {
        Line {
            table: r.entry.table.clone(),
            figure: r.entry.figure.clone(),
            target: r.entry.target.clone(),
            threshold: r.entry.threshold.clone(),
            measured: r
                .measured
                .iter()
                .map(|(name, value)| format!("{name}: {value}"))
                .collect::<Vec<_>>()
                .join("\n"),
            status: r.coverage.status().into(),
            measured_by: r
                .entry
                .command
                .clone()
                .or_else(|| r.coverage.reason().map(str::to_string))
                .unwrap_or_default(),
        }
    }));
    super::sharp_within(&mut table, width);
    format!("{heading}\n{table}\n")
}
