//! Load drivers: turn a validated plan into requests against a target and record them.

pub mod goose;
