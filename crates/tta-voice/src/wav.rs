//! WAV in and out, with `hound`.

use std::io::Cursor;

use crate::AudioError;
use crate::pcm::{Pcm, downmix};

/// Reads a PCM WAV file (8 to 32-bit integer or 32-bit float, any channel count) as mono 16-bit.
pub fn read_wav(bytes: &[u8]) -> Result<Pcm, AudioError> {
    let reader = hound::WavReader::new(Cursor::new(bytes))
        .map_err(|e| AudioError::Format(format!("not a WAV file: {e}")))?;
    let spec = reader.spec();
    if spec.sample_rate == 0 {
        return Err(AudioError::Format("WAV sample rate is 0".into()));
    }
    let channels = usize::from(spec.channels);
    let bad = |e: hound::Error| AudioError::Format(format!("WAV data: {e}"));
    let samples = match spec.sample_format {
        hound::SampleFormat::Int => {
            let bits = u32::from(spec.bits_per_sample);
            let raw: Vec<i32> = reader
                .into_samples::<i32>()
                .collect::<Result<_, _>>()
                .map_err(bad)?;
            // Scale any width to 16 bits.
            downmix(&raw, channels, |s| {
                if bits >= 16 {
                    (s >> (bits - 16)) as i16
                } else {
                    (s << (16 - bits)) as i16
                }
            })
        }
        hound::SampleFormat::Float => {
            let raw: Vec<i32> = reader
                .into_samples::<f32>()
                .map(|s| s.map(|v| (v.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i32))
                .collect::<Result<_, _>>()
                .map_err(bad)?;
            downmix(&raw, channels, |s| s as i16)
        }
    };
    Ok(Pcm::new(spec.sample_rate, samples))
}

/// Writes mono 16-bit PCM as a WAV file.
pub fn write_wav(audio: &Pcm) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: audio.rate(),
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = Cursor::new(Vec::with_capacity(44 + audio.samples().len() * 2));
    {
        let mut writer = hound::WavWriter::new(&mut bytes, spec).expect("writing to memory");
        let mut samples = writer.get_i16_writer(audio.samples().len() as u32);
        for &sample in audio.samples() {
            samples.write_sample(sample);
        }
        samples.flush().expect("writing to memory");
        writer.finalize().expect("writing to memory");
    }
    bytes.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_written_wav_reads_back_the_same(rate in 8_000u32..48_000, samples in prop::collection::vec(any::<i16>(), 0..2000)) {
            let audio = Pcm::new(rate, samples);
            prop_assert_eq!(read_wav(&write_wav(&audio)).unwrap(), audio);
        }
    }

    #[test]
    fn stereo_is_mixed_to_mono() {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut bytes = Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut bytes, spec).unwrap();
        for s in [100i16, 300, -50, -150] {
            writer.write_sample(s).unwrap();
        }
        writer.finalize().unwrap();
        assert_eq!(read_wav(bytes.get_ref()).unwrap().samples(), &[200, -100]);
    }

    #[test]
    fn garbage_is_a_format_error() {
        assert!(matches!(
            read_wav(b"not audio at all"),
            Err(AudioError::Format(_))
        ));
    }
}
