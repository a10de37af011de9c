//! Stops asked for from outside: SIGINT (Ctrl-C) and SIGTERM (`kill`, a CI job's timeout).
//!
//! The commands that run load (`load`, `capacity`, `gate`, `baseline save` and `refresh`)
//! [`install`] the handlers. The first signal stops the load within a second or two; the
//! command then writes what it measured, marked interrupted, judges nothing and exits 128 + the
//! signal's number (130, 143), as shells report a process the signal ended. A second signal,
//! of either kind, ends the process at once with the first one's code.
//!
//! Goose installs its own Ctrl-C handler (through `ctrlc`) at each attack: it would replace any
//! other and only stop that attack, so a Ctrl-C between two load runs of a gate would be lost.
//! Holding `ctrlc`'s one handler first keeps SIGINT ours for the whole command (goose's attempt
//! then fails, harmlessly). SIGTERM is waited for on a thread of its own with tokio's signal
//! stream.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Once, OnceLock};
use std::time::Duration;

use tokio::sync::watch;

/// A stop signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT, Ctrl-C.
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Self::Interrupt => "SIGINT",
            Self::Terminate => "SIGTERM",
        }
    }

    /// 128 + the signal's number.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Interrupt => 130,
            Self::Terminate => 143,
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Interrupt, Self::Terminate]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

fn state() -> &'static watch::Sender<Option<Signal>> {
    static STATE: OnceLock<watch::Sender<Option<Signal>>> = OnceLock::new();
    STATE.get_or_init(|| watch::channel(None).0)
}

/// Catches SIGINT and SIGTERM for the rest of the process (once; later calls do nothing).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if let Err(e) = ctrlc::set_handler(|| stop(Signal::Interrupt)) {
            eprintln!("tta-bench: warning: Ctrl-C will not stop cleanly: {e}");
        }
        let terminate = std::thread::Builder::new()
            .name("sigterm".into())
            .spawn(wait_for_terminate);
        if let Err(e) = terminate {
            eprintln!("tta-bench: warning: SIGTERM will not stop cleanly: {e}");
        }
    });
}

#[cfg(unix)]
fn wait_for_terminate() {
    use tokio::signal::unix::{SignalKind, signal};
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tta-bench: warning: SIGTERM will not stop cleanly: {e}");
            return;
        }
    };
    runtime.block_on(async {
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                while stream.recv().await.is_some() {
                    stop(Signal::Terminate);
                }
            }
            Err(e) => eprintln!("tta-bench: warning: SIGTERM will not stop cleanly: {e}"),
        }
    });
}

#[cfg(not(unix))]
fn wait_for_terminate() {}

/// Records the first stop and tells goose; a second one exits at once.
fn stop(signal: Signal) {
    let mut first = None;
    let fresh = state().send_if_modified(|held| match held {
        Some(s) => {
            first = Some(*s);
            false
        }
        None => {
            *held = Some(signal);
            true
        }
    });
    match first {
        Some(first) if !fresh => {
            eprintln!(
                "tta-bench: {} again: exiting at once, nothing written",
                signal.name()
            );
            std::process::exit(i32::from(first.exit_code()));
        }
        _ => {
            eprintln!(
                "tta-bench: {} received: stopping the load (again to exit at once)",
                signal.name()
            );
            goose::trigger_killswitch(signal.name());
        }
    }
}

/// The stop received so far, if any.
pub fn received() -> Option<Signal> {
    *state().borrow()
}

/// Resolves once a stop is received (at once if one was).
pub async fn stopped() -> Signal {
    let mut rx = state().subscribe();
    let held = rx.wait_for(Option::is_some).await.map(|held| *held);
    match held {
        Ok(Some(signal)) => signal,
        // The sender is a static, never dropped.
        _ => std::future::pending().await,
    }
}

/// How a child process run under [`output`] or [`status`] ended.
pub enum Ended<T> {
    Exited(T),
    /// A stop signal came first: the child, in a process group of its own, was killed with
    /// the processes it started.
    Stopped(Signal),
}

/// As [`Command::status`], but a stop signal kills the child (see [`Ended::Stopped`]).
pub fn status(cmd: &mut Command) -> std::io::Result<Ended<ExitStatus>> {
    let mut child = spawn_in_own_group(cmd)?;
    wait(&mut child)
}

/// As [`Command::output`], but a stop signal kills the child (see [`Ended::Stopped`]).
pub fn output(cmd: &mut Command) -> std::io::Result<Ended<Output>> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = spawn_in_own_group(cmd)?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let ended = wait(&mut child)?;
    let (stdout, stderr) = (
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );
    Ok(match ended {
        Ended::Exited(status) => Ended::Exited(Output {
            status,
            stdout,
            stderr,
        }),
        Ended::Stopped(signal) => Ended::Stopped(signal),
    })
}

fn spawn_in_own_group(cmd: &mut Command) -> std::io::Result<Child> {
    // Its own group, so that a stop kills what it started too, and the terminal's Ctrl-C
    // reaches only this process, which decides.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    cmd.spawn()
}

fn wait(child: &mut Child) -> std::io::Result<Ended<ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Ended::Exited(status));
        }
        if let Some(signal) = received() {
            #[cfg(unix)]
            if let Ok(group) = i32::try_from(child.id()) {
                // SAFETY: kill(2) on the child's own process group; no memory is involved.
                unsafe { libc::kill(-group, libc::SIGKILL) };
            }
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Ended::Stopped(signal));
        }
        std::thread::sleep(POLL);
    }
}

/// How often a waiting parent looks for a stop.
const POLL: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal_number() {
        assert_eq!(Signal::Interrupt.exit_code(), 128 + 2);
        assert_eq!(Signal::Terminate.exit_code(), 128 + 15);
        for s in [Signal::Interrupt, Signal::Terminate] {
            assert_eq!(Signal::from_name(s.name()), Some(s));
        }
        assert_eq!(Signal::from_name("SIGHUP"), None);
    }
}
