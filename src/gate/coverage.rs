//! How much of the build a verdict guarded against regressions: of the routes with an SLA and
//! of the micro operations with a budget, how many a regression check judged (not skipped).
//! A route or operation that no regression check judged could slow down unseen, whatever its
//! SLA says, so an incomplete guard fails the verdict's completeness check, which names what
//! was left out and why.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{Check, CheckId, CheckKind, Status, Subject};

/// At most this many unguarded names are listed in the check's detail; `--all` shows the
/// skipped checks themselves.
const LISTED: usize = 6;

fn route(s: &Subject) -> Option<&str> {
    match s {
        Subject::Route(r) | Subject::RouteRelative(r) => Some(r),
        _ => None,
    }
}

fn operation(s: &Subject) -> Option<&str> {
    match s {
        Subject::MicroOperation(op) | Subject::MicroInstructions(op) => Some(op),
        _ => None,
    }
}

/// The completeness check: passes when every route with an SLA and every micro operation with
/// a budget was judged by a regression check, e.g. "12 of 12 routes with an SLA, 22 of 22
/// micro operations with a budget"; `None` when nothing has an SLA (no load and no micro run).
/// `unguarded_micro` says why micro operations without a regression check have none, when the
/// caller knows (valgrind missing, a reference build that cannot count). `powerless`: the
/// tested checks were judged, but with too few runs for any to reach significance after Holm,
/// so none could have failed and nothing tested was guarded.
pub(super) fn check(
    checks: &[Check],
    unguarded_micro: Option<&str>,
    powerless: bool,
    source: &str,
) -> Option<Check> {
    let sla = |want: fn(&Subject) -> Option<&str>| -> BTreeSet<&str> {
        checks
            .iter()
            .filter(|c| c.kind() == CheckKind::Sla)
            .filter_map(|c| want(&c.id.subject))
            .collect()
    };
    // Each subject's regression checks: judged by any of them, or the reason they were not.
    let regression = |want: fn(&Subject) -> Option<&str>| -> BTreeMap<&str, Option<String>> {
        let mut out: BTreeMap<&str, Option<String>> = BTreeMap::new();
        for c in checks.iter().filter(|c| c.kind() == CheckKind::Regression) {
            let Some(name) = want(&c.id.subject) else {
                continue;
            };
            let why = (c.status == Status::Skipped)
                .then(|| c.detail.clone().unwrap_or_else(|| "not judged".into()));
            let entry = out.entry(name).or_insert(why.clone());
            if why.is_none() {
                *entry = None;
            }
        }
        out
    };
    let (routes, operations) = (sla(route), sla(operation));
    if routes.is_empty() && operations.is_empty() {
        return None;
    }
    let mut missing: Vec<String> = Vec::new();
    let mut guarded =
        |all: &BTreeSet<&str>, judged: BTreeMap<&str, Option<String>>, default: &str| {
            let mut n = 0;
            for name in all {
                match judged.get(name) {
                    Some(None) => n += 1,
                    Some(Some(why)) => missing.push(format!("{name} ({why})")),
                    None => missing.push(format!("{name} ({default})")),
                }
            }
            n
        };
    let route_count = guarded(&routes, regression(route), "no regression check");
    let op_count = guarded(
        &operations,
        regression(operation),
        unguarded_micro.unwrap_or("no regression check"),
    );
    // Judged by tests none of which could fire: no route was guarded (instruction counts are
    // not tested, so the operations still are).
    let route_count = if powerless && route_count > 0 {
        missing.insert(
            0,
            "every route (with these runs no test can reach significance after Holm; raise --repeat)"
                .into(),
        );
        0
    } else {
        route_count
    };
    let total = routes.len() + operations.len();
    let mut detail = format!(
        "{route_count} of {} routes with an SLA, {op_count} of {} micro operations with a budget",
        routes.len(),
        operations.len()
    );
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(LISTED).map(String::as_str).collect();
        let more = missing.len().saturating_sub(LISTED);
        detail.push_str(&format!("; not guarded: {}", shown.join(", ")));
        if more > 0 {
            detail.push_str(&format!(
                " and {more} more (--all lists the skipped checks)"
            ));
        }
    }
    Some(Check {
        id: CheckId::regression(Subject::Guarded),
        unit: "guarded".into(),
        actual: (route_count + op_count) as f64,
        comparison: ">=".into(),
        warning: None,
        limit: total as f64,
        status: if route_count + op_count == total {
            Status::Pass
        } else {
            Status::Fail
        },
        source: source.into(),
        detail: Some(detail),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_of(id: CheckId, status: Status) -> Check {
        Check {
            id,
            unit: "ms".into(),
            actual: 1.0,
            comparison: "<=".into(),
            warning: None,
            limit: 10.0,
            status,
            source: "test".into(),
            detail: (status == Status::Skipped).then(|| "not judged: too quiet".into()),
        }
    }

    #[test]
    fn counts_what_a_regression_check_judged_of_what_has_an_sla() {
        let route = |r: &str| Subject::Route(r.into());
        let op = |o: &str| Subject::MicroOperation(o.into());
        let counted = |o: &str| Subject::MicroInstructions(o.into());
        let mut checks = vec![
            check_of(CheckId::sla(route("a")), Status::Pass),
            check_of(CheckId::sla(route("b")), Status::Pass),
            check_of(CheckId::sla(route("c")), Status::Pass),
            check_of(CheckId::sla(op("init/cold")), Status::Pass),
            check_of(CheckId::sla(op("crisis/x")), Status::Pass),
            check_of(CheckId::sla(op("crisis/y")), Status::Pass),
            check_of(CheckId::sla(Subject::Throughput), Status::Pass),
            // Judged: a (relative; a failure counts as judged), b; c skipped; init/cold by
            // its time, crisis/x by its instructions though its time was skipped.
            check_of(
                CheckId::regression(Subject::RouteRelative("a".into())),
                Status::Fail,
            ),
            check_of(CheckId::regression(route("b")), Status::Pass),
            check_of(CheckId::regression(route("c")), Status::Skipped),
            check_of(CheckId::regression(op("init/cold")), Status::Improved),
            check_of(CheckId::regression(op("crisis/x")), Status::Skipped),
            check_of(CheckId::regression(counted("crisis/x")), Status::Pass),
            check_of(CheckId::regression(Subject::AllRoutes), Status::Pass),
        ];
        let c = check(&checks, Some("valgrind not installed"), false, "src").unwrap();
        assert_eq!(c.status, Status::Fail);
        assert_eq!((c.actual, c.limit), (4.0, 6.0));
        assert_eq!(
            c.detail.unwrap(),
            "2 of 3 routes with an SLA, 2 of 3 micro operations with a budget; not guarded: c (not judged: too quiet), crisis/y (valgrind not installed)"
        );
        assert_eq!(
            c.id.to_string(),
            "routes and micro operations guarded against regression"
        );
        assert_eq!(
            check(&checks[6..7], None, false, "src"),
            None,
            "nothing has an SLA"
        );
        // Every one judged: the check passes.
        checks[9].status = Status::Pass;
        checks.push(check_of(CheckId::regression(op("crisis/y")), Status::Pass));
        assert_eq!(
            check(&checks, None, false, "src").unwrap().status,
            Status::Pass
        );
        // Judged, but by tests that could not reach significance: routes not guarded.
        let c = check(&checks, None, true, "src").unwrap();
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail
                .unwrap()
                .starts_with("0 of 3 routes with an SLA, 3 of 3 micro")
        );
    }
}
