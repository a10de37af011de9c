//! What every page of the report is made of: the stylesheet, escaping, a chart's section.

pub use crate::export::units::escape_markup as escape;

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
