//! Frame-level processing of PCM: level metering, voice-activity detection, a noise gate.
//!
//! Each works on frames of `FRAME_MS`, the frame size speech front ends use (10–30 ms):
//! short enough to follow syllables, long enough to hold a pitch period.

/// Frame length in milliseconds.
pub const FRAME_MS: u32 = 20;
/// The level reported for digital silence.
pub const SILENCE_DBFS: f32 = -96.0;

/// Samples per frame at `rate`.
pub fn frame_len(rate: u32) -> usize {
    (rate * FRAME_MS / 1000).max(1) as usize
}

/// An amplitude as a fraction of full scale, in dBFS (never below `SILENCE_DBFS`).
fn to_dbfs(fraction: f64) -> f32 {
    if fraction <= 0.0 {
        SILENCE_DBFS
    } else {
        ((20.0 * fraction.log10()) as f32).max(SILENCE_DBFS)
    }
}

/// RMS level of `frame` in dB relative to full scale.
pub fn level_dbfs(frame: &[i16]) -> f32 {
    if frame.is_empty() {
        return SILENCE_DBFS;
    }
    let power: f64 = frame.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / frame.len() as f64;
    to_dbfs(power.sqrt() / 32768.0)
}

/// Peak and RMS level of a whole clip, in dBFS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    pub peak_dbfs: f32,
    pub rms_dbfs: f32,
}

/// Meters a clip.
pub fn meter(samples: &[i16]) -> Levels {
    let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    Levels {
        peak_dbfs: to_dbfs(f64::from(peak) / 32768.0),
        rms_dbfs: level_dbfs(samples),
    }
}

/// Energy-based voice-activity detection with an adaptive noise floor.
///
/// A frame is speech when it stands `margin_db` above the floor learnt from non-speech frames
/// and above `min_dbfs`; speech is held for `hangover` frames so word endings are kept.
#[derive(Debug, Clone)]
pub struct VoiceActivity {
    floor_dbfs: f32,
    margin_db: f32,
    min_dbfs: f32,
    hangover: u32,
    held: u32,
}

impl Default for VoiceActivity {
    fn default() -> Self {
        VoiceActivity {
            floor_dbfs: -60.0,
            margin_db: 12.0,
            min_dbfs: -50.0,
            hangover: 10,
            held: 0,
        }
    }
}

impl VoiceActivity {
    /// Whether `frame` is speech; updates the noise floor from the frames that are not.
    pub fn is_speech(&mut self, frame: &[i16]) -> bool {
        let level = level_dbfs(frame);
        let loud = level > self.min_dbfs && level > self.floor_dbfs + self.margin_db;
        if loud {
            self.held = self.hangover;
            return true;
        }
        // The floor follows quiet frames slowly and never rises into speech.
        self.floor_dbfs = 0.95 * self.floor_dbfs + 0.05 * level.max(SILENCE_DBFS);
        if self.held > 0 {
            self.held -= 1;
            true
        } else {
            false
        }
    }
}

/// A noise gate: frames below `threshold_dbfs` are faded out, with the gain ramped across each
/// frame so opening and closing make no click.
#[derive(Debug, Clone)]
pub struct NoiseGate {
    threshold_dbfs: f32,
    gain: f32,
}

impl NoiseGate {
    pub fn new(threshold_dbfs: f32) -> NoiseGate {
        NoiseGate {
            threshold_dbfs,
            gain: 0.0,
        }
    }

    /// Gates `frame` in place.
    pub fn process(&mut self, frame: &mut [i16]) {
        let target = if level_dbfs(frame) >= self.threshold_dbfs {
            1.0
        } else {
            0.0
        };
        let start = self.gain;
        let n = frame.len().max(1) as f32;
        for (i, sample) in frame.iter_mut().enumerate() {
            let gain = start + (target - start) * (i + 1) as f32 / n;
            *sample = (f32::from(*sample) * gain).round() as i16;
        }
        self.gain = target;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn constant(value: i16, n: usize) -> Vec<i16> {
        vec![value; n]
    }

    #[test]
    fn full_scale_is_zero_dbfs_and_half_is_minus_six() {
        assert!(level_dbfs(&constant(i16::MIN, 320)).abs() < 0.01);
        assert!((level_dbfs(&constant(16_384, 320)) + 6.02).abs() < 0.01);
        assert_eq!(level_dbfs(&constant(0, 320)), SILENCE_DBFS);
    }

    proptest! {
        #[test]
        fn level_never_exceeds_peak(samples in prop::collection::vec(any::<i16>(), 1..500)) {
            let levels = meter(&samples);
            prop_assert!(levels.rms_dbfs <= levels.peak_dbfs + 1e-3);
            prop_assert!(levels.rms_dbfs >= SILENCE_DBFS);
        }

        #[test]
        fn the_gate_never_amplifies(samples in prop::collection::vec(any::<i16>(), 1..500), threshold in -90f32..0.0) {
            let mut gated = samples.clone();
            NoiseGate::new(threshold).process(&mut gated);
            for (a, b) in samples.iter().zip(&gated) {
                prop_assert!(b.unsigned_abs() <= a.unsigned_abs());
            }
        }
    }

    #[test]
    fn speech_is_found_between_silences_and_held_over() {
        let mut vad = VoiceActivity::default();
        let quiet = constant(30, 320);
        let loud: Vec<i16> = (0..320)
            .map(|i| if i % 2 == 0 { 8000 } else { -8000 })
            .collect();
        let decisions: Vec<bool> = (0..50)
            .map(|i| vad.is_speech(if (20..25).contains(&i) { &loud } else { &quiet }))
            .collect();
        assert!(decisions[..20].iter().all(|&s| !s));
        assert!(decisions[20..35].iter().all(|&s| s), "speech then hangover");
        assert!(decisions[36..].iter().all(|&s| !s));
    }

    #[test]
    fn the_gate_silences_quiet_frames_and_passes_loud_ones() {
        let mut gate = NoiseGate::new(-40.0);
        let mut quiet = constant(50, 320);
        gate.process(&mut quiet);
        assert!(quiet.iter().all(|&s| s == 0));
        let mut loud = constant(10_000, 320);
        gate.process(&mut loud);
        assert_eq!(*loud.last().unwrap(), 10_000, "open by the frame's end");
        let mut again = constant(10_000, 320);
        gate.process(&mut again);
        assert!(again.iter().all(|&s| s == 10_000));
    }
}
