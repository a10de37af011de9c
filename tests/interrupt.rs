//! A stop signal during a load run: the load stops well before its end, the embedded service
//! stops too, the partial run is written marked `interrupted` with no request counted as an
//! error, `check` refuses it (exit 2), and the exit code is 128 + the signal's number.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{scenarios, tta};

/// Starts `load ARGS --out OUT` and returns it once its target is healthy (the line naming
/// the target is on stderr), with the rest of stderr drained on a thread.
fn start_load(args: &[&str], out: &Path) -> Child {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("tta-bench"))
        .arg("load")
        .args(args)
        .arg("--scenario-dir")
        .arg(scenarios())
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains(" against http://") {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    child
}

/// Sends `signal` to `child` and waits for it, at most `limit`.
fn stop(child: &mut Child, signal: &str, limit: Duration) -> Option<i32> {
    let status = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("still running {limit:?} after {signal}");
}

/// The run `out` holds, written interrupted by `signal`, refused by `check`.
fn partial_run(out: &Path, signal: &str) -> Value {
    let run: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    crate::support::assert_valid(include_str!("../schema/run-result.schema.json"), &run);
    assert_eq!(
        run["interrupted"]["signal"], signal,
        "{}",
        run["interrupted"]
    );
    assert!(run["totals"]["count"].as_u64().unwrap() > 0);
    // Requests the stop cut off are counted as cancelled, not as the target's errors.
    assert_eq!(run["totals"]["errors"], 0, "{}", run["errors_by_kind"]);
    assert_eq!(run["passed"], false);
    // The embedded service was stopped with the load: its address no longer answers.
    let url = run["target"]["url"].as_str().unwrap();
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    assert!(
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "{url} still answers"
    );
    let check = tta()
        .arg("check")
        .arg(out)
        .arg("--thresholds")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("thresholds.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    run
}

/// The light profile lasts 60 s; stopped after 2 s, it ends within seconds.
#[test]
fn sigint_stops_a_closed_model_run_and_marks_it_interrupted() {
    let _lock = crate::support::load_lock();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run.json");
    let mut child = start_load(&["--profile", "light"], &out);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(stop(&mut child, "INT", Duration::from_secs(20)), Some(130));
    let run = partial_run(&out, "SIGINT");
    assert!(
        run["duration_s"].as_f64().unwrap() < 30.0,
        "{}",
        run["duration_s"]
    );
}

#[test]
fn sigterm_stops_an_open_model_run_and_marks_it_interrupted() {
    let _lock = crate::support::load_lock();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run.json");
    let mut child = start_load(
        &["--profile", "smoke", "--rate", "50/s", "--duration", "60"],
        &out,
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(stop(&mut child, "TERM", Duration::from_secs(20)), Some(143));
    let run = partial_run(&out, "SIGTERM");
    assert_eq!(run["executor"], "arrival-rate");
    let scheduled = run["arrival"]["scheduled"].as_u64().unwrap();
    assert!(scheduled < 50 * 30, "{scheduled} arrivals scheduled");
}
