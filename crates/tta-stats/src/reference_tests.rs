//! The rank tests against reference values computed with SciPy 1.17.1
//! (`reference/scipy_reference.py`: `scipy.stats.mannwhitneyu(x, y, alternative="greater")`,
//! exact or asymptotic with continuity correction, and `scipy.stats.wilcoxon(d,
//! alternative="greater", method="exact")` and its normal approximation), and their properties
//! over random samples.

use proptest::prelude::*;

use crate::compare::{holm, mann_whitney_greater};
use crate::paired::signed_rank_greater;

fn close(got: f64, want: f64, tolerance: f64) {
    assert!((got - want).abs() <= tolerance, "got {got}, SciPy {want}");
}

#[test]
fn mann_whitney_matches_scipy() {
    let exact = [
        (
            vec![1.3, 1.31, 1.32, 1.29, 1.28],
            vec![1.0, 1.01, 1.02, 0.99, 0.98],
            0.003968253968253968,
        ),
        (
            vec![3.0, 1.0, 4.0, 1.5, 5.9],
            vec![2.6, 5.3, 5.8, 9.7, 9.3, 2.3],
            0.9112554112554113,
        ),
        (
            vec![10.1, 9.8, 11.2, 10.7, 9.9, 10.4, 12.0],
            vec![9.7, 10.0, 9.5, 10.2, 9.6, 10.3, 9.4],
            0.01893939393939394,
        ),
    ];
    for (x, y, p) in exact {
        close(mann_whitney_greater(&x, &y), p, 1e-12);
    }
    // 20 + 20: beyond the exact enumeration, the normal approximation (erfc to ~1e-7).
    let x: Vec<f64> = (3..43).step_by(2).map(f64::from).collect();
    let y: Vec<f64> = (0..40).step_by(2).map(f64::from).collect();
    close(mann_whitney_greater(&x, &y), 0.22037494179917133, 1e-6);
}

#[test]
fn signed_rank_matches_scipy() {
    let cases = [
        (
            vec![0.5, 1.2, -0.3, 0.8, 2.1, 0.05, -0.9, 1.7, 0.6, 1.1],
            0.0244140625,
        ),
        (
            vec![
                0.21, -0.4, 0.33, -0.12, 0.05, 0.61, -0.27, 0.44, -0.02, 0.15, -0.5, 0.38,
            ],
            0.25927734375,
        ),
        (vec![-1.0, -2.0, -3.0, -4.0, -5.0, -6.5], 1.0),
    ];
    for (d, p) in cases {
        close(signed_rank_greater(&d), p, 1e-12);
    }
}

#[test]
fn normal_approximations_match_scipy_on_ties_and_zeros() {
    let x = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 4.0, 5.0, 6.0, 6.0];
    let y = [1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0];
    // 11 + 10 values: beyond the exact enumeration, so the tie-corrected normal approximation.
    close(mann_whitney_greater(&x, &y), 0.12553642046717461, 1e-6);
    let d = [
        0.0, 0.0, 1.0, -1.0, 2.0, 2.0, -2.0, 3.0, 3.0, 3.0, -1.0, 4.0, 0.0, 2.0, 1.0, 5.0, -3.0,
        2.0, 1.0, 1.0,
    ];
    // Zeros dropped (SciPy's zero_method="wilcox"), ties averaged, continuity corrected.
    close(
        crate::paired::signed_rank(&d, 0),
        0.013157239269665739,
        1e-6,
    );
}

fn sample(max: usize) -> impl Strategy<Value = Vec<f64>> {
    // Few distinct values, so ties are common.
    prop::collection::vec((0u8..12).prop_map(f64::from), 1..max)
}

proptest! {
    #[test]
    fn mann_whitney_p_is_a_probability_and_symmetric(x in sample(8), y in sample(8)) {
        let (a, b) = (mann_whitney_greater(&x, &y), mann_whitney_greater(&y, &x));
        prop_assert!((0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b));
        // P(U >= u) + P(U <= u) = 1 + P(U = u): the two one-sided tests cover every case.
        prop_assert!(a + b >= 1.0 - 1e-9, "{a} + {b}");
    }

    #[test]
    fn signed_rank_p_is_a_probability_and_symmetric(d in prop::collection::vec(-6i8..6, 1..40)) {
        let d: Vec<f64> = d.into_iter().map(f64::from).collect();
        let neg: Vec<f64> = d.iter().map(|v| -v).collect();
        let (a, b) = (signed_rank_greater(&d), signed_rank_greater(&neg));
        prop_assert!((0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b));
        prop_assert!(a + b >= 1.0 - 1e-9, "{a} + {b}");
    }

    #[test]
    fn holm_is_monotone(p in prop::collection::vec(0.0f64..1.0, 1..30), alpha in 0.001f64..0.2) {
        let rejected = holm(&p, alpha);
        prop_assert_eq!(rejected.len(), p.len());
        for i in 0..p.len() {
            for j in 0..p.len() {
                // A smaller p-value is rejected whenever a larger one is.
                if p[i] <= p[j] && rejected[j] {
                    prop_assert!(rejected[i]);
                }
            }
        }
        // A stricter level never rejects more.
        let stricter = holm(&p, alpha / 2.0);
        prop_assert!(stricter.iter().zip(&rejected).all(|(s, r)| !s || *r));
    }
}
