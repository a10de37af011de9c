//! Measuring for gate, baseline save and refresh: load repetitions (one side, or two builds
//! interleaved) and quick micro runs, each load run optionally kept as a file.

use std::path::{Path, PathBuf};

use crate::cli::MeasureArgs;
use crate::error::{Error, Result};
use crate::export::json::Json;
use crate::export::{Document, Exporter};
use crate::fsutil::write_atomic;
use crate::load::{LoadConfig, Target};
use crate::micro::{self, MicroConfig, MicroRun, Mode, Source};
use crate::run::RunResult;
use crate::scenario::{self, Overrides};
use crate::server::faults::FaultConfig;

/// One side of a load measurement: what its runs are called and where its load goes.
struct Side {
    name: &'static str,
    target: Target,
}

/// Where `--keep-runs` saves each load repetition as it is measured: `DIR/<side>-<n>.json`.
pub(super) struct KeepRuns {
    dir: PathBuf,
}

impl KeepRuns {
    /// Creates DIR and refuses, before anything is measured, if a run file this gate would
    /// write is already there: earlier runs are never overwritten.
    pub fn prepare(dir: &Path, repeat: usize) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        for side in ["current", "reference"] {
            for i in 1..=repeat {
                let path = dir.join(format!("{side}-{i}.json"));
                if path.exists() {
                    return Err(Error::Usage(format!(
                        "{}: already exists; --keep-runs needs a directory without earlier runs",
                        path.display()
                    )));
                }
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    fn save(&self, side: &str, i: usize, run: &RunResult) -> Result<()> {
        let path = self.dir.join(format!("{side}-{i}.json"));
        write_atomic(&path, Json.render(Document::Load(run))?.as_bytes())
    }
}

fn parts(m: &MeasureArgs) -> Result<(bool, bool)> {
    if m.repeat == 0 || m.repeat > 100 {
        return Err(Error::Usage("--repeat must be 1-100".into()));
    }
    Ok(match (m.load, m.micro) {
        (false, false) => (true, true),
        other => other,
    })
}

/// `m.repeat` rounds of one load run per side. With two sides the order alternates by round
/// (A B, B A, A B …), so neither side always runs first after the other, and a drift that is
/// linear in time falls on both sides nearly alike.
fn load_rounds(
    m: &MeasureArgs,
    sides: &[Side],
    keep: Option<&KeepRuns>,
) -> Result<Vec<Vec<RunResult>>> {
    let plan = scenario::plan(&m.scenario_dir, &[], &m.profile, &Overrides::default())?;
    let mut runs: Vec<Vec<RunResult>> = sides.iter().map(|_| Vec::new()).collect();
    for i in 1..=m.repeat {
        let mut order: Vec<usize> = (0..sides.len()).collect();
        if i % 2 == 0 {
            order.reverse();
        }
        for s in order {
            let side = &sides[s];
            let config = LoadConfig::new(plan.clone(), side.target.clone());
            let run = crate::load::run(&config, |url| {
                let of = if sides.len() > 1 {
                    format!(" of the {} build", side.name)
                } else {
                    String::new()
                };
                eprintln!(
                    "tta-bench: load repetition {i}/{}{of} (profile {}) against {url}",
                    m.repeat, m.profile
                );
            })?;
            if let Some(keep) = keep {
                keep.save(side.name, i, &run)?;
            }
            runs[s].push(run);
        }
    }
    Ok(runs)
}

fn micro_runs(n: usize) -> Result<Vec<MicroRun>> {
    (1..=n)
        .map(|i| {
            if n > 1 {
                eprintln!("tta-bench: micro run {i}/{n} (quick)");
            }
            micro::run(&MicroConfig {
                source: Source::Measure(Mode::Quick),
                filter: None,
                budget_scale: 1.0,
            })
        })
        .collect()
}

fn current(m: &MeasureArgs) -> Result<Side> {
    Ok(Side {
        name: "current",
        target: Target::Embedded {
            exe: None,
            faults: FaultConfig::try_from(&m.faults)?,
        },
    })
}

/// Runs what `m` asks for: load repetitions (each with its own embedded service) and
/// `micro_runs` quick micro runs.
pub(super) fn measure(
    m: &MeasureArgs,
    micro: usize,
    keep: Option<&KeepRuns>,
) -> Result<(Vec<RunResult>, Vec<MicroRun>)> {
    let (do_load, do_micro) = parts(m)?;
    let load = if do_load {
        load_rounds(m, &[current(m)?], keep)?.remove(0)
    } else {
        Vec::new()
    };
    let micro = if do_micro {
        micro_runs(micro)?
    } else {
        Vec::new()
    };
    Ok((load, micro))
}

/// Refuses an `--against` path that is not a file.
pub(super) fn check_reference(exe: &Path) -> Result<()> {
    let meta = std::fs::metadata(exe).map_err(|e| Error::io(exe, e))?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "--against {}: not a file (give the other build's tta-bench binary)",
            exe.display()
        )));
    }
    Ok(())
}

/// What an interleaved measurement gives: the reference build's load runs, this build's, and
/// this build's micro runs.
pub(super) struct Interleaved {
    pub reference: Vec<RunResult>,
    pub current: Vec<RunResult>,
    pub micro: Vec<MicroRun>,
}

/// Like [`measure`], with the load repetitions of the build at `exe` interleaved with this
/// build's (the reference first in odd rounds). Only this build gets the fault injection.
pub(super) fn measure_against(
    m: &MeasureArgs,
    exe: &Path,
    keep: Option<&KeepRuns>,
) -> Result<Interleaved> {
    let (do_load, do_micro) = parts(m)?;
    if !do_load {
        return Err(Error::Usage(
            "--against compares load runs; it cannot be used with --micro alone".into(),
        ));
    }
    check_reference(exe)?;
    // This build's service runs from a copy of its binary too. Started from the harness's own
    // file, it shares the harness's code pages (and so their cache lines): in an A/A study of
    // 20 + 20 runs that made it 4–6 % faster than the same build started from another file.
    let copy = tempfile::tempdir().map_err(|e| Error::io("temporary directory", e))?;
    let own = std::env::current_exe().map_err(|e| Error::io("current executable", e))?;
    let own_copy = copy.path().join("tta-bench-current");
    std::fs::copy(&own, &own_copy).map_err(|e| Error::io(&own, e))?;
    let sides = [
        Side {
            name: "reference",
            target: Target::Embedded {
                exe: Some(exe.to_path_buf()),
                faults: FaultConfig::default(),
            },
        },
        Side {
            name: "current",
            target: Target::Embedded {
                exe: Some(own_copy),
                faults: FaultConfig::try_from(&m.faults)?,
            },
        },
    ];
    let mut runs = load_rounds(m, &sides, keep)?;
    let current = runs.pop().unwrap_or_default();
    let reference = runs.pop().unwrap_or_default();
    let micro = if do_micro { micro_runs(1)? } else { Vec::new() };
    Ok(Interleaved {
        reference,
        current,
        micro,
    })
}
