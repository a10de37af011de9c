//! The service's structured log (`serve --log-file`): one JSON object per line, with the
//! timestamp, level, logger and message the TTA performance monitoring guidelines' logging
//! configuration writes, plus the event's fields. tracing-subscriber formats it, tracing-appender
//! writes it on a thread of its own so no request waits for the disk, and the bytes reaching
//! the file are counted for `/metrics` (`tta_log_bytes_total`): the log's write rate is one of
//! the disk I/O figures the service is judged by.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::{Result, ServiceError};

/// Where the log goes and what it keeps.
#[derive(Debug, Clone)]
pub struct LogConfig {
    pub path: PathBuf,
    pub level: LogLevel,
}

/// The least severe event written. `Info` writes one line per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub const NAMES: [&'static str; 4] = ["error", "warn", "info", "debug"];

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Self::Error),
            "warn" => Some(Self::Warn),
            "info" => Some(Self::Info),
            "debug" => Some(Self::Debug),
            _ => None,
        }
    }

    fn filter(self) -> LevelFilter {
        match self {
            Self::Error => LevelFilter::ERROR,
            Self::Warn => LevelFilter::WARN,
            Self::Info => LevelFilter::INFO,
            Self::Debug => LevelFilter::DEBUG,
        }
    }
}

/// The installed log: dropping it writes out what is queued.
pub struct ServiceLog {
    _worker: WorkerGuard,
    /// Bytes written to the file since the service started.
    pub bytes: Arc<AtomicU64>,
}

/// The file, counting what it is given.
struct Counted {
    file: File,
    bytes: Arc<AtomicU64>,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Opens `config.path` for appending (its folder must exist) and makes it this process's log,
/// for the service's own events only (not its libraries'). A process has one log: a second
/// call is refused.
pub fn install(config: &LogConfig) -> Result<ServiceLog> {
    let invalid = |message: String| ServiceError::Invalid {
        origin: config.path.display().to_string(),
        message,
    };
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&config.path)
        .map_err(|e| invalid(format!("cannot open the log file: {e}")))?;
    let bytes = Arc::new(AtomicU64::new(0));
    // Not lossy: under a burst, requests wait for the log rather than lines being dropped
    // unseen, so the file holds every event and its write rate is the whole rate.
    let (writer, worker) = NonBlockingBuilder::default().lossy(false).finish(Counted {
        file,
        bytes: bytes.clone(),
    });
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_writer(writer);
    tracing_subscriber::registry()
        .with(layer)
        .with(Targets::new().with_target("tta_service", config.level.filter()))
        .try_init()
        .map_err(|e| invalid(format!("cannot install the log: {e}")))?;
    Ok(ServiceLog {
        _worker: worker,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_in_any_case_and_nothing_else() {
        for name in LogLevel::NAMES {
            assert!(LogLevel::parse(name).is_some(), "{name}");
            assert!(LogLevel::parse(&name.to_uppercase()).is_some(), "{name}");
        }
        assert_eq!(LogLevel::parse("INFO"), Some(LogLevel::Info));
        assert_eq!(LogLevel::parse("verbose"), None);
        assert_eq!(LogLevel::parse(""), None);
    }

    #[test]
    fn counted_writes_count_what_reached_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        let bytes = Arc::new(AtomicU64::new(0));
        let mut w = Counted {
            file: File::create(&path).unwrap(),
            bytes: bytes.clone(),
        };
        w.write_all(b"{\"a\":1}\n").unwrap();
        w.write_all(b"{\"b\":22}\n").unwrap();
        w.flush().unwrap();
        assert_eq!(bytes.load(Ordering::Relaxed), 17);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 17);
    }
}
