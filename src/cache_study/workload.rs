//! The hit-rate study's workload, as `micro --cache-workload` spells it: keys drawn from a
//! Zipf distribution, values of log-uniform sizes, a warm start, a settling phase and the
//! measured requests.

use serde::{Deserialize, Serialize};

use crate::sla::units::{Kind, Quantity};

/// What the study asks of each cache size. Stated in the output beside every result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Distinct keys; key of rank r (1 most popular) is requested with probability ∝ r^−s.
    pub keys: u64,
    /// The Zipf exponent s (YCSB's default is 0.99).
    pub zipf_exponent: f64,
    /// Raw value sizes, log-uniform between these bounds (bytes), before compression.
    pub value_min_bytes: u64,
    pub value_max_bytes: u64,
    /// Requests after the warm start that let the policy settle, not counted.
    pub settle_requests: u64,
    /// Requests whose hits and misses are counted.
    pub requests: u64,
    pub seed: u64,
    /// View data (JSON before compression) the cache is filled with to measure its memory;
    /// judged only at the document's 1 GB.
    pub memory_data_bytes: u64,
}

impl Default for Workload {
    /// Two million keys of 2–16 KiB JSON views (about twice the largest cache size once
    /// compressed), YCSB's Zipf exponent, a million settling and two million measured requests.
    fn default() -> Self {
        Self {
            keys: 2_000_000,
            zipf_exponent: 0.99,
            value_min_bytes: 2048,
            value_max_bytes: 16 * 1024,
            settle_requests: 1_000_000,
            requests: 2_000_000,
            seed: 2024,
            memory_data_bytes: super::memory::DATA_BYTES,
        }
    }
}

/// Environment variable holding a workload spec that replaces the default wherever the study
/// runs (micro, gate, baseline save): for a machine, or a test, that cannot afford the default.
pub const WORKLOAD_ENV: &str = "TTA_BENCH_CACHE_WORKLOAD";

impl Workload {
    /// The default, with [`WORKLOAD_ENV`]'s pairs over it when that is set.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(WORKLOAD_ENV) {
            Ok(spec) => {
                Self::parse_onto(Self::default(), &spec).map_err(|e| format!("{WORKLOAD_ENV}: {e}"))
            }
            Err(_) => Ok(Self::default()),
        }
    }

    /// `key=value` pairs separated by commas, each overriding the default: `zipf=0.99`,
    /// `keys=2000000`, `values=2KiB..16KiB`, `settle=1000000`, `requests=2000000`, `seed=2024`,
    /// `memory=1GB`.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_onto(Self::default(), text)
    }

    /// As [`Self::parse`], each pair overriding `base`.
    pub fn parse_onto(base: Self, text: &str) -> Result<Self, String> {
        let mut w = base;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not key=value"))?;
            let count = |v: &str| -> Result<u64, String> {
                v.replace('_', "")
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{key}={v:?}: expected a positive whole number"))
            };
            match key {
                "zipf" => {
                    w.zipf_exponent = value
                        .parse::<f64>()
                        .ok()
                        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 10.0)
                        .ok_or_else(|| {
                            format!("zipf={value:?}: expected an exponent in (0, 10]")
                        })?;
                }
                "keys" => w.keys = count(value)?,
                "memory" => {
                    w.memory_data_bytes = Quantity::parse(value, Kind::Size)
                        .map(|q| q.value as u64)
                        .map_err(|e| format!("memory: {e}"))?
                }
                "settle" => w.settle_requests = count(value)?,
                "requests" => w.requests = count(value)?,
                "seed" => {
                    w.seed = value
                        .parse()
                        .map_err(|_| format!("seed={value:?}: expected a whole number"))?
                }
                "values" => {
                    let (lo, hi) = value.split_once("..").ok_or_else(|| {
                        format!("values={value:?}: expected MIN..MAX such as 2KiB..16KiB")
                    })?;
                    let size = |t: &str| {
                        Quantity::parse(t, Kind::Size)
                            .map(|q| q.value as u64)
                            .map_err(|e| format!("values: {e}"))
                    };
                    let (lo, hi) = (size(lo)?, size(hi)?);
                    if lo < 64 || lo > hi || hi > 16 * 1024 * 1024 {
                        return Err(format!(
                            "values={value:?}: expected 64B <= MIN <= MAX <= 16MiB"
                        ));
                    }
                    (w.value_min_bytes, w.value_max_bytes) = (lo, hi);
                }
                other => {
                    return Err(format!(
                        "unknown field {other:?} (known: zipf, keys, values, settle, requests, seed, memory)"
                    ));
                }
            }
        }
        Ok(w)
    }

    /// The workload in words, for outputs.
    pub fn describe(&self) -> String {
        format!(
            "Zipf s = {} over {} keys; values {}–{} B raw JSON (log-uniform), compressed as the service does; cache first filled with the most popular keys, then {} requests to settle, then {} measured; seed {}",
            self.zipf_exponent,
            self.keys,
            self.value_min_bytes,
            self.value_max_bytes,
            self.settle_requests,
            self.requests,
            self.seed
        )
    }
}

/// `--cache-sizes`: sizes with units, comma-separated (`100MB,500MB,1GB`).
pub fn parse_sizes(text: &str) -> Result<Vec<(String, u64)>, String> {
    let sizes: Vec<(String, u64)> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|label| {
            let q = Quantity::parse(label, Kind::Size)?;
            if q.value < 1024.0 * 1024.0 {
                return Err(format!("{label:?}: a cache size is at least 1MiB"));
            }
            Ok((label.to_string(), q.value as u64))
        })
        .collect::<Result<_, String>>()?;
    if sizes.is_empty() {
        return Err("no cache size given".into());
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_override_the_default_and_bad_ones_are_named() {
        let w = Workload::parse("zipf=1.2, keys=1000,values=1KiB..4KiB,requests=5000").unwrap();
        assert_eq!(w.zipf_exponent, 1.2);
        assert_eq!(w.keys, 1000);
        assert_eq!((w.value_min_bytes, w.value_max_bytes), (1024, 4096));
        assert_eq!(w.requests, 5000);
        assert_eq!(w.settle_requests, Workload::default().settle_requests);
        assert_eq!(Workload::parse("").unwrap(), Workload::default());
        for (text, message) in [
            ("zipf", "\"zipf\" is not key=value"),
            ("zipf=-1", "zipf=\"-1\": expected an exponent in (0, 10]"),
            ("keys=0", "keys=\"0\": expected a positive whole number"),
            ("values=4KiB..1KiB", "expected 64B <= MIN <= MAX <= 16MiB"),
            ("values=4KiB", "expected MIN..MAX"),
            ("values=1..2KiB", "values: \"1\" has no unit"),
            ("hot=yes", "unknown field \"hot\""),
        ] {
            let e = Workload::parse(text).unwrap_err();
            assert!(e.contains(message), "{text}: {e}");
        }
    }

    #[test]
    fn sizes_need_units_and_a_megabyte() {
        assert_eq!(
            parse_sizes("100MB, 1GB").unwrap(),
            [
                ("100MB".to_string(), 100_000_000),
                ("1GB".to_string(), 1_000_000_000)
            ]
        );
        assert!(parse_sizes("100").unwrap_err().contains("has no unit"));
        assert!(parse_sizes("10KB").unwrap_err().contains("at least 1MiB"));
        assert_eq!(parse_sizes(" , ").unwrap_err(), "no cache size given");
    }
}
