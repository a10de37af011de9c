//! The populated database the store benchmarks read and write
//! ([`tta_service::dataset`]): generated once per size and cached, since a million turns take
//! a while to play.
//!
//! Its size is `TTA_BENCH_DATASET` (`PATIENTS:SESSIONS_PER_PATIENT:TURNS_PER_SESSION`, default
//! 10000:10:10) and its folder `TTA_BENCH_DATASET_DIR` (default `tta-bench/datasets` under
//! `$CARGO_TARGET_DIR`, else under `target/` of the working directory). A dataset is written
//! under a temporary name and renamed when whole, so an interrupted generation leaves nothing
//! that could be read as a dataset.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use tta_service::dataset::{self, DatasetSize};

use crate::error::{Error, Result};

pub const SIZE_ENV: &str = "TTA_BENCH_DATASET";
pub const DIR_ENV: &str = "TTA_BENCH_DATASET_DIR";
/// Set by a parent that has checked (or generated) the dataset for the worker it starts, so
/// the worker does not check it again.
pub const CHECKED_FILE_ENV: &str = "TTA_BENCH_DATASET_CHECKED";
/// Seed of the generated choices; part of the file name.
pub const SEED: u64 = 2024;
/// Bumped whenever the generator writes other rows or another file for the same size and seed
/// (2: the store's 1 KiB pages and its sessions_updated index).
const GENERATOR_VERSION: u32 = 2;

/// The dataset size asked for in the environment, or the default.
pub fn size() -> Result<DatasetSize> {
    match std::env::var(SIZE_ENV) {
        Err(_) => Ok(DatasetSize::DEFAULT),
        Ok(text) => DatasetSize::parse(&text).map_err(|e| Error::Usage(format!("{SIZE_ENV}: {e}"))),
    }
}

fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os(DIR_ENV) {
        return PathBuf::from(d);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    target.join("tta-bench").join("datasets")
}

/// Where a dataset of `size` lives.
pub fn path_of(size: DatasetSize) -> PathBuf {
    dir().join(format!(
        "store-{}-seed{SEED}-v{GENERATOR_VERSION}.db",
        size.slug()
    ))
}

/// The path of the dataset of the environment's size, generated first if it is not there,
/// with progress on stderr, and checked. Once per process; a worker whose parent did it takes
/// the parent's path ([`CHECKED_FILE_ENV`]).
pub fn ensure() -> Result<PathBuf> {
    if let Some(checked) = std::env::var_os(CHECKED_FILE_ENV) {
        return Ok(PathBuf::from(checked));
    }
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let _held = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = DONE.get() {
        return Ok(p.clone());
    }
    let size = size()?;
    let path = path_of(size);
    if path.exists() {
        dataset::check(&path, size).map_err(|e| Error::Invalid {
            origin: path.display().to_string(),
            message: format!("not a store dataset of {size}: {e} (remove it to generate it anew)"),
        })?;
    } else {
        generate(&path, size)?;
    }
    Ok(DONE.get_or_init(|| path).clone())
}

fn generate(path: &Path, size: DatasetSize) -> Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".generating-")
        .tempdir_in(folder)
        .map_err(|e| Error::io(folder, e))?;
    let partial = tmp.path().join("dataset.db");
    eprintln!(
        "tta-bench: generating the store benchmarks' database ({size}) into {}; once for this size",
        path.display()
    );
    let started = std::time::Instant::now();
    let step = (size.patients / 10).max(1);
    dataset::generate(&partial, size, SEED, &mut |done| {
        if done % step == 0 && done < size.patients {
            eprintln!(
                "tta-bench: dataset {} of {} patients ({:.0} s)",
                done,
                size.patients,
                started.elapsed().as_secs_f64()
            );
        }
    })
    .map_err(|e| Error::Invalid {
        origin: partial.display().to_string(),
        message: e.to_string(),
    })?;
    // The write-ahead log was checkpointed into the file; its side files go with the folder.
    std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))?;
    eprintln!(
        "tta-bench: dataset written in {:.1} s ({:.0} MiB)",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1048576.0)
    );
    Ok(())
}
