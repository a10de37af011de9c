//! `cargo bench`: the same suite `tta-bench micro` runs (src/micro/suite.rs), with Criterion's
//! own command line (`cargo bench -- crisis` filters, `--quick`, baselines…).
//! `tta-bench micro --from target/criterion` judges the results against the budgets of TTA therapeutic systems benchmarks.
//! The store benchmarks generate their database on first use (`TTA_BENCH_DATASET` sets its
//! size) and copy it into a scratch folder held for the run.

use criterion::Criterion;

fn main() {
    let _scratch =
        tta_bench::StoreScratch::create().expect("a scratch folder for the store benchmarks");
    let mut c = Criterion::default().configure_from_args();
    tta_bench::register_micro_suite(&mut c, None);
    c.final_summary();
}
