//! The speech engines behind two traits, so the service and the benchmarks never name a library.

mod espeak;
mod library;
mod pocketsphinx;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub use espeak::Espeak;
pub use pocketsphinx::{DEFAULT_MODEL_DIR, PocketSphinx};

use crate::language_model::PATIENT_PHRASES;
use crate::pcm::Pcm;

/// Text to speech.
pub trait Synthesizer: Send + Sync {
    /// Speaks `text`, returning mono samples at the engine's own rate.
    fn synthesize(&self, text: &str) -> Result<Pcm, EngineError>;
}

/// Speech to text.
pub trait Recognizer: Send + Sync {
    /// Transcribes one utterance of 16 kHz mono audio (empty when nothing was recognised).
    fn recognize(&self, audio: &Pcm) -> Result<String, EngineError>;
}

/// Why an engine call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The Debian package named is not installed.
    #[error("{0} is not installed")]
    Missing(&'static str),
    /// The engine is installed but did not work.
    #[error("{0}")]
    Broken(String),
    /// The input cannot be processed.
    #[error("{0}")]
    Input(String),
}

/// Where the engines come from.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The PocketSphinx model folder.
    pub model_dir: PathBuf,
    /// How many utterances may be recognised at once (one decoder, one model copy, each).
    pub decoders: usize,
    /// The sentences the language model is built from; `None` takes PocketSphinx's general one.
    pub corpus: Option<String>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            model_dir: PathBuf::from(DEFAULT_MODEL_DIR),
            decoders: std::thread::available_parallelism().map_or(1, |n| n.get()),
            corpus: Some(PATIENT_PHRASES.to_string()),
        }
    }
}

/// The two engines, loaded.
#[derive(Clone)]
pub struct Engines {
    pub synthesizer: Arc<dyn Synthesizer>,
    pub recognizer: Arc<dyn Recognizer>,
}

/// Why there is no voice: packages missing, or engines that failed to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    NotInstalled(Vec<&'static str>),
    Failed(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::NotInstalled(packages) => {
                write!(f, "voice engines not installed: {}", packages.join(" "))
            }
            Unavailable::Failed(why) => write!(f, "voice engines failed to start: {why}"),
        }
    }
}

impl std::error::Error for Unavailable {}

impl Engines {
    /// Loads eSpeak NG (once per process) and a pool of PocketSphinx decoders.
    pub fn load(config: &EngineConfig) -> Result<Engines, Unavailable> {
        let synthesizer = shared_espeak();
        let recognizer =
            PocketSphinx::load(&config.model_dir, config.corpus.as_deref(), config.decoders);
        let mut missing = Vec::new();
        let mut failed = Vec::new();
        for error in [synthesizer.as_ref().err(), recognizer.as_ref().err()]
            .into_iter()
            .flatten()
        {
            match error {
                EngineError::Missing(package) => missing.push(*package),
                other => failed.push(other.to_string()),
            }
        }
        if !missing.is_empty() {
            return Err(Unavailable::NotInstalled(missing));
        }
        if !failed.is_empty() {
            return Err(Unavailable::Failed(failed.join("; ")));
        }
        match (synthesizer, recognizer) {
            (Ok(synthesizer), Ok(recognizer)) => Ok(Engines {
                synthesizer,
                recognizer: Arc::new(recognizer),
            }),
            _ => unreachable!("errors returned above"),
        }
    }
}

/// eSpeak NG's state is per process, so it is initialised once and shared.
fn shared_espeak() -> Result<Arc<dyn Synthesizer>, EngineError> {
    static ESPEAK: OnceLock<Result<Arc<Espeak>, EngineError>> = OnceLock::new();
    ESPEAK
        .get_or_init(|| Espeak::load().map(Arc::new))
        .clone()
        .map(|espeak| espeak as Arc<dyn Synthesizer>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_model_names_its_package() {
        let config = EngineConfig {
            model_dir: PathBuf::from("/nonexistent/pocketsphinx/model"),
            ..EngineConfig::default()
        };
        match Engines::load(&config) {
            Err(Unavailable::NotInstalled(packages)) => {
                let named = packages.iter().any(|p| p.starts_with("pocketsphinx"));
                assert!(named, "{packages:?}");
                let message = Unavailable::NotInstalled(packages).to_string();
                assert!(
                    message.starts_with("voice engines not installed: "),
                    "{message}"
                );
            }
            Err(other) => panic!("expected a missing package, got {other}"),
            Ok(_) => panic!("loaded a model from a folder that does not exist"),
        }
    }
}
