//! `cargo bench`: the same suite `tta-bench micro` runs (src/micro/suite.rs), with Criterion's
//! own command line (`cargo bench -- crisis` filters, `--quick`, baselines…).
//! `tta-bench micro --from target/criterion` judges the results against the budgets of TTA therapeutic systems benchmarks.

use criterion::{Criterion, criterion_group, criterion_main};

fn suite(c: &mut Criterion) {
    tta_bench::register_micro_suite(c, None);
}

criterion_group!(benches, suite);
criterion_main!(benches);
