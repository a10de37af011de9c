use super::*;
use std::path::PathBuf;

fn shipped() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

#[test]
fn shipped_scenarios_plan_every_profile() {
    let profiles = load_profiles(&shipped().join("profiles.yaml")).unwrap();
    for name in [
        "smoke", "light", "medium", "heavy", "staging", "stress", "soak",
    ] {
        let plan = plan(&shipped(), &[], name, &Overrides::default()).unwrap();
        assert_eq!(plan.profile, profiles.profiles[name]);
        let journeys: Vec<(&str, u32)> = plan
            .journeys
            .iter()
            .map(|j| (j.journey.journey.as_str(), j.weight))
            .collect();
        assert_eq!(journeys, [("clinician", 1), ("patient", 3)]);
    }
    let heavy = &profiles.profiles["heavy"];
    assert_eq!(
        (heavy.users, heavy.throttle_rps, heavy.sla.p95_ms),
        (100, Some(150), 3000.0)
    );
}

#[test]
fn overrides_apply_and_are_checked() {
    let o = Overrides {
        users: Some(2),
        duration_s: Some(3),
        think_scale: Some(0.0),
        ..Overrides::default()
    };
    let p = plan(&shipped(), &[], "light", &o).unwrap();
    assert_eq!(
        (
            p.profile.users,
            p.profile.duration_s,
            p.profile.ramp_up_s,
            p.profile.think_scale
        ),
        (2, 3, 3, 0.0)
    );
    let err = plan(
        &shipped(),
        &[],
        "light",
        &Overrides {
            users: Some(0),
            ..Overrides::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "--users must be 1-1000");
    let err = plan(&shipped(), &[], "nope", &Overrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("--profile nope: not in ")
            && err
                .ends_with("(known: heavy, light, medium, sessions, smoke, soak, staging, stress)"),
        "{err}"
    );
}

fn journey_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.yaml");
    std::fs::write(&path, text).unwrap();
    let err = load_journey(&path).unwrap_err().to_string();
    err.strip_prefix(&format!("{}:", path.display()))
        .unwrap_or(&err)
        .to_string()
}

const GOOD: &str = "journey: j
username: \"u-{{n}}\"
password: p
bearer: token
think_time_ms: [10, 20]
on_start:
  - name: login
    method: POST
    path: /login
    capture: { token: /token }
steps:
  - name: read
    method: GET
    path: /things/{{token}}
";

#[test]
fn a_good_journey_parses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.yaml");
    std::fs::write(&path, GOOD).unwrap();
    let j = load_journey(&path).unwrap();
    assert_eq!((j.steps[0].expect, j.steps[0].weight), (200, 1));
}

#[test]
fn bad_journeys_are_named_with_line_and_column() {
    let cases = [
        (
            GOOD.replace("password: p", "password: p\nspeed: 3"),
            "4:1: unknown field `speed`",
        ),
        (
            GOOD.replace("/things/{{token}}", "/things/{{tokn}}"),
            "14:19: step read: undefined variable {{tokn}}",
        ),
        (
            GOOD.replace("/things/{{token}}", "/things/{{token"),
            "12:5: step read: unclosed {{ in \"/things/{{token\"",
        ),
        (
            GOOD.replace("capture: { token: /token }", "capture: { token: token }"),
            "7:5: step login: capture token: \"token\" is not a JSON pointer",
        ),
        (
            GOOD.replace("bearer: token", "bearer: jwt"),
            "4:1: bearer variable jwt is never captured",
        ),
        (
            GOOD.replace("[10, 20]", "[30, 20]"),
            "5:1: think_time_ms [30, 20]: min is above max",
        ),
        (
            GOOD.replace("method: GET", "method: FETCH"),
            "13:13: steps[0].method: unknown variant `FETCH`",
        ),
        (
            GOOD.replace("    path: /things", "    path: things"),
            "12:5: step read: path \"things/{{token}}\" must start with /",
        ),
        (
            GOOD.replace("name: read", "name: login"),
            "7:5: step name login is used twice",
        ),
        (
            GOOD.replace("\"u-{{n}}\"", "\"u-{{m}}\""),
            "2:1: username may use only {{n}}, not {{m}}",
        ),
    ];
    for (text, expected) in cases {
        let err = journey_error(&text);
        assert!(
            err.starts_with(expected),
            "expected {expected:?}, got {err:?}"
        );
    }
}

#[test]
fn bad_profiles_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profiles.yaml");
    let good = std::fs::read_to_string(shipped().join("profiles.yaml")).unwrap();
    for (from, to, expected) in [
        (
            "users: 4\n",
            "users: 0\n",
            "profile smoke: users must be 1-1000, got 0",
        ),
        (
            "duration_s: 8\n",
            "duration_s: 99999\n",
            "profile smoke: duration_s must be 1-14400, got 99999",
        ),
        (
            "max_requests: 20000\n",
            "max_requests: 0\n",
            "profile smoke: max_requests must be 1-10000000, got 0",
        ),
        (
            "think_scale: 0.01\n",
            "think_scale: -1\n",
            "profile smoke: think_scale must be a non-negative number, got -1",
        ),
        (
            "p95_ms: 1000, success_rate: 0.99 }\n    source: \"tta",
            "p95_ms: 1000, success_rate: 1.5 }\n    source: \"tta",
            "profile smoke: sla.success_rate must be within 0-1, got 1.5",
        ),
        (
            "    max_requests: 20000\n",
            "    max_requests: 20000\n    max_rps: 3\n",
            "unknown field `max_rps`",
        ),
        (
            "levels: [250, 500, 1000]",
            "levels: [500, 250]",
            "profile sessions: sessions.levels: give one or more ascending levels",
        ),
        (
            "max_requests: 5000\n",
            "max_requests: 600\n",
            "profile sessions: sessions.levels reach 1000, beyond max_requests 600",
        ),
        (
            "rate_per_s: 100 }",
            "rate_per_s: 100, burst: 3 }",
            "unknown field `burst`",
        ),
    ] {
        std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
        let err = load_profiles(&path).unwrap_err().to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        assert!(err.starts_with(&format!("{}:", path.display())), "{err}");
    }
}

#[test]
fn the_open_model_takes_the_profile_arrivals_or_the_flags() {
    use super::arrival::{ArrivalSpec, Spacing};
    let open = |arrival: ArrivalSpec, duration_s: Option<u64>| Overrides {
        executor: Some(Executor::ArrivalRate),
        duration_s,
        arrival,
        ..Overrides::default()
    };
    // light's own block: a 10 s ramp to 50/s held to 60 s.
    let p = plan(
        &shipped(),
        &[],
        "light",
        &open(ArrivalSpec::default(), None),
    )
    .unwrap();
    let a = p.arrival.as_ref().unwrap();
    assert_eq!(
        (a.expected_arrivals(), a.spacing, a.max_in_flight),
        (2750.0, Spacing::Uniform, 500)
    );
    assert_eq!(
        (
            p.profile.duration_s,
            p.profile.ramp_up_s,
            p.profile.throttle_rps
        ),
        (60, 0, None)
    );
    // A flag's rate replaces the block; options apply on top of it.
    let flags = ArrivalSpec {
        rate: Some("20/s".into()),
        spacing: Some(Spacing::Poisson),
        max_in_flight: Some(7),
        ..ArrivalSpec::default()
    };
    let p = plan(&shipped(), &[], "light", &open(flags, Some(5))).unwrap();
    let a = p.arrival.unwrap();
    assert_eq!(
        (a.expected_arrivals(), a.spacing, a.max_in_flight),
        (100.0, Spacing::Poisson, 7)
    );
    assert_eq!(p.profile.duration_s, 5);
    let err = plan(
        &shipped(),
        &[],
        "light",
        &open(ArrivalSpec::default(), Some(5)),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("arrival stages set the duration"),
        "{err}"
    );
    // Closed unless asked, and then the profile block is not used.
    let p = plan(&shipped(), &[], "light", &Overrides::default()).unwrap();
    assert_eq!(p.arrival, None);
    // A broken block is an error at its profile.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(shipped().join("profiles.yaml"))
        .unwrap()
        .replace(
            "arrival: { stages: \"10s:50/s,50s:50/s\" }",
            "arrival: { stages: \"10s:fast\" }",
        );
    std::fs::write(dir.path().join("profiles.yaml"), text).unwrap();
    let err = load_profiles(&dir.path().join("profiles.yaml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("profile light: arrival.stages \"fast\": expected a rate"),
        "{err}"
    );
}
