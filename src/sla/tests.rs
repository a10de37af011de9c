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
    assert!(t.micro.values().all(|b| b.source.starts_with("seed 000")));
}

#[test]
fn micro_budgets_agree_with_the_built_in_ones() {
    let t = shipped();
    for name in crate::micro::suite::names() {
        let (_, b) = t
            .budget(&name)
            .unwrap_or_else(|| panic!("{name} has no budget in thresholds.yaml"));
        let built_in = crate::micro::budgets::budget_for(&name).unwrap();
        assert_eq!(b.max.0.value, built_in.ns, "{name}");
    }
}

#[test]
fn every_route_of_the_journeys_has_a_level() {
    let t = shipped();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for j in ["patient.yaml", "clinician.yaml"] {
        let journey = crate::scenario::load_journey(&dir.join(j)).unwrap();
        for step in journey.on_start.iter().chain(&journey.steps) {
            let route = crate::driver::goose::route_key(step);
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

#[test]
fn bad_thresholds_name_the_place() {
    let e = bad("response_time: 10%", "response_time: 10");
    assert!(
        e.starts_with("69:3: regression: \"10\" has no unit (expected %)"),
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
}
