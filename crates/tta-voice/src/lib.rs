//! Voice for the reference TTA service: local speech engines (eSpeak NG, PocketSphinx) behind
//! two traits, and the audio chain in Rust (WAV, resampling, level, voice activity, noise gate).

pub mod chain;
pub mod engine;
pub mod frames;
pub mod language_model;
pub mod pcm;
pub mod resample;
pub mod wav;
pub mod wer;

pub use engine::{EngineConfig, EngineError, Engines, Recognizer, Synthesizer, Unavailable};
pub use pcm::{Pcm, RECOGNIZER_RATE};

/// Audio that cannot be read or converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AudioError {
    #[error("{0}")]
    Format(String),
    #[error("resampling failed: {0}")]
    Resample(String),
}
