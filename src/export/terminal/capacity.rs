//! A capacity search in the terminal: every step in the order run, then the conclusion.

use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};
use tabled::{Table, Tabled};

use crate::capacity::CapacityResult;
use crate::export::units::ms;

#[derive(Tabled)]
struct StepRow {
    offered: String,
    answered: String,
    p50: String,
    p95: String,
    p99: String,
    errors: String,
    dropped: String,
    #[tabled(rename = "lag p99")]
    lag: String,
    #[tabled(rename = "SLO")]
    slo: String,
}

pub fn capacity(r: &CapacityResult) -> String {
    let rows = r.steps.iter().map(|s| StepRow {
        offered: format!("{}/s", s.offered_rps),
        answered: format!("{:.1}/s", s.achieved_rps),
        p50: ms(s.p50_ms),
        p95: ms(s.p95_ms),
        p99: ms(s.p99_ms),
        errors: format!("{:.2} %", s.error_rate * 100.0),
        dropped: format!("{:.2} %", s.dropped_share * 100.0),
        lag: ms(s.lag_p99_ms),
        slo: if s.met_slo {
            "met".into()
        } else {
            "MISSED".into()
        },
    });
    let mut table = Table::new(rows);
    table
        .with(Style::sharp())
        .modify(Columns::new(0..8), Alignment::right());
    format!(
        "{table}\nlatency from each request's intended start, every route\n{}\n",
        r.conclusion()
    )
}
