//! Integration tests: each module runs the real `tta-bench` binary.

mod check;
mod core_probe;
mod exit_codes;
mod load;
mod micro;
mod server;
mod support;
mod verdict;
