//! A straight line's slope through points, with its confidence interval: how a figure grows
//! with a load level (session creation latency against sessions open).

use serde::{Deserialize, Serialize};

/// The slope of `y` on `x` and its two-sided 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Slope {
    pub slope: f64,
    pub low: f64,
    pub high: f64,
    /// Points it was fitted to.
    pub n: usize,
}

/// Points below which no interval is given: with fewer, the normal quantile used below would
/// understate a t quantile by more than 4 %.
pub const MIN_POINTS: usize = 30;

/// Ordinary least squares: slope b = Sxy / Sxx, its standard error sqrt(s² / Sxx) with the
/// residual variance s² = Σ(y − a − b·x)² / (n − 2), and b ± 1.96 × se. The 97.5 % normal
/// quantile stands in for Student's t with n − 2 degrees of freedom, which it approaches
/// within 0.5 % from 200 points on (the sessions study fits a thousand). None for fewer than
/// [`MIN_POINTS`] points, or when every x is the same.
pub fn ols_slope(points: &[(f64, f64)]) -> Option<Slope> {
    let n = points.len();
    if n < MIN_POINTS {
        return None;
    }
    let nf = n as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / nf;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if sxx <= 0.0 || !sxx.is_finite() {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = sxy / sxx;
    let intercept = mean_y - slope * mean_x;
    let residual: f64 = points
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    let se = (residual / (nf - 2.0) / sxx).sqrt();
    let half = 1.959_964 * se;
    Some(Slope {
        slope,
        low: slope - half,
        high: slope + half,
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn too_few_points_or_one_x_give_no_slope() {
        let few: Vec<(f64, f64)> = (0..29).map(|i| (i as f64, 1.0)).collect();
        assert_eq!(ols_slope(&few), None);
        let same_x: Vec<(f64, f64)> = (0..40).map(|i| (3.0, i as f64)).collect();
        assert_eq!(ols_slope(&same_x), None);
    }

    #[test]
    fn a_known_noisy_line() {
        // y = 2 + 0.5 x + e, e alternating ±1: the slope comes back within its interval.
        let points: Vec<(f64, f64)> = (0..100)
            .map(|i| {
                let x = i as f64;
                (x, 2.0 + 0.5 * x + if i % 2 == 0 { 1.0 } else { -1.0 })
            })
            .collect();
        let s = ols_slope(&points).unwrap();
        assert!((s.slope - 0.5).abs() < 0.01, "{s:?}");
        assert!(s.low < 0.5 && 0.5 < s.high, "{s:?}");
        assert!(s.high - s.low < 0.05, "{s:?}");
    }

    proptest! {
        /// Points on a line give its slope back, with an interval of (almost) no width.
        #[test]
        fn exact_lines_are_recovered(a in -1e3f64..1e3, b in -10f64..10.0, n in 30usize..300) {
            let points: Vec<(f64, f64)> = (0..n).map(|i| (i as f64, a + b * i as f64)).collect();
            let s = ols_slope(&points).unwrap();
            prop_assert!((s.slope - b).abs() < 1e-9 * (1.0 + b.abs() + a.abs()));
            prop_assert!(s.high - s.low < 1e-6 * (1.0 + a.abs() + b.abs()));
        }

        /// Shifting every y by a constant leaves the slope and its interval alone.
        #[test]
        fn a_shift_in_y_does_not_move_the_slope(
            ys in proptest::collection::vec(-100f64..100.0, 30..200),
            shift in -1e3f64..1e3,
        ) {
            let points: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, y)| (i as f64, *y)).collect();
            let shifted: Vec<(f64, f64)> = points.iter().map(|(x, y)| (*x, y + shift)).collect();
            let (a, b) = (ols_slope(&points).unwrap(), ols_slope(&shifted).unwrap());
            prop_assert!((a.slope - b.slope).abs() < 1e-9);
            prop_assert!(((a.high - a.low) - (b.high - b.low)).abs() < 1e-6);
        }
    }
}
