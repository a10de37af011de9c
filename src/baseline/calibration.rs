//! A short machine calibration: how fast this machine runs a fixed piece of the reference core
//! right now. Stored with baselines so a comparison on a slower or busier machine is flagged.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::micro::inputs::Messages;
use tta_core::crisis::CrisisPatterns;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Crisis assessments of a 500-character message per second (best of five 20 ms rounds).
    pub score: f64,
    pub method: String,
}

/// About 100 ms: five rounds of 20 ms; the best round counts (least disturbed by neighbours).
pub fn measure() -> Calibration {
    let text = Messages::generate(7).long_crisis;
    let patterns = CrisisPatterns::shared();
    let mut best: f64 = 0.0;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed().as_millis() < 20 {
            std::hint::black_box(patterns.assess(&text, 0).is_ok());
            n += 1;
        }
        best = best.max(n as f64 / start.elapsed().as_secs_f64());
    }
    Calibration {
        score: best,
        method:
            "crisis assessments of a 500-character message per second, best of five 20 ms rounds"
                .into(),
    }
}
