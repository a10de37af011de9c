//! tta-bench: performance benchmarking and SLA validation for the TTA therapeutic platform.
//!
//! The library holds the harness; `main.rs` only parses arguments, calls [`run`] and maps the
//! result to an exit code (0 pass, 1 fail, 2 could not judge). Modules are private: what is
//! exported below is what the binary, the benchmarks and the integration tests use.

mod alerts;
mod app;
mod baseline;
mod cache_study;
mod capacity;
mod catalogue;
mod check;
mod cli;
mod driver;
mod environment;
mod error;
mod export;
mod fsutil;
mod gate;
mod interrupt;
mod load;
mod micro;
#[cfg(test)]
mod parser_fuzz_tests;
mod probe;
mod report;
mod run;
mod saved;
mod scenario;
mod session_study;
mod sla;
mod sysmon;
mod timefmt;
mod verdict;
mod yaml;

pub use app::run;
pub use baseline::{Baseline, BaselineStore};
pub use cli::Cli;
pub use error::{EXIT_ERROR, Error};
pub use load::target::EmbeddedServer;
pub use micro::count::{Counting, count as count_instructions};
pub use micro::store::Scratch as StoreScratch;
pub use micro::suite::register as register_micro_suite;
pub use run::{RunResult, TargetInfo, assemble};
pub use scenario::load_profiles;
pub use sysmon::Resources;
pub use yaml::parse as parse_yaml;
