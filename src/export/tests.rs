//! Every exporter pinned on one fixed verdict (snapshots in `snapshots/`, reviewed with
//! `cargo insta review`), as hyperfine pins its exporters.

use super::json::Json;
use super::junit::Junit;
use super::markdown::Markdown;
use super::terminal::Terminal;
use super::{Document, Exporter};
use crate::check::{Check, CheckId, Status, Subject};
use crate::environment::Environment;
use crate::verdict::{BaselineRef, Note, NoteKind, Outcome, Pairing, SCHEMA_VERSION, Verdict};

fn regression(subject: Subject, status: Status, actual: f64, detail: &str) -> Check {
    Check {
        id: CheckId::regression(subject),
        unit: "ms".into(),
        actual,
        comparison: "<=".into(),
        warning: None,
        limit: 10.0,
        status,
        source: "AI therapist performance benchmarks: regression limit +10 % latency".into(),
        detail: Some(detail.into()),
    }
}

/// A verdict with a failure, a warning, an improvement, a pass and a skip, two notes and a
/// baseline: every branch the exporters take.
fn verdict() -> Verdict {
    let route = "POST /api/patient/sessions/{id}/choices";
    let mut micro = Check::sla(
        Subject::MicroOperation("init/cold".into()),
        "ns",
        5_400_000.0,
        None,
        5_000_000.0,
        "TTA therapeutic systems benchmarks: system initialization < 5 ms (~2 ms average)",
        Status::Warn,
    );
    micro.detail = Some(
        "95% confidence interval 4900000–5900000 ns: reaches the budget, so not significantly over it"
            .into(),
    );
    let checks = vec![
        Check::sla(
            Subject::Route(route.into()),
            "ms",
            1.84,
            Some(200.0),
            500.0,
            "AI therapist performance benchmarks: session operations p95 < 500 ms",
            Status::Pass,
        ),
        micro,
        regression(
            Subject::Route(route.into()),
            Status::Fail,
            0.93,
            "+17.2 % vs baseline 0.794 ms (limit 10 %); Wilcoxon signed-rank p = 0.0001 worse, 0.9999 better, Holm over 9 metrics at 95 %; 40 paired rounds",
        ),
        regression(
            Subject::AllRoutes,
            Status::Improved,
            1.1,
            "-12.0 % vs baseline 1.250 ms (limit 10 %); Wilcoxon signed-rank p = 0.9990 worse, 0.0010 better, Holm over 9 metrics at 95 %; 40 paired rounds",
        ),
        regression(
            Subject::Route("GET /api/clinical/alerts".into()),
            Status::Skipped,
            2.0,
            "as few as 3 requests in a block; at least 10 are needed",
        ),
    ];
    Verdict {
        schema_version: SCHEMA_VERSION,
        kind: "verdict".into(),
        outcome: Outcome::Fail,
        created: "2026-12-01T10:00:00.000Z".into(),
        environment: Environment {
            tool_version: "0.1.0".into(),
            os: "linux".into(),
            arch: "x86_64".into(),
            logical_cpus: 2,
            cpu_model: Some("Intel(R) Xeon(R) CPU @ 2.80GHz".into()),
        },
        profile: Some("smoke".into()),
        pairing: Pairing::Interleaved,
        load_repetitions: 40,
        micro_repetitions: 1,
        baseline: Some(BaselineRef {
            file: "target/reference/tta-bench".into(),
            label: "reference build, interleaved".into(),
            created: "2026-12-01T09:58:00.000Z".into(),
        }),
        notes: vec![
            Note::new(
                NoteKind::Pairing,
                "regressions judged against target/reference/tta-bench: 40 rounds of one 1-s block of each build, in random order each round",
            ),
            Note::new(
                NoteKind::NotJudged,
                "1 regression checks not judged: 1 routes with fewer than 10 requests in a block; --all lists them",
            ),
        ],
        checks,
    }
}

#[test]
fn terminal_80_columns() {
    let out = Terminal { width: Some(80) }
        .render(Document::Verdict(&verdict(), false))
        .unwrap();
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn terminal_120_columns_all_checks() {
    let out = Terminal { width: Some(120) }
        .render(Document::Verdict(&verdict(), true))
        .unwrap();
    assert!(out.lines().all(|l| l.chars().count() <= 120), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn terminal_unfitted_keeps_one_line_per_check() {
    let out = Terminal { width: None }
        .render(Document::Verdict(&verdict(), true))
        .unwrap();
    insta::assert_snapshot!(out);
}

#[test]
fn markdown() {
    insta::assert_snapshot!(
        Markdown
            .render(Document::Verdict(&verdict(), false))
            .unwrap()
    );
}

#[test]
fn junit() {
    insta::assert_snapshot!(Junit.render(Document::Verdict(&verdict(), false)).unwrap());
}

#[test]
fn json() {
    let out = Json.render(Document::Verdict(&verdict(), false)).unwrap();
    let back: Verdict = serde_json::from_str(&out).unwrap();
    assert_eq!(back.checks, verdict().checks, "checks read back as written");
    insta::assert_snapshot!(out);
}

#[test]
fn html() {
    let v = verdict();
    let page = crate::report::render(&crate::report::Report {
        verdict: &v,
        load: &[],
        micro: &[],
        baseline: None,
        thresholds: crate::sla::Thresholds::shipped(),
        history: &[],
    })
    .unwrap();
    insta::assert_snapshot!(page);
}

/// The catalogue against the fixed verdict with two checks of user authentication added: that
/// row judged (the worse of the two), the other measured rows "not in this run", the rest why
/// they are not measured.
#[test]
fn catalogue_table() {
    let mut v = verdict();
    v.checks.push(Check::sla(
        Subject::MicroOperation("store_wal/authenticate".into()),
        "ns",
        22.1e6,
        Some(200e6),
        500e6,
        "test",
        Status::Pass,
    ));
    v.checks.push(Check::sla(
        Subject::Route("POST /api/v1/auth/login".into()),
        "ms",
        240.0,
        Some(200.0),
        500.0,
        "test",
        Status::Warn,
    ));
    let rows = crate::catalogue::rows(&crate::sla::Thresholds::shipped().catalogue, &v);
    insta::assert_snapshot!(crate::export::terminal::catalogue_table(&rows, None));
}
