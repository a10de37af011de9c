use super::*;
use crate::check::{Check, Subject};
use crate::sla::Thresholds;
use crate::sla::units::{Kind, Quantity};

fn shipped() -> &'static [Entry] {
    &Thresholds::shipped().catalogue
}

#[test]
fn the_catalogue_lists_every_figure_of_the_document_in_its_order() {
    let entries = shipped();
    assert_eq!(entries.len(), 37);
    let mut tables: Vec<&str> = entries.iter().map(|e| e.table.as_str()).collect();
    tables.dedup();
    assert_eq!(
        tables,
        [
            "Voice service operations",
            "Database operations",
            "Cache operations",
            "Concurrent users",
            "Voice processing",
            "Memory usage",
            "CPU usage",
            "Disk I/O",
            "Session management",
            "Cache performance"
        ]
    );
    assert_eq!(entries.iter().filter(|e| !e.checks.is_empty()).count(), 27);
}

/// A stated figure ("< 200 ms", "50 req/s") in base units.
fn stated(text: &str, kind: Kind) -> f64 {
    Quantity::parse(text.trim_start_matches("< "), kind)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .value
}

/// The catalogue states the same target and threshold as the sections its checks judge by.
#[test]
fn each_measured_figure_agrees_with_the_limits_its_checks_use() {
    let t = Thresholds::shipped();
    let mut seen = 0;
    for e in shipped().iter().filter(|e| !e.checks.is_empty()) {
        for name in &e.checks {
            let id = CheckId::parse(CheckKind::Sla, name).unwrap();
            let (kind, target, threshold) = match &id.subject {
                Subject::MicroOperation(op) => {
                    let (_, b) = t.budget(op).unwrap_or_else(|| panic!("{op}"));
                    (Kind::Duration, b.target.unwrap().0.value, b.max.0.value)
                }
                Subject::Route(route) => {
                    let l = t.route_level(route);
                    (
                        Kind::Duration,
                        l.warning.unwrap().0.value,
                        l.critical.0.value,
                    )
                }
                Subject::Throughput => {
                    let p = &t.profiles[e.profile.as_deref().unwrap()];
                    (Kind::Rate, p.target.0.value, p.threshold.0.value)
                }
                Subject::ServerRss => {
                    let r = &t.resources.server_rss;
                    (Kind::Size, r.warning.0.value, r.critical.0.value)
                }
                Subject::CacheMemory => {
                    let r = t.resources.cache_memory.as_ref().unwrap();
                    (Kind::Size, r.warning.0.value, r.critical.0.value)
                }
                Subject::IdleCpu => {
                    let r = t.resources.idle_cpu.as_ref().unwrap();
                    (Kind::Percent, r.warning.0.value, r.critical.0.value)
                }
                Subject::PeakLoadRss => {
                    let r = t.resources.peak_load_rss.as_ref().unwrap();
                    assert!(r.profiles.contains(e.profile.as_ref().unwrap()));
                    (Kind::Size, r.warning.0.value, r.critical.0.value)
                }
                Subject::ServerCpu => {
                    let r = &t.resources.server_cpu;
                    (Kind::Percent, r.warning.0.value, r.critical.0.value)
                }
                Subject::SessionsOpen | Subject::SessionCreationRate => {
                    let l = t.sessions.as_ref().unwrap();
                    let f = if id.subject == Subject::SessionsOpen {
                        l.max_open
                    } else {
                        l.creation_per_s
                    };
                    let count = |text: &str| text.trim_end_matches("/s").parse::<f64>().unwrap();
                    assert_eq!(count(&e.target), f.target, "{name}");
                    assert_eq!(count(&e.threshold), f.threshold, "{name}");
                    seen += 1;
                    continue;
                }
                // Judged against the creation route's p95 limit, which the document does not
                // state per session count: nothing to compare.
                Subject::SessionLatencySlope => {
                    seen += 1;
                    continue;
                }
                Subject::SessionCleanup => {
                    let l = t.sessions.as_ref().unwrap();
                    (
                        Kind::Duration,
                        l.cleanup_warning.0.value,
                        l.cleanup_critical.0.value,
                    )
                }
                Subject::DatabaseMemory => {
                    let r = t.resources.database_memory.as_ref().unwrap();
                    (Kind::Size, r.warning.0.value, r.critical.0.value)
                }
                Subject::DatabaseCpu => {
                    let r = t.resources.database_cpu.as_ref().unwrap();
                    (Kind::Percent, r.warning.0.value, r.critical.0.value)
                }
                Subject::DiskWrites(key) => {
                    let writer = crate::run::writes::Writer::from_key(key).unwrap();
                    let l = t.disk_writes.as_ref().unwrap().level(writer);
                    (Kind::ByteRate, l.warning.0.value, l.critical.0.value)
                }
                // "> 85 % hits, eviction < 50 ms" / "> 70 % hits".
                Subject::CacheHitRate(size) | Subject::CacheEviction(size) => {
                    let l = &t.cache_hit_rate[size];
                    let (rate, eviction) = e.target.split_once(", eviction ").unwrap();
                    let hits = |text: &str| {
                        let text = text.trim_start_matches("> ").trim_end_matches(" hits");
                        stated(text, Kind::Percent)
                    };
                    if matches!(id.subject, Subject::CacheEviction(_)) {
                        assert_eq!(stated(eviction, Kind::Duration), l.eviction.0.value);
                    } else {
                        assert_eq!(hits(rate), l.target.0.value, "{name}");
                        assert_eq!(hits(&e.threshold), l.threshold.0.value, "{name}");
                    }
                    seen += 1;
                    continue;
                }
                other => panic!("{name}: no limits known for {other:?}"),
            };
            assert_eq!(stated(&e.target, kind), target, "{} / {name}", e.figure);
            assert_eq!(
                stated(&e.threshold, kind),
                threshold,
                "{} / {name}",
                e.figure
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 4 * 3 + 4 + 3 * 2 + 3 + 5 + 3 + 2 + 4);
}

fn check(subject: Subject, status: Status, actual: f64) -> Check {
    Check::sla(subject, "ms", actual, Some(100.0), 300.0, "test", status)
}

fn verdict(profile: &str, checks: Vec<Check>) -> Verdict {
    let mut v = crate::gate::judge(
        &[],
        &[],
        Thresholds::shipped(),
        None,
        crate::verdict::Pairing::Stored,
    );
    v.profile = Some(profile.into());
    v.checks = checks;
    v
}

#[test]
fn rows_take_the_worst_of_their_checks_and_say_what_was_not_measured() {
    let v = verdict(
        "light",
        vec![
            check(
                Subject::MicroOperation("store_wal/session_retrieval".into()),
                Status::Pass,
                0.01,
            ),
            check(
                Subject::Route("GET /api/patient/sessions/{session_id}".into()),
                Status::Warn,
                120.0,
            ),
            Check::sla(
                Subject::Throughput,
                "rps",
                48.0,
                Some(50.0),
                25.0,
                "t",
                Status::Warn,
            ),
        ],
    );
    let rows = rows(shipped(), &v);
    let row = |figure: &str| rows.iter().find(|r| r.entry.figure == figure).unwrap();
    let retrieval = row("Session retrieval");
    assert_eq!(retrieval.coverage, Coverage::Judged(Status::Warn));
    assert_eq!(
        retrieval.measured.len(),
        2,
        "the memory store's check is absent"
    );
    assert_eq!(
        retrieval.measured[1].0,
        "p95 GET /api/patient/sessions/{session_id}"
    );
    assert_eq!(row("User authentication").coverage, Coverage::NotInThisRun);
    // Throughput judges the profile that ran, not the others.
    assert_eq!(
        row("Light (10 users)").coverage,
        Coverage::Judged(Status::Warn)
    );
    assert_eq!(row("Heavy (100 users)").coverage, Coverage::NotInThisRun);
    assert!(row("Heavy (100 users)").measured.is_empty());
    let voice = &row("Voice session creation").coverage;
    assert_eq!(voice.status(), "not measured yet");
    assert_eq!(voice.reason(), Some("the voice pipeline (issue 22)"));
}

#[test]
fn an_entry_gives_exactly_one_way_and_names_real_checks() {
    let base = shipped()[5].clone();
    base.validate().unwrap();
    let mut both = base.clone();
    both.not_measured = Some("later".into());
    assert!(both.validate().unwrap_err().contains("exactly one of"));
    let mut no_command = base.clone();
    no_command.command = None;
    assert!(no_command.validate().unwrap_err().contains("command"));
    let mut bad = base;
    bad.checks = vec!["latency of everything".into()];
    assert!(
        bad.validate()
            .unwrap_err()
            .contains("not the name of an SLA check")
    );
}
