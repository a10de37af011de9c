//! The report's cache study section: each size's hit rate beside the best any cache of as
//! many entries could do, its eviction passes, and the workload in words.

use std::fmt::Write as _;

use super::Report;
use super::html::escape;
use crate::export::units::{duration_ns, mib};

pub fn section(r: &Report<'_>) -> String {
    let Some(study) = r.micro.iter().find_map(|m| m.cache_study.as_ref()) else {
        return String::new();
    };
    let mut s = format!(
        "<section id=\"cache-study\"><h2>Cache hit rate by size</h2><p>{}</p><table><thead><tr><th>cache size</th><th class=\"num\">hit rate</th><th class=\"num\">best possible</th><th class=\"num\">eviction pass p99</th><th class=\"num\">longest</th><th class=\"num\">entries</th><th class=\"num\">held raw → stored</th></tr></thead><tbody>",
        escape(&study.method)
    );
    for z in &study.sizes {
        let _ = write!(
            s,
            "<tr><td>{}{}</td><td class=\"num\">{:.2} %</td><td class=\"num\">{:.2} %</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} → {}</td></tr>",
            escape(&z.label),
            z.scaled
                .as_ref()
                .map_or(String::new(), |why| format!(" ({})", escape(why))),
            z.hit_rate * 100.0,
            z.best_hit_rate * 100.0,
            duration_ns(z.eviction_pass_p99_ns as f64),
            duration_ns(z.eviction_pass_max_ns as f64),
            z.entries,
            mib(z.raw_bytes),
            mib(z.stored_bytes),
        );
    }
    s.push_str("</tbody></table>");
    if let Some(m) = &study.memory {
        let _ = write!(s, "<p>Cache memory: {}.</p>", escape(&m.describe()));
    }
    s.push_str("</section>");
    s
}
