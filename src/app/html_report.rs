//! `tta-bench report`, and the page of one run that `load --html` and `micro --html` write.

use std::path::{Path, PathBuf};

use super::delivery::{read_history, render_html, resolve_baseline};
use super::emit;
use crate::cli::{HtmlArgs, ReportArgs};
use crate::error::{Error, Result};
use crate::gate::judge;
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::saved::{SavedJson, SavedRun, split};
use crate::sla::Thresholds;
use crate::verdict::Outcome;
use crate::verdict::{Note, NoteKind};
use crate::verdict::{Pairing, Verdict};

/// Reads a saved verdict strictly: right kind, supported schema version, no unknown fields.
fn load_verdict(file: &SavedJson) -> Result<Verdict> {
    file.require_version("verdict", crate::verdict::SCHEMA_VERSION)?;
    file.parse()
}

fn default_dir() -> PathBuf {
    let stamp = crate::timefmt::now_rfc3339();
    // 2026-11-23T16:45:01Z → 2026-11-23T164501Z: no colons, which some file systems refuse.
    PathBuf::from("reports").join(stamp.replace(':', ""))
}

pub fn report(a: &ReportArgs) -> Result<Outcome> {
    let thresholds = Thresholds::load(&a.judge.thresholds)?;
    let mut verdict = None;
    let mut runs = Vec::new();
    for path in &a.inputs {
        let file = SavedJson::read(path)?;
        if file.kind() == Some("verdict") {
            if verdict.is_some() {
                return Err(Error::Usage(format!(
                    "{}: a report takes at most one verdict",
                    path.display()
                )));
            }
            verdict = Some(load_verdict(&file)?);
        } else {
            runs.push(SavedRun::from_json(&file)?);
        }
    }
    let (load, micro) = split(runs, "report")?;
    let baseline = resolve_baseline(&a.judge)?;
    let verdict = match verdict {
        Some(v) => v,
        None => judge(
            &load,
            &micro,
            &thresholds,
            baseline.as_ref().map(|(b, p)| (b, p.as_path())),
            Pairing::Stored,
        ),
    };
    let html = render_html(
        &verdict,
        &load,
        &micro,
        baseline.as_ref().map(|(b, _)| b),
        &thresholds,
        &read_history(&a.judge.baselines_dir),
    )?;
    let dir = a.out.clone().unwrap_or_else(default_dir);
    let path = crate::report::write_index(&dir, &html)?;
    emit(&format!(
        "{} ({} KiB; verdict {})\n",
        path.display(),
        html.len().div_ceil(1024),
        match verdict.outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
        }
    ))?;
    Ok(Outcome::Pass)
}

/// The thresholds a `--html` report of load or micro judges against, read before the run so
/// a bad file costs no measurement; `None` without `--html`.
pub(super) fn thresholds_for(a: &HtmlArgs) -> Result<Option<Thresholds>> {
    a.html
        .as_ref()
        .map(|_| Thresholds::load(&a.thresholds))
        .transpose()
}

/// Writes the `--html` report of one load or micro run, if asked for.
pub(super) fn single(
    a: &HtmlArgs,
    thresholds: Option<&Thresholds>,
    load: &[RunResult],
    micro: &[MicroRun],
) -> Result<()> {
    let (Some(dir), Some(thresholds)) = (&a.html, thresholds) else {
        return Ok(());
    };
    let mut verdict = judge(load, micro, thresholds, None, Pairing::Stored);
    verdict.notes.retain(|n| n.kind != NoteKind::NoBaseline);
    verdict.notes.insert(
        0,
        Note::new(
            NoteKind::SingleRun,
            format!(
                "the report of one run, judged against {} without a baseline (use check or gate for regressions)",
                a.thresholds.display()
            ),
        ),
    );
    let html = render_html(
        &verdict,
        load,
        micro,
        None,
        thresholds,
        &read_history(Path::new("baselines")),
    )?;
    let path = crate::report::write_index(dir, &html)?;
    eprintln!("tta-bench: report written to {}", path.display());
    Ok(())
}
