//! tta-bench: performance benchmarking and SLA validation for the TTA therapeutic platform.
//!
//! The library holds everything; `main.rs` only parses arguments, calls [`app::run`] and maps
//! the result to an exit code (0 pass, 1 fail, 2 could not judge).

pub mod alerts;
pub mod app;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod driver;
pub mod environment;
pub mod error;
pub mod export;
pub mod fsutil;
pub mod gate;
pub mod load;
pub mod micro;
pub mod probe;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sla;
pub mod sysmon;
pub mod timefmt;
pub mod verdict;
pub mod yaml;
