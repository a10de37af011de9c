//! Mono 16-bit audio: what every stage of the chain passes on.

/// The rate the recogniser's acoustic model was trained at.
pub const RECOGNIZER_RATE: u32 = 16_000;

/// Mono 16-bit samples at a sample rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pcm {
    rate: u32,
    samples: Vec<i16>,
}

impl Pcm {
    pub fn new(rate: u32, samples: Vec<i16>) -> Pcm {
        Pcm { rate, samples }
    }

    pub fn rate(&self) -> u32 {
        self.rate
    }

    pub fn samples(&self) -> &[i16] {
        &self.samples
    }

    pub fn into_samples(self) -> Vec<i16> {
        self.samples
    }

    /// Length in seconds.
    pub fn duration_s(&self) -> f64 {
        if self.rate == 0 {
            0.0
        } else {
            self.samples.len() as f64 / f64::from(self.rate)
        }
    }
}

/// The mean of each frame's channels, so any channel layout becomes mono.
pub(crate) fn downmix(
    interleaved: &[i32],
    channels: usize,
    to_i16: impl Fn(i32) -> i16,
) -> Vec<i16> {
    let channels = channels.max(1);
    interleaved
        .chunks(channels)
        .map(|frame| {
            let sum: i64 = frame.iter().map(|&s| i64::from(s)).sum();
            to_i16((sum / frame.len() as i64) as i32)
        })
        .collect()
}
