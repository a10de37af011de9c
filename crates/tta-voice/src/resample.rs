//! Sample-rate conversion with rubato's FFT resampler (a fixed ratio, whole clips).

use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

use crate::AudioError;
use crate::pcm::Pcm;

/// Input frames per FFT block; rubato rounds it to suit the rate pair.
const CHUNK_FRAMES: usize = 1024;

/// Converts `audio` to `rate`; returns it as it is when it is already at that rate.
pub fn resample(audio: &Pcm, rate: u32) -> Result<Pcm, AudioError> {
    if audio.rate() == rate || audio.samples().is_empty() {
        return Ok(Pcm::new(rate, audio.samples().to_vec()));
    }
    let failed = |e: &dyn std::fmt::Display| AudioError::Resample(e.to_string());
    let mut resampler = Fft::<f32>::new_custom(
        audio.rate() as usize,
        rate as usize,
        CHUNK_FRAMES,
        1,
        1,
        WindowFunction::BlackmanHarris2,
        FixedSync::Both,
    )
    .map_err(|e| failed(&e))?;
    let input = vec![
        audio
            .samples()
            .iter()
            .map(|&s| f32::from(s) / 32768.0)
            .collect::<Vec<f32>>(),
    ];
    let frames = input[0].len();
    let adapter = SequentialSliceOfVecs::new(&input, 1, frames).map_err(|e| failed(&e))?;
    let output = resampler
        .process_all(&adapter, frames, None)
        .map_err(|e| failed(&e))?;
    let samples = output
        .take_data()
        .into_iter()
        .map(|v| (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect();
    Ok(Pcm::new(rate, samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f64, seconds: f64) -> Pcm {
        let n = (f64::from(rate) * seconds) as usize;
        Pcm::new(
            rate,
            (0..n)
                .map(|i| {
                    ((i as f64 * hz * std::f64::consts::TAU / f64::from(rate)).sin() * 10_000.0)
                        as i16
                })
                .collect(),
        )
    }

    #[test]
    fn length_scales_with_the_ratio() {
        let out = resample(&tone(22_050, 440.0, 1.0), 16_000).unwrap();
        assert_eq!(out.rate(), 16_000);
        assert!(
            (out.samples().len() as i64 - 16_000).abs() <= 1,
            "{}",
            out.samples().len()
        );
    }

    #[test]
    fn a_tone_keeps_its_frequency_and_level() {
        let out = resample(&tone(44_100, 440.0, 1.0), 16_000).unwrap();
        // Zero crossings of a 440 Hz tone over one second: 880.
        let crossings = out
            .samples()
            .windows(2)
            .filter(|w| (w[0] < 0) != (w[1] < 0))
            .count();
        assert!((crossings as i64 - 880).abs() <= 4, "{crossings}");
        let peak = out.samples()[1000..15_000]
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap();
        assert!((9_500..=10_500).contains(&peak), "{peak}");
    }

    #[test]
    fn same_rate_is_a_copy() {
        let audio = tone(16_000, 100.0, 0.1);
        assert_eq!(resample(&audio, 16_000).unwrap(), audio);
    }
}
