//! Percentile curves: `(quantile, ms)` points of a histogram, for the distribution charts.

use hdrhistogram::Histogram;

use crate::run::RunResult;

/// The curve of every request of `run`, all routes pooled.
pub fn quantiles(run: &RunResult) -> Vec<(f64, f64)> {
    let mut all = tta_stats::new_histogram();
    for s in run.routes.values() {
        // As in gate::pool: every histogram was checked to merge when its run was read.
        tta_stats::add_encoded(&mut all, &s.histogram).unwrap_or_else(|e| panic!("{e}"));
    }
    curve(&all)
}

/// `(quantile, ms)` points of `h`, four per halving of the tail, then the maximum.
pub fn curve(h: &Histogram<u64>) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = h
        .iter_quantiles(4)
        .map(|v| {
            (
                v.quantile_iterated_to(),
                v.value_iterated_to() as f64 / 1000.0,
            )
        })
        .filter(|(q, _)| *q < 1.0)
        .collect();
    if !h.is_empty() {
        // The maximum sits at the last request's rank.
        let n = h.len() as f64;
        points.push((1.0 - 1.0 / n, h.max() as f64 / 1000.0));
    }
    points
}
