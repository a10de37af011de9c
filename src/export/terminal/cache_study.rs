//! The cache hit-rate study in the terminal: one row per size, then its workload in words.

use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};
use tabled::{Table, Tabled};

use crate::cache_study::CacheStudy;
use crate::export::units::{duration_ns, mib};

#[derive(Tabled)]
struct SizeRow {
    #[tabled(rename = "cache size")]
    size: String,
    #[tabled(rename = "hit rate")]
    hit_rate: String,
    #[tabled(rename = "best possible")]
    best: String,
    #[tabled(rename = "eviction pass p99")]
    p99: String,
    longest: String,
    entries: String,
    #[tabled(rename = "held (raw → stored)")]
    held: String,
    seconds: String,
}

pub fn cache_study(study: &CacheStudy) -> String {
    let rows = study.sizes.iter().map(|s| SizeRow {
        size: match &s.scaled {
            None => s.label.clone(),
            Some(_) => format!("{} (scaled)", s.label),
        },
        hit_rate: format!("{:.2} %", s.hit_rate * 100.0),
        best: format!("{:.2} %", s.best_hit_rate * 100.0),
        p99: duration_ns(s.eviction_pass_p99_ns as f64),
        longest: duration_ns(s.eviction_pass_max_ns as f64),
        entries: s.entries.to_string(),
        held: format!("{} → {}", mib(s.raw_bytes), mib(s.stored_bytes)),
        seconds: format!("{:.1} + {:.1}", s.fill_s, s.requests_s),
    });
    let mut table = Table::new(rows);
    table
        .with(Style::sharp())
        .modify(Columns::new(1..8), Alignment::right());
    let scaled: String = study
        .sizes
        .iter()
        .filter_map(|s| s.scaled.as_ref().map(|why| format!("{}: {why}\n", s.label)))
        .collect();
    let memory = study.memory.as_ref().map_or(String::new(), |m| {
        format!("cache memory: {}\n", m.describe())
    });
    format!(
        "cache hit-rate study (seconds: warm fill + requests)\n{table}\n{scaled}workload: {}\n{memory}",
        study.method
    )
}
