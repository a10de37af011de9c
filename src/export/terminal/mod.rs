//! Terminal tables (`tabled`).

use tabled::settings::object::Columns;
use tabled::settings::peaker::PriorityMax;
use tabled::settings::{Alignment, Style, Width};
use tabled::{Table, Tabled};

use super::units::{duration_ns, figure, ratio};
use super::{Document, Exporter};
use crate::error::Result;
use crate::micro::MicroRun;

mod cache_study;
mod capacity;
mod catalogue;
mod load;
mod sessions;
pub use capacity::capacity;
pub use catalogue::catalogue_table;
use load::load;

/// Terminal output. A verdict's table is fitted to `width` columns, when given, by wrapping
/// its widest columns (the detail first) at word boundaries: nothing is cut, only wrapped.
pub struct Terminal {
    pub width: Option<usize>,
}

impl Terminal {
    /// Fitted to the terminal on stdout; not fitted when stdout is no terminal, so logs and
    /// pipes keep one line per check.
    pub fn for_stdout() -> Self {
        use std::io::IsTerminal;
        let width = std::io::stdout()
            .is_terminal()
            .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .flatten();
        Self { width }
    }
}

impl Exporter for Terminal {
    fn render(&self, doc: Document<'_>) -> Result<String> {
        Ok(match doc {
            Document::Micro(run) => micro(run),
            Document::Load(run) => load(run),
            Document::Verdict(v, all) => verdict(v, all, self.width),
        })
    }
}

#[derive(Tabled)]
struct MicroRow {
    operation: String,
    mean: String,
    #[tabled(rename = "95% CI")]
    ci: String,
    budget: String,
    headroom: String,
    status: &'static str,
}

fn micro(run: &MicroRun) -> String {
    let rows = run.operations.iter().map(|o| MicroRow {
        operation: o.name.clone(),
        mean: duration_ns(o.mean_ns),
        ci: format!(
            "{} – {}",
            duration_ns(o.ci_low_ns),
            duration_ns(o.ci_high_ns)
        ),
        budget: o.budget_ns.map_or("-".into(), duration_ns),
        headroom: o.headroom.map_or("-".into(), ratio),
        status: match o.budget_status() {
            Some(crate::check::Status::Pass) => "ok",
            Some(crate::check::Status::Warn) => "over? CI reaches budget",
            Some(_) => "OVER BUDGET",
            None => "no budget",
        },
    });
    let mut table = Table::new(rows);
    table
        .with(Style::sharp())
        .modify(Columns::new(1..5), Alignment::right());
    let judged: Vec<_> = run
        .operations
        .iter()
        .filter(|o| o.headroom.is_some())
        .collect();
    let over = judged
        .iter()
        .filter(|o| o.within_budget == Some(false))
        .count();
    let tightest = judged.iter().min_by(|a, b| {
        a.headroom
            .unwrap_or(f64::MAX)
            .total_cmp(&b.headroom.unwrap_or(f64::MAX))
    });
    let scale = if run.settings.budget_scale == 1.0 {
        String::new()
    } else {
        format!(" (budgets × {})", run.settings.budget_scale)
    };
    let verdict = match (over, tightest) {
        (0, Some(t)) => format!(
            "PASS: {} operations within budget{scale}; least headroom {} ({})",
            judged.len(),
            ratio(t.headroom.unwrap_or(0.0)),
            t.name
        ),
        (0, None) => "PASS: no operation has a budget to check".to_string(),
        (n, _) => format!(
            "FAIL: {n} of {} operations over budget{scale}",
            judged.len()
        ),
    };
    let study = run
        .cache_study
        .as_ref()
        .map_or(String::new(), cache_study::cache_study);
    format!("{table}\n{verdict}\n{}{study}", instructions(run))
}

#[derive(Tabled)]
struct CountRow {
    operation: String,
    #[tabled(rename = "instructions per call")]
    instructions: String,
}

/// The instruction counts of a run that holds them, as a second table, or why there are none.
fn instructions(run: &MicroRun) -> String {
    use crate::micro::count::Counting;
    match &run.instructions {
        None => String::new(),
        Some(Counting::Unavailable { reason }) => format!("instructions not counted: {reason}\n"),
        Some(Counting::Counted {
            tool,
            iterations,
            per_call,
        }) => {
            let rows = per_call.iter().map(|(op, n)| CountRow {
                operation: op.clone(),
                instructions: format!("{n:.0}"),
            });
            let mut table = Table::new(rows);
            table
                .with(Style::sharp())
                .modify(Columns::new(1..2), Alignment::right());
            format!("{table}\ncounted under {tool}, up to {iterations} calls each\n")
        }
    }
}

#[derive(Tabled)]
struct CheckRow {
    status: &'static str,
    check: String,
    actual: String,
    limit: String,
    source: String,
}

fn status_word(s: crate::check::Status) -> &'static str {
    match s {
        crate::check::Status::Pass => "ok",
        crate::check::Status::Skipped => "skipped",
        crate::check::Status::Improved => "IMPROVED",
        crate::check::Status::Warn => "WARN",
        crate::check::Status::Fail => "FAIL",
    }
}

/// The verdict line first, then the failing and warning checks (all with `all`).
pub fn checks_table(checks: &[crate::check::Check], all: bool, width: Option<usize>) -> String {
    use crate::check::Status;
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let (fail, warn, improved) = (
        count(Status::Fail),
        count(Status::Warn),
        count(Status::Improved),
    );
    let verdict = if fail > 0 {
        format!(
            "FAIL: {fail} of {} checks failed ({warn} warnings)",
            checks.len()
        )
    } else {
        format!(
            "PASS: {} checks, {warn} warnings, {improved} improvements",
            checks.len()
        )
    };
    let rows: Vec<CheckRow> = checks
        .iter()
        .filter(|c| all || !matches!(c.status, Status::Pass | Status::Skipped))
        .map(|c| CheckRow {
            status: status_word(c.status),
            check: c.name(),
            actual: figure(c.actual, &c.unit),
            limit: format!(
                "{} {}{}",
                c.comparison,
                figure(c.limit, &c.unit),
                c.warning
                    .map_or(String::new(), |w| format!(" (warn {})", figure(w, &c.unit)))
            ),
            source: c.detail.clone().unwrap_or_else(|| c.source.clone()),
        })
        .collect();
    if rows.is_empty() {
        return format!("{verdict}\n");
    }
    let mut table = Table::new(rows);
    sharp_within(&mut table, width);
    format!("{verdict}\n{table}\n")
}

/// Sharp borders, fitted to `width` when given by wrapping the widest columns, rightmost
/// first, at word boundaries.
fn sharp_within(table: &mut Table, width: Option<usize>) {
    table.with(Style::sharp());
    if let Some(width) = width {
        table.with(
            Width::wrap(width)
                .priority(PriorityMax::right())
                .keep_words(true),
        );
    }
}

fn verdict(v: &crate::verdict::Verdict, all: bool, width: Option<usize>) -> String {
    let table = checks_table(&v.checks, all, width);
    let (first, rest) = table.split_once('\n').unwrap_or((&table, ""));
    let line = |text: String, indent: usize| match width {
        Some(w) => wrap_words(&text, w, indent),
        None => text + "\n",
    };
    let mut out = format!("{first}\n");
    let base = v.baseline.as_ref().map_or("no baseline".to_string(), |b| {
        format!("baseline {} ({})", b.label, b.file)
    });
    out.push_str(&line(
        format!(
            "{}{}, {} micro runs; {base}",
            v.load_runs_described(),
            v.profile
                .as_ref()
                .map_or(String::new(), |p| format!(" of profile {p}")),
            v.micro_repetitions
        ),
        0,
    ));
    for note in &v.notes {
        out.push_str(&line(format!("note: {note}"), "note: ".len()));
    }
    out.push_str(rest);
    out
}

/// `text` broken at spaces into lines of at most `width` characters (a word longer than that
/// stands alone on its line), the lines after the first indented by `indent`.
fn wrap_words(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > indent && len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
        } else if len > 0 && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}
