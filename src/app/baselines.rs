//! `tta-bench baseline`: save, list, show, promote, compare and refresh dated baselines.

use std::path::{Path, PathBuf};

use super::delivery::conclude;
use super::emit;
use super::measure::measure;
use crate::baseline::{Baseline, BaselineStore};
use crate::cli::BaselineCommand;
use crate::error::{Error, Result};
use crate::export::terminal::Terminal;
use crate::export::{Document, Exporter};
use crate::saved::{read_runs, split};
use crate::sla::Thresholds;
use crate::verdict::Outcome;
use crate::verdict::Pairing;

fn load_named(store: &BaselineStore, name: &str) -> Result<(Baseline, PathBuf)> {
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

pub(super) fn run(c: &BaselineCommand) -> Result<Outcome> {
    match c {
        BaselineCommand::Save {
            label,
            from,
            measure: m,
            baselines_dir,
            force,
            promote,
        } => {
            let store = BaselineStore::new(baselines_dir);
            let (load, micro) = if from.is_empty() {
                measure(&m.for_baseline(), 1, true, Thresholds::shipped(), None)?
            } else {
                split(read_runs(from)?, "--from")?
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
            let store = BaselineStore::new(baselines_dir);
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
            let store = BaselineStore::new(baselines_dir);
            let (b, path) = load_named(&store, name)?;
            let mut out = describe(&b, &path, false).trim_start().to_string();
            out.push('\n');
            if let Some(pooled) = crate::gate::pool(&b.load_runs) {
                out.push_str(&Terminal::for_stdout().render(Document::Load(&pooled))?);
            }
            if let Some(m) = b.micro_runs.first() {
                out.push_str(&Terminal::for_stdout().render(Document::Micro(m))?);
            }
            emit(&out)?;
            Ok(Outcome::Pass)
        }
        BaselineCommand::Promote {
            name,
            baselines_dir,
        } => {
            let store = BaselineStore::new(baselines_dir);
            let (_, path) = load_named(&store, name)?;
            store.promote(&path)?;
            emit(&format!("current → {}\n", path.display()))?;
            Ok(Outcome::Pass)
        }
        BaselineCommand::Refresh(a) => super::refresh::refresh(a),
        BaselineCommand::Compare { a, b, output } => {
            let thresholds = Thresholds::load(&output.judge.thresholds)?;
            let store = BaselineStore::new(&output.judge.baselines_dir);
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
