//! Comparing a latency between two builds on **every request pooled**, for a route too quiet for
//! one median per run or per block: its requests are pooled over the units (paired rounds, or
//! runs), and the significance comes from a **randomization test over those units**.
//!
//! **Method.** The statistic is the ratio of the pooled medians, current over baseline. Its
//! null distribution is that of the same ratio over the rearrangements of the units the
//! measurement randomized:
//!
//! - **paired rounds** ([`compare_pooled_paired`]): each round's two blocks ran in an order
//!   drawn at random, so if the builds do not differ either block of a round is as likely to be
//!   either build's, and swapping the labels within any set of rounds gives a statistic as
//!   likely as the observed one (a sign-flip test, Fisher's; the Wilcoxon signed-rank test is
//!   its rank form). Whole blocks move together, so the test asks nothing of the requests
//!   within a block (they may share a stall), only of the order drawn per round;
//! - **unpaired runs** ([`compare_pooled`]): runs relabelled between the two sides (Pitman's
//!   permutation test; Mann–Whitney is its rank form), which assumes, as Mann–Whitney on run
//!   medians does, that the runs of both sides are exchangeable.
//!
//! The p-value counts the rearrangements whose ratio is at least the observed one, the observed
//! one included: exact over all of them up to [`EXACT_LIMIT`] arrangements, otherwise over
//! [`RESAMPLES`] drawn at random from a fixed seed, as `(1 + hits) / (1 + RESAMPLES)` (Phipson
//! and Smyth, 2010), so a verdict reproduces from its data. n rounds give p-values down to
//! 2^−n, n + m runs down to 1 / C(n + m, n), as the rank tests do.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::compare::{Comparison, binomial, conclude};

/// Largest number of arrangements enumerated exactly.
pub const EXACT_LIMIT: usize = 1 << 14;

/// Random arrangements drawn beyond [`EXACT_LIMIT`].
pub const RESAMPLES: usize = 9_999;

/// The random arrangements' seed: fixed, so the same data give the same p-value.
const SEED: u64 = 0x7474_615f_7374_6174;

/// Relative tolerance when comparing a rearranged ratio with the observed one: medians of the
/// same values in another order must count as equal.
const TIE: f64 = 1e-12;

/// Median of every value in the chosen groups, in `buffer` (reused between arrangements).
fn pooled_median<'a>(groups: impl Iterator<Item = &'a [f64]>, buffer: &mut Vec<f64>) -> f64 {
    buffer.clear();
    for g in groups {
        buffer.extend_from_slice(g);
    }
    let n = buffer.len();
    if n == 0 {
        return f64::NAN;
    }
    let (_, upper, _) = buffer.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        upper
    } else {
        let lower = buffer[..n / 2]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

fn ratio(baseline: f64, current: f64) -> f64 {
    if baseline > 0.0 {
        current / baseline
    } else if current > 0.0 {
        f64::INFINITY
    } else {
        1.0
    }
}

/// Counts, over the arrangements `arrangements` yields (each a choice of which units are the
/// baseline's), how many give a ratio at least and at most `observed`; returns the two one-sided
/// p-values. `exact`: the arrangements are all of them, the observed one included.
fn p_values(
    units: &[&[f64]],
    observed: f64,
    exact: bool,
    mut arrangements: impl FnMut(&mut dyn FnMut(&[bool])),
) -> (f64, f64) {
    let (mut total, mut up, mut down) = (0usize, 0usize, 0usize);
    let (mut base, mut cur) = (Vec::new(), Vec::new());
    arrangements(&mut |is_baseline: &[bool]| {
        let pick = |want: bool| {
            units
                .iter()
                .zip(is_baseline)
                .filter(move |(_, b)| **b == want)
                .map(|(u, _)| *u)
        };
        let b = pooled_median(pick(true), &mut base);
        let c = pooled_median(pick(false), &mut cur);
        let r = ratio(b, c);
        total += 1;
        if r >= observed * (1.0 - TIE) {
            up += 1;
        }
        if r <= observed * (1.0 + TIE) {
            down += 1;
        }
    });
    if exact {
        (up as f64 / total as f64, down as f64 / total as f64)
    } else {
        let p = |hits: usize| (1 + hits) as f64 / (1 + total) as f64;
        (p(up), p(down))
    }
}

/// Compares a lower-is-better latency of `current` with `baseline`, each given as the requests'
/// values of one unit per paired round (`baseline[i]` and `current[i]` measured in round i), under
/// `limit` (fraction, e.g. 0.10); the rule is [`super::compare::compare`]'s. Rounds in which
/// either block holds no request are left out; fewer than `min_rounds` rounds left: not judged.
pub fn compare_pooled_paired(
    baseline: &[Vec<f64>],
    current: &[Vec<f64>],
    limit: f64,
    confidence: f64,
    min_rounds: usize,
) -> Comparison {
    let rounds: Vec<(&[f64], &[f64])> = baseline
        .iter()
        .zip(current)
        .filter(|(b, c)| !b.is_empty() && !c.is_empty())
        .map(|(b, c)| (b.as_slice(), c.as_slice()))
        .collect();
    let n = rounds.len();
    let units: Vec<&[f64]> = rounds.iter().flat_map(|(b, c)| [*b, *c]).collect();
    let mut buffer = Vec::new();
    let b = pooled_median(rounds.iter().map(|r| r.0), &mut buffer);
    let c = pooled_median(rounds.iter().map(|r| r.1), &mut buffer);
    let observed = ratio(b, c);
    let exact = n < usize::BITS as usize && (1usize << n) <= EXACT_LIMIT;
    let (p_worse, p_better) = p_values(&units, observed, exact, |visit| {
        let mut labels = vec![false; 2 * n];
        let assign = |flips: &dyn Fn(usize) -> bool, labels: &mut Vec<bool>| {
            for i in 0..n {
                labels[2 * i] = !flips(i);
                labels[2 * i + 1] = flips(i);
            }
        };
        if exact {
            for mask in 0..(1usize << n) {
                assign(&|i| mask >> i & 1 == 1, &mut labels);
                visit(&labels);
            }
        } else {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
            for _ in 0..RESAMPLES {
                let flips: Vec<bool> = (0..n).map(|_| rng.random()).collect();
                assign(&|i| flips[i], &mut labels);
                visit(&labels);
            }
        }
    });
    conclude(
        b,
        c,
        observed - 1.0,
        (p_worse, p_better),
        n >= min_rounds && n > 0,
        limit,
        confidence,
    )
}

/// Compares a lower-is-better latency of `current` with `baseline`, each given as the requests'
/// values of one unit per run, under `limit` (fraction); the rule is
/// [`super::compare::compare`]'s. Runs without a request are left out; fewer than
/// `min_repetitions` runs left on either side: not judged.
pub fn compare_pooled(
    baseline: &[Vec<f64>],
    current: &[Vec<f64>],
    limit: f64,
    confidence: f64,
    min_repetitions: usize,
) -> Comparison {
    let keep = |side: &[Vec<f64>]| -> Vec<Vec<f64>> {
        side.iter().filter(|u| !u.is_empty()).cloned().collect()
    };
    let (base, cur) = (keep(baseline), keep(current));
    let (n, m) = (base.len(), cur.len());
    let units: Vec<&[f64]> = base.iter().chain(&cur).map(Vec::as_slice).collect();
    let mut buffer = Vec::new();
    let b = pooled_median(base.iter().map(Vec::as_slice), &mut buffer);
    let c = pooled_median(cur.iter().map(Vec::as_slice), &mut buffer);
    let observed = ratio(b, c);
    let exact = binomial(n + m, n) <= EXACT_LIMIT as f64;
    let (p_worse, p_better) = p_values(&units, observed, exact, |visit| {
        if exact {
            let mut labels = vec![false; n + m];
            each_subset(n + m, n, &mut labels, 0, visit);
        } else {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
            let mut labels: Vec<bool> = (0..n + m).map(|i| i < n).collect();
            for _ in 0..RESAMPLES {
                labels.shuffle(&mut rng);
                visit(&labels);
            }
        }
    });
    let enough = n >= min_repetitions.max(1) && m >= min_repetitions.max(1);
    conclude(
        b,
        c,
        observed - 1.0,
        (p_worse, p_better),
        enough,
        limit,
        confidence,
    )
}

/// Visits every way of marking `k` of the positions `from..total` of `labels` true.
fn each_subset(
    total: usize,
    k: usize,
    labels: &mut Vec<bool>,
    from: usize,
    visit: &mut dyn FnMut(&[bool]),
) {
    if k == 0 {
        visit(labels);
        return;
    }
    for i in from..=total - k {
        labels[i] = true;
        each_subset(total, k - 1, labels, i + 1, visit);
        labels[i] = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Judgement;
    use proptest::prelude::*;

    fn blocks(values: &[&[f64]]) -> Vec<Vec<f64>> {
        values.iter().map(|v| v.to_vec()).collect()
    }

    #[test]
    fn pooled_median_matches_the_median_of_every_value() {
        let mut buf = Vec::new();
        let groups: [&[f64]; 3] = [&[5.0, 1.0], &[3.0], &[4.0, 2.0, 6.0]];
        assert_eq!(pooled_median(groups.iter().copied(), &mut buf), 3.5);
        assert_eq!(pooled_median(groups[..2].iter().copied(), &mut buf), 3.0);
        assert!(pooled_median(std::iter::empty(), &mut buf).is_nan());
    }

    #[test]
    fn every_round_slower_gives_the_smallest_exact_p() {
        // 6 rounds, current slower in every one: only the observed labelling (and none of the
        // 63 others) reaches its ratio, so p = 1/64.
        let base = blocks(&[
            &[10.0, 11.0],
            &[12.0],
            &[10.5],
            &[11.0, 13.0],
            &[9.0],
            &[10.0],
        ]);
        let cur: Vec<Vec<f64>> = base
            .iter()
            .map(|b| b.iter().map(|v| v * 1.3).collect())
            .collect();
        let c = compare_pooled_paired(&base, &cur, 0.10, 0.95, 5);
        assert!((c.change - 0.3).abs() < 1e-9, "{c:?}");
        assert!((c.p_worse - 1.0 / 64.0).abs() < 1e-12, "{c:?}");
        assert_eq!(c.judgement, Judgement::Regressed);
        assert!(c.p_better > 0.9);
    }

    #[test]
    fn identical_blocks_are_never_significant() {
        let base = blocks(&[&[1.0, 2.0], &[3.0], &[2.0, 2.5], &[1.5]]);
        let c = compare_pooled_paired(&base, &base, 0.10, 0.95, 2);
        assert_eq!((c.change, c.p_worse, c.p_better), (0.0, 1.0, 1.0));
        let c = compare_pooled(&base, &base, 0.10, 0.95, 2);
        assert_eq!(c.change, 0.0);
        assert!(c.p_worse > 0.4 && c.p_better > 0.4, "{c:?}");
    }

    #[test]
    fn separated_runs_give_one_over_the_number_of_splits() {
        // 5 + 5 runs, every current request slower than every baseline one: 1 / C(10, 5).
        let base: Vec<Vec<f64>> = (0..5).map(|i| vec![10.0 + i as f64, 10.5]).collect();
        let cur: Vec<Vec<f64>> = (0..5).map(|i| vec![20.0 + i as f64, 21.0]).collect();
        let c = compare_pooled(&base, &cur, 0.10, 0.95, 5);
        assert!((c.p_worse - 1.0 / 252.0).abs() < 1e-12, "{c:?}");
        assert_eq!(c.judgement, Judgement::Regressed);
    }

    #[test]
    fn beyond_the_exact_limit_the_p_value_is_drawn_and_reproducible() {
        // 30 rounds: 2^30 arrangements, so RESAMPLES drawn; all slower gives the floor.
        let base: Vec<Vec<f64>> = (0..30).map(|i| vec![10.0 + (i % 7) as f64]).collect();
        let cur: Vec<Vec<f64>> = base.iter().map(|b| vec![b[0] * 1.5]).collect();
        let a = compare_pooled_paired(&base, &cur, 0.10, 0.95, 5);
        let b = compare_pooled_paired(&base, &cur, 0.10, 0.95, 5);
        assert_eq!(a, b);
        assert!(
            (a.p_worse - 1.0 / (1 + RESAMPLES) as f64).abs() < 1e-12,
            "{a:?}"
        );
    }

    #[test]
    fn empty_rounds_are_left_out_and_too_few_are_not_judged() {
        let base = blocks(&[&[1.0], &[], &[1.0]]);
        let cur = blocks(&[&[2.0], &[2.0], &[2.0]]);
        let c = compare_pooled_paired(&base, &cur, 0.10, 0.95, 3);
        assert_eq!(c.judgement, Judgement::NotJudged);
        assert!((c.p_worse - 0.25).abs() < 1e-12, "two rounds: 1/4, {c:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn p_values_are_probabilities_and_the_two_sides_cover_everything(
            rounds in prop::collection::vec(
                (prop::collection::vec(1.0f64..100.0, 1..5), prop::collection::vec(1.0f64..100.0, 1..5)),
                1..10,
            )
        ) {
            let (base, cur): (Vec<_>, Vec<_>) = rounds.into_iter().unzip();
            for c in [
                compare_pooled_paired(&base, &cur, 0.1, 0.95, 1),
                compare_pooled(&base, &cur, 0.1, 0.95, 1),
            ] {
                prop_assert!(c.p_worse > 0.0 && c.p_worse <= 1.0);
                prop_assert!(c.p_better > 0.0 && c.p_better <= 1.0);
                // Every arrangement is at least or at most the observed ratio.
                prop_assert!(c.p_worse + c.p_better >= 1.0 - 1e-9);
            }
            // Swapping the builds swaps the one-sided p-values.
            let a = compare_pooled_paired(&base, &cur, 0.1, 0.95, 1);
            let b = compare_pooled_paired(&cur, &base, 0.1, 0.95, 1);
            prop_assert!((a.p_worse - b.p_better).abs() < 1e-9);
        }
    }
}
