//! Integration tests: each module runs the real `tta-bench` binary.

mod alerts;
mod cache_study;
mod capacity;
mod check;
mod ci_kit;
mod core_probe;
// Needs the debug build's pause in the middle of a write (src/fsutil.rs).
#[cfg(debug_assertions)]
mod crash;
mod exit_codes;
mod gate;
mod interrupt;
mod load;
mod micro;
mod open_model;
mod redirects;
mod report;
mod run_schema;
mod server;
mod sessions;
mod store_micro;
mod support;
mod verdict;
