//! Markdown for a CI step summary or a PR comment: the verdict line first, then notes, then only
//! the failing, warning and changed checks (all of them with `--all`).

use super::{Document, Exporter};
use crate::check::Status;
use crate::error::{Error, Result};

pub struct Markdown;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Exporter for Markdown {
    fn render(&self, doc: Document<'_>) -> Result<String> {
        let Document::Verdict(v, all) = doc else {
            return Err(Error::Usage(
                "Markdown output is for verdicts (check, gate)".into(),
            ));
        };
        let count = |s: Status| v.checks.iter().filter(|c| c.status == s).count();
        let mut out = match v.outcome {
            crate::verdict::Outcome::Pass => format!(
                "## ✅ tta-bench: PASS\n\n{} checks passed ({} warnings, {} improvements).\n",
                v.checks.len(),
                count(Status::Warn),
                count(Status::Improved)
            ),
            crate::verdict::Outcome::Fail => format!(
                "## ❌ tta-bench: FAIL\n\n{} of {} checks failed ({} warnings).\n",
                count(Status::Fail),
                v.checks.len(),
                count(Status::Warn)
            ),
        };
        out.push_str(&format!(
            "\n{}{}, {} micro runs; baseline: {}.\n",
            v.load_runs_described(),
            v.profile
                .as_ref()
                .map_or(String::new(), |p| format!(" of profile `{p}`")),
            v.micro_repetitions,
            v.baseline.as_ref().map_or("none".to_string(), |b| format!(
                "`{}` ({})",
                b.label, b.created
            ))
        ));
        for n in &v.notes {
            out.push_str(&format!("\n> **Note:** {}\n", cell(&n.text)));
        }
        let rows: Vec<_> = v
            .checks
            .iter()
            .filter(|c| all || !matches!(c.status, Status::Pass | Status::Skipped))
            .collect();
        if !rows.is_empty() {
            out.push_str("\n| status | check | actual | limit | detail |\n|---|---|---|---|---|\n");
            for c in rows {
                let status = match c.status {
                    Status::Pass => "ok",
                    Status::Skipped => "skipped",
                    Status::Improved => "improved",
                    Status::Warn => "**warn**",
                    Status::Fail => "**FAIL**",
                };
                out.push_str(&format!(
                    "| {status} | {} | {:.3} {} | {} {:.3} | {} |\n",
                    cell(&c.name()),
                    c.actual,
                    c.unit,
                    c.comparison,
                    c.limit,
                    cell(c.detail.as_deref().unwrap_or(&c.source))
                ));
            }
        }
        Ok(out)
    }
}
