//! The chain a patient's audio goes through before recognition: resample to the recogniser's
//! rate, meter, find the speech, gate the noise between words, trim the silence around it.

use crate::AudioError;
use crate::frames::{Levels, NoiseGate, VoiceActivity, frame_len, meter};
use crate::pcm::{Pcm, RECOGNIZER_RATE};
use crate::resample::resample;

/// Non-speech frames kept either side of the speech, so the recogniser hears its onset.
const MARGIN_FRAMES: usize = 15;
/// Below this a frame is noise, not a quiet consonant.
const GATE_DBFS: f32 = -55.0;

/// Audio ready for the recogniser, and what the chain found in it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// 16 kHz, gated, trimmed to the speech with a margin.
    pub audio: Pcm,
    /// How long the input was, in seconds.
    pub input_s: f64,
    /// Seconds of frames the detector called speech.
    pub speech_s: f64,
    /// The input's levels after resampling.
    pub levels: Levels,
}

impl Prepared {
    pub fn has_speech(&self) -> bool {
        self.speech_s > 0.0
    }
}

/// Runs the whole chain over a clip.
pub fn prepare(audio: &Pcm) -> Result<Prepared, AudioError> {
    let resampled = resample(audio, RECOGNIZER_RATE)?;
    let levels = meter(resampled.samples());
    let len = frame_len(RECOGNIZER_RATE);
    let mut samples = resampled.into_samples();
    let mut vad = VoiceActivity::default();
    let mut gate = NoiseGate::new(GATE_DBFS);
    let mut speech = Vec::with_capacity(samples.len() / len + 1);
    for frame in samples.chunks_mut(len) {
        speech.push(vad.is_speech(frame));
        gate.process(frame);
    }
    let speech_frames = speech.iter().filter(|&&s| s).count();
    let trimmed = match (
        speech.iter().position(|&s| s),
        speech.iter().rposition(|&s| s),
    ) {
        (Some(first), Some(last)) => {
            let start = first.saturating_sub(MARGIN_FRAMES) * len;
            let end = ((last + 1 + MARGIN_FRAMES) * len).min(samples.len());
            samples[start..end].to_vec()
        }
        _ => Vec::new(),
    };
    Ok(Prepared {
        audio: Pcm::new(RECOGNIZER_RATE, trimmed),
        input_s: audio.duration_s(),
        speech_s: speech_frames as f64 * len as f64 / f64::from(RECOGNIZER_RATE),
        levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_around_a_burst_is_trimmed_to_the_margin() {
        let rate = 16_000;
        let mut samples = vec![0i16; rate];
        samples.extend((0..rate / 2).map(|i| if i % 8 < 4 { 6000 } else { -6000 }));
        samples.extend(vec![0i16; rate]);
        let prepared = prepare(&Pcm::new(rate as u32, samples)).unwrap();
        assert!(prepared.has_speech());
        assert!(
            (prepared.speech_s - 0.7).abs() < 0.05,
            "burst plus hangover: {}",
            prepared.speech_s
        );
        let kept = prepared.audio.duration_s();
        assert!(kept > 0.7 && kept < 1.4, "speech and both margins: {kept}");
    }

    #[test]
    fn silence_has_no_speech() {
        let prepared = prepare(&Pcm::new(22_050, vec![0; 22_050])).unwrap();
        assert!(!prepared.has_speech());
        assert!(prepared.audio.samples().is_empty());
    }
}
