use super::*;
use std::path::PathBuf;

fn shipped() -> Thresholds {
    Thresholds::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("thresholds.yaml")).unwrap()
}

#[test]
fn shipped_thresholds_load_with_seed_figures() {
    let t = shipped();
    assert_eq!(t.regression.response_time.0.value, 10.0);
    assert_eq!(t.regression.memory.0.value, 20.0);
    assert_eq!(t.regression.cpu.0.value, 50.0);
    assert_eq!(t.regression.throughput.0.value, 15.0);
    let login = t.route_level("POST /api/v1/auth/login");
    assert_eq!(
        (login.warning.unwrap().0.ms(), login.critical.0.ms()),
        (200.0, 500.0)
    );
    assert_eq!(t.route_level("GET /unknown").critical.0.ms(), 500.0);
    assert_eq!(t.profiles["heavy"].threshold.0.value, 75.0);
    assert!(t.micro.values().all(|b| {
        b.source.starts_with("TTA therapeutic systems benchmarks")
            || b.source
                .starts_with("AI therapist performance benchmarks database operations")
            || b.source
                .starts_with("AI therapist performance benchmarks cache operations")
    }));
}

#[test]
fn every_micro_benchmark_has_a_budget_and_micro_reads_the_same_file() {
    let t = shipped();
    for name in crate::micro::suite::names() {
        assert!(
            t.budget(&name).is_some(),
            "{name} has no budget in thresholds.yaml"
        );
    }
    assert_eq!(Thresholds::shipped(), &t);
    let (_, update) = Thresholds::shipped().budget("character/update").unwrap();
    assert_eq!(update.max.0.value, 300e6);
    assert_eq!(
        update.source,
        "TTA therapeutic systems benchmarks: character updates < 300 ms"
    );
    assert_eq!(
        Thresholds::shipped()
            .budget("init/cold")
            .unwrap()
            .1
            .max
            .0
            .value,
        5e6
    );
    assert_eq!(Thresholds::shipped().budget("unknown/x"), None);
}

#[test]
fn every_route_of_the_journeys_has_a_level() {
    let t = shipped();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for j in ["patient.yaml", "clinician.yaml"] {
        let journey = crate::scenario::load_journey(&dir.join(j)).unwrap();
        for step in journey.on_start.iter().chain(&journey.steps) {
            let route = crate::driver::journey::route_key(step);
            let acknowledge = route.ends_with("/acknowledge");
            assert!(
                t.api.routes.contains_key(&route) || acknowledge,
                "{route} falls back to the default"
            );
        }
    }
}

fn bad(from: &str, to: &str) -> String {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("thresholds.yaml"))
            .unwrap();
    assert!(text.contains(from), "{from}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    let err = Thresholds::load(&path).unwrap_err().to_string();
    err.strip_prefix(&format!("{}:", path.display()))
        .unwrap_or(&err)
        .to_string()
}

/// The 1-based line of the shipped thresholds.yaml holding `needle` (so these tests do not
/// move with every section added above it).
fn line_of(needle: &str) -> usize {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("thresholds.yaml"))
            .unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn bad_thresholds_name_the_place() {
    let e = bad("response_time: 10%", "response_time: 10");
    let regression = line_of("response_time: 10%");
    assert!(
        e.starts_with(&format!(
            "{regression}:3: regression: \"10\" has no unit (expected %)"
        )),
        "{e}"
    );
    let e = bad("init/: { max: 5ms,", "init/: { max: 5MB,");
    assert!(
        e.starts_with(
            "9:10: micro.init/: \"5MB\": unit \"MB\" is not one of ns, us, ms, s, min, h"
        ),
        "{e}"
    );
    let e = bad("memory: 20%", "memory: -20%");
    assert!(e.contains("is not a number followed by a unit"), "{e}");
    let e = bad("  cpu: 50%\n", "  cpu: 50%\n  p96: 3ms\n");
    assert!(e.contains("unknown field `p96`"), "{e}");
    let e = bad("confidence: 0.95", "confidence: 1.5");
    assert!(
        e.contains("regression.confidence must be within 0.5-1"),
        "{e}"
    );
    let e = bad("version: 1", "version: 2");
    assert!(e.starts_with("5:1: version 2 is not supported"), "{e}");
    let e = bad(
        "warning: 200ms\n    critical: 500ms",
        "warning: 900ms\n    critical: 500ms",
    );
    assert!(
        e.contains("default_p95: warning 900 ms is above critical 500 ms"),
        "{e}"
    );
    let e = bad("  100MB: { target: 85%", "  100 apples: { target: 85%");
    assert!(
        e.starts_with(&format!(
            "{}:3: cache_hit_rate: \"100 apples\": unit \"apples\"",
            line_of("  100MB: {")
        )),
        "{e}"
    );
    let e = bad("target: 85%, threshold: 70%", "target: 65%, threshold: 70%");
    assert!(
        e.starts_with(&format!(
            "{}:3: cache_hit_rate 100MB: expected threshold <= target <= 100%",
            line_of("  100MB: {")
        )),
        "{e}"
    );
}

/// `v` against the JSON Schema `schema`, by a full validator (the `jsonschema` crate), so the
/// published schema cannot drift from the parser.
fn conforms(schema: &serde_json::Value, v: &serde_json::Value) -> Result<(), String> {
    let validator = jsonschema::validator_for(schema).map_err(|e| e.to_string())?;
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

#[test]
fn the_shipped_thresholds_conform_to_the_published_schema() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/thresholds.schema.json")).unwrap(),
    )
    .unwrap();
    let text = std::fs::read_to_string(root.join("thresholds.yaml")).unwrap();
    let doc: serde_json::Value = yaml::parse("thresholds.yaml", &text).unwrap();
    conforms(&schema, &doc).unwrap();
    // And the validator is not a yes-machine: a key the parser refuses, the schema refuses too.
    let mut extra = doc.clone();
    extra["regression"]["typo"] = 1.into();
    assert!(conforms(&schema, &extra).unwrap_err().contains("typo"));
    let typo = text.replace("response_time: 10%", "response_time: 10%\n  typo: 1");
    assert!(yaml::parse::<Thresholds>("t.yaml", &typo).is_err());
    let mut unit = doc.clone();
    unit["api"]["default_p95"]["critical"] = "500".into();
    assert!(conforms(&schema, &unit).is_err());
}

#[test]
fn a_micro_check_names_its_operation_and_no_other_check_does() {
    let run = crate::micro::test_run(&[("init/cold", 1e6)]);
    let checks = evaluate_micro(&run, Thresholds::shipped());
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].name(), "mean init/cold");
    assert_eq!(checks[0].id.budgeted_operation(), Some("init/cold"));
    let route = crate::check::CheckId::sla(crate::check::Subject::Route("GET /health".into()));
    assert_eq!(route.budgeted_operation(), None);
}

#[test]
fn a_micro_target_warns_below_its_max_and_may_not_exceed_it() {
    let run = crate::micro::test_run(&[
        ("store_wal/complex_query", 50e6),
        ("store_memory/complex_query", 600e6),
        ("store_wal/session_retrieval", 2e9),
    ]);
    let checks = evaluate_micro(&run, Thresholds::shipped());
    let status: Vec<Status> = checks.iter().map(|c| c.status).collect();
    assert_eq!(status, [Status::Pass, Status::Warn, Status::Fail]);
    assert_eq!(checks[1].warning, Some(500e6));
    assert_eq!(
        checks[1].detail.as_deref(),
        Some("above the target, within the threshold")
    );
    let e = bad(
        "store_wal/complex_query: { target: 500ms,",
        "store_wal/complex_query: { target: 1500ms,",
    );
    assert!(e.contains("store_wal/complex_query: target"), "{e}");
    assert!(e.contains("is above max"), "{e}");
}

/// The stress profile's peak is judged as peak load memory (500 MB / 1 GB); other profiles'
/// as base application memory (100 / 200 MB).
#[test]
fn the_stress_profile_is_held_to_peak_load_memory() {
    let t = shipped();
    let mut run = crate::run::synthetic(&[("GET /health", vec![1000; 10])]);
    run.resources.summaries.insert(
        "server".into(),
        crate::sysmon::ResourceSummary {
            samples: 4,
            cpu_mean_percent: 10.0,
            cpu_peak_percent: 20.0,
            rss_mean_bytes: 3e8,
            rss_peak_bytes: 300 << 20,
            disk_read_bytes: 0,
            disk_written_bytes: 0,
        },
    );
    let rss = |run: &crate::run::RunResult| -> Vec<(String, Status)> {
        evaluate_load(run, &t)
            .into_iter()
            .filter(|c| matches!(c.id.subject, Subject::ServerRss | Subject::PeakLoadRss))
            .map(|c| (c.name(), c.status))
            .collect()
    };
    assert_eq!(rss(&run), [("server RSS peak".to_string(), Status::Fail)]);
    run.profile_name = "stress".into();
    assert_eq!(
        rss(&run),
        [("server RSS peak under peak load".to_string(), Status::Pass)]
    );
    assert_eq!(
        crate::check::CheckId::parse(
            crate::check::CheckKind::Sla,
            "server RSS peak under peak load"
        )
        .map(|id| id.subject),
        Some(Subject::PeakLoadRss)
    );
}

/// Each writer's rate is judged against its own level; one the service does not have is
/// reported as not measured, with why, rather than left out or passed.
#[test]
fn disk_writes_are_judged_per_writer_and_a_missing_one_says_why() {
    let t = shipped();
    let mut run = crate::run::synthetic(&[("GET /health", vec![1000; 10])]);
    assert!(
        !evaluate_load(&run, &t)
            .iter()
            .any(|c| matches!(c.id.subject, Subject::DiskWrites(_))),
        "a run without the service's counters has no disk checks"
    );
    run.service_writes = Some(crate::run::writes::ServiceWrites {
        seconds: 30.0,
        log_bytes: Some(2_000_000),  // 4 MB/min: under 10
        wal_bytes: Some(40_000_000), // 80 MB/min: over 50, under 150
        cache_snapshot_bytes: None,
    });
    let disk: Vec<(String, Status, f64)> = evaluate_load(&run, &t)
        .into_iter()
        .filter(|c| matches!(c.id.subject, Subject::DiskWrites(_)))
        .map(|c| (c.name(), c.status, c.actual))
        .collect();
    assert_eq!(
        disk,
        [
            ("disk write rate of log".to_string(), Status::Pass, 4.0),
            (
                "disk write rate of cache snapshots".to_string(),
                Status::Skipped,
                0.0
            ),
            (
                "disk write rate of database WAL".to_string(),
                Status::Warn,
                80.0
            ),
        ]
    );
    let skipped = evaluate_load(&run, &t)
        .into_iter()
        .find(|c| c.status == Status::Skipped)
        .unwrap();
    assert_eq!(
        skipped.detail.as_deref(),
        Some(
            "not measured: the service reports no tta_cache_snapshot_bytes_total (started without --cache-snapshot)"
        )
    );
    let e = bad(
        "log: { warning: 10MB/min, critical: 50MB/min",
        "log: { warning: 90MB/min, critical: 50MB/min",
    );
    assert!(
        e.starts_with(&format!(
            "{}:3: disk_writes.log: warning 90 MB/min is above critical 50 MB/min",
            line_of("  log: { warning:")
        )),
        "{e}"
    );
    let e = bad("log: { warning: 10MB/min", "log: { warning: 10MB");
    assert!(e.contains("unit \"MB\" is not one of B/s"), "{e}");
}

/// The session-management checks: floors for the sessions open and their creation rate, the
/// slope judged by what even its interval's low end adds over the levels, and a cleanup pass
/// the target cannot run reported as not measured.
#[test]
fn the_sessions_study_is_judged_by_floors_slope_and_its_longest_pass() {
    use crate::session_study::{CleanupResult, LevelResult, SessionStudy};
    let t = shipped();
    let level = |open, rate, p50_ms, pass_ms: Option<f64>| LevelResult {
        open,
        created: open,
        failed: 0,
        seconds: 1.0,
        rate_per_s: rate,
        p50_ms,
        p95_ms: p50_ms * 2.0,
        cleanup: pass_ms.map(|ms| CleanupResult {
            candidates: 0,
            expired: 0,
            duration_ms: ms,
        }),
    };
    let slope = |low, high| tta_stats::slope::Slope {
        slope: (low + high) / 2.0,
        low,
        high,
        n: 1000,
    };
    let mut run = crate::run::synthetic(&[("GET /health", vec![1000; 10])]);
    let judged = |run: &crate::run::RunResult| -> Vec<(String, Status)> {
        evaluate_load(run, &t)
            .into_iter()
            .filter(|c| c.name().starts_with("session"))
            .map(|c| (c.name(), c.status))
            .collect()
    };
    run.sessions = Some(SessionStudy {
        rate_per_s: 100.0,
        levels: vec![
            level(250, 100.2, 3.0, Some(1.0)),
            level(1000, 99.0, 3.0, Some(2.0)),
        ],
        open_at_end: Some(1000),
        // At most +0.1 ms per 1000 over 750 sessions: 0.075 ms, under 10 % of 3 ms.
        latency_slope: Some(slope(0.1, 0.3)),
        expiry: Some(CleanupResult {
            candidates: 1000,
            expired: 1000,
            duration_ms: 150.0,
        }),
    });
    let s = |name: &str, st| (name.to_string(), st);
    assert_eq!(
        judged(&run),
        [
            s("sessions open at once", Status::Pass),
            s("session creation rate", Status::Warn),
            s("session creation latency slope", Status::Pass),
            s("session cleanup pass", Status::Warn),
        ]
    );
    let study = run.sessions.as_mut().unwrap();
    study.open_at_end = Some(400);
    // +0.5 ms per 1000 at least: 0.375 ms over 750 sessions, over 10 % of 3 ms.
    study.latency_slope = Some(slope(0.5, 0.7));
    study.expiry = None;
    for l in &mut study.levels {
        l.cleanup = None;
    }
    assert_eq!(
        judged(&run),
        [
            s("sessions open at once", Status::Fail),
            s("session creation rate", Status::Warn),
            s("session creation latency slope", Status::Warn),
            s("session cleanup pass", Status::Skipped),
        ]
    );
}
