//! The study's values: for each key a JSON view shaped like the service's progress views
//! (sessions of a patient, their turns, levels and the patients' own sentences), of a size
//! drawn for that key, the same on every call and every machine.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;

use super::workload::Workload;
use tta_service::dataset::CHOICES;

const STATES: [&str; 3] = ["completed", "active", "paused"];
const LEVELS: [&str; 3] = ["NONE", "NONE", "LOW"];

/// The raw value of the key of `rank` (1-based).
pub fn value(w: &Workload, rank: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(w.seed ^ rank.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (lo, hi) = (w.value_min_bytes as f64, w.value_max_bytes as f64);
    let target = (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp() as usize;
    let mut out = String::with_capacity(target + 256);
    let _ = write!(
        out,
        "{{\"patient_id\":\"k{rank}\",\"difficulty_level\":{},\"sessions\":[",
        rng.random_range(1..=5)
    );
    let mut id = rank * 100;
    // Each session's closing brackets are written after the loop; stop when they fit.
    while out.len() + 3 < target {
        id += 1;
        let _ = write!(
            out,
            "{}{{\"id\":{id},\"state\":\"{}\",\"turns\":{},\"highest_crisis\":\"{}\",\"therapeutic_value\":{:.3},\"last_choice\":\"{}\"}}",
            if out.ends_with('[') { "" } else { "," },
            STATES[rng.random_range(0..STATES.len())],
            rng.random_range(1..=40),
            LEVELS[rng.random_range(0..LEVELS.len())],
            rng.random::<f64>(),
            CHOICES[rng.random_range(0..CHOICES.len())],
        );
    }
    out.push_str("]}");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json_of_their_drawn_size_and_repeat() {
        let w = Workload::default();
        for rank in [1, 2, 1000, 1_999_999] {
            let v = value(&w, rank);
            assert_eq!(v, value(&w, rank));
            let parsed: serde_json::Value = serde_json::from_slice(&v).unwrap();
            assert_eq!(parsed["patient_id"], format!("k{rank}"));
            // Within one session object of the drawn size, which is within the bounds.
            assert!(v.len() as u64 >= w.value_min_bytes - 300, "{}", v.len());
            assert!(v.len() as u64 <= w.value_max_bytes + 300, "{}", v.len());
        }
        assert_ne!(value(&w, 1), value(&w, 2));
    }
}
