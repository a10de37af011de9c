//! Which journey each arrival goes to.

/// Smooth weighted round-robin (as nginx balances upstreams): over any run of Σw picks each
/// journey gets exactly its weight, spread out rather than in blocks.
pub struct Mix {
    weights: Vec<i64>,
    current: Vec<i64>,
}

impl Mix {
    pub fn new(weights: impl IntoIterator<Item = u32>) -> Self {
        let weights: Vec<i64> = weights.into_iter().map(i64::from).collect();
        Self {
            current: vec![0; weights.len()],
            weights,
        }
    }

    pub fn next(&mut self) -> usize {
        let total: i64 = self.weights.iter().sum();
        for (c, w) in self.current.iter_mut().zip(&self.weights) {
            *c += w;
        }
        let (best, _) = self
            .current
            .iter()
            .enumerate()
            .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
            .expect("a plan has a journey");
        self.current[best] -= total;
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_gives_each_journey_exactly_its_share_spread_out() {
        let mut mix = Mix::new([3, 1]);
        let picks: Vec<usize> = (0..8).map(|_| mix.next()).collect();
        assert_eq!(picks, [0, 0, 1, 0, 0, 0, 1, 0]);
        let mut mix = Mix::new([5, 0, 2]);
        let mut counts = [0; 3];
        for _ in 0..700 {
            counts[mix.next()] += 1;
        }
        assert_eq!(counts, [500, 0, 200]);
    }
}
