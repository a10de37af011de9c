//! Measuring for gate, baseline save and refresh: load repetitions (this build alone, or two
//! builds in paired rounds of short blocks) and quick micro runs, each load run optionally kept
//! as a file.

use std::path::{Path, PathBuf};

use crate::check::CheckId;
use crate::cli::MeasureArgs;
use crate::error::{Error, Result};
use crate::export::json::Json;
use crate::export::{Document, Exporter};
use crate::fsutil::write_atomic;
use crate::gate::confirm;
use crate::load::interleave::{self, Rounds, Service};
use crate::load::{LoadConfig, Target};
use crate::micro::count::{ExtraWork, parse_extra_work};
use crate::micro::{self, Budgets, MicroConfig, MicroRun, Mode, Source};
use crate::run::RunResult;
use tta_service::FaultConfig;

/// Where `--keep-runs` saves each load repetition as it is measured: `DIR/<side>-<n>.json`.
pub(super) struct KeepRuns {
    dir: PathBuf,
}

impl KeepRuns {
    /// Creates DIR and refuses, before anything is measured, if a run file this gate would
    /// write (`runs` per side; `retest` for the runs of a load retest) is already there:
    /// earlier runs are never overwritten.
    pub fn prepare(dir: &Path, runs: usize) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        for side in ["current", "reference", "retest"] {
            for i in 1..=runs {
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
    if m.repeat() == 0 || m.repeat() > 100 {
        return Err(Error::Usage("--repeat must be 1-100".into()));
    }
    extra_work(m)?;
    m.idle()?;
    Ok(match (m.load, m.micro) {
        (false, false) => (true, true),
        other => other,
    })
}

/// `m.repeat()` load runs of this build, each with its own embedded service, kept as
/// `<side>-N.json`; the first of side `current` first watches the service idle (`--idle`).
fn load_runs(
    m: &MeasureArgs,
    target: Target,
    keep: Option<&KeepRuns>,
    side: &str,
) -> Result<Vec<RunResult>> {
    let plan = m.plan()?;
    let idle = m.idle()?;
    let mut runs = Vec::new();
    for i in 1..=m.repeat() {
        let mut config = LoadConfig::new(plan.clone(), target.clone());
        // The idle state is watched once, before the first run of this build (not in a retest).
        if i == 1 && side == "current" {
            config.idle = idle;
        }
        let run = crate::load::run(&config, |url| {
            eprintln!(
                "tta-bench: load repetition {i}/{} (profile {}) against {url}",
                m.repeat(),
                m.profile
            );
        })?;
        if let Some(keep) = keep {
            keep.save(side, i, &run)?;
        }
        runs.push(run);
    }
    Ok(runs)
}

/// `n` quick micro runs; the first also holds the cache hit-rate study at the sizes `budgets`
/// judges, and with `count` this build's instruction counts, with `extra` work injected.
fn micro_runs(
    n: usize,
    budgets: &dyn Budgets,
    count: bool,
    extra: &ExtraWork,
) -> Result<Vec<MicroRun>> {
    let mut runs = (1..=n)
        .map(|i| {
            if n > 1 {
                eprintln!("tta-bench: micro run {i}/{n} (quick)");
            }
            micro::run(
                &MicroConfig {
                    source: Source::Measure(Mode::Quick),
                    filter: None,
                    budget_scale: 1.0,
                },
                budgets,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let sizes = budgets.cache_sizes();
    if let Some(first) = runs.first_mut().filter(|_| !sizes.is_empty()) {
        let workload = crate::cache_study::Workload::from_env().map_err(Error::Usage)?;
        first.cache_study = Some(cache_study(&workload, &sizes)?);
        not_stopped()?;
    }
    if let Some(first) = runs.first_mut().filter(|_| count) {
        let own = std::env::current_exe().map_err(|e| Error::io("current executable", e))?;
        first.instructions = Some(count_instructions("this build", &own, extra));
        not_stopped()?;
    }
    Ok(runs)
}

/// The cache hit-rate study of `workload` at `sizes`, its progress on stderr.
pub(super) fn cache_study(
    workload: &crate::cache_study::Workload,
    sizes: &[(String, u64)],
) -> Result<crate::cache_study::CacheStudy> {
    crate::cache_study::run(workload, sizes, |line| eprintln!("tta-bench: {line}"))
        .map_err(Error::Usage)
}

/// An error once a stop signal was received: a count it cut short is no count.
fn not_stopped() -> Result<()> {
    crate::interrupt::received().map_or(Ok(()), |s| Err(Error::Interrupted(s)))
}

/// Counts `exe`'s instructions per micro operation ([`micro::count`]), saying what it does and,
/// when it cannot, why.
pub(super) fn count_instructions(
    which: &str,
    exe: &Path,
    extra: &ExtraWork,
) -> micro::count::Counting {
    eprintln!(
        "tta-bench: counting the instructions per call of {which}'s micro operations under callgrind"
    );
    let counting = micro::count::count(exe, None, extra);
    if let micro::count::Counting::Unavailable { reason } = &counting {
        eprintln!("tta-bench: instructions not counted: {reason}");
    }
    counting
}

/// Measures again, alone, the micro operations `names` that the quick run found over their
/// budgets: the retest that decides whether they fail ([`confirm`]).
pub(super) fn retest_micro(names: &[String], budgets: &dyn Budgets) -> Result<MicroRun> {
    eprintln!(
        "tta-bench: over budget in the quick micro run: {}; measuring again to confirm",
        names.join(", ")
    );
    micro::run(
        &MicroConfig {
            source: Source::Measure(Mode::Retest),
            filter: Some(confirm::filter(names)),
            budget_scale: 1.0,
        },
        budgets,
    )
}

/// Measures `m.repeat()` load runs again, after the `regressed` metrics failed against a stored
/// baseline: the retest that decides whether they fail ([`confirm`]). Kept as `retest-N.json`.
pub(super) fn retest_load(
    m: &MeasureArgs,
    regressed: &[CheckId],
    keep: Option<&KeepRuns>,
) -> Result<Vec<RunResult>> {
    let names: Vec<String> = regressed.iter().map(CheckId::to_string).collect();
    eprintln!(
        "tta-bench: regressed against the stored baseline: {}; measuring {} load runs again to confirm",
        names.join(", "),
        m.repeat()
    );
    let target = Target::Embedded {
        exe: None,
        faults: FaultConfig::try_from(&m.faults)?,
    };
    load_runs(m, target, keep, "retest")
}

/// Runs what `m` asks for: load repetitions (each with its own embedded service) and
/// `micro_runs` quick micro runs.
/// With `count`, the first micro run also holds this build's instruction counts (for a
/// baseline, or to judge against one).
pub(super) fn measure(
    m: &MeasureArgs,
    micro: usize,
    count: bool,
    budgets: &dyn Budgets,
    keep: Option<&KeepRuns>,
) -> Result<(Vec<RunResult>, Vec<MicroRun>)> {
    let (do_load, do_micro) = parts(m)?;
    let load = if do_load {
        let target = Target::Embedded {
            exe: None,
            faults: FaultConfig::try_from(&m.faults)?,
        };
        load_runs(m, target, keep, "current")?
    } else {
        Vec::new()
    };
    let micro = if do_micro {
        micro_runs(micro, budgets, count, &extra_work(m)?)?
    } else {
        Vec::new()
    };
    Ok((load, micro))
}

/// The `--inject-micro-work` of `m`, parsed.
fn extra_work(m: &MeasureArgs) -> Result<ExtraWork> {
    parse_extra_work(m.inject_micro_work.as_deref().unwrap_or(""))
        .map_err(|e| Error::Usage(format!("--inject-micro-work: {e}")))
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

/// The rounds an interleaved measurement of `m` makes with `block_s`-second blocks: as much
/// load per build as `--repeat` runs of the profile.
pub(super) fn interleaved_rounds(m: &MeasureArgs, block_s: u64) -> Result<Rounds> {
    parts(m)?;
    let plan = m.plan()?;
    Rounds::covering(&plan, m.repeat(), block_s)
}

/// What an interleaved measurement gives: the reference build's block runs and this build's,
/// paired by round (index i of both is round i + 1), and this build's micro runs.
pub(super) struct Interleaved {
    pub reference: Vec<RunResult>,
    /// The reference build's instruction counts (it times no micro operation).
    pub reference_micro: Vec<MicroRun>,
    pub current: Vec<RunResult>,
    pub micro: Vec<MicroRun>,
    pub shape: Rounds,
}

/// Like [`measure`], with this build's load measured against the build at `exe` in paired
/// rounds of `block_s`-second blocks ([`interleave`]). Only this build gets the fault injection.
pub(super) fn measure_against(
    m: &MeasureArgs,
    exe: &Path,
    block_s: u64,
    budgets: &dyn Budgets,
    keep: Option<&KeepRuns>,
) -> Result<Interleaved> {
    let (do_load, do_micro) = parts(m)?;
    if !do_load {
        return Err(Error::Usage(
            "--against compares load runs; it cannot be used with --micro alone".into(),
        ));
    }
    check_reference(exe)?;
    let shape = interleaved_rounds(m, block_s)?;
    let plan = m.plan()?;
    // This build's service runs from a copy of its binary too. Started from the harness's own
    // file, it shares the harness's code pages (and so their cache lines), which makes it
    // faster than the same build started from another file (docs/studies/gate-accuracy.md).
    let copy = tempfile::tempdir().map_err(|e| Error::io("temporary directory", e))?;
    let own = std::env::current_exe().map_err(|e| Error::io("current executable", e))?;
    let own_copy = copy.path().join("tta-bench-current");
    std::fs::copy(&own, &own_copy).map_err(|e| Error::io(&own, e))?;
    let services = [
        Service {
            name: "reference",
            exe: exe.to_path_buf(),
            faults: FaultConfig::default(),
        },
        Service {
            name: "current",
            exe: own_copy,
            faults: FaultConfig::try_from(&m.faults)?,
        },
    ];
    let order_seed: u64 = rand::random();
    eprintln!(
        "tta-bench: {} rounds of {}-s blocks (profile {}), the reference build ({}) and this one in random order each round (order seed {order_seed})",
        shape.rounds,
        shape.block_s,
        m.profile,
        exe.display()
    );
    let [reference, current] = interleave::run(
        &plan,
        &services,
        shape,
        order_seed,
        |round, order| {
            eprintln!(
                "tta-bench: round {round}/{}: {} then {}",
                shape.rounds, order[0], order[1]
            );
        },
        |block| match keep {
            Some(keep) => keep.save(block.service, block.round, block.run),
            None => Ok(()),
        },
    )?;
    let (micro, reference_micro) = if do_micro {
        let extra = extra_work(m)?;
        let mut micro = micro_runs(1, budgets, false, &extra)?;
        // Counts do not depend on what else runs, so both builds are counted at once.
        let (reference_counts, own_counts) = std::thread::scope(|s| {
            let reference =
                s.spawn(|| count_instructions("the reference build", exe, &ExtraWork::new()));
            let own = count_instructions("this build", &own, &extra);
            (reference.join(), own)
        });
        let reference_counts = reference_counts.map_err(|_| {
            Error::Process("counting the reference build's instructions panicked".into())
        })?;
        not_stopped()?;
        micro[0].instructions = Some(own_counts);
        (micro, vec![MicroRun::counted_only(reference_counts)])
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Interleaved {
        reference,
        reference_micro,
        current,
        micro,
        shape,
    })
}
