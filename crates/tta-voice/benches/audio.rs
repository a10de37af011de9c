//! The audio chain and the engines, each over one second of speech: the time per iteration is
//! the real-time factor (processing time / audio duration).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tta_voice::chain::prepare;
use tta_voice::frames::{NoiseGate, VoiceActivity, frame_len, meter};
use tta_voice::resample::resample;
use tta_voice::wav::{read_wav, write_wav};
use tta_voice::{EngineConfig, Engines, Pcm, RECOGNIZER_RATE};

/// One second of a voiced test signal at `rate`: a 150 Hz pulse train with harmonics, gated
/// into syllables, so the detector and gate have speech and pauses to find.
fn one_second(rate: u32) -> Pcm {
    let samples = (0..rate)
        .map(|i| {
            let t = f64::from(i) / f64::from(rate);
            let voiced = (t * 4.0).fract() < 0.6;
            let tone: f64 = (1..6)
                .map(|h| (t * 150.0 * f64::from(h) * std::f64::consts::TAU).sin() / f64::from(h))
                .sum();
            if voiced {
                (tone * 6000.0) as i16
            } else {
                ((i % 7) as i16) - 3
            }
        })
        .collect();
    Pcm::new(rate, samples)
}

fn audio_chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("voice_rtf_per_second_of_audio");
    let espeak_rate = 22_050;
    let source = one_second(espeak_rate);
    let at_16k = one_second(RECOGNIZER_RATE);
    let wav = write_wav(&at_16k);
    group.bench_function("wav_read", |b| {
        b.iter(|| read_wav(black_box(&wav)).unwrap())
    });
    group.bench_function("wav_write", |b| b.iter(|| write_wav(black_box(&at_16k))));
    group.bench_function(BenchmarkId::new("resample", "22050_to_16000"), |b| {
        b.iter(|| resample(black_box(&source), RECOGNIZER_RATE).unwrap())
    });
    group.bench_function("level_meter", |b| {
        b.iter(|| meter(black_box(at_16k.samples())))
    });
    let len = frame_len(RECOGNIZER_RATE);
    group.bench_function("voice_activity", |b| {
        b.iter(|| {
            let mut vad = VoiceActivity::default();
            at_16k
                .samples()
                .chunks(len)
                .filter(|f| vad.is_speech(f))
                .count()
        })
    });
    group.bench_function("noise_gate", |b| {
        b.iter_batched_ref(
            || at_16k.samples().to_vec(),
            |samples| {
                let mut gate = NoiseGate::new(-55.0);
                samples.chunks_mut(len).for_each(|f| gate.process(f));
            },
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function("chain_prepare", |b| {
        b.iter(|| prepare(black_box(&source)).unwrap())
    });
    group.finish();
}

fn engines(c: &mut Criterion) {
    let engines = match Engines::load(&EngineConfig {
        decoders: 1,
        ..EngineConfig::default()
    }) {
        Ok(engines) => engines,
        Err(why) => {
            eprintln!("engine benchmarks skipped: {why}");
            return;
        }
    };
    let spoken = engines
        .synthesizer
        .synthesize("I feel anxious today")
        .unwrap();
    let prepared = prepare(&spoken).unwrap().audio;
    // Stretched or cut to one second, so the time is the real-time factor.
    let mut one_second = prepared.samples().to_vec();
    one_second.resize(RECOGNIZER_RATE as usize, 0);
    let utterance = Pcm::new(RECOGNIZER_RATE, one_second);
    let mut group = c.benchmark_group("voice_engines");
    group.sample_size(20);
    group.bench_function("recognize_1s", |b| {
        b.iter(|| engines.recognizer.recognize(black_box(&utterance)).unwrap())
    });
    // About a hundred characters, the text-to-speech figure's unit.
    let text = "I take a slow breath and stay calm, then I call my good friend and I ask her for help with it all now.";
    group.bench_function("synthesize_100_chars", |b| {
        b.iter(|| engines.synthesizer.synthesize(black_box(text)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, audio_chain, engines);
criterion_main!(benches);
