//! `kill -9` half-way through a write: of a baseline, of the `current` pointer, of an `--out`
//! file. A debug build pauses in the middle of writing a file whose path ends as
//! `TTA_BENCH_CRASH_TEST_PAUSE` says (and says so with `<path>.paused`); killed there, the old
//! file must be left whole and `current` must name a complete baseline.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tta_bench::{Baseline, BaselineStore};

use crate::check::synthetic_run;
use crate::support::tta;

const PAUSE_ENV: &str = "TTA_BENCH_CRASH_TEST_PAUSE";

/// A store whose current baseline is `old`, and 10 saved runs to make another from.
struct Fixture {
    dir: tempfile::TempDir,
    runs: Vec<PathBuf>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let runs: Vec<_> = (0..10)
            .map(|i| synthetic_run(&[("GET /x", 5.0 + 0.01 * f64::from(i))]))
            .collect();
        let store = BaselineStore::new(dir.path().join("baselines"));
        let old = store
            .save(&Baseline::new("old", runs.clone(), Vec::new()), false)
            .unwrap();
        store.promote(&old).unwrap();
        let runs = runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let p = dir.path().join(format!("run{i}.json"));
                std::fs::write(&p, serde_json::to_string(r).unwrap()).unwrap();
                p
            })
            .collect();
        Self { dir, runs }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("baselines")
    }

    /// `baseline save --label LABEL --promote --force --from RUNS`.
    fn save(&self, label: &str) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tta-bench"));
        cmd.args(["baseline", "save", "--label", label, "--promote", "--force"])
            .arg("--baselines-dir")
            .arg(self.store())
            .arg("--from")
            .args(&self.runs);
        cmd
    }

    /// The file `current` names, loaded: it must be a whole baseline.
    fn current(&self) -> (String, Baseline) {
        let name = std::fs::read_to_string(self.store().join("current")).unwrap();
        let name = name.trim().to_string();
        let baseline = Baseline::load(&self.store().join(&name)).expect("current is whole");
        (name, baseline)
    }
}

/// Runs `cmd` pausing half-way through writing `target`, kills it (SIGKILL) there (once it
/// made `<target>.paused`), and waits for it.
fn kill_mid_write(mut cmd: Command, target: &Path) {
    let mut marker = target.as_os_str().to_owned();
    marker.push(".paused");
    let marker = PathBuf::from(marker);
    let mut child = cmd
        .env(PAUSE_ENV, target.file_name().unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !marker.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "exited before writing {}",
            target.display()
        );
        assert!(
            Instant::now() < deadline,
            "{} was never written",
            target.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(marker).unwrap();
    // What a kill leaves: the temporary file, half written, beside the target.
    let dir = target.parent().unwrap();
    let half = std::fs::read_dir(dir).unwrap().flatten().any(|e| {
        e.file_name().to_string_lossy().starts_with(".tta-bench-")
            && e.metadata().is_ok_and(|m| m.len() > 0)
    });
    assert!(half, "no temporary file in {}", dir.display());
}

#[test]
fn a_kill_while_a_baseline_replaces_another_leaves_the_old_one_whole() {
    let f = Fixture::new();
    let (name, _) = f.current();
    let before = std::fs::read(f.store().join(&name)).unwrap();
    kill_mid_write(f.save("old"), &f.store().join(&name));
    assert_eq!(std::fs::read(f.store().join(&name)).unwrap(), before);
    assert_eq!(f.current().0, name);
    // The store still lists and shows: the temporary file left behind is not a baseline.
    let list = tta()
        .args(["baseline", "list", "--baselines-dir"])
        .arg(f.store())
        .output()
        .unwrap();
    assert_eq!(list.status.code(), Some(0));
}

#[test]
fn a_kill_while_current_moves_leaves_it_naming_a_whole_baseline() {
    let f = Fixture::new();
    let (old, _) = f.current();
    kill_mid_write(f.save("new"), &f.store().join("current"));
    // The new baseline was written whole before the pointer moved; the pointer did not move.
    let (name, baseline) = f.current();
    assert_eq!(name, old);
    assert_eq!(baseline.label, "old");
    let new = old.replace("-old.json", "-new.json");
    Baseline::load(&f.store().join(new)).expect("the new baseline is whole");
}

#[test]
fn a_kill_while_an_out_file_is_replaced_leaves_the_old_one() {
    let f = Fixture::new();
    let out = f.dir.path().join("verdict.json");
    std::fs::write(&out, "{\"old\": true}\n").unwrap();
    let mut check = Command::new(assert_cmd::cargo::cargo_bin("tta-bench"));
    check
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("check")
        .args(&f.runs)
        .arg("--baselines-dir")
        .arg(f.store())
        .arg("--json")
        .arg(&out);
    kill_mid_write(check, &out);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"old\": true}\n");
}
