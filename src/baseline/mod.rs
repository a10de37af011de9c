//! Versioned baselines: immutable dated files `baselines/YYYY-MM-DD-<label>.json` holding the
//! repeated runs of a build, its environment fingerprint and a machine calibration score, and a
//! `current` pointer file naming the one comparisons use. Every write is atomic (temporary file,
//! then rename); nothing is overwritten without `force`.

pub mod calibration;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::saved::SavedJson;

pub const SCHEMA_VERSION: u32 = 1;
pub const POINTER: &str = "current";

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema_version: u32,
    pub kind: String,
    pub label: String,
    /// RFC 3339.
    pub created: String,
    pub environment: Environment,
    pub git_commit: Option<String>,
    pub calibration: calibration::Calibration,
    /// Repetitions of the load run (same profile).
    pub load_runs: Vec<RunResult>,
    pub micro_runs: Vec<MicroRun>,
}

impl Baseline {
    pub fn new(label: &str, load_runs: Vec<RunResult>, micro_runs: Vec<MicroRun>) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            kind: "baseline".into(),
            label: label.to_string(),
            created: crate::timefmt::now_rfc3339(),
            environment: Environment::detect(),
            git_commit: git_commit(),
            calibration: calibration::measure(),
            load_runs,
            micro_runs,
        }
    }

    /// Reads and checks a baseline file; every problem names the file.
    pub fn load(path: &Path) -> Result<Self> {
        let file = SavedJson::read(path)?;
        if file.kind() != Some("baseline") {
            return Err(file.invalid("not a tta-bench baseline (kind is not \"baseline\")"));
        }
        file.require_version("baseline", SCHEMA_VERSION)?;
        let invalid = |message: String| file.invalid(message);
        let b: Baseline = file.parse()?;
        if b.load_runs.is_empty() && b.micro_runs.is_empty() {
            return Err(invalid("holds no runs".into()));
        }
        if let Some(p) = b.load_runs.first().map(|r| &r.profile_name)
            && let Some(other) = b.load_runs.iter().find(|r| &r.profile_name != p)
        {
            return Err(invalid(format!(
                "mixes load profiles {p} and {}",
                other.profile_name
            )));
        }
        for r in &b.load_runs {
            crate::saved::validate_load(r).map_err(invalid)?;
        }
        Ok(b)
    }
}

/// The commit of the working tree, if git knows it.
pub fn git_commit() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Differences between two environments that make comparisons shaky (a warning, not an error):
/// CPU model, CPU count, OS and architecture. The calibration scores are added to a difference
/// as context, but do not make one: on one unchanged machine they move between gates as much
/// as a change of host does, which the CPU model names anyway.
/// `now_score` (this machine's score, ~100 ms to measure) is called only when a field differs.
pub fn fingerprint_mismatch(
    base: &Baseline,
    now: &Environment,
    now_score: impl FnOnce() -> f64,
) -> Vec<String> {
    let e = &base.environment;
    let mut out = Vec::new();
    if e.cpu_model != now.cpu_model {
        let model = |m: &Option<String>| m.as_ref().map_or("unknown".into(), |m| format!("{m:?}"));
        out.push(format!(
            "CPU model {} vs baseline {}",
            model(&now.cpu_model),
            model(&e.cpu_model)
        ));
    }
    if e.logical_cpus != now.logical_cpus {
        out.push(format!(
            "{} CPUs vs baseline {}",
            now.logical_cpus, e.logical_cpus
        ));
    }
    if (e.os.as_str(), e.arch.as_str()) != (now.os.as_str(), now.arch.as_str()) {
        out.push(format!(
            "{}/{} vs baseline {}/{}",
            now.os, now.arch, e.os, e.arch
        ));
    }
    if !out.is_empty() {
        let now_score = now_score();
        let ratio = now_score / base.calibration.score;
        out.push(format!(
            "calibration score {:.0} vs baseline {:.0} ({:+.0} %)",
            now_score,
            base.calibration.score,
            (ratio - 1.0) * 100.0
        ));
    }
    out
}

/// The baselines directory.
pub struct BaselineStore {
    pub dir: PathBuf,
}

fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 64
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl BaselineStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The file a baseline labelled `label` created on `date` (YYYY-MM-DD) goes to; an error
    /// for a bad label, or when the file exists and `force` is not given. Lets a caller refuse
    /// before a long measurement rather than after it.
    pub fn target(&self, date: &str, label: &str, force: bool) -> Result<PathBuf> {
        if !valid_label(label) {
            return Err(Error::Usage(format!(
                "--label {label:?}: use 1-64 letters, digits, - or _"
            )));
        }
        let path = self.dir.join(format!("{date}-{label}.json"));
        if path.exists() && !force {
            return Err(Error::Usage(format!(
                "{} exists; baselines are immutable (use --force to replace it)",
                path.display()
            )));
        }
        Ok(path)
    }

    /// Writes `b` as `<date>-<label>.json`; refuses to overwrite unless `force`.
    pub fn save(&self, b: &Baseline, force: bool) -> Result<PathBuf> {
        let path = self.target(&b.created[..10], &b.label, force)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let text = serde_json::to_string_pretty(b)
            .map_err(|e| Error::Process(format!("cannot encode baseline: {e}")))?;
        write_atomic(&path, (text + "\n").as_bytes())?;
        Ok(path)
    }

    /// Baseline files, oldest first (names start with their date).
    pub fn list(&self) -> Result<Vec<PathBuf>> {
        if !self.dir.exists() {
            return Ok(Vec::new());
        }
        let mut out: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        out.sort();
        Ok(out)
    }

    /// Resolves a name (`current`, a file name in the store, or a path).
    pub fn resolve(&self, name: &str) -> Result<Option<PathBuf>> {
        if name == POINTER {
            let pointer = self.dir.join(POINTER);
            if !pointer.exists() {
                return Ok(None);
            }
            let target = std::fs::read_to_string(&pointer).map_err(|e| Error::io(&pointer, e))?;
            let target = target.trim();
            if target.is_empty() || target.contains('/') {
                return Err(Error::Invalid {
                    origin: pointer.display().to_string(),
                    message: format!("names {target:?}, not a baseline file in this directory"),
                });
            }
            return Ok(Some(self.dir.join(target)));
        }
        let in_store = self.dir.join(name);
        Ok(Some(if in_store.exists() {
            in_store
        } else {
            PathBuf::from(name)
        }))
    }

    /// Points `current` at `file` (which must be a loadable baseline in the store), atomically.
    pub fn promote(&self, file: &Path) -> Result<()> {
        Baseline::load(file)?;
        let name = file
            .file_name()
            .filter(|_| file.parent().is_some_and(|p| same_dir(p, &self.dir)))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{} is not in {}",
                    file.display(),
                    self.dir.display()
                ))
            })?;
        write_atomic(
            &self.dir.join(POINTER),
            format!("{}\n", name.to_string_lossy()).as_bytes(),
        )
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests;
