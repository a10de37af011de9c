//! What every page of the report is made of: the stylesheet, escaping, a chart's section, an
//! empty one, repetitions' series placed back to back.

pub use crate::export::units::escape_markup as escape;

use crate::run::RunResult;

pub const CSS: &str = include_str!("report.css");

/// A section with a heading, an introduction and a chart (or why there is none); the caller
/// closes it, so tables can follow the chart.
pub fn chart_block(id: &str, title: &str, intro: &str, svg: Result<String, String>) -> String {
    match svg {
        Ok(svg) => format!(
            "<section id=\"{id}\"><h2>{title}</h2><p>{intro}</p><figure class=\"chart\" data-chart=\"{id}\">{svg}</figure>"
        ),
        Err(e) => format!(
            "<section id=\"{id}\"><h2>{title}</h2><p class=\"empty\">{}</p>",
            escape(&e)
        ),
    }
}

/// A section saying why it has nothing to show.
pub fn empty(id: &str, title: &str, why: &str) -> String {
    format!("<section id=\"{id}\"><h2>{title}</h2><p class=\"empty\">{why}</p></section>")
}

/// Each repetition's per-second figures, placed back to back.
pub fn back_to_back<T>(
    runs: &[RunResult],
    f: impl Fn(&RunResult) -> Vec<(f64, T)>,
) -> Vec<(f64, T)> {
    let mut offset = 0.0;
    let mut out = Vec::new();
    for r in runs {
        out.extend(f(r).into_iter().map(|(t, v)| (offset + t, v)));
        offset += r.duration_s;
    }
    out
}
