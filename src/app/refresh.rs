//! `tta-bench baseline refresh`: the quarterly baseline refresh.

use std::io::{BufRead, IsTerminal, Write};

use super::emit;
use crate::baseline::{Baseline, BaselineStore};
use crate::check::{CheckKind, Status};
use crate::cli::RefreshArgs;
use crate::error::{Error, Result};
use crate::gate::judge;
use crate::sla::Thresholds;
use crate::verdict::Outcome;
use crate::verdict::Pairing;

/// The trend of every dated baseline, oldest first, as a terminal table.
fn trend_table(history: &[Baseline]) -> String {
    let points = crate::report::trend(history, &[], &[]);
    let cell = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("-".to_string(), f);
    let mut out = format!(
        "{:<32} {:>14} {:>12} {:>16} {:>12}\n",
        "baseline", "p95 all routes", "throughput", "server RSS peak", "init/cold"
    );
    for p in points {
        out.push_str(&format!(
            "{:<32} {:>14} {:>12} {:>16} {:>12}\n",
            p.label,
            cell(p.p95_ms, &|v| crate::export::units::duration_ns(v * 1e6)),
            cell(p.throughput_rps, &|v| format!("{v:.1} req/s")),
            cell(p.server_rss_mib, &|v| format!("{v:.1} MiB")),
            cell(p.init_cold_ns, &crate::export::units::duration_ns),
        ));
    }
    out
}

/// Asks on the terminal; anything but y or yes is no.
fn confirm(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

pub fn refresh(a: &RefreshArgs) -> Result<Outcome> {
    if a.micro_repeat > 100 {
        return Err(Error::Usage("--micro-repeat must be 0-100".into()));
    }
    // Everything that can be refused is refused before the measurement, which takes minutes.
    let thresholds = Thresholds::load(&a.output.judge.thresholds)?;
    let previous = super::delivery::resolve_baseline(&a.output.judge)?;
    let store = BaselineStore::new(&a.output.judge.baselines_dir);
    let today = crate::timefmt::now_rfc3339();
    store.target(&today[..10], &a.label, a.force)?;

    let (load, micro) = super::measure::measure(
        &a.measure.for_baseline(),
        a.micro_repeat,
        true,
        &thresholds,
        None,
    )?;
    let new = Baseline::new(&a.label, load, micro);
    let path = store.save(&new, a.force)?;
    eprintln!("tta-bench: saved {}", path.display());

    let verdict = judge(
        &new.load_runs,
        &new.micro_runs,
        &thresholds,
        previous.as_ref().map(|(b, p)| (b, p.as_path())),
        Pairing::Stored,
    );
    let history = super::delivery::read_history(&store.dir);
    let mut text = format!(
        "Trend across baselines (oldest first):\n{}\n",
        trend_table(&history)
    );
    match &previous {
        None => text.push_str("No current baseline to compare with.\n"),
        Some((b, p)) => {
            text.push_str(&format!(
                "Changes against {} ({}), each metric's change and one-sided Mann-Whitney p-values:\n",
                b.label,
                p.display()
            ));
            for c in verdict
                .checks
                .iter()
                .filter(|c| c.kind() == CheckKind::Regression && c.status != Status::Skipped)
            {
                text.push_str(&format!(
                    "  {}: {}\n",
                    c.name(),
                    c.detail.as_deref().unwrap_or("")
                ));
            }
        }
    }
    emit(&(text + "\n"))?;

    let html = super::delivery::render_html(
        &verdict,
        &new.load_runs,
        &new.micro_runs,
        previous.as_ref().map(|(b, _)| b),
        &thresholds,
        &history,
    )?;
    // The verdict of the new baseline against the previous one, and its report (to --html, or
    // a dated directory); a refresh records rather than gates, so it exits 0 whatever the verdict.
    if a.output.html.is_some() {
        super::delivery::deliver(&verdict, &a.output, Some(html))?;
    } else {
        let dir = std::path::PathBuf::from("reports")
            .join(format!("baseline-refresh-{}", today.replace(':', "")));
        let index = crate::report::write_index(&dir, &html)?;
        eprintln!("tta-bench: report written to {}", index.display());
        super::delivery::deliver(&verdict, &a.output, None)?;
    }

    let promote = if a.yes {
        true
    } else if std::io::stdin().is_terminal() {
        confirm(&format!("Make {} the current baseline?", path.display()))
    } else {
        false
    };
    if promote {
        store.promote(&path)?;
        emit(&format!("current → {}\n", path.display()))?;
    } else {
        emit(&format!(
            "current unchanged; to move it: tta-bench baseline promote {}\n",
            path.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        ))?;
    }
    Ok(Outcome::Pass)
}
