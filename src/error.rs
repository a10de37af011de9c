//! Errors of the tool. Every variant names what it concerns (file and place, flag, input), and
//! every error means "cannot judge": the binary maps it to exit code 2.

use std::path::PathBuf;

/// Exit code for "could not judge": any [`Error`] but a stop.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A document could not be parsed or failed validation at a known place.
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A document is wrong as a whole (no single place to point at).
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    /// A command-line value is unusable.
    #[error("{0}")]
    Usage(String),
    /// The therapeutic core refused an input.
    #[error("{0}")]
    Core(#[from] tta_core::CoreError),
    /// The reference service could not start or failed.
    #[error(transparent)]
    Service(#[from] tta_service::ServiceError),
    /// A child process failed.
    #[error("{0}")]
    Process(String),
    /// SIGINT or SIGTERM stopped the command before it could judge.
    #[error("stopped by {}: nothing judged", .0.name())]
    Interrupted(crate::interrupt::Signal),
}

impl Error {
    /// The process's exit code for this error: 2 (could not judge), or 128 + the signal's
    /// number for a stop.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Interrupted(signal) => signal.exit_code(),
            _ => EXIT_ERROR,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// A serde_json error located in `origin`, with serde's own " at line L column C" moved to
    /// the front as `origin:L:C:`.
    pub fn json(origin: impl Into<String>, e: &serde_json::Error) -> Self {
        let message = without_location(&e.to_string()).to_string();
        Self::Parse {
            origin: origin.into(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

/// A serde message without the " at line L column C" serde appends: errors put the place
/// first, as `origin:L:C:`.
pub fn without_location(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
