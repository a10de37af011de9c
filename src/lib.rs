//! tta-bench: performance benchmarking and SLA validation for the TTA therapeutic platform.
pub mod core;
