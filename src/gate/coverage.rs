//! How much of the build a verdict guarded against regressions: of the routes with an SLA and
//! of the micro operations with a budget, how many a regression check judged (not skipped).
//! A route or operation that no regression check judged could slow down unseen, whatever its
//! SLA says, so the verdict says so in a note.

use std::collections::BTreeSet;

use crate::check::{Check, CheckKind, Status, Subject};

/// "regressions guarded: 5 of 12 routes with an SLA, 0 of 22 micro operations with a budget";
/// `None` when nothing has an SLA (no load and no micro run).
pub(super) fn note(checks: &[Check]) -> Option<String> {
    let sla = |want: fn(&Subject) -> Option<&str>| -> BTreeSet<&str> {
        checks
            .iter()
            .filter(|c| c.kind() == CheckKind::Sla)
            .filter_map(|c| want(&c.id.subject))
            .collect()
    };
    let guarded = |want: fn(&Subject) -> Option<&str>| -> BTreeSet<&str> {
        checks
            .iter()
            .filter(|c| c.kind() == CheckKind::Regression && c.status != Status::Skipped)
            .filter_map(|c| want(&c.id.subject))
            .collect()
    };
    let route: fn(&Subject) -> Option<&str> = |s| match s {
        Subject::Route(r) | Subject::RouteRelative(r) => Some(r),
        _ => None,
    };
    let operation: fn(&Subject) -> Option<&str> = |s| match s {
        Subject::MicroOperation(op) => Some(op),
        _ => None,
    };
    let (routes, operations) = (sla(route), sla(operation));
    if routes.is_empty() && operations.is_empty() {
        return None;
    }
    let count = |all: &BTreeSet<&str>, judged: BTreeSet<&str>| all.intersection(&judged).count();
    Some(format!(
        "regressions guarded: {} of {} routes with an SLA, {} of {} micro operations with a budget",
        count(&routes, guarded(route)),
        routes.len(),
        count(&operations, guarded(operation)),
        operations.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckId;

    fn check(id: CheckId, status: Status) -> Check {
        Check {
            id,
            unit: "ms".into(),
            actual: 1.0,
            comparison: "<=".into(),
            warning: None,
            limit: 10.0,
            status,
            source: "test".into(),
            detail: None,
        }
    }

    #[test]
    fn counts_what_a_regression_check_judged_of_what_has_an_sla() {
        let route = |r: &str| Subject::Route(r.into());
        let op = |o: &str| Subject::MicroOperation(o.into());
        let checks = vec![
            check(CheckId::sla(route("a")), Status::Pass),
            check(CheckId::sla(route("b")), Status::Pass),
            check(CheckId::sla(route("c")), Status::Pass),
            check(CheckId::sla(op("init/cold")), Status::Pass),
            check(CheckId::sla(op("crisis/x")), Status::Pass),
            check(CheckId::sla(Subject::Throughput), Status::Pass),
            // Judged: a (relative, failed counts as judged), b; c skipped; one op judged.
            check(
                CheckId::regression(Subject::RouteRelative("a".into())),
                Status::Fail,
            ),
            check(CheckId::regression(route("b")), Status::Pass),
            check(CheckId::regression(route("c")), Status::Skipped),
            check(CheckId::regression(op("init/cold")), Status::Improved),
            check(CheckId::regression(op("crisis/x")), Status::Skipped),
            check(CheckId::regression(Subject::AllRoutes), Status::Pass),
        ];
        assert_eq!(
            note(&checks).unwrap(),
            "regressions guarded: 2 of 3 routes with an SLA, 1 of 2 micro operations with a budget"
        );
        assert_eq!(
            note(&checks[5..6]),
            None,
            "no route or operation has an SLA"
        );
    }
}
