//! The service's disk writers: its JSON log (`--log-file`, `--log-level`), its database's WAL,
//! each counted in /metrics only when the service has it, and bad log settings refused.

use super::Server;
use crate::support::{assert_one_line_error, tta};

fn log_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn the_log_has_a_json_line_per_request_and_counts_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (log, db) = (dir.path().join("service.log"), dir.path().join("tta.db"));
    let server = Server::start(&[
        "--log-file",
        log.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let token = server.login("patient-1");
    let session = server.new_session(&token);
    server.session(&token, session);
    let wal = server
        .counter("tta_db_wal_bytes_total")
        .expect("a database file has a WAL");
    assert!(wal > 0, "seeding and a new session wrote the WAL");
    let counted = server
        .counter("tta_log_bytes_total")
        .expect("a log file is counted");
    assert!(counted > 0);
    assert_eq!(server.stop(), Some(0));

    let lines = log_lines(&log);
    let requests: Vec<_> = lines.iter().filter(|l| l["message"] == "request").collect();
    // login, new session, the session read and the two /metrics reads.
    assert_eq!(requests.len(), 5, "{lines:#?}");
    for l in &lines {
        for field in ["timestamp", "level", "message", "target"] {
            assert!(l.get(field).is_some(), "{field} missing: {l}");
        }
    }
    let read = requests
        .iter()
        .find(|l| l["method"] == "GET" && l["route"] != "/metrics")
        .unwrap();
    // The template, never the path (paths name patients and sessions).
    assert_eq!(read["route"], "/api/patient/sessions/{id}");
    assert_eq!(read["status"], 200);
    assert_eq!(read["level"], "INFO");
    assert!(read["duration_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(lines.first().unwrap()["message"], "service started");
    assert_eq!(lines.last().unwrap()["message"], "service stopped");
    // Counted before the last lines were written; the file holds them all.
    let size = std::fs::metadata(&log).unwrap().len();
    assert!(counted < size, "{counted} counted, {size} in the file");
}

#[test]
fn at_warn_level_requests_are_not_logged_and_without_a_file_nothing_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("service.log");
    let server = Server::start(&["--log-file", log.to_str().unwrap(), "--log-level", "WARN"]);
    server.login("patient-2");
    assert_eq!(server.counter("tta_log_bytes_total"), Some(0));
    // In memory: no WAL; no snapshot file: no snapshot counters.
    assert_eq!(server.counter("tta_db_wal_bytes_total"), None);
    assert_eq!(server.counter("tta_cache_snapshot_bytes_total"), None);
    assert_eq!(server.stop(), Some(0));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "");

    let plain = Server::start(&[]);
    plain.login("patient-2");
    assert_eq!(plain.counter("tta_log_bytes_total"), None);
    assert_eq!(plain.stop(), Some(0));
}

#[test]
fn a_log_file_in_a_missing_folder_or_an_unknown_level_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/folder/service.log");
    let o = tta()
        .args(["serve", "--log-file"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        &format!("{}: cannot open the log file", missing.display()),
    );
    assert!(!missing.exists());
    let o = tta()
        .args(["serve", "--log-level", "loud"])
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "--log-level \"loud\": expected one of error, warn, info, debug",
    );
}
