use super::*;
use crate::check::CheckId;

/// A run with the given routes, 50 requests each at exactly the given latency.
fn run(routes: &[(&str, u64)]) -> RunResult {
    let routes: Vec<(&str, Vec<u64>)> = routes.iter().map(|(r, us)| (*r, vec![*us; 50])).collect();
    crate::run::synthetic(&routes)
}

#[test]
fn only_timings_against_a_stored_baseline_are_machine_bound() {
    let mut with_server = run(&[("a", 1000), ("b", 2000)]);
    with_server.resources.summaries.insert(
        "server".into(),
        crate::sysmon::ResourceSummary {
            samples: 4,
            cpu_mean_percent: 10.0,
            cpu_peak_percent: 20.0,
            rss_mean_bytes: 1e7,
            rss_peak_bytes: 10_000_000,
            disk_read_bytes: 0,
            disk_written_bytes: 0,
        },
    );
    let runs = vec![with_server; 2];
    let t = Thresholds::shipped();
    let bound = |pairing| -> Vec<String> {
        load(&runs, &runs, t, pairing)
            .into_iter()
            .filter(|c| c.machine_bound)
            .map(|c| CheckId::regression(c.subject).to_string())
            .collect()
    };
    assert_eq!(
        bound(Pairing::Stored),
        [
            "p95 all routes vs baseline",
            "throughput vs baseline",
            "server CPU mean vs baseline"
        ]
    );
    assert!(bound(Pairing::Interleaved).is_empty());
    let micro = vec![crate::micro::test_run(&[("init/cold", 3e6)])];
    assert!(
        super::micro(&micro, &micro, t)
            .iter()
            .all(|c| c.machine_bound)
    );
}

#[test]
fn a_slower_route_moves_only_its_own_ratio() {
    let before_run = run(&[("a", 1000), ("b", 2000), ("c", 4000), ("d", 8000)]);
    let before = route_medians(&before_run);
    // Route a gets 50 % slower but stays the fastest: no other route's reference moves.
    let after_run = run(&[("a", 1500), ("b", 2000), ("c", 4000), ("d", 8000)]);
    let after = route_medians(&after_run);
    let ratio = |m: &BTreeMap<&str, RouteMedian>, k: &str| m[k].relative;
    let close = |x: f64, y: f64| (x - y).abs() < 0.01 * y;
    assert!(close(ratio(&before, "a"), 1.0 / 4.0), "{before:?}");
    assert!(close(ratio(&after, "a"), 1.5 / 4.0), "{after:?}");
    assert!(close(before["a"].ms, 1.0) && close(after["a"].ms, 1.5));
    for k in ["b", "c", "d"] {
        assert!(
            close(ratio(&before, k), ratio(&after, k)),
            "{k}: {before:?} {after:?}"
        );
    }
}

#[test]
fn the_same_slowdown_everywhere_cancels() {
    let before_run = run(&[("a", 1000), ("b", 2000), ("c", 4000)]);
    let before = route_medians(&before_run);
    let after_run = run(&[("a", 1500), ("b", 3000), ("c", 6000)]);
    let after = route_medians(&after_run);
    for k in ["a", "b", "c"] {
        assert!((before[k].relative - after[k].relative).abs() < 0.01 * before[k].relative);
    }
}

#[test]
fn interleaved_judges_routes_as_measured_stored_relative_to_the_run() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let t = Thresholds::load(&root.join("thresholds.yaml")).unwrap();
    // Every route 20 % slower, 100+ requests each so every route is judged.
    let runs = |scale: f64| -> Vec<RunResult> {
        (0..5)
            .map(|_| {
                let routes: Vec<(&str, u64)> = [("a", 1000.0), ("b", 2000.0), ("c", 4000.0)]
                    .iter()
                    .map(|(k, us)| (*k, (us * scale) as u64))
                    .collect();
                crate::gate::pool(&[run(&routes), run(&routes)]).unwrap()
            })
            .collect()
    };
    let (base, cur) = (runs(1.0), runs(1.2));
    let change = |pairing| {
        let c = load(&base, &cur, &t, pairing);
        let a = c
            .iter()
            .find(
                |c| matches!(&c.subject, Subject::Route(r) | Subject::RouteRelative(r) if r == "a"),
            )
            .unwrap();
        assert!(a.skip.is_none(), "{:?}", a.skip);
        median(&a.cur) / median(&a.base) - 1.0
    };
    assert!((change(Pairing::Interleaved) - 0.2).abs() < 0.01);
    assert!(change(Pairing::Stored).abs() < 0.01);
}

#[test]
fn a_quiet_route_against_a_stored_baseline_pools_its_requests_relative_to_each_run() {
    let t = Thresholds::shipped();
    // 5 runs a side; the quiet route "q" gets 5 requests a run, the busy ones 50. Run i moves
    // every route by the same drift, which the in-run reference cancels.
    let runs = |q_us: f64| -> Vec<RunResult> {
        (0..5)
            .map(|i| {
                let drift = 1.0 + 0.1 * i as f64;
                let busy = |us: f64| vec![(us * drift) as u64; 50];
                crate::run::synthetic(&[
                    ("a", busy(1000.0)),
                    ("b", busy(2000.0)),
                    ("q", vec![(q_us * drift) as u64; 5]),
                ])
            })
            .collect()
    };
    let quiet = |base: &[RunResult], cur: &[RunResult]| {
        load(base, cur, t, Pairing::Stored)
            .into_iter()
            .find(|c| c.subject == Subject::RouteRelative("q".into()))
            .unwrap()
    };
    let (base, same, slower) = (runs(3000.0), runs(3000.0), runs(3900.0));
    let c = quiet(&base, &same);
    assert!(c.skip.is_none(), "{:?}", c.skip);
    let (b, cur) = c.pooled.as_ref().expect("pooled: 5 requests a run");
    assert_eq!((b.len(), b[0].len(), cur.len()), (5, 5, 5));
    // Each request over its run's reference (the median of a's and b's medians, 1.5 ms × drift).
    for unit in b.iter().chain(cur) {
        assert!(unit.iter().all(|v| (v - 2.0).abs() < 0.01), "{unit:?}");
    }
    let checks = super::super::decide(vec![c, quiet(&base, &slower)], t);
    assert_eq!(
        checks[0].status,
        crate::check::Status::Pass,
        "{:?}",
        checks[0]
    );
    assert_eq!(
        checks[1].status,
        crate::check::Status::Fail,
        "{:?}",
        checks[1]
    );
    let detail = checks[1].detail.as_deref().unwrap();
    assert!(
        detail.starts_with("+30.0 %") && detail.contains("randomization over runs"),
        "{detail}"
    );
}
