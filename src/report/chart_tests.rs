//! The charts with one row and with several: every row's name is on the axis once, and no
//! axis position (plotters also labels one past the last row) makes the drawing fail.

use super::charts::{RouteRow, headroom, route_latency};

fn row(route: &str) -> RouteRow {
    RouteRow {
        route: route.to_string(),
        p50_ms: 1.0,
        p95_ms: 2.0,
        p99_ms: 3.0,
        baseline_p95_ms: Some(1.8),
        sla_ms: 200.0,
    }
}

/// How many text lines of the SVG are exactly `text` (plotters writes each label's text on
/// its own line).
fn count(svg: &str, text: &str) -> usize {
    svg.lines().filter(|line| line.trim() == text).count()
}

#[test]
fn route_chart_names_every_route_once() {
    for n in [1, 2, 7] {
        let names: Vec<String> = (0..n).map(|i| format!("GET /route-{i}")).collect();
        let rows: Vec<RouteRow> = names.iter().map(|s| row(s)).collect();
        let svg = route_latency(&rows).unwrap();
        for name in &names {
            assert_eq!(count(&svg, name), 1, "{name} in a chart of {n} rows");
        }
    }
}

#[test]
fn headroom_chart_names_every_benchmark_once() {
    for n in [1, 3] {
        let rows: Vec<(String, f64)> = (0..n).map(|i| (format!("bench-{i}"), 2.0)).collect();
        let svg = headroom(&rows).unwrap();
        for (name, _) in &rows {
            assert_eq!(count(&svg, name), 1, "{name} in a chart of {n} rows");
        }
    }
}

/// A log axis has no zero: a series with zeros, or with nothing above zero, still draws, and
/// the axis says it is a log scale.
#[test]
fn a_log_scale_line_chart_draws_zeros_and_says_so() {
    use super::charts::{TimeSeries, lines_log_y};
    let series = |points: Vec<(f64, f64)>| {
        vec![TimeSeries {
            label: "p99".into(),
            color: plotters::style::RGBColor(0, 0, 0),
            dashed: false,
            points,
        }]
    };
    for points in [
        vec![(100.0, 0.0), (200.0, 3.5), (400.0, 2500.0)],
        vec![(100.0, 0.0)],
        vec![],
    ] {
        let svg = lines_log_y(&series(points.clone()), "offered", "ms").unwrap();
        assert_eq!(count(&svg, "ms (log scale)"), 1, "{points:?}");
    }
}
