//! Reads Criterion's result files (`<dir>/**/new/{benchmark,estimates,sample}.json`), whether
//! written by `tta-bench micro` or by `cargo bench` (`target/criterion`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// One benchmark's estimates, in nanoseconds per iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub name: String,
    pub mean_ns: f64,
    pub ci_low_ns: f64,
    pub ci_high_ns: f64,
    pub confidence_level: f64,
    pub median_ns: f64,
    pub std_dev_ns: f64,
    /// Criterion samples (each a timed batch of iterations).
    pub samples: usize,
    /// Iterations over all samples.
    pub iterations: f64,
}

#[derive(Deserialize)]
struct BenchmarkFile {
    full_id: String,
}

#[derive(Deserialize)]
struct Interval {
    confidence_level: f64,
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct Estimate {
    confidence_interval: Interval,
    point_estimate: f64,
}

#[derive(Deserialize)]
struct EstimatesFile {
    mean: Estimate,
    median: Estimate,
    std_dev: Estimate,
}

#[derive(Deserialize)]
struct SampleFile {
    iters: Vec<f64>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::json(path.display().to_string(), &e))
}

/// Every `new/` result directory under `dir`, sorted by path.
fn result_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))?;
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&d, e))?.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") && path.join("benchmark.json").is_file()
            {
                out.push(path);
            } else {
                stack.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads every benchmark result under `dir`, sorted by name. Malformed files are errors naming
/// the file, line and column; figures that are not finite and positive are errors too.
pub fn ingest(dir: &Path) -> Result<Vec<Measurement>> {
    let mut out = Vec::new();
    for new in result_dirs(dir)? {
        let bench: BenchmarkFile = read_json(&new.join("benchmark.json"))?;
        let est_path = new.join("estimates.json");
        let est: EstimatesFile = read_json(&est_path)?;
        let sample: SampleFile = read_json(&new.join("sample.json"))?;
        let m = Measurement {
            name: bench.full_id,
            mean_ns: est.mean.point_estimate,
            ci_low_ns: est.mean.confidence_interval.lower_bound,
            ci_high_ns: est.mean.confidence_interval.upper_bound,
            confidence_level: est.mean.confidence_interval.confidence_level,
            median_ns: est.median.point_estimate,
            std_dev_ns: est.std_dev.point_estimate,
            samples: sample.iters.len(),
            iterations: sample.iters.iter().sum(),
        };
        for (field, v) in [
            ("mean", m.mean_ns),
            ("mean lower bound", m.ci_low_ns),
            ("mean upper bound", m.ci_high_ns),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::Invalid {
                    origin: est_path.display().to_string(),
                    message: format!("{field} is {v}, expected a positive number of nanoseconds"),
                });
            }
        }
        out.push(m);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, id: &str, mean: &str) -> PathBuf {
        let new = dir.join(id.replace('/', "_")).join("new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(
            new.join("benchmark.json"),
            format!(r#"{{"full_id": "{id}", "group_id": "g"}}"#),
        )
        .unwrap();
        let est = |p: &str| {
            format!(
                r#"{{"confidence_interval": {{"confidence_level": 0.95, "lower_bound": 90.0, "upper_bound": 110.0}}, "point_estimate": {p}, "standard_error": 1.0}}"#
            )
        };
        std::fs::write(
            new.join("estimates.json"),
            format!(r#"{{"mean": {}, "median": {}, "std_dev": {}, "median_abs_dev": {}, "slope": null}}"#, est(mean), est("99.0"), est("5.0"), est("1.0")),
        )
        .unwrap();
        std::fs::write(new.join("sample.json"), r#"{"sampling_mode": "Linear", "iters": [1.0, 2.0, 3.0], "times": [100.0, 200.0, 300.0]}"#).unwrap();
        new
    }

    #[test]
    fn reads_criterion_layout() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "crisis/long", "100.0");
        write(dir.path(), "crisis/short", "50.0");
        // A baseline directory Criterion also keeps is ignored.
        std::fs::create_dir_all(dir.path().join("crisis_short/base")).unwrap();
        let m = ingest(dir.path()).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].name, "crisis/short");
        assert_eq!(
            (m[1].mean_ns, m[1].ci_low_ns, m[1].ci_high_ns),
            (50.0, 90.0, 110.0)
        );
        assert_eq!(
            (
                m[1].median_ns,
                m[1].std_dev_ns,
                m[1].samples,
                m[1].iterations
            ),
            (99.0, 5.0, 3, 6.0)
        );
    }

    #[test]
    fn malformed_and_implausible_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let new = write(dir.path(), "a/b", "100.0");
        std::fs::write(new.join("estimates.json"), "{\"mean\": ").unwrap();
        let err = ingest(dir.path()).unwrap_err().to_string();
        assert!(
            err.ends_with("estimates.json:1:9: EOF while parsing a value"),
            "{err}"
        );

        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a/b", "-3.0");
        let err = ingest(dir.path()).unwrap_err().to_string();
        assert!(
            err.ends_with("estimates.json: mean is -3, expected a positive number of nanoseconds"),
            "{err}"
        );

        let err = ingest(Path::new("/no/such/dir")).unwrap_err().to_string();
        assert!(err.starts_with("/no/such/dir: "), "{err}");
    }
}
