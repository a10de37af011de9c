//! The sessions profile end to end, on a smaller plan than the shipped one (levels of 20 and
//! 40 at 200/s): levels reached, each creation recorded, cleanup passes timed by the service,
//! every session expired at the end, and `check` judging the session-management figures.

use serde_json::Value;

use crate::support::{load_lock, scenario_copy, tta};

#[test]
fn the_sessions_study_opens_levels_times_cleanup_and_is_judged() {
    let dir = scenario_copy(|t| {
        t.replacen(
            "sessions: { levels: [250, 500, 1000], rate_per_s: 100 }",
            "sessions: { levels: [20, 40], rate_per_s: 200 }",
            1,
        )
        .replacen(
            "  sessions:\n    # Not the journeys",
            "  sessions:\n    # Smaller",
            1,
        )
        .replacen(
            "    users: 50\n    ramp_up_s: 0\n",
            "    users: 4\n    ramp_up_s: 0\n",
            1,
        )
    });
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run.json");
    let o = {
        let _lock = load_lock();
        tta()
            .args(["load", "--profile", "sessions", "--scenario-dir"])
            .arg(dir.path())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("sessions study: creations at 200 per second"),
        "{stdout}"
    );
    let run: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    crate::run_schema::held_to_schema(&run);
    let s = &run["sessions"];
    let levels = s["levels"].as_array().unwrap();
    assert_eq!(
        levels
            .iter()
            .map(|l| l["open"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [20, 40]
    );
    for l in levels {
        assert_eq!(l["failed"], 0, "{l}");
        // A pass over the sessions open, none idle for a day.
        assert_eq!(l["cleanup"]["expired"], 0, "{l}");
    }
    assert_eq!(s["open_at_end"], 40);
    assert_eq!(s["expiry"]["expired"], 40, "{s}");
    assert_eq!(s["latency_slope"]["n"], 40, "{s}");
    // Every creation is in the run's histograms, as any load's requests.
    assert_eq!(
        run["routes"]["POST /api/patient/sessions"]["summary"]["count"],
        40
    );

    let verdict = tmp.path().join("verdict.json");
    tta()
        .args(["check", "--baseline", "none", "--json"])
        .arg(&verdict)
        .arg(&out)
        .output()
        .unwrap();
    let verdict: Value = serde_json::from_slice(&std::fs::read(&verdict).unwrap()).unwrap();
    let judged: Vec<(&str, &str)> = verdict["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("session"))
        .map(|c| (c["name"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    let names: Vec<&str> = judged.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "sessions open at once",
            "session creation rate",
            "session creation latency slope",
            "session cleanup pass"
        ]
    );
    // 40 open is far below the document's 500: the study says so rather than passing it.
    assert_eq!(judged[0].1, "fail");
}
