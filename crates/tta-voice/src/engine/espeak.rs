//! Text to speech with eSpeak NG (`libespeak-ng.so.1`).
//!
//! eSpeak NG keeps its state in globals, so the process has one synthesiser and calls into it
//! one at a time; synchronous mode hands the samples to a callback on the calling thread.

use std::cell::RefCell;
use std::ffi::{CString, c_char, c_int, c_uint, c_void};
use std::sync::Mutex;

use libloading::Library;

use super::library::{open_first, symbol};
use super::{EngineError, Synthesizer};
use crate::pcm::Pcm;

const LIBRARY_NAMES: &[&str] = &["libespeak-ng.so.1", "libespeak-ng.so"];
const AUDIO_OUTPUT_SYNCHRONOUS: c_int = 2;
const INITIALIZE_DONT_EXIT: c_int = 0x8000;
const CHARS_UTF8: c_uint = 1;
const PARAMETER_RATE: c_int = 1;
const POSITION_CHARACTER: c_int = 1;
const VOICE: &str = "en-us";
/// Words per minute: slower than eSpeak NG's default, as one speaks to a machine; the round-trip
/// word error rate is lower for it.
const RATE_WPM: c_int = 140;

type Callback = unsafe extern "C" fn(*mut i16, c_int, *mut c_void) -> c_int;
type Initialize = unsafe extern "C" fn(c_int, c_int, *const c_char, c_int) -> c_int;
type SetSynthCallback = unsafe extern "C" fn(Callback);
type SetVoiceByName = unsafe extern "C" fn(*const c_char) -> c_int;
type SetParameter = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type Synth = unsafe extern "C" fn(
    *const c_void,
    usize,
    c_uint,
    c_int,
    c_uint,
    c_uint,
    *mut c_uint,
    *mut c_void,
) -> c_int;

thread_local! {
    /// Where the callback puts the samples of the synthesis running on this thread.
    static CAPTURED: RefCell<Vec<i16>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn capture(wav: *mut i16, count: c_int, _events: *mut c_void) -> c_int {
    if !wav.is_null() && count > 0 {
        // SAFETY: eSpeak NG passes `count` samples at `wav`, valid for this call.
        let samples = unsafe { std::slice::from_raw_parts(wav, count as usize) };
        CAPTURED.with(|captured| captured.borrow_mut().extend_from_slice(samples));
    }
    0
}

/// The process's eSpeak NG synthesiser.
pub struct Espeak {
    /// Held for each synthesis: eSpeak NG's state is global.
    turn: Mutex<()>,
    synth: Synth,
    sample_rate: u32,
    _library: Library,
}

impl Espeak {
    /// Loads and initialises eSpeak NG with its US-English voice.
    pub fn load() -> Result<Espeak, EngineError> {
        let library = open_first(LIBRARY_NAMES).ok_or(EngineError::Missing("espeak-ng"))?;
        let broken = EngineError::Broken;
        // SAFETY: the types are those of speak_lib.h for eSpeak NG 1.x.
        let (initialize, set_callback, set_voice, set_parameter, synth) = unsafe {
            (
                symbol::<Initialize>(&library, b"espeak_Initialize").map_err(broken)?,
                symbol::<SetSynthCallback>(&library, b"espeak_SetSynthCallback").map_err(broken)?,
                symbol::<SetVoiceByName>(&library, b"espeak_SetVoiceByName").map_err(broken)?,
                symbol::<SetParameter>(&library, b"espeak_SetParameter").map_err(broken)?,
                symbol::<Synth>(&library, b"espeak_Synth").map_err(broken)?,
            )
        };
        let voice = CString::new(VOICE).expect("voice name has no NUL");
        // SAFETY: called once, before any synthesis; a null path means eSpeak NG's own data.
        let sample_rate = unsafe {
            let rate = initialize(
                AUDIO_OUTPUT_SYNCHRONOUS,
                0,
                std::ptr::null(),
                INITIALIZE_DONT_EXIT,
            );
            if rate <= 0 {
                return Err(EngineError::Broken(format!(
                    "espeak_Initialize failed ({rate}): is espeak-ng-data installed?"
                )));
            }
            set_callback(capture);
            if set_voice(voice.as_ptr()) != 0 {
                return Err(EngineError::Broken(format!(
                    "eSpeak NG has no voice {VOICE}"
                )));
            }
            set_parameter(PARAMETER_RATE, RATE_WPM, 0);
            rate as u32
        };
        Ok(Espeak {
            turn: Mutex::new(()),
            synth,
            sample_rate,
            _library: library,
        })
    }
}

impl Synthesizer for Espeak {
    fn synthesize(&self, text: &str) -> Result<Pcm, EngineError> {
        let text = CString::new(text)
            .map_err(|_| EngineError::Input("text holds a NUL character".into()))?;
        let bytes = text.as_bytes_with_nul();
        let turn = self
            .turn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        CAPTURED.with(|captured| captured.borrow_mut().clear());
        // SAFETY: the lock keeps eSpeak NG's globals to this call; the text outlives it, and in
        // synchronous mode the callback has run to the end before espeak_Synth returns.
        let rc = unsafe {
            (self.synth)(
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                POSITION_CHARACTER,
                0,
                CHARS_UTF8,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        drop(turn);
        let samples = CAPTURED.with(|captured| std::mem::take(&mut *captured.borrow_mut()));
        if rc != 0 {
            return Err(EngineError::Broken(format!("espeak_Synth failed ({rc})")));
        }
        Ok(Pcm::new(self.sample_rate, samples))
    }
}
