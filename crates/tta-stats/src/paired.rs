//! Comparing a metric between two builds measured in **paired rounds**: each round holds one
//! short block of load on each build, back to back, in an order drawn at random per round
//! (randomized multiple interleaved trials, Abedi and Brecht, ICPE 2017). Whatever the shared
//! machine does at the scale of seconds falls on both blocks of a round nearly alike, so the
//! within-round difference is what the builds differ by, plus what is left of that noise.
//!
//! **Method.** For each round `i` the difference `d_i = ln(current_i / baseline_i)` (or the
//! difference relative to the baseline's median when a value is not positive):
//!
//! - the *estimate* of the change is the **Hodges–Lehmann estimator** of the differences, the
//!   median of all Walsh averages `(d_i + d_j) / 2, i <= j`, turned back into a ratio
//!   (`exp(HL) − 1`, or `1 − exp(HL)` for higher-is-better metrics, so positive is worse). It is
//!   the estimator that goes with the signed-rank test: nearly as efficient as the mean for
//!   normal noise and robust to a round hit by a stall;
//! - the *significance* is a one-sided **Wilcoxon signed-rank test** of "the differences tend to
//!   be positive" (worse). Because the order within each round is random, under "the builds do
//!   not differ" every difference is as likely positive as negative, whatever the noise looks
//!   like: the test assumes no distribution and no independence over time, only that. The
//!   p-value is exact (the distribution of the rank sum over all 2^n sign patterns, counted by
//!   dynamic programming on the doubled ranks, so tied ranks stay exact) up to
//!   [`EXACT_LIMIT`] nonzero differences, and the normal approximation with tie correction
//!   beyond. Zero differences are dropped (Wilcoxon's convention).
//!
//! n rounds give p-values down to 2^−n: 20 rounds reach 1e−6, far below what Holm's procedure
//! asks over a gate's metrics, where 5 + 5 unpaired runs stop at 1/252.

use super::compare::{Comparison, Direction, conclude, median};

/// Largest number of nonzero differences with an exact p-value.
pub const EXACT_LIMIT: usize = 300;

/// Per-round differences of `current` against `baseline`: log ratios when every value is
/// positive, else differences relative to the baseline's median (a metric that can be 0).
pub fn differences(baseline: &[f64], current: &[f64]) -> Vec<f64> {
    let positive = baseline.iter().chain(current).all(|v| *v > 0.0);
    let scale = median(baseline).abs().max(f64::MIN_POSITIVE);
    baseline
        .iter()
        .zip(current)
        .map(|(b, c)| {
            if positive {
                (c / b).ln()
            } else {
                (c - b) / scale
            }
        })
        .collect()
}

/// Hodges–Lehmann estimate of the centre of `d`: the median of the Walsh averages.
pub fn hodges_lehmann(d: &[f64]) -> f64 {
    let mut walsh = Vec::with_capacity(d.len() * (d.len() + 1) / 2);
    for i in 0..d.len() {
        for j in i..d.len() {
            walsh.push((d[i] + d[j]) / 2.0);
        }
    }
    median(&walsh)
}

/// Ranks of `|d|` among the nonzero differences, doubled so tied (averaged) ranks stay whole.
fn doubled_ranks(nonzero: &[f64]) -> Vec<u64> {
    let mut order: Vec<usize> = (0..nonzero.len()).collect();
    order.sort_by(|a, b| nonzero[*a].abs().total_cmp(&nonzero[*b].abs()));
    let mut ranks = vec![0; nonzero.len()];
    let mut i = 0;
    while i < order.len() {
        let v = nonzero[order[i]].abs();
        let j = (i..order.len())
            .find(|&j| nonzero[order[j]].abs() != v)
            .unwrap_or(order.len());
        // Ranks i+1 … j share their mean; doubled: (i + 1 + j).
        for &k in &order[i..j] {
            ranks[k] = (i + 1 + j) as u64;
        }
        i = j;
    }
    ranks
}

/// One-sided Wilcoxon signed-rank p-value of "the differences `d` tend to be positive".
pub fn signed_rank_greater(d: &[f64]) -> f64 {
    signed_rank(d, EXACT_LIMIT)
}

/// [`signed_rank_greater`], exact up to `exact_limit` nonzero differences.
pub(crate) fn signed_rank(d: &[f64], exact_limit: usize) -> f64 {
    let nonzero: Vec<f64> = d.iter().copied().filter(|v| *v != 0.0).collect();
    let n = nonzero.len();
    if n == 0 {
        return 1.0;
    }
    let ranks = doubled_ranks(&nonzero);
    let observed: u64 = ranks
        .iter()
        .zip(&nonzero)
        .filter(|(_, v)| **v > 0.0)
        .map(|(r, _)| *r)
        .sum();
    let total: u64 = ranks.iter().sum();
    if n <= exact_limit {
        // ways[s]: sign patterns whose positive ranks sum to s (doubled), over 2^n patterns.
        let mut ways = vec![0.0f64; total as usize + 1];
        ways[0] = 1.0;
        let mut reach = 0usize;
        for &r in &ranks {
            let r = r as usize;
            for s in (0..=reach).rev() {
                if ways[s] > 0.0 {
                    ways[s + r] += ways[s];
                }
            }
            reach += r;
        }
        let patterns = 2f64.powi(n as i32);
        let at_least: f64 = ways[observed as usize..].iter().sum();
        return (at_least / patterns).min(1.0);
    }
    // Normal approximation on doubled ranks: mean total/2, variance sum(r^2)/4, continuity 1
    // (one step of a doubled rank sum).
    let mean = total as f64 / 2.0;
    let var = ranks.iter().map(|r| (*r as f64).powi(2)).sum::<f64>() / 4.0;
    let z = (observed as f64 - mean - 1.0) / var.sqrt();
    0.5 * super::compare::erfc(z / std::f64::consts::SQRT_2)
}

/// Compares `current` with `baseline`, paired by round (`baseline[i]` and `current[i]` measured
/// in round i), under `limit` (fraction, e.g. 0.10). The rule is [`super::compare::compare`]'s:
/// a regression needs the estimate past the limit and p below `1 − confidence`.
pub fn compare_paired(
    baseline: &[f64],
    current: &[f64],
    direction: Direction,
    limit: f64,
    confidence: f64,
    min_rounds: usize,
) -> Comparison {
    let n = baseline.len().min(current.len());
    let (baseline, current) = (&baseline[..n], &current[..n]);
    let d = differences(baseline, current);
    let positive = baseline.iter().chain(current).all(|v| *v > 0.0);
    let centre = hodges_lehmann(&d);
    // As a ratio of current to baseline.
    let ratio = if positive { centre.exp() } else { 1.0 + centre };
    let change = match direction {
        Direction::LowerIsBetter => ratio - 1.0,
        Direction::HigherIsBetter => 1.0 - ratio,
    };
    let flipped: Vec<f64> = d.iter().map(|v| -v).collect();
    let (p_up, p_down) = (signed_rank_greater(&d), signed_rank_greater(&flipped));
    let (p_worse, p_better) = match direction {
        Direction::LowerIsBetter => (p_up, p_down),
        Direction::HigherIsBetter => (p_down, p_up),
    };
    conclude(
        median(baseline),
        median(current),
        change,
        (p_worse, p_better),
        n >= min_rounds && n > 0,
        limit,
        confidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Judgement;

    #[test]
    fn exact_p_values_match_the_tables() {
        // All of 5 positive: one pattern in 2^5.
        let p = signed_rank_greater(&[0.1, 0.2, 0.3, 0.4, 0.5]);
        assert!((p - 1.0 / 32.0).abs() < 1e-12, "{p}");
        // W+ = 14 of 15 with n = 5 (rank 1 negative): P(W+ >= 14) = 2/32.
        let p = signed_rank_greater(&[-0.1, 0.2, 0.3, 0.4, 0.5]);
        assert!((p - 2.0 / 32.0).abs() < 1e-12, "{p}");
        // n = 10, W+ = 45 of 55 (ranks 4 and 6 negative): the tables' P(W- <= 10) = 43/1024
        // (0.0420), the sign patterns whose negative ranks sum to 10 or less.
        let d = [1.0, 2.0, 3.0, -4.0, 5.0, -6.0, 7.0, 8.0, 9.0, 10.0];
        let p = signed_rank_greater(&d);
        assert!((p - 43.0 / 1024.0).abs() < 1e-12, "{p}");
        // Zeros are dropped; all-zero differences are no evidence.
        assert_eq!(signed_rank_greater(&[0.0, 0.0]), 1.0);
        assert!((signed_rank_greater(&[0.0, 0.3, 0.4]) - 0.25).abs() < 1e-12);
        // Ties share their rank: |d| = 1, 1, 1 with signs +, +, − → W+ = 4 of 6 (doubled 8 of
        // 12); patterns with W+ >= 4: (+,+,+), and the three with one negative: 4/8.
        assert!((signed_rank_greater(&[1.0, 1.0, -1.0]) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn normal_approximation_agrees_with_exact_at_the_limit() {
        // The same differences, p exact and approximated, near the exact limit.
        let d: Vec<f64> = (0..EXACT_LIMIT)
            .map(|i| {
                let v = 1.0 + (i % 17) as f64 + i as f64 / 1000.0;
                if i % 5 < 2 { -v } else { v }
            })
            .collect();
        let (exact, approx) = (signed_rank(&d, EXACT_LIMIT), signed_rank(&d, 0));
        assert!(exact > 0.001 && exact < 0.2, "{exact}");
        assert!((exact - approx).abs() < 0.05 * exact, "{exact} {approx}");
    }

    #[test]
    fn hodges_lehmann_is_the_median_of_walsh_averages() {
        // Walsh averages of 1, 2, 9: 1, 1.5, 5, 2, 5.5, 9 → median (2 + 5) / 2.
        assert!((hodges_lehmann(&[1.0, 2.0, 9.0]) - 3.5).abs() < 1e-12);
        // One wild round moves it little.
        let calm = hodges_lehmann(&[0.1, 0.12, 0.09, 0.11, 0.1, 0.13]);
        let stalled = hodges_lehmann(&[0.1, 0.12, 0.09, 0.11, 0.1, 3.0]);
        assert!((stalled - calm).abs() < 0.02, "{calm} {stalled}");
    }

    #[test]
    fn a_regression_needs_size_and_significance() {
        let base: Vec<f64> = (0..12).map(|i| 1.0 + 0.05 * (i % 4) as f64).collect();
        let slower: Vec<f64> = base.iter().map(|b| b * 1.15).collect();
        let c = compare_paired(&base, &slower, Direction::LowerIsBetter, 0.10, 0.95, 5);
        assert_eq!(c.judgement, Judgement::Regressed);
        assert!((c.change - 0.15).abs() < 1e-9, "{c:?}");
        assert!((c.p_worse - 0.5f64.powi(12)).abs() < 1e-12);
        // Significant but within the limit.
        let bit: Vec<f64> = base.iter().map(|b| b * 1.05).collect();
        let c = compare_paired(&base, &bit, Direction::LowerIsBetter, 0.10, 0.95, 5);
        assert_eq!(c.judgement, Judgement::Unchanged);
        // Past the limit by the estimate, but one of 5 rounds went the other way:
        // P(W+ >= 14 of 15) = 2/32, not significant.
        let mixed = [1.3, 1.3, 1.3, 0.95, 1.3];
        let c = compare_paired(&[1.0; 5], &mixed, Direction::LowerIsBetter, 0.10, 0.95, 5);
        assert!(
            c.change > 0.10 && (c.p_worse - 2.0 / 32.0).abs() < 1e-12,
            "{c:?}"
        );
        assert_eq!(c.judgement, Judgement::Unchanged);
        // Faster: improved. Throughput down: worse.
        let faster: Vec<f64> = base.iter().map(|b| b * 0.8).collect();
        let c = compare_paired(&base, &faster, Direction::LowerIsBetter, 0.10, 0.95, 5);
        assert_eq!(c.judgement, Judgement::Improved);
        let c = compare_paired(&base, &faster, Direction::HigherIsBetter, 0.15, 0.95, 5);
        assert_eq!(c.judgement, Judgement::Regressed);
        assert!((c.change - 0.2).abs() < 1e-9);
        // Too few rounds.
        let c = compare_paired(
            &base[..4],
            &slower[..4],
            Direction::LowerIsBetter,
            0.1,
            0.95,
            5,
        );
        assert_eq!(c.judgement, Judgement::NotJudged);
    }

    #[test]
    fn values_that_can_be_zero_use_relative_differences() {
        let base = [0.0, 10.0, 10.0, 10.0, 10.0, 10.0];
        let cur = [2.0, 12.0, 12.0, 12.0, 12.0, 12.0];
        let c = compare_paired(&base, &cur, Direction::LowerIsBetter, 0.10, 0.95, 5);
        assert!((c.change - 0.2).abs() < 1e-9, "{c:?}");
        assert!(c.p_worse < 0.05);
    }
}
