//! The system under test: the embedded service as a child process, or a URL on loopback.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use tta_service::FaultConfig;

/// `tta-bench serve` started by this process on 127.0.0.1:0.
pub struct EmbeddedServer {
    child: Child,
    /// The child's stdin: it stops when this closes, so also when this process dies unasked.
    _lifeline: Option<ChildStdin>,
    pub url: String,
    /// The folder of its database, log and cache snapshot, removed after it stops.
    _files: Option<tempfile::TempDir>,
}

/// How often the embedded service of a load run snapshots its cache: often enough that a run
/// of seconds sees snapshots written (serve's own default is a minute), so their write rate is
/// measured at a cadence more demanding than a deployment's.
pub const LOAD_SNAPSHOT_EVERY: &str = "5s";

fn pairs<T: std::fmt::Display>(m: &std::collections::BTreeMap<String, T>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl EmbeddedServer {
    /// Spawns `exe serve --addr 127.0.0.1:0 ARGS…` with `envs` and reads the URL it bound from its
    /// first stdout line (30 s at most). The load engine, the service's tests and its benchmark
    /// all start the service this way.
    pub fn spawn(exe: &Path, args: &[String], envs: &[(&str, &str)]) -> Result<Self> {
        let mut cmd = Command::new(exe);
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .envs(envs.iter().copied())
            .env(tta_service::EXIT_WITH_STDIN_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // A group of its own: a Ctrl-C at the terminal reaches this process, which stops the
        // load first and then the service, not the service under the load's last requests.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().map_err(|e| Error::io(exe, e))?;
        let lifeline = child.stdin.take();
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let url = line.trim().to_string();
        if !url.starts_with("http://") {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            let reason = err
                .lines()
                .last()
                .unwrap_or("no address printed within 30 s")
                .to_string();
            return Err(Error::Process(format!(
                "the embedded service did not start: {reason}"
            )));
        }
        Ok(Self {
            child,
            _lifeline: lifeline,
            url,
            _files: None,
        })
    }

    /// Starts the service of `exe` (this binary, or another build of it) for a load run, set
    /// up as a deployment is: its database a file in WAL mode, a JSON log at info level, its
    /// cache snapshotted every [`LOAD_SNAPSHOT_EVERY`], all in a temporary folder of their own
    /// (the log and snapshot given by environment, which an older build without them ignores).
    /// Rate limiting is off: profiles send more than the 100 requests a minute per user of
    /// TTA staging and load tests, by design.
    pub fn start(exe: &Path, seed_users: u32, faults: &FaultConfig) -> Result<Self> {
        let files = tempfile::Builder::new()
            .prefix("tta-bench-service-")
            .tempdir()
            .map_err(|e| Error::io("temporary folder of the embedded service", e))?;
        let file = |name: &str| files.path().join(name).display().to_string();
        let mut args: Vec<String> = vec!["--db".into(), file("tta.db")];
        args.extend(["--rate-limit", "off", "--seed-users"].map(String::from));
        args.push(seed_users.to_string());
        for (flag, value) in [
            ("--inject-delay", pairs(&faults.delay_ms)),
            ("--inject-cpu", pairs(&faults.cpu_factor)),
            ("--inject-error", pairs(&faults.error_rate)),
        ] {
            if !value.is_empty() {
                args.push(flag.to_string());
                args.push(value);
            }
        }
        if let Some(s) = &faults.stall {
            args.push("--inject-stall".into());
            args.push(format!("{}ms/{}ms", s.pause_ms, s.every_ms));
        }
        let (log, snapshot) = (file("service.log"), file("cache.snapshot"));
        let envs = [
            (tta_service::env::LOG_FILE, log.as_str()),
            (tta_service::env::LOG_LEVEL, "info"),
            (tta_service::env::CACHE_SNAPSHOT, snapshot.as_str()),
            (tta_service::env::CACHE_SNAPSHOT_EVERY, LOAD_SNAPSHOT_EVERY),
        ];
        let mut server = Self::spawn(exe, &args, &envs)?;
        server._files = Some(files);
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the child is still running (it may have crashed between two runs).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the child gracefully (SIGTERM, up to 10 s, then killed) and returns its exit code.
    pub fn stop(mut self) -> Option<i32> {
        self.terminate()
    }

    fn terminate(&mut self) -> Option<i32> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return status.code();
        }
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return status.code();
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for EmbeddedServer {
    /// A child is never left running, even when its owner panics.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.terminate();
        }
    }
}

/// Refuses any target that is not on the loopback interface: loads never leave this machine.
pub fn check_loopback(url: &str) -> Result<()> {
    resolve_loopback(url).map(|_| ())
}

/// The authority of `url` (`127.0.0.1:8080`, for a Host header) and every address its host
/// resolves to, all of them loopback; otherwise an error naming the URL.
pub fn resolve_loopback(url: &str) -> Result<(String, Vec<SocketAddr>)> {
    let bad = |why: &str| Error::Usage(format!("--target {url}: {why}"));
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| bad("must start with http:// or https://"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host_port = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addrs: Vec<SocketAddr> = host_port
        .to_socket_addrs()
        .map_err(|e| bad(&format!("cannot resolve host: {e}")))?
        .collect();
    if addrs.is_empty() || !addrs.iter().all(|a| a.ip().is_loopback()) {
        return Err(bad(
            "loads may only target loopback addresses (127.0.0.0/8, [::1], localhost)",
        ));
    }
    Ok((authority.to_string(), addrs))
}

/// The service's `/metrics` exposition (2 s at most); none when it does not answer 200. No
/// redirect is followed.
pub fn read_metrics(url: &str) -> Option<String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .ok()?;
    let response = client.get(format!("{url}/metrics")).send().ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.text().ok()
}

/// Polls `GET {url}/health` until it answers 200, or fails naming the URL.
pub fn wait_healthy(url: &str, within: Duration) -> Result<()> {
    // No redirect is followed: load goes only to the loopback address that was checked.
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Process(format!("http client: {e}")))?;
    let deadline = Instant::now() + within;
    let mut last;
    loop {
        match client.get(format!("{url}/health")).send() {
            Ok(r) if r.status().is_success() => return Ok(()),
            // A redirect is an answer, not a service starting up: no use waiting.
            Ok(r) if r.status().is_redirection() => {
                return Err(Error::Process(format!(
                    "target {url} is down: /health answered {} (redirects are not followed)",
                    r.status()
                )));
            }
            Ok(r) => last = format!("/health answered {}", r.status()),
            Err(e) if e.is_connect() => last = "connection refused".to_string(),
            Err(e) => last = e.to_string(),
        }
        if Instant::now() >= deadline {
            return Err(Error::Process(format!("target {url} is down: {last}")));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets_pass() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:3000/",
            "http://[::1]:9000",
            "http://127.8.9.10:1",
        ] {
            assert!(check_loopback(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1:80",
            "http://192.168.1.2",
            "http://8.8.8.8:53",
            "ftp://127.0.0.1",
            "127.0.0.1:80",
        ] {
            assert!(check_loopback(bad).is_err(), "{bad}");
        }
    }
}
