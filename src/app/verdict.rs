//! The verdict commands: check, gate and baseline.

use std::path::{Path, PathBuf};

use super::measure::{
    KeepRuns, check_reference, interleaved_rounds, measure, measure_against, retest_load,
    retest_micro,
};
use super::{Outcome, emit};
use crate::baseline::{Baseline, Store};
use crate::check::SavedRun;
use crate::cli::{BaselineCommand, CheckArgs, GateArgs, JudgeArgs, VerdictOutputArgs};
use crate::error::{Error, Result};
use crate::export::json::Json;
use crate::export::junit::Junit;
use crate::export::markdown::Markdown;
use crate::export::terminal::Terminal;
use crate::export::{Document, Exporter};
use crate::fsutil::write_atomic;
use crate::gate::{Pairing, Verdict, confirm, judge, judge_in};
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::sla::Thresholds;

/// The baseline to compare with: `none`, `current` (absent pointer → none), or a file.
pub(super) fn resolve_baseline(j: &JudgeArgs) -> Result<Option<(Baseline, PathBuf)>> {
    if j.baseline == "none" {
        return Ok(None);
    }
    let store = Store::new(&j.baselines_dir);
    match store.resolve(&j.baseline)? {
        None => Ok(None),
        Some(path) => Ok(Some((Baseline::load(&path)?, path))),
    }
}

/// Writes the requested files (atomically, all rendered before any is written), prints the
/// verdict, and maps it to an exit outcome. `html` is the rendered report, when asked for.
pub(super) fn deliver(v: &Verdict, o: &VerdictOutputArgs, html: Option<String>) -> Result<Outcome> {
    let doc = Document::Verdict(v, o.all);
    let index = o.html.as_ref().map(|dir| dir.join("index.html"));
    let mut files: Vec<(&PathBuf, String)> = Vec::new();
    if let (Some(path), Some(html)) = (&index, html) {
        files.push((path, html));
    }
    if let Some(p) = &o.json {
        files.push((p, Json.render(doc)?));
    }
    if let Some(p) = &o.markdown {
        files.push((p, Markdown.render(doc)?));
    }
    if let Some(p) = &o.junit {
        files.push((p, Junit.render(doc)?));
    }
    for (path, text) in files {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        write_atomic(path, text.as_bytes())?;
    }
    if let Some(index) = &index {
        eprintln!("tta-bench: report written to {}", index.display());
    }
    emit(&Terminal.render(doc)?)?;
    Ok(match v.outcome {
        crate::verdict::Outcome::Pass => Outcome::Pass,
        crate::verdict::Outcome::Fail => Outcome::Fail,
    })
}

/// Judges the runs against the thresholds and the baseline, then delivers the verdict.
fn conclude(
    load: &[RunResult],
    micro: &[MicroRun],
    thresholds: &Thresholds,
    baseline: Option<&(Baseline, PathBuf)>,
    o: &VerdictOutputArgs,
    pairing: Pairing,
) -> Result<Outcome> {
    let v = judge(
        load,
        micro,
        thresholds,
        baseline.map(|(b, p)| (b, p.as_path())),
        pairing,
    );
    finish(&v, load, micro, baseline, thresholds, o)
}

/// Renders the report when asked for, and delivers the verdict `v` on these runs.
fn finish(
    v: &Verdict,
    load: &[RunResult],
    micro: &[MicroRun],
    baseline: Option<&(Baseline, PathBuf)>,
    thresholds: &Thresholds,
    o: &VerdictOutputArgs,
) -> Result<Outcome> {
    let html = match &o.html {
        None => None,
        Some(_) => Some(super::report::render(
            v,
            load,
            micro,
            baseline.map(|(b, _)| b),
            thresholds,
            &o.judge.baselines_dir,
        )?),
    };
    deliver(v, o, html)
}

pub(super) fn split(runs: Vec<SavedRun>, origin: &str) -> Result<(Vec<RunResult>, Vec<MicroRun>)> {
    let mut load = Vec::new();
    let mut micro = Vec::new();
    for r in runs {
        match r {
            SavedRun::Load(l) => load.push(*l),
            SavedRun::Micro(m) => micro.push(*m),
        }
    }
    if let Some(first) = load.first()
        && let Some(other) = load.iter().find(|r| r.profile_name != first.profile_name)
    {
        return Err(Error::Usage(format!(
            "{origin}: load runs of profiles {} and {} cannot be repetitions of one another",
            first.profile_name, other.profile_name
        )));
    }
    Ok((load, micro))
}

pub fn check(a: &CheckArgs) -> Result<Outcome> {
    let thresholds = Thresholds::load(&a.output.judge.thresholds)?;
    let runs = a
        .runs
        .iter()
        .map(|p| SavedRun::load(p))
        .collect::<Result<Vec<_>>>()?;
    let (load, micro) = split(runs, "check")?;
    let baseline = resolve_baseline(&a.output.judge)?;
    conclude(
        &load,
        &micro,
        &thresholds,
        baseline.as_ref(),
        &a.output,
        Pairing::Stored,
    )
}

pub fn gate(a: &GateArgs) -> Result<Outcome> {
    // Inputs first: a bad thresholds file, baseline, reference build or runs directory must
    // not cost a measurement, nor leave a directory behind.
    let thresholds = Thresholds::load(&a.output.judge.thresholds)?;
    let baseline = match &a.against {
        None => resolve_baseline(&a.output.judge)?,
        Some(exe) => {
            check_reference(exe)?;
            None
        }
    };
    // With --against, the runs kept are the blocks of each round.
    let kept_per_side = match &a.against {
        None => a.measure.repeat,
        Some(_) => interleaved_rounds(&a.measure, a.block)?.rounds,
    };
    let keep = a
        .keep_runs
        .as_deref()
        .map(|dir| KeepRuns::prepare(dir, kept_per_side))
        .transpose()?;
    let (load, micro, baseline, pairing, notes) = match &a.against {
        None => {
            let (load, micro) = measure(&a.measure, 1, keep.as_ref())?;
            (load, micro, baseline, Pairing::Stored, Vec::new())
        }
        Some(exe) => {
            let runs = measure_against(&a.measure, exe, a.block, keep.as_ref())?;
            let mut reference =
                Baseline::new("reference build, interleaved", runs.reference, Vec::new());
            // The working tree's commit is this build's, not the reference's.
            reference.git_commit = None;
            let note = format!(
                "regressions judged against {}: {} rounds of one {}-s block of each build, in random order each round; each metric's change is the Hodges-Lehmann estimate of the rounds' differences, its significance a paired Wilcoxon signed-rank test; micro regressions are not judged in this mode",
                exe.display(),
                runs.shape.rounds,
                runs.shape.block_s
            );
            let baseline = Some((reference, exe.clone()));
            (
                runs.current,
                runs.micro,
                baseline,
                Pairing::Interleaved,
                vec![note],
            )
        }
    };
    let judged_against = baseline.as_ref().map(|(b, p)| (b, p.as_path()));
    let mut v = judge(&load, &micro, &thresholds, judged_against, pairing);
    v.notes.extend(notes);
    let over = confirm::failed_micro(&v);
    if !over.is_empty() {
        confirm::apply_micro(&mut v, &retest_micro(&over)?, &thresholds);
    }
    let regressed = confirm::failed_regressions(&v);
    if pairing == Pairing::Stored && !regressed.is_empty() {
        let again = retest_load(&a.measure, &regressed, keep.as_ref())?;
        let second = judge_in(
            v.environment.clone(),
            &again,
            &[],
            &thresholds,
            judged_against,
            pairing,
        );
        confirm::apply_regressions(&mut v, &second);
    }
    finish(&v, &load, &micro, baseline.as_ref(), &thresholds, &a.output)
}

fn load_named(store: &Store, name: &str) -> Result<(Baseline, PathBuf)> {
    let path = store
        .resolve(name)?
        .ok_or_else(|| Error::Usage(format!("{}: no current baseline yet", store.dir.display())))?;
    Ok((Baseline::load(&path)?, path))
}

fn describe(b: &Baseline, path: &Path, current: bool) -> String {
    let profile = b
        .load_runs
        .first()
        .map_or("-".to_string(), |r| r.profile_name.clone());
    format!(
        "{}{}  label {}  created {}  profile {}  {} load + {} micro runs  calibration {:.0}/s  commit {}",
        if current { "* " } else { "  " },
        path.file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        b.label,
        b.created,
        profile,
        b.load_runs.len(),
        b.micro_runs.len(),
        b.calibration.score,
        b.git_commit
            .as_deref()
            .map_or("unknown", |c| &c[..c.len().min(12)])
    )
}

pub fn baseline(c: &BaselineCommand) -> Result<Outcome> {
    match c {
        BaselineCommand::Save {
            label,
            from,
            measure: m,
            baselines_dir,
            force,
            promote,
        } => {
            let store = Store::new(baselines_dir);
            let (load, micro) = if from.is_empty() {
                measure(m, 1, None)?
            } else {
                split(
                    from.iter()
                        .map(|p| SavedRun::load(p))
                        .collect::<Result<Vec<_>>>()?,
                    "--from",
                )?
            };
            let b = Baseline::new(label, load, micro);
            let path = store.save(&b, *force)?;
            if *promote {
                store.promote(&path)?;
            }
            emit(&format!(
                "{}{}\n",
                path.display(),
                if *promote { " (now current)" } else { "" }
            ))?;
            Ok(Outcome::Pass)
        }
        BaselineCommand::List { baselines_dir } => {
            let store = Store::new(baselines_dir);
            let current = store.resolve("current")?;
            let mut out = String::new();
            for path in store.list()? {
                let b = Baseline::load(&path)?;
                out.push_str(&describe(&b, &path, current.as_ref() == Some(&path)));
                out.push('\n');
            }
            if out.is_empty() {
                out = format!("{}: no baselines\n", baselines_dir.display());
            }
            emit(&out)?;
            Ok(Outcome::Pass)
        }
        BaselineCommand::Show {
            name,
            baselines_dir,
        } => {
            let store = Store::new(baselines_dir);
            let (b, path) = load_named(&store, name)?;
            let mut out = describe(&b, &path, false).trim_start().to_string();
            out.push('\n');
            if let Some(pooled) = crate::gate::pool(&b.load_runs) {
                out.push_str(&Terminal.render(Document::Load(&pooled))?);
            }
            if let Some(m) = b.micro_runs.first() {
                out.push_str(&Terminal.render(Document::Micro(m))?);
            }
            emit(&out)?;
            Ok(Outcome::Pass)
        }
        BaselineCommand::Promote {
            name,
            baselines_dir,
        } => {
            let store = Store::new(baselines_dir);
            let (_, path) = load_named(&store, name)?;
            store.promote(&path)?;
            emit(&format!("current → {}\n", path.display()))?;
            Ok(Outcome::Pass)
        }
        BaselineCommand::Refresh(a) => super::refresh::refresh(a),
        BaselineCommand::Compare { a, b, output } => {
            let thresholds = Thresholds::load(&output.judge.thresholds)?;
            let store = Store::new(&output.judge.baselines_dir);
            let base = load_named(&store, a)?;
            let (cur, _) = load_named(&store, b)?;
            conclude(
                &cur.load_runs,
                &cur.micro_runs,
                &thresholds,
                Some(&base),
                output,
                Pairing::Stored,
            )
        }
    }
}
