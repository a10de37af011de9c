//! The paired path's decisions on synthetic rounds, deterministically: a quiet route judged on
//! its requests pooled, a slowdown on it found and named, and the completeness check failing
//! on a route no test could judge.

use super::*;
use crate::check::Subject;

const BUSY: &str = "POST /api/patient/sessions/{session_id}/choices";
const QUIET: &str = "GET /api/clinical/alerts";
const OTHER: &str = "GET /api/patient/sessions/{session_id}";

/// One block: each route's requests at the given latencies (µs).
fn block(routes: &[(&str, Vec<u64>)]) -> RunResult {
    crate::run::synthetic(routes)
}

/// `rounds` paired rounds: per block 40 busy requests, 30 of another route and `quiet` of the
/// quiet route, latencies spread ±20 % around their means and moved together by a drift that
/// differs between rounds but falls on both blocks of a round alike; the current build's quiet
/// route is `slowdown` times slower.
fn rounds(rounds: usize, quiet: usize, slowdown: f64) -> (Vec<RunResult>, Vec<RunResult>) {
    let spread = |mean: f64, n: usize, drift: f64, salt: usize| -> Vec<u64> {
        (0..n)
            .map(|i| {
                let jitter = ((i * 7 + salt * 13) % 11) as f64 / 10.0 - 0.5;
                (mean * drift * (1.0 + 0.4 * jitter)) as u64
            })
            .collect()
    };
    let side = |slow: f64, salt: usize| -> Vec<RunResult> {
        (0..rounds)
            .map(|r| {
                let drift = 1.0 + 0.08 * ((r * 5) % 7) as f64 / 7.0;
                block(&[
                    (BUSY, spread(800.0, 40, drift, r + salt)),
                    (OTHER, spread(500.0, 30, drift, r + 2 * salt)),
                    (QUIET, spread(2000.0 * slow, quiet, drift, r + 3 * salt)),
                ])
            })
            .collect()
    };
    (side(1.0, 0), side(slowdown, 1))
}

fn verdict(base: Vec<RunResult>, cur: &[RunResult]) -> Verdict {
    let reference = Baseline::new("reference build, interleaved", base, Vec::new());
    judge_in_environment(
        Environment::detect(),
        cur,
        &[],
        Thresholds::shipped(),
        Some((&reference, Path::new("reference"))),
        Pairing::Interleaved,
    )
}

fn regression<'a>(v: &'a Verdict, route: &str) -> &'a Check {
    let id = CheckId::regression(Subject::Route(route.into()));
    v.checks
        .iter()
        .find(|c| c.id == id)
        .expect("a regression check of the route")
}

fn guarded(v: &Verdict) -> &Check {
    let id = CheckId::regression(Subject::Guarded);
    v.checks
        .iter()
        .find(|c| c.id == id)
        .expect("the completeness check")
}

#[test]
fn a_quiet_route_is_judged_on_its_requests_pooled_and_passes_when_unchanged() {
    let (base, cur) = rounds(20, 2, 1.0);
    let v = verdict(base, &cur);
    let quiet = regression(&v, QUIET);
    assert_eq!(quiet.status, Status::Pass, "{quiet:?}");
    let detail = quiet.detail.as_deref().unwrap();
    assert!(
        detail.contains("pooled median, randomization over rounds p = ")
            && detail.ends_with("; 20 rounds, 40+40 requests"),
        "{detail}"
    );
    // The busy routes keep the per-block test.
    let busy = regression(&v, BUSY);
    assert!(
        busy.detail.as_deref().unwrap().contains("Wilcoxon"),
        "{busy:?}"
    );
    let g = guarded(&v);
    assert_eq!(g.status, Status::Pass, "{g:?}");
    assert_eq!(g.actual, g.limit);
}

#[test]
fn a_slower_quiet_route_fails_by_name() {
    let (base, cur) = rounds(20, 2, 1.25);
    let v = verdict(base, &cur);
    let quiet = regression(&v, QUIET);
    assert_eq!(quiet.status, Status::Fail, "{quiet:?}");
    assert!(
        quiet.detail.as_deref().unwrap().starts_with("+2"),
        "{quiet:?}"
    );
    for other in [BUSY, OTHER] {
        assert_eq!(regression(&v, other).status, Status::Pass, "{other}");
    }
    assert_eq!(v.outcome, crate::verdict::Outcome::Fail);
}

#[test]
fn a_route_too_quiet_even_pooled_fails_the_completeness_check() {
    // 20 rounds of one request a block: 20 a side would do; 10 rounds give 10.
    let (base, cur) = rounds(10, 1, 1.0);
    let v = verdict(base, &cur);
    assert_eq!(regression(&v, QUIET).status, Status::Skipped);
    let g = guarded(&v);
    assert_eq!(g.status, Status::Fail, "{g:?}");
    let detail = g.detail.as_deref().unwrap();
    assert!(
        detail.contains(&format!(
            "not guarded: {QUIET} (not judged: 10 requests on a side"
        )),
        "{detail}"
    );
    assert_eq!(v.outcome, crate::verdict::Outcome::Fail);
}
