//! The cache hit-rate study (AI therapist performance benchmarks, cache performance): the
//! service's own cache ([`tta_service::cache::ViewCache`]: moka's TinyLFU under a byte budget,
//! zstd for values over 1 KiB) at each size, on a stated workload ([`workload`]), measured
//! for its hit rate and the time of its eviction passes.
//!
//! Method. A cache of the size is first filled with the most popular keys, as a cache warmed
//! from its snapshot would be (filling it by requests alone would take tens of millions of
//! requests at the tail of a Zipf distribution); the settling requests then let the policy's
//! frequency sketch see the distribution; the measured requests count hits and misses. Values
//! come from a pool of [`POOL`] views ([`values`]) encoded once as the service encodes them, the
//! key's hash picking one, so a miss costs its insertion, not a compression, and a hit is the
//! lookup without the decompression: the study measures the policy, and the micro suite's
//! `cache/*` operations time compression, decompression and eviction one by one. Each miss's
//! insertion is timed together with moka's maintenance run right after it (which evicts to the
//! budget): an eviction pass. Beside each hit rate stands the best any cache holding as many
//! entries could do: the request share of that many most popular keys.

pub mod memory;
pub mod values;
pub mod workload;

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Zipf};
use serde::{Deserialize, Serialize};

use tta_service::cache::{Stored, ViewCache};
pub use workload::{Workload, parse_sizes};

/// Distinct encoded values the keys share.
pub const POOL: u64 = 4096;
/// The study's caches never expire what they hold (expiry is not what is measured).
const NO_EXPIRY: Duration = Duration::from_secs(24 * 3600);
/// The study needs about this many times a size's bytes free (stored values, moka's entries,
/// the allocator's slack); with less, the size and the key count are scaled down together.
const MEMORY_FACTOR: f64 = 2.5;

/// One cache size's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeResult {
    /// The size as asked (`100MB`): the name its checks use.
    pub label: String,
    /// Bytes of the cache as run (scaled when the machine could not hold the size).
    pub capacity_bytes: u64,
    /// Keys of the workload as run (scaled with the size).
    pub keys: u64,
    /// Why and how much the size was scaled; absent when it ran as asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled: Option<String>,
    pub requests: u64,
    pub hits: u64,
    pub hit_rate: f64,
    /// The request share of the `entries` most popular keys: the hit rate of an oracle that
    /// always held them, which no policy holding as many entries can beat on average.
    pub best_hit_rate: f64,
    /// Timed eviction passes of the measured requests (one per miss), their p99 and longest.
    pub eviction_passes: u64,
    pub eviction_pass_p99_ns: u64,
    pub eviction_pass_max_ns: u64,
    /// Entries evicted to keep the budget during the measured requests.
    pub evictions: u64,
    /// What the cache held at the end: entries, their stored and their raw bytes.
    pub entries: u64,
    pub stored_bytes: u64,
    pub raw_bytes: u64,
    /// Seconds of the warm start, and of the settling and measured requests.
    pub fill_s: f64,
    pub requests_s: f64,
}

/// The study: its workload, stated, and each size's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheStudy {
    pub workload: Workload,
    pub method: String,
    pub sizes: Vec<SizeResult>,
    /// The memory of the cache holding [`memory::DATA_BYTES`] of view data; absent in runs
    /// written before it was measured, or where the process's memory cannot be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<memory::MemoryResult>,
}

fn key(rank: u64) -> String {
    format!("k{rank}")
}

fn available_memory() -> Option<u64> {
    let mut sys = sysinfo::System::new().ok()?;
    sys.refresh_memory();
    let limit = sys
        .cgroup_limits()
        .map(|c| c.free_memory)
        .filter(|m| *m > 0);
    Some(limit.unwrap_or_else(|| sys.available_memory())).filter(|m| *m > 0)
}

/// The name a size runs under, which `micro --filter` matches.
pub fn name(label: &str) -> String {
    format!("cache_hit_rate/{label}")
}

/// Runs the study at every size, reporting each start through `progress`.
pub fn run(
    w: &Workload,
    sizes: &[(String, u64)],
    mut progress: impl FnMut(&str),
) -> Result<CacheStudy, String> {
    let zipf =
        Zipf::new(w.keys as f64, w.zipf_exponent).map_err(|e| format!("--cache-workload: {e}"))?;
    let pool: Vec<Stored> = (1..=POOL)
        .map(|i| Stored::encode(&values::value(w, i)))
        .collect();
    progress(&format!(
        "cache memory: holding {} MB of view data",
        w.memory_data_bytes / 1_000_000
    ));
    let held = memory::held(&pool, w.memory_data_bytes);
    let mut out = Vec::new();
    for (label, bytes) in sizes {
        let (capacity, keys, scaled) = match available_memory() {
            Some(free) if (*bytes as f64) * MEMORY_FACTOR > free as f64 => {
                let f = free as f64 / (*bytes as f64 * MEMORY_FACTOR);
                (
                    (*bytes as f64 * f) as u64,
                    ((w.keys as f64 * f) as u64).max(1),
                    Some(format!(
                        "scaled to {:.0} % (size and keys): {} MiB of memory free, {:.0} MiB needed",
                        f * 100.0,
                        free >> 20,
                        *bytes as f64 * MEMORY_FACTOR / 1048576.0
                    )),
                )
            }
            _ => (*bytes, w.keys, None),
        };
        progress(&format!(
            "cache hit rate at {label}: filling, then {} requests",
            w.settle_requests + w.requests
        ));
        let zipf = if keys == w.keys {
            zipf
        } else {
            Zipf::new(keys as f64, w.zipf_exponent).map_err(|e| e.to_string())?
        };
        let mut r = run_size(w, &pool, zipf, keys, capacity);
        r.label = label.clone();
        r.scaled = scaled;
        out.push(r);
    }
    Ok(CacheStudy {
        workload: w.clone(),
        method: format!(
            "{}; values from a pool of {POOL} encoded views (a miss inserts one, a hit does not decompress it); an eviction pass is a miss's insertion and moka's maintenance after it, timed",
            w.describe()
        ),
        sizes: out,
        memory: held,
    })
}

/// Which pooled value the key of `rank` holds (splitmix64 of the rank).
fn pooled(rank: u64) -> usize {
    let mut z = rank.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % POOL) as usize
}

/// The request share of the `held` most popular of `keys` keys under Zipf exponent `s`.
fn best_hit_rate(keys: u64, held: u64, s: f64) -> f64 {
    let (mut top, mut all) = (0.0, 0.0);
    for r in 1..=keys {
        let p = (r as f64).powf(-s);
        all += p;
        if r <= held {
            top += p;
        }
    }
    top / all
}

fn run_size(
    w: &Workload,
    pool: &[Stored],
    zipf: Zipf<f64>,
    keys: u64,
    capacity: u64,
) -> SizeResult {
    let cache = ViewCache::repeatable(capacity, NO_EXPIRY);
    let started = Instant::now();
    let mut rank = 0;
    while rank < keys {
        rank += 1;
        cache.insert_stored(key(rank), pool[pooled(rank)].clone());
        if rank.is_multiple_of(1024) {
            cache.run_pending_tasks();
            if cache.weighted_bytes() >= capacity / 100 * 98 {
                break;
            }
        }
    }
    cache.run_pending_tasks();
    let fill_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(w.seed);
    // Up to a minute per pass: anything longer saturates (and fails any eviction limit).
    let mut passes = Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3).expect("valid bounds");
    let mut hits = 0;
    let counters = cache.counters.clone();
    let evictions = || {
        counters
            .evictions
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let mut evictions_before = evictions();
    for i in 0..w.settle_requests + w.requests {
        let measured = i >= w.settle_requests;
        if i == w.settle_requests {
            evictions_before = evictions();
        }
        let rank = (zipf.sample(&mut rng) as u64).clamp(1, keys);
        let k = key(rank);
        if cache.get_stored(&k).is_some() {
            hits += u64::from(measured);
            continue;
        }
        let value = pool[pooled(rank)].clone();
        let t = Instant::now();
        cache.insert_stored(k, value);
        cache.run_pending_tasks();
        if measured {
            passes.saturating_record(t.elapsed().as_nanos() as u64);
        }
    }
    let requests_s = started.elapsed().as_secs_f64();
    let evicted = evictions() - evictions_before;
    let (mut entries, mut stored_bytes, mut raw_bytes) = (0, 0, 0);
    for (k, v) in cache.entries() {
        entries += 1;
        stored_bytes += (k.len() + v.bytes.len()) as u64;
        raw_bytes += u64::from(v.raw_len);
    }
    SizeResult {
        label: String::new(),
        capacity_bytes: capacity,
        keys,
        scaled: None,
        requests: w.requests,
        hits,
        hit_rate: hits as f64 / w.requests as f64,
        best_hit_rate: best_hit_rate(keys, entries, w.zipf_exponent),
        eviction_passes: passes.len(),
        eviction_pass_p99_ns: passes.value_at_quantile(0.99),
        eviction_pass_max_ns: passes.max(),
        evictions: evicted,
        entries,
        stored_bytes,
        raw_bytes,
        fill_s,
        requests_s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_hit_rate_is_the_share_of_the_top_keys() {
        assert_eq!(best_hit_rate(10, 10, 0.99), 1.0);
        assert_eq!(best_hit_rate(10, 0, 0.99), 0.0);
        // s = 1 over 4 keys: (1 + 1/2) / (1 + 1/2 + 1/3 + 1/4).
        assert!((best_hit_rate(4, 2, 1.0) - 1.5 / (25.0 / 12.0)).abs() < 1e-12);
    }

    #[test]
    fn keys_spread_over_the_pool() {
        let mut seen = vec![0u32; POOL as usize];
        for r in 1..=POOL * 16 {
            seen[pooled(r)] += 1;
        }
        assert!(
            seen.iter().all(|n| (4..=40).contains(n)),
            "{:?}",
            &seen[..16]
        );
    }

    /// On a small workload: a larger cache hits more, every count adds up, and the cache
    /// stays within its budget.
    #[test]
    fn a_larger_cache_hits_more_on_the_same_requests() {
        let w = Workload {
            keys: 20_000,
            settle_requests: 20_000,
            requests: 40_000,
            value_min_bytes: 512,
            value_max_bytes: 2048,
            memory_data_bytes: 4 << 20,
            ..Workload::default()
        };
        let sizes = [("1MiB".to_string(), 1 << 20), ("4MiB".to_string(), 4 << 20)];
        let study = run(&w, &sizes, |_| {}).unwrap();
        let [small, large] = &study.sizes[..] else {
            panic!("two sizes")
        };
        assert!(small.hit_rate < large.hit_rate, "{small:?} {large:?}");
        assert!(small.hit_rate > 0.2 && large.hit_rate < 1.0);
        for s in &study.sizes {
            assert_eq!(s.requests, 40_000);
            assert!(s.stored_bytes <= s.capacity_bytes);
            assert!(s.raw_bytes > s.stored_bytes, "values were compressed");
            assert!(s.eviction_passes > 0 && s.evictions > 0);
            assert!(s.eviction_pass_max_ns >= s.eviction_pass_p99_ns);
            assert!(s.hit_rate <= s.best_hit_rate + 0.02, "{s:?}");
        }
        assert!(study.method.contains("Zipf s = 0.99 over 20000 keys"));
        let memory = study.memory.expect("linux has /proc");
        assert!(memory.raw_bytes >= 4 << 20 && memory.stored_bytes < memory.raw_bytes);
    }
}
