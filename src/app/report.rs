//! `tta-bench report`, and the HTML written by `--html` on check and gate.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Outcome, emit};
use crate::baseline::Baseline;
use crate::check::SavedRun;
use crate::cli::{HtmlArgs, ReportArgs};
use crate::error::{Error, Result};
use crate::gate::{Pairing, Verdict, judge};
use crate::micro::MicroRun;
use crate::run::RunResult;
use crate::sla::Thresholds;

/// Renders the report of a verdict and what it judged; the trend comes from `baselines_dir`.
pub(super) fn render(
    verdict: &Verdict,
    load: &[RunResult],
    micro: &[MicroRun],
    baseline: Option<&Baseline>,
    thresholds: &Thresholds,
    baselines_dir: &Path,
) -> Result<String> {
    let (history, notes) = crate::report::history(baselines_dir);
    for n in notes {
        eprintln!("tta-bench: note: {n}");
    }
    crate::report::render(&crate::report::Report {
        verdict,
        load,
        micro,
        baseline,
        thresholds,
        history: &history,
    })
}

/// Reads a saved verdict strictly: right kind, supported schema version, no unknown fields.
fn load_verdict(path: &Path, value: Value, text: &str) -> Result<Verdict> {
    let origin = path.display().to_string();
    let version = value.get("schema_version").and_then(Value::as_u64);
    if version != Some(crate::gate::SCHEMA_VERSION as u64) {
        return Err(Error::Invalid {
            origin,
            message: format!(
                "schema_version {} of a verdict is not supported (this tool reads {})",
                version.map_or("missing".into(), |v| v.to_string()),
                crate::gate::SCHEMA_VERSION
            ),
        });
    }
    serde_json::from_str(text).map_err(|e| Error::json(&origin, &e))
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
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| Error::json(path.display().to_string(), &e))?;
        if value.get("kind").and_then(Value::as_str) == Some("verdict") {
            if verdict.is_some() {
                return Err(Error::Usage(format!(
                    "{}: a report takes at most one verdict",
                    path.display()
                )));
            }
            verdict = Some(load_verdict(path, value, &text)?);
        } else {
            runs.push(SavedRun::load(path)?);
        }
    }
    let (load, micro) = super::verdict::split(runs, "report")?;
    let baseline = super::verdict::resolve_baseline(&a.judge)?;
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
    let html = render(
        &verdict,
        &load,
        &micro,
        baseline.as_ref().map(|(b, _)| b),
        &thresholds,
        &a.judge.baselines_dir,
    )?;
    let dir = a.out.clone().unwrap_or_else(default_dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join("index.html");
    crate::fsutil::write_atomic(&path, html.as_bytes())?;
    emit(&format!(
        "{} ({} KiB; verdict {})\n",
        path.display(),
        html.len().div_ceil(1024),
        match verdict.outcome {
            crate::verdict::Outcome::Pass => "PASS",
            crate::verdict::Outcome::Fail => "FAIL",
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
    verdict.notes.retain(|n| !n.starts_with("no baseline"));
    verdict.notes.insert(
        0,
        format!(
            "the report of one run, judged against {} without a baseline (use check or gate for regressions)",
            a.thresholds.display()
        ),
    );
    let html = render(
        &verdict,
        load,
        micro,
        None,
        thresholds,
        Path::new("baselines"),
    )?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join("index.html");
    crate::fsutil::write_atomic(&path, html.as_bytes())?;
    eprintln!("tta-bench: report written to {}", path.display());
    Ok(())
}
