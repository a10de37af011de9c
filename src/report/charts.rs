//! The report's charts, drawn with `plotters` into SVG strings that the page inlines.
//!
//! Colours are the Okabe–Ito palette, which stays distinguishable with the common forms of
//! colour blindness; every series also differs by marker shape or line style, and each chart
//! has a legend, so nothing is told by colour alone.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// Current measurement.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Baseline.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// SLA limits and errors.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// A second process (the harness).
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);

pub(super) const FONT: &str = "sans-serif";
pub(super) const WIDTH: u32 = 900;

pub(super) type Failure = String;

pub(super) fn fail<E: std::fmt::Debug>(e: E) -> Failure {
    format!("drawing a chart failed: {e:?}")
}

/// A row of the per-route chart.
pub struct RouteRow {
    pub route: String,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub baseline_p95_ms: Option<f64>,
    pub sla_ms: f64,
}

/// Log-scale bounds that hold every value with some air.
fn log_bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        (0.01, 1.0)
    } else {
        (lo / 1.6, hi * 1.6)
    }
}

/// The label of segment `i` of a row axis drawn bottom-up (row 0 at the top). The axis also
/// labels one segment past the last row, which gets none.
fn row_label(names: &[String], i: usize) -> String {
    (names.len().saturating_sub(1))
        .checked_sub(i)
        .and_then(|row| names.get(row))
        .cloned()
        .unwrap_or_default()
}

fn ms_label(v: f64) -> String {
    crate::export::units::ms(v)
}

/// Per route: the p50–p99 range as a line, the p95 as a dot, the baseline's p95 as a triangle
/// and the route's critical SLA as a cross; log-scale milliseconds. The legend is left to the
/// page ([`ROUTE_LEGEND`]): inside the plot it would hide the slow routes' marks.
pub fn route_latency(rows: &[RouteRow]) -> Result<String, Failure> {
    let mut svg = String::new();
    let height = 90 + 34 * rows.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let (lo, hi) = log_bounds(rows.iter().flat_map(|r| {
            [
                r.p50_ms,
                r.p99_ms,
                r.sla_ms,
                r.baseline_p95_ms.unwrap_or(r.p95_ms),
            ]
        }));
        let n = rows.len().max(1);
        // Room for the longest route name at the label font (about 7 px a character), so
        // long templates are not clipped at the left edge.
        let longest = rows
            .iter()
            .map(|r| r.route.chars().count())
            .max()
            .unwrap_or(0);
        let label_area = (longest as u32 * 7 + 16).clamp(200, WIDTH / 2);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(label_area)
            .build_cartesian_2d((lo..hi).log_scale(), (0..n).into_segmented())
            .map_err(fail)?;
        let names: Vec<String> = rows.iter().map(|r| r.route.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("latency (log scale)")
            .x_label_formatter(&|v| ms_label(*v))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => row_label(&names, *i),
                _ => String::new(),
            })
            .y_labels(n)
            .label_style((FONT, 13))
            .draw()
            .map_err(fail)?;
        // The first row on top, as in the table below the chart.
        let at = |i: usize| SegmentValue::CenterOf(n - 1 - i);
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                PathElement::new(
                    vec![(r.p50_ms, at(i)), (r.p99_ms, at(i))],
                    BLUE.stroke_width(2),
                )
            }))
            .map_err(fail)?
            .label("p50 to p99")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| Circle::new((r.p95_ms, at(i)), 5, BLUE.filled())),
            )
            .map_err(fail)?
            .label("p95, this run")
            .legend(|(x, y)| Circle::new((x + 9, y), 5, BLUE.filled()));
        chart
            .draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
                r.baseline_p95_ms
                    .map(|b| TriangleMarker::new((b, at(i)), 6, ORANGE.filled()))
            }))
            .map_err(fail)?
            .label("p95, baseline")
            .legend(|(x, y)| TriangleMarker::new((x + 9, y), 6, ORANGE.filled()));
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| Cross::new((r.sla_ms, at(i)), 6, VERMILLION.stroke_width(3))),
            )
            .map_err(fail)?
            .label("SLA p95 limit (critical)")
            .legend(|(x, y)| Cross::new((x + 9, y), 6, VERMILLION.stroke_width(3)));

        root.present().map_err(fail)?;
    }
    Ok(svg)
}

/// The route chart's legend, as HTML.
pub const ROUTE_LEGEND: &str = "<p class=\"legend\"><span style=\"color:#0072b2\">— p50 to p99</span> · <span style=\"color:#0072b2\">● p95, this run</span> · <span style=\"color:#e69f00\">▲ p95, baseline</span> · <span style=\"color:#d55e00\">✕ SLA p95 limit (critical)</span></p>";

pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> Result<(), Failure> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .label_font((FONT, 13))
        .draw()
        .map_err(fail)
}

/// The latency distribution as an HDR percentile curve: x is 1 / (1 − percentile) on a log
/// scale, so 90 %, 99 % and 99.9 % are evenly spaced and the tail gets the room it deserves.
/// Each curve is `(quantile, milliseconds)` points.
pub fn percentile_curve(
    current: &[(f64, f64)],
    baseline: Option<&[(f64, f64)]>,
) -> Result<String, Failure> {
    percentile_curves(
        ("this run", current),
        baseline.map(|b| ("baseline (dashed)", b)),
    )
}

/// Two percentile curves, the second dashed, each with its label.
pub fn percentile_curves(
    (label, current): (&str, &[(f64, f64)]),
    other: Option<(&str, &[(f64, f64)])>,
) -> Result<String, Failure> {
    let (other_label, baseline) = other.map_or((None, None), |(l, b)| (Some(l), Some(b)));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let x = |q: f64| 1.0 / (1.0 - q.min(0.999_999));
        let all = current.iter().chain(baseline.unwrap_or(&[]));
        let x_hi = all.clone().map(|(q, _)| x(*q)).fold(10.0, f64::max) * 1.2;
        let (lo, hi) = log_bounds(all.map(|(_, ms)| *ms));
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d((1.0..x_hi).log_scale(), (lo..hi).log_scale())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc("percentile")
            .y_desc("latency (log scale)")
            .x_label_formatter(&|v| {
                // 1 / (1 − q) = 10^k is the percentile with k nines: 90 %, 99 %, 99.9 %…
                let p = (1.0 - 1.0 / v) * 100.0;
                let text = format!("{p:.4}");
                format!("{} %", text.trim_end_matches('0').trim_end_matches('.'))
            })
            .y_label_formatter(&|v| ms_label(*v))
            .label_style((FONT, 13))
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(LineSeries::new(
                current.iter().map(|(q, ms)| (x(*q), *ms)),
                BLUE.stroke_width(2),
            ))
            .map_err(fail)?
            .label(label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));
        if let (Some(b), Some(other_label)) = (baseline, other_label) {
            chart
                .draw_series(DashedLineSeries::new(
                    b.iter().map(|(q, ms)| (x(*q), *ms)),
                    6,
                    4,
                    ORANGE.stroke_width(2),
                ))
                .map_err(fail)?
                .label(other_label)
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], ORANGE.stroke_width(2))
                });
        }
        legend(&mut chart)?;
        root.present().map_err(fail)?;
    }
    Ok(svg)
}

pub use super::line_charts::{TimeSeries, lines, lines_log_y, over_time};

/// Micro-benchmarks: budget ÷ mean per operation as a bar from 1× on a log scale; the 1× line
/// is the budget itself.
pub fn headroom(rows: &[(String, f64)]) -> Result<String, Failure> {
    let mut svg = String::new();
    let height = 80 + 24 * rows.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let hi = rows.iter().map(|r| r.1).fold(10.0, f64::max) * 3.0;
        let lo = rows.iter().map(|r| r.1).fold(1.0, f64::min) / 2.0;
        let n = rows.len().max(1);
        let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(230)
            .build_cartesian_2d((lo..hi).log_scale(), (0..n).into_segmented())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("headroom: budget ÷ mean (log scale; below 1× is over budget)")
            .x_label_formatter(&|v| crate::export::units::ratio(*v))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => row_label(&names, *i),
                _ => String::new(),
            })
            .y_labels(n)
            .label_style((FONT, 12))
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (_, h))| {
                let color = if *h >= 1.0 { BLUE } else { VERMILLION };
                PathElement::new(
                    vec![
                        (1.0, SegmentValue::CenterOf(n - 1 - i)),
                        (*h, SegmentValue::CenterOf(n - 1 - i)),
                    ],
                    color.stroke_width(8),
                )
            }))
            .map_err(fail)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(1.0, SegmentValue::Exact(0)), (1.0, SegmentValue::Last)],
                VERMILLION.stroke_width(2),
            )))
            .map_err(fail)?;
        root.present().map_err(fail)?;
    }
    Ok(svg)
}

/// One figure per dated baseline (and this run last), as points joined by a line.
pub fn trend(labels: &[String], values: &[f64], y_desc: &str) -> Result<String, Failure> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let n = labels.len().max(1);
        let y_hi = values.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.25;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((0..n).into_segmented(), 0.0..y_hi)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(y_desc)
            .x_labels(n)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 12))
            .draw()
            .map_err(fail)?;
        let points: Vec<_> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (SegmentValue::CenterOf(i), *v))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(2)))
            .map_err(fail)?;
        chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, 5, BLUE.filled())))
            .map_err(fail)?;
        root.present().map_err(fail)?;
    }
    Ok(svg)
}
