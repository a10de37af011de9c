//! Terminal tables (`tabled`).

use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};
use tabled::{Table, Tabled};

use super::units::{duration_ns, ratio};
use super::{Document, Exporter};
use crate::error::Result;
use crate::micro::MicroRun;

pub struct Terminal;

impl Exporter for Terminal {
    fn render(&self, doc: Document<'_>) -> Result<String> {
        Ok(match doc {
            Document::Micro(run) => micro(run),
        })
    }
}

#[derive(Tabled)]
struct MicroRow {
    operation: String,
    mean: String,
    #[tabled(rename = "95% CI")]
    ci: String,
    budget: String,
    headroom: String,
    status: &'static str,
}

fn micro(run: &MicroRun) -> String {
    let rows = run.operations.iter().map(|o| MicroRow {
        operation: o.name.clone(),
        mean: duration_ns(o.mean_ns),
        ci: format!(
            "{} – {}",
            duration_ns(o.ci_low_ns),
            duration_ns(o.ci_high_ns)
        ),
        budget: o.budget_ns.map_or("-".into(), duration_ns),
        headroom: o.headroom.map_or("-".into(), ratio),
        status: match o.within_budget {
            Some(true) => "ok",
            Some(false) => "OVER BUDGET",
            None => "no budget",
        },
    });
    let mut table = Table::new(rows);
    table
        .with(Style::sharp())
        .modify(Columns::new(1..5), Alignment::right());
    let judged: Vec<_> = run
        .operations
        .iter()
        .filter(|o| o.headroom.is_some())
        .collect();
    let over = judged
        .iter()
        .filter(|o| o.within_budget == Some(false))
        .count();
    let tightest = judged.iter().min_by(|a, b| {
        a.headroom
            .unwrap_or(f64::MAX)
            .total_cmp(&b.headroom.unwrap_or(f64::MAX))
    });
    let scale = if run.settings.budget_scale == 1.0 {
        String::new()
    } else {
        format!(" (budgets × {})", run.settings.budget_scale)
    };
    let verdict = match (over, tightest) {
        (0, Some(t)) => format!(
            "PASS: {} operations within budget{scale}; least headroom {} ({})",
            judged.len(),
            ratio(t.headroom.unwrap_or(0.0)),
            t.name
        ),
        (0, None) => "PASS: no operation has a budget to check".to_string(),
        (n, _) => format!(
            "FAIL: {n} of {} operations over budget{scale}",
            judged.len()
        ),
    };
    format!("{table}\n{verdict}\n")
}
