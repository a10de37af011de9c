//! Instructions per call of each micro operation, counted under Callgrind (valgrind), as
//! CodSpeed and gungraun measure: nearly deterministic, so two builds compare with a small fixed
//! tolerance and no repetitions, where wall times on a shared machine move by more than the
//! regression limit between runs. Wall-time means stay for the absolute budgets.
//!
//! **How.** One worker process of a build (`tta-bench micro-worker --count N`) runs under
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=SECTION --dump-after=SECTION`.
//! Each operation runs in a child forked from the idle worker, N times inside
//! [`tta_bench_counted_section`], the only code Callgrind counts; leaving it writes one dump, so
//! the child's dump holds that operation's N calls and nothing else (no set-up, no process
//! start). Forking matters: run one after another in one process, an operation inherits the
//! heap its predecessors left, and its allocator's path (so its count) moved by −18 … +14 %
//! between two processes of one build. Forking is not enough: the parent's heap itself differs
//! with its arguments and path (copies of one build at two paths counted
//! `session/initialise_new_user` 6.7 % apart), so each child allocates from a bump arena
//! ([`super::arena`]), where every allocation costs the same few instructions. The worker
//! prints each operation's name and its child's pid, which names the dump.
//! A build that cannot count (valgrind missing, an older build without `--count`) says why, and
//! its operations are judged on their budgets only.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::iterate::Iterate;
use super::suite;

/// Calls of each operation counted (after one uncounted call, so lazy one-time set-up such as a
/// first allocation of a buffer is left out). 20 makes extra work of 5 % steps exact.
pub const ITERATIONS: u64 = 20;

/// Extra work injected per operation (`group/function` → fraction): the operation runs that
/// fraction more often inside the counted section, a known slowdown of its work for measuring
/// the gate's detection (`gate --inject-micro-work`).
pub type ExtraWork = BTreeMap<String, f64>;

/// Parses `OP=FRACTION[,OP=FRACTION…]`, each operation in the suite and each fraction within
/// 0-10.
pub fn parse_extra_work(text: &str) -> Result<ExtraWork, String> {
    let mut out = ExtraWork::new();
    for pair in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (op, fraction) = pair
            .split_once('=')
            .ok_or_else(|| format!("{pair:?} is not OP=FRACTION"))?;
        let op = op.trim();
        if !suite::names().iter().any(|n| n == op) {
            return Err(format!(
                "{op:?} is no micro operation (available: {})",
                suite::names().join(", ")
            ));
        }
        let f: f64 = fraction
            .trim()
            .parse()
            .map_err(|_| format!("{fraction:?} for {op} is not a number"))?;
        if !(f.is_finite() && (0.0..=10.0).contains(&f)) {
            return Err(format!("extra work for {op} must be within 0-10, got {f}"));
        }
        out.insert(op.to_string(), f);
    }
    Ok(out)
}

/// The symbol Callgrind toggles on and dumps after; [`counted_section`] carries it.
const SECTION: &str = "tta_bench_counted_section";

/// What a build's counting gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum Counting {
    /// Instructions (Callgrind's `Ir`) per call of each operation (`group/function`).
    Counted {
        /// The tool and its version, e.g. `callgrind (valgrind-3.19.0)`.
        tool: String,
        iterations: u64,
        per_call: BTreeMap<String, f64>,
    },
    /// Why nothing was counted.
    Unavailable { reason: String },
}

impl Counting {
    pub fn per_call(&self, operation: &str) -> Option<f64> {
        match self {
            Self::Counted { per_call, .. } => per_call.get(operation).copied(),
            Self::Unavailable { .. } => None,
        }
    }
}

/// The one function Callgrind counts. Not inlined and not mangled, so its symbol is
/// [`SECTION`] in every build.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "Rust" fn tta_bench_counted_section(work: &mut dyn FnMut()) {
    work();
}

/// Runs operations for counting: `iterations` calls, and `extra` more (injected work), inside
/// one [`counted_section`].
pub struct Counter {
    iterations: u64,
    extra: u64,
}

impl Iterate for Counter {
    fn iter<O, R: FnMut() -> O>(&mut self, mut routine: R) {
        black_box(routine());
        let n = self.iterations + self.extra;
        tta_bench_counted_section(&mut || {
            for _ in 0..n {
                black_box(routine());
            }
        });
    }

    fn iter_batched<I, O, S: FnMut() -> I, R: FnMut(I) -> O>(
        &mut self,
        mut setup: S,
        mut routine: R,
    ) {
        black_box(routine(setup()));
        let n = self.iterations + self.extra;
        let mut inputs: Vec<I> = (0..n).map(|_| setup()).collect();
        let mut outputs: Vec<O> = Vec::with_capacity(inputs.len());
        tta_bench_counted_section(&mut || {
            for input in inputs.drain(..) {
                outputs.push(black_box(routine(input)));
            }
        });
        drop(outputs);
    }
}

/// The worker's side: counts every selected operation, in suite order, each in a child process
/// of its own (see the module's doc), and returns `(name, child pid, calls)` for each, the pid
/// naming the child's Callgrind dump and `calls` how many calls it holds: `iterations`, or the
/// operation's own smaller number ([`suite::MicroBench::counted_calls`]).
pub fn worker(
    filter: Option<&Regex>,
    iterations: u64,
    extra: &ExtraWork,
) -> Result<Vec<(String, u32, u64)>, String> {
    let _scratch = super::store::Scratch::create().map_err(|e| e.to_string())?;
    if suite::selected(filter).any(|b| suite::IN_MEMORY_GROUPS.contains(&b.group)) {
        super::store::prepare_before_fork();
    }
    suite::selected(filter)
        .map(|b| {
            let fraction = extra.get(&b.id()).copied().unwrap_or(0.0);
            let calls = iterations.min(b.counted_calls);
            let mut counter = Counter {
                iterations: calls,
                extra: (calls as f64 * fraction).round() as u64,
            };
            let pid = in_child(|| {
                // Allocations cost the same whatever the heap held (`super::arena`).
                #[cfg(unix)]
                super::arena::activate().expect("the counting arena");
                (b.count)(&mut counter)
            })
            .map_err(|e| format!("{}: {e}", b.id()))?;
            Ok((b.id(), pid, calls))
        })
        .collect()
}

/// Runs `work` in a forked child and waits for it; returns the child's pid. The worker is
/// single-threaded, so the child holds a whole copy of it.
#[cfg(unix)]
fn in_child(work: impl FnOnce()) -> Result<u32, String> {
    // SAFETY: fork in a single-threaded process; the child only runs `work` and leaves with
    // _exit, touching nothing the parent holds.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(format!("fork failed: {}", std::io::Error::last_os_error())),
        0 => {
            let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                Ok(()) => 0,
                Err(_) => 101,
            };
            // SAFETY: ends the child without running the parent's exit handlers.
            unsafe { libc::_exit(code) }
        }
        child => {
            let mut status = 0;
            // SAFETY: waits for the child just forked.
            let waited = unsafe { libc::waitpid(child, &mut status, 0) };
            if waited != child || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
                return Err(format!("counting child {child} failed (status {status})"));
            }
            Ok(child as u32)
        }
    }
}

#[cfg(not(unix))]
fn in_child(_work: impl FnOnce()) -> Result<u32, String> {
    Err("counting needs fork (Unix) and valgrind".into())
}

/// `valgrind --version`, or why valgrind cannot run.
fn valgrind_version() -> Result<String, String> {
    let missing = "valgrind not installed (Debian package valgrind)";
    let out = Command::new("valgrind")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|_| missing.to_string())?;
    if !out.status.success() {
        return Err(missing.into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Counts the instructions per call of the operations `filter` selects in the build at `exe`
/// (this build or a reference one), with `extra` work injected. Never fails: what cannot be
/// counted says why.
pub fn count(exe: &Path, filter: Option<&Regex>, extra: &ExtraWork) -> Counting {
    match try_count(exe, filter, extra) {
        Ok(c) => c,
        Err(reason) => Counting::Unavailable { reason },
    }
}

fn try_count(exe: &Path, filter: Option<&Regex>, extra: &ExtraWork) -> Result<Counting, String> {
    let version = valgrind_version()?;
    if !exe.is_file() {
        return Err(format!("{}: no such build", exe.display()));
    }
    let dataset = suite::needs_dataset(filter)
        .then(super::dataset::ensure)
        .transpose()
        .map_err(|e| e.to_string())?;
    let dir = tempfile::Builder::new()
        .prefix("tta-bench-callgrind-")
        .tempdir()
        .map_err(|e| format!("temporary directory: {e}"))?;
    // %p: one file per process, so each forked child's dump is found by its pid.
    let out_file = dir.path().join("callgrind.out.%p");
    let mut cmd = Command::new("valgrind");
    cmd.arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg(format!("--toggle-collect={SECTION}"))
        .arg(format!("--dump-after={SECTION}"))
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .arg("micro-worker")
        .arg("--count")
        .arg(ITERATIONS.to_string());
    if let Some(f) = filter {
        cmd.arg("--filter").arg(f.as_str());
    }
    if !extra.is_empty() {
        let pairs: Vec<String> = extra.iter().map(|(op, f)| format!("{op}={f}")).collect();
        cmd.arg("--extra-work").arg(pairs.join(","));
    }
    if let Some(path) = &dataset {
        cmd.env(super::dataset::CHECKED_FILE_ENV, path);
    }
    cmd.stdin(Stdio::null());
    let out = match crate::interrupt::output(&mut cmd) {
        Err(e) => return Err(format!("cannot run valgrind: {e}")),
        Ok(crate::interrupt::Ended::Exited(out)) => out,
        Ok(crate::interrupt::Ended::Stopped(signal)) => {
            return Err(format!("stopped by {}", signal.name()));
        }
    };
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.starts_with("=="))
            .unwrap_or("");
        return Err(format!(
            "{} cannot count instructions ({}{}{})",
            exe.display(),
            out.status,
            if last.is_empty() { "" } else { ": " },
            last.trim()
        ));
    }
    let mut per_call = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // `name pid calls`; builds before per-operation calls print `name pid`.
        let mut fields = line.split(' ');
        let (Some(name), Some(pid)) = (fields.next(), fields.next()) else {
            continue;
        };
        let calls: u64 = fields
            .next()
            .and_then(|c| c.parse().ok())
            .unwrap_or(ITERATIONS);
        let dump = dir.path().join(format!("callgrind.out.{pid}.1"));
        let text = std::fs::read_to_string(&dump)
            .map_err(|e| format!("callgrind dump of {name} ({}): {e}", dump.display()))?;
        let ir = parse_total(&text).ok_or_else(|| format!("{}: no totals line", dump.display()))?;
        per_call.insert(name.to_string(), ir as f64 / calls as f64);
    }
    if per_call.is_empty() {
        return Err(format!("{} counted no operation", exe.display()));
    }
    Ok(Counting::Counted {
        tool: format!("callgrind ({version})"),
        iterations: ITERATIONS,
        per_call,
    })
}

/// The first event count of a Callgrind dump's `totals:` line (`summary:` in older formats):
/// `Ir`, the only event collected without cache simulation.
fn parse_total(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_instruction_total_of_a_dump() {
        let dump = "version: 1\ncreator: callgrind-3.19.0\npid: 7\ncmd: x\npart: 3\n\nevents: Ir\n\nfl=(1)\nfn=(1)\n0 5\nsummary: 12345\ntotals: 12345\n";
        assert_eq!(parse_total(dump), Some(12345));
        assert_eq!(parse_total("events: Ir\n"), None);
    }

    #[test]
    fn the_counter_runs_each_operation_its_iterations_plus_one() {
        let mut counter = Counter {
            iterations: 4,
            extra: 1,
        };
        let mut calls = 0;
        counter.iter(|| calls += 1);
        assert_eq!(calls, 6);
        let (mut setups, mut runs) = (0, 0);
        counter.iter_batched(|| setups += 1, |_| runs += 1);
        assert_eq!((setups, runs), (6, 6));
    }

    #[test]
    fn extra_work_names_known_operations_and_bounded_fractions() {
        let w = parse_extra_work("init/warm=0.25, crisis/short_benign=0.15").unwrap();
        assert_eq!(w["init/warm"], 0.25);
        assert_eq!(w.len(), 2);
        assert!(
            parse_extra_work("nope/x=0.1")
                .unwrap_err()
                .contains("no micro operation")
        );
        assert!(
            parse_extra_work("init/warm=11")
                .unwrap_err()
                .contains("within 0-10")
        );
        assert!(
            parse_extra_work("init/warm")
                .unwrap_err()
                .contains("OP=FRACTION")
        );
    }

    #[test]
    fn a_missing_tool_or_build_says_why() {
        let c = count(Path::new("/nonexistent/tta-bench"), None, &ExtraWork::new());
        match c {
            Counting::Unavailable { reason } => assert!(!reason.is_empty()),
            other => panic!("{other:?}"),
        }
    }
}
