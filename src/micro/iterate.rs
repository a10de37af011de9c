//! The one way every benchmark of the suite runs its operation, timed or counted.

use criterion::{BatchSize, Bencher};

/// How an operation is run: timed by Criterion's [`Bencher`], or counted under Callgrind by a
/// [`Counter`](super::count::Counter). Each benchmark is written once, against this, so both measure the same code.
pub trait Iterate {
    /// Runs `routine` repeatedly; its output is dropped inside the measurement.
    fn iter<O, R: FnMut() -> O>(&mut self, routine: R);
    /// Runs `routine` on inputs made by `setup` outside the measurement; outputs are dropped
    /// outside it too.
    fn iter_batched<I, O, S: FnMut() -> I, R: FnMut(I) -> O>(&mut self, setup: S, routine: R);
}

impl Iterate for Bencher<'_> {
    fn iter<O, R: FnMut() -> O>(&mut self, routine: R) {
        Bencher::iter(self, routine);
    }

    fn iter_batched<I, O, S: FnMut() -> I, R: FnMut(I) -> O>(&mut self, setup: S, routine: R) {
        Bencher::iter_batched(self, setup, routine, BatchSize::SmallInput);
    }
}
