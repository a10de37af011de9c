//! Comparing a metric between a baseline and a current build, each measured over repeated runs.
//!
//! **Method.** The unit of replication is a whole run: on a shared machine noise moves whole runs
//! (another tenant, a CPU frequency step), so requests within one run are not independent
//! evidence. For each metric we take one value per repetition (e.g. a route's p95), then:
//!
//! - the *estimate* of the change is the ratio of medians, `median(current) / median(baseline) − 1`
//!   (for higher-is-better metrics such as throughput, `1 − ratio`, so a positive estimate is
//!   always "worse"). Medians resist one disturbed run;
//! - the *significance* is a one-sided **Mann–Whitney U test** (Wilcoxon rank-sum) of "current is
//!   worse than baseline". It assumes nothing about the distribution of run-level values, only that
//!   runs are exchangeable under no change, which suits noisy shared machines with skewed,
//!   occasionally bimodal timings. The p-value is exact (all splits of the pooled values are
//!   enumerated) while there are at most 200 000 splits, e.g. up to 9 + 9 runs; beyond that, the
//!   normal approximation with tie and continuity corrections is used;
//! - a metric **regresses** when the estimate exceeds its limit (e.g. +10 %) **and** p < 1 − confidence.
//!   It **improves** when the mirror conditions hold. With fewer than `min_repetitions` runs on
//!   either side it is not judged: with 3 + 3 runs the smallest possible one-sided p-value is
//!   1/20 = 0.05, so a 95 % test can never fire; 5 + 5 gives 1/252 ≈ 0.004.

use serde::{Deserialize, Serialize};

/// Whether larger values are worse (latency, memory, CPU) or better (throughput).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    LowerIsBetter,
    HigherIsBetter,
}

/// What a comparison concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Regressed,
    Improved,
    Unchanged,
    /// Too few repetitions to reach significance.
    NotJudged,
}

/// The comparison of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub baseline_median: f64,
    pub current_median: f64,
    /// Positive is worse, as a fraction (0.12 = 12 % worse).
    pub change: f64,
    /// One-sided p-value of "current is worse".
    pub p_worse: f64,
    /// One-sided p-value of "current is better".
    pub p_better: f64,
    pub judgement: Judgement,
}

pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// U statistic of `x` over `y`: pairs with x > y, ties counting one half.
fn u_statistic(x: &[f64], y: &[f64]) -> f64 {
    x.iter()
        .map(|a| {
            y.iter()
                .map(|b| {
                    if a > b {
                        1.0
                    } else if a == b {
                        0.5
                    } else {
                        0.0
                    }
                })
                .sum::<f64>()
        })
        .sum()
}

/// C(n, k) as a float: the number of ways to pick k of n runs.
pub fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

const EXACT_LIMIT: f64 = 200_000.0;

/// One-sided Mann–Whitney p-value of "x tends to be larger than y".
pub fn mann_whitney_greater(x: &[f64], y: &[f64]) -> f64 {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return 1.0;
    }
    let observed = u_statistic(x, y);
    let pooled: Vec<f64> = x.iter().chain(y).copied().collect();
    let n = n1 + n2;
    if binomial(n, n1) <= EXACT_LIMIT {
        // Exact permutation distribution of U over every way to pick n1 of the pooled values.
        let mut at_least = 0u64;
        let mut total = 0u64;
        let mut pick: Vec<usize> = (0..n1).collect();
        loop {
            let mut in_x = vec![false; n];
            for &i in &pick {
                in_x[i] = true;
            }
            let (xs, ys): (Vec<f64>, Vec<f64>) = {
                let mut xs = Vec::with_capacity(n1);
                let mut ys = Vec::with_capacity(n2);
                for (i, v) in pooled.iter().enumerate() {
                    if in_x[i] { xs.push(*v) } else { ys.push(*v) }
                }
                (xs, ys)
            };
            total += 1;
            if u_statistic(&xs, &ys) >= observed - 1e-9 {
                at_least += 1;
            }
            // Next combination in lexicographic order.
            let Some(i) = (0..n1).rev().find(|&i| pick[i] < n - n1 + i) else {
                break;
            };
            pick[i] += 1;
            for j in i + 1..n1 {
                pick[j] = pick[j - 1] + 1;
            }
        }
        return at_least as f64 / total as f64;
    }
    // Normal approximation with tie correction and continuity correction.
    let mean = (n1 * n2) as f64 / 2.0;
    let mut sorted = pooled.clone();
    sorted.sort_by(f64::total_cmp);
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let j = (i..n).find(|&j| sorted[j] != sorted[i]).unwrap_or(n);
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    let nf = n as f64;
    let var = (n1 * n2) as f64 / 12.0 * ((nf + 1.0) - tie_term / (nf * (nf - 1.0)));
    if var <= 0.0 {
        return 1.0;
    }
    let z = (observed - mean - 0.5) / var.sqrt();
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes' erfc, fractional error < 1.2e-7).
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// **Holm–Bonferroni** step-down procedure: which of `p_values` are significant with the
/// family-wise error rate (the chance of any false alarm among them) held at `alpha`. Sorted
/// ascending, the k-th smallest (from 0) must be at most `alpha / (m − k)`, and every smaller one
/// must have passed too. A gate judges dozens of metrics at once: testing each at `alpha` would
/// make a false alarm somewhere likely on every run.
pub fn holm(p_values: &[f64], alpha: f64) -> Vec<bool> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|a, b| p_values[*a].total_cmp(&p_values[*b]));
    let mut out = vec![false; m];
    for (k, &i) in order.iter().enumerate() {
        if p_values[i] <= alpha / (m - k) as f64 {
            out[i] = true;
        } else {
            break;
        }
    }
    out
}

/// Compares `current` with `baseline` repetitions under `limit` (fraction, e.g. 0.10).
pub fn compare(
    baseline: &[f64],
    current: &[f64],
    direction: Direction,
    limit: f64,
    confidence: f64,
    min_repetitions: usize,
) -> Comparison {
    let (b, c) = (median(baseline), median(current));
    let ratio = if b > 0.0 {
        c / b
    } else if c > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    let change = match direction {
        Direction::LowerIsBetter => ratio - 1.0,
        Direction::HigherIsBetter => 1.0 - ratio,
    };
    let (p_worse, p_better) = match direction {
        Direction::LowerIsBetter => (
            mann_whitney_greater(current, baseline),
            mann_whitney_greater(baseline, current),
        ),
        Direction::HigherIsBetter => (
            mann_whitney_greater(baseline, current),
            mann_whitney_greater(current, baseline),
        ),
    };
    let enough = baseline.len() >= min_repetitions && current.len() >= min_repetitions;
    conclude(b, c, change, (p_worse, p_better), enough, limit, confidence)
}

/// The rule shared by every comparison: a regression needs the estimated `change` past `limit`
/// and `p_worse` below `1 − confidence` (an improvement, the mirror); without `enough`
/// repetitions the metric is not judged.
pub(crate) fn conclude(
    baseline_median: f64,
    current_median: f64,
    change: f64,
    (p_worse, p_better): (f64, f64),
    enough: bool,
    limit: f64,
    confidence: f64,
) -> Comparison {
    let alpha = 1.0 - confidence;
    let judgement = if !enough {
        Judgement::NotJudged
    } else if change > limit && p_worse < alpha {
        Judgement::Regressed
    } else if change < -limit && p_better < alpha {
        Judgement::Improved
    } else {
        Judgement::Unchanged
    };
    Comparison {
        baseline_median,
        current_median,
        change,
        p_worse,
        p_better,
        judgement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_p_values_match_the_tables() {
        // Complete separation, 5 vs 5: one split in C(10,5) = 252.
        let p = mann_whitney_greater(&[6.0, 7.0, 8.0, 9.0, 10.0], &[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!((p - 1.0 / 252.0).abs() < 1e-12, "{p}");
        // 3 vs 3 can do no better than 1/20.
        assert!((mann_whitney_greater(&[4.0, 5.0, 6.0], &[1.0, 2.0, 3.0]) - 0.05).abs() < 1e-12);
        // Identical samples: every split ties or beats the observed U.
        assert_eq!(
            mann_whitney_greater(&[1.0, 1.0, 1.0], &[1.0, 1.0, 1.0]),
            1.0
        );
        // U = 1 of 4 pairs, 2 vs 2: P(U >= 1) = 5/6.
        assert!((mann_whitney_greater(&[1.0, 3.0], &[2.0, 4.0]) - 5.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn normal_approximation_agrees_with_exact_near_the_limit() {
        let x: Vec<f64> = (0..12).map(|i| 10.0 + i as f64 * 0.7).collect();
        let y: Vec<f64> = (0..12).map(|i| 8.0 + i as f64 * 0.7).collect();
        let p = mann_whitney_greater(&x, &y); // C(24,12) > limit: normal approximation
        assert!(binomial(24, 12) > EXACT_LIMIT);
        assert!(p > 0.01 && p < 0.2, "{p}");
        assert!((erfc(0.0) - 1.0).abs() < 1e-7 && (erfc(1.0) - 0.157_299_207).abs() < 1e-6);
    }

    #[test]
    fn regression_needs_size_and_significance() {
        let base = [100.0, 102.0, 98.0, 101.0, 99.0];
        let slower = [115.0, 117.0, 113.0, 116.0, 114.0];
        let c = compare(&base, &slower, Direction::LowerIsBetter, 0.10, 0.95, 5);
        assert_eq!(c.judgement, Judgement::Regressed);
        assert!((c.change - 0.15).abs() < 1e-9);
        // Significant but within the limit: unchanged.
        let bit = [105.0, 107.0, 103.0, 106.0, 104.0];
        assert_eq!(
            compare(&base, &bit, Direction::LowerIsBetter, 0.10, 0.95, 5).judgement,
            Judgement::Unchanged
        );
        // Median 12 % worse, past the limit, but the runs overlap: U = 15 of 25, not significant.
        let noisy = [95.0, 125.0, 96.0, 130.0, 112.0];
        let c = compare(&base, &noisy, Direction::LowerIsBetter, 0.10, 0.95, 5);
        assert!((c.change - 0.12).abs() < 1e-9 && c.p_worse > 0.05, "{c:?}");
        assert_eq!(c.judgement, Judgement::Unchanged);
        // Faster: improved, never a failure.
        let faster = [80.0, 82.0, 78.0, 81.0, 79.0];
        assert_eq!(
            compare(&base, &faster, Direction::LowerIsBetter, 0.10, 0.95, 5).judgement,
            Judgement::Improved
        );
        // Too few runs.
        assert_eq!(
            compare(
                &base[..3],
                &slower[..3],
                Direction::LowerIsBetter,
                0.10,
                0.95,
                5
            )
            .judgement,
            Judgement::NotJudged
        );
    }

    #[test]
    fn holm_holds_the_family_wise_rate() {
        // m = 4: thresholds 0.0125, 0.0167, 0.025, 0.05.
        assert_eq!(
            holm(&[0.01, 0.04, 0.03, 0.2], 0.05),
            [true, false, false, false]
        );
        assert_eq!(
            holm(&[0.01, 0.012, 0.02, 0.04], 0.05),
            [true, true, true, true]
        );
        // A p-value that would pass alone fails once the family is large.
        assert_eq!(holm(&[0.04], 0.05), [true]);
        assert_eq!(holm(&[0.04; 3], 0.05), [false; 3]);
        assert!(holm(&[], 0.05).is_empty());
    }

    #[test]
    fn throughput_drop_is_worse() {
        let base = [100.0, 101.0, 99.0, 100.5, 99.5];
        let drop = [80.0, 81.0, 79.0, 80.5, 79.5];
        let c = compare(&base, &drop, Direction::HigherIsBetter, 0.15, 0.95, 5);
        assert_eq!(c.judgement, Judgement::Regressed);
        assert!((c.change - 0.2).abs() < 1e-9);
    }
}
