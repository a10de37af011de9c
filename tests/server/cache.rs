//! The read cache through the service: its counters in /metrics, its snapshot written at
//! shutdown and warmed from at the next start, and bad cache settings refused.

use super::Server;
use crate::support::{assert_one_line_error, tta};

fn counter(server: &Server, name: &str) -> u64 {
    server
        .counter(name)
        .unwrap_or_else(|| panic!("{name} not in /metrics"))
}

fn read_dashboard(server: &Server) {
    let token = server.login("clinician-1");
    let r = server.get("/api/clinical/dashboard/clinician-1", Some(&token));
    assert_eq!(r.status(), 200);
}

/// A dashboard request reads the clinician's patients and each patient's view through the
/// cache: misses on a cold start, hits after a restart warmed from the snapshot.
#[test]
fn a_snapshot_written_at_shutdown_warms_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("cache.snapshot");
    let path = snapshot.to_str().unwrap();
    let args = ["--cache-snapshot", path, "--cache-snapshot-every", "off"];

    let cold = Server::start(&args);
    read_dashboard(&cold);
    // clinician-1 of 8 seeded patients has patients 1, 3, 5 and 7: their list and their 4
    // dashboard rows, each missed once.
    assert_eq!(counter(&cold, "tta_cache_misses_total"), 5);
    assert_eq!(counter(&cold, "tta_cache_hits_total"), 0);
    assert_eq!(counter(&cold, "tta_cache_snapshots_total"), 0);
    assert_eq!(cold.stop(), Some(0));
    let written = std::fs::metadata(&snapshot).expect("snapshot written at shutdown");
    assert!(written.len() > 100, "{} bytes", written.len());

    let warm = Server::start(&args);
    read_dashboard(&warm);
    // The list and the 4 rows, from the snapshot.
    assert_eq!(counter(&warm, "tta_cache_hits_total"), 5);
    assert_eq!(counter(&warm, "tta_cache_misses_total"), 0);
    assert_eq!(warm.stop(), Some(0));
}

#[test]
fn a_damaged_snapshot_or_a_missing_folder_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let damaged = dir.path().join("cache.snapshot");
    std::fs::write(&damaged, b"TTACACHE\x01\x00\x00\x00 and then nonsense").unwrap();
    let o = tta()
        .args(["serve", "--cache-snapshot"])
        .arg(&damaged)
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        &format!(
            "{}: cache snapshot: byte 22: checksum mismatch",
            damaged.display()
        ),
    );
    assert_eq!(
        std::fs::read(&damaged).unwrap(),
        b"TTACACHE\x01\x00\x00\x00 and then nonsense",
        "a refused snapshot is left as it was"
    );
    let missing = dir.path().join("no/such/folder/cache.snapshot");
    let o = tta()
        .args(["serve", "--cache-snapshot"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        &format!(
            "{}: cache snapshot: its folder does not exist",
            missing.display()
        ),
    );
}

#[test]
fn cache_settings_that_do_not_parse_are_one_line_errors() {
    let o = tta()
        .args(["serve", "--cache-size", "lots"])
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        "--cache-size: \"lots\" is not a number followed by a unit",
    );
    let o = tta()
        .args(["serve", "--cache-size", "100"])
        .output()
        .unwrap();
    assert_one_line_error(&o, "--cache-size: \"100\" has no unit");
    let o = tta()
        .args(["serve", "--cache-size", "10B"])
        .output()
        .unwrap();
    assert_one_line_error(&o, "--cache-size \"10B\": expected a size from 1KiB up");
    let o = tta()
        .args([
            "serve",
            "--cache-snapshot",
            "x",
            "--cache-snapshot-every",
            "soon",
        ])
        .output()
        .unwrap();
    assert_one_line_error(&o, "--cache-snapshot-every \"soon\": expected a duration");
}

#[test]
fn the_snapshot_is_also_written_while_serving() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("cache.snapshot");
    let server = Server::start(&[
        "--cache-snapshot",
        snapshot.to_str().unwrap(),
        "--cache-snapshot-every",
        "1s",
    ]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while counter(&server, "tta_cache_snapshots_total") == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no snapshot within 20 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(snapshot.exists());
    assert!(counter(&server, "tta_cache_snapshot_bytes_total") >= 28);
    assert_eq!(server.stop(), Some(0));
}
