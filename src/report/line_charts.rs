//! Line charts (plotters, SVG): series of points over time or against a rate, on linear
//! scales from zero or with y on a log scale.

use plotters::prelude::*;

use super::charts::{FONT, Failure, WIDTH, fail, legend};

/// A named series over time, `(seconds, value)` points, drawn solid or dashed.
pub struct TimeSeries {
    pub label: String,
    pub color: RGBColor,
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

/// Lines over time on a linear scale starting at zero.
pub fn over_time(series: &[TimeSeries], y_desc: &str) -> Result<String, Failure> {
    lines(series, "seconds (repetitions back to back)", y_desc)
}

/// Lines on linear scales starting at zero.
pub fn lines(series: &[TimeSeries], x_desc: &str, y_desc: &str) -> Result<String, Failure> {
    lines_scaled(series, x_desc, y_desc, false)
}

/// As [`lines`], with y on a log scale: for values spanning decades, such as latencies below
/// and past a service's capacity.
pub fn lines_log_y(series: &[TimeSeries], x_desc: &str, y_desc: &str) -> Result<String, Failure> {
    lines_scaled(series, x_desc, y_desc, true)
}

fn lines_scaled(
    series: &[TimeSeries],
    x_desc: &str,
    y_desc: &str,
    log_y: bool,
) -> Result<String, Failure> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let points = || series.iter().flat_map(|s| s.points.iter());
        let x_hi = points().map(|p| p.0).fold(1.0, f64::max);
        let y_hi = points().map(|p| p.1).fold(0.0, f64::max).max(1e-9) * 1.15;
        let builder = || {
            let mut b = ChartBuilder::on(&root);
            b.margin(12).x_label_area_size(36).y_label_area_size(70);
            b
        };
        if log_y {
            // Zero has no place on a log axis: the smallest positive value sets the floor.
            let y_lo = points()
                .map(|p| p.1)
                .filter(|v| *v > 0.0)
                .fold(f64::INFINITY, f64::min);
            let y_lo = if y_lo.is_finite() { y_lo / 1.5 } else { 1e-3 };
            let chart = builder()
                .build_cartesian_2d(0.0..x_hi, (y_lo..y_hi.max(y_lo * 10.0)).log_scale())
                .map_err(fail)?;
            draw_lines(chart, series, x_desc, &format!("{y_desc} (log scale)"))?;
        } else {
            let chart = builder()
                .build_cartesian_2d(0.0..x_hi, 0.0..y_hi)
                .map_err(fail)?;
            draw_lines(chart, series, x_desc, y_desc)?;
        }
        root.present().map_err(fail)?;
    }
    Ok(svg)
}

fn draw_lines<'a, Y>(
    mut chart: ChartContext<
        'a,
        SVGBackend<'a>,
        Cartesian2d<plotters::coord::types::RangedCoordf64, Y>,
    >,
    series: &[TimeSeries],
    x_desc: &str,
    y_desc: &str,
) -> Result<(), Failure>
where
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT, 13))
        .draw()
        .map_err(fail)?;
    for s in series {
        let style = s.color.stroke_width(2);
        let drawn = if s.dashed {
            chart
                .draw_series(DashedLineSeries::new(s.points.iter().copied(), 6, 4, style))
                .map_err(fail)?
        } else {
            chart
                .draw_series(LineSeries::new(s.points.iter().copied(), style))
                .map_err(fail)?
        };
        let dashed = s.dashed;
        drawn.label(&s.label).legend(move |(x, y)| {
            let end = if dashed { x + 8 } else { x + 18 };
            PathElement::new(vec![(x, y), (end, y)], style)
        });
    }
    legend(&mut chart)
}
