//! What the judging commands share: the baseline to judge against, the HTML report, and
//! the delivery of a verdict to the terminal and the requested files.

use std::path::{Path, PathBuf};

use super::emit;
use crate::baseline::{Baseline, BaselineStore};
use crate::cli::{JudgeArgs, VerdictOutputArgs};
use crate::error::{Error, Result};
use crate::export::json::Json;
use crate::export::junit::Junit;
use crate::export::markdown::Markdown;
use crate::export::terminal::Terminal;
use crate::export::{Document, Exporter};
use crate::fsutil::write_atomic;
use crate::gate::judge;
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::sla::Thresholds;
use crate::verdict::Outcome;
use crate::verdict::{Pairing, Verdict};

/// The baseline to compare with: `none`, `current` (absent pointer → none), or a file.
pub(super) fn resolve_baseline(j: &JudgeArgs) -> Result<Option<(Baseline, PathBuf)>> {
    if j.baseline == "none" {
        return Ok(None);
    }
    let store = BaselineStore::new(&j.baselines_dir);
    match store.resolve(&j.baseline)? {
        None => Ok(None),
        Some(path) => Ok(Some((Baseline::load(&path)?, path))),
    }
}

/// The dated baselines of `dir` for the report's trend, oldest first; files that cannot be
/// read are left out with a note on stderr.
pub(super) fn read_history(dir: &Path) -> Vec<Baseline> {
    let (history, notes) = crate::report::history(dir);
    for n in notes {
        eprintln!("tta-bench: note: {n}");
    }
    history
}

/// Renders the report of a verdict, what it judged, and the trend across `history`.
pub(super) fn render_html(
    verdict: &Verdict,
    load: &[RunResult],
    micro: &[MicroRun],
    baseline: Option<&Baseline>,
    thresholds: &Thresholds,
    history: &[Baseline],
) -> Result<String> {
    crate::report::render(&crate::report::Report {
        verdict,
        load,
        micro,
        baseline,
        thresholds,
        history,
    })
}

/// Writes the requested files (atomically, all rendered before any is written), prints the
/// verdict, and maps it to an exit outcome. `html` is the rendered report, when asked for.
pub(super) fn deliver(v: &Verdict, o: &VerdictOutputArgs, html: Option<String>) -> Result<Outcome> {
    let doc = Document::Verdict(v, o.all);
    let index = o.html.as_deref().map(crate::report::index_path);
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
    emit(&Terminal::for_stdout().render(doc)?)?;
    Ok(v.outcome)
}

/// Judges the runs against the thresholds and the baseline, then delivers the verdict.
pub(super) fn conclude(
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
pub(super) fn finish(
    v: &Verdict,
    load: &[RunResult],
    micro: &[MicroRun],
    baseline: Option<&(Baseline, PathBuf)>,
    thresholds: &Thresholds,
    o: &VerdictOutputArgs,
) -> Result<Outcome> {
    let html = match &o.html {
        None => None,
        Some(_) => Some(render_html(
            v,
            load,
            micro,
            baseline.map(|(b, _)| b),
            thresholds,
            &read_history(&o.judge.baselines_dir),
        )?),
    };
    let outcome = deliver(v, o, html)?;
    if o.catalogue {
        let rows = crate::catalogue::rows(&thresholds.catalogue, v);
        emit(&format!(
            "\n{}",
            crate::export::terminal::catalogue_table(&rows, Terminal::for_stdout().width)
        ))?;
    }
    Ok(outcome)
}
