//! Speech to text with CMU PocketSphinx (`libpocketsphinx.so.3`) and its US-English model.
//!
//! A decoder serves one utterance at a time, so the recogniser keeps a pool of decoders, each
//! with the model loaded once; a request borrows one and waits when all are busy.

use std::collections::BTreeSet;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use libloading::Library;

use super::library::{open_first, symbol};
use super::{EngineError, Recognizer};
use crate::language_model::BigramModel;
use crate::pcm::{Pcm, RECOGNIZER_RATE};

const LIBRARY_NAMES: &[&str] = &["libpocketsphinx.so.3", "libpocketsphinx.so"];
const SPHINXBASE_NAMES: &[&str] = &["libsphinxbase.so.3", "libsphinxbase.so"];
/// Where Debian's `pocketsphinx-en-us` puts the model.
pub const DEFAULT_MODEL_DIR: &str = "/usr/share/pocketsphinx/model/en-us";

type Args = unsafe extern "C" fn() -> *const c_void;
type ParseConfig = unsafe extern "C" fn(
    *mut c_void,
    *const c_void,
    c_int,
    *const *const c_char,
    c_int,
) -> *mut c_void;
type FreeConfig = unsafe extern "C" fn(*mut c_void) -> c_int;
type Init = unsafe extern "C" fn(*mut c_void) -> *mut c_void;
type Free = unsafe extern "C" fn(*mut c_void) -> c_int;
type StartUtt = unsafe extern "C" fn(*mut c_void) -> c_int;
type ProcessRaw = unsafe extern "C" fn(*mut c_void, *const i16, usize, c_int, c_int) -> c_int;
type EndUtt = unsafe extern "C" fn(*mut c_void) -> c_int;
type GetHyp = unsafe extern "C" fn(*mut c_void, *mut i32) -> *const c_char;

struct Api {
    free: Free,
    start_utt: StartUtt,
    process_raw: ProcessRaw,
    end_utt: EndUtt,
    get_hyp: GetHyp,
    _libraries: (Library, Library),
}

/// One PocketSphinx decoder, used by one thread at a time.
struct Decoder {
    raw: *mut c_void,
    api: Arc<Api>,
}

// SAFETY: a decoder has no thread affinity; the pool hands each to one thread at a time.
unsafe impl Send for Decoder {}

impl Drop for Decoder {
    fn drop(&mut self) {
        // SAFETY: `raw` came from ps_init and is freed once.
        unsafe { (self.api.free)(self.raw) };
    }
}

impl Decoder {
    /// Decodes one whole utterance of 16 kHz mono samples.
    fn decode(&mut self, samples: &[i16]) -> Result<String, EngineError> {
        let api = &self.api;
        // SAFETY: `raw` is a live decoder used by this thread only; `samples` outlives the call.
        unsafe {
            if (api.start_utt)(self.raw) < 0 {
                return Err(EngineError::Broken("ps_start_utt failed".into()));
            }
            if (api.process_raw)(self.raw, samples.as_ptr(), samples.len(), 0, 0) < 0 {
                (api.end_utt)(self.raw);
                return Err(EngineError::Broken("ps_process_raw failed".into()));
            }
            if (api.end_utt)(self.raw) < 0 {
                return Err(EngineError::Broken("ps_end_utt failed".into()));
            }
            let mut score = 0i32;
            let hyp = (api.get_hyp)(self.raw, &mut score);
            Ok(if hyp.is_null() {
                String::new()
            } else {
                CStr::from_ptr(hyp).to_string_lossy().into_owned()
            })
        }
    }
}

/// A pool of PocketSphinx decoders over one model.
pub struct PocketSphinx {
    idle: Mutex<Vec<Decoder>>,
    returned: Condvar,
    decoders: usize,
}

impl PocketSphinx {
    /// Loads `decoders` decoders (at least one) of the acoustic model in `model_dir`, with the
    /// language model of `corpus` (the general one when `None`).
    pub fn load(
        model_dir: &Path,
        corpus: Option<&str>,
        decoders: usize,
    ) -> Result<PocketSphinx, EngineError> {
        let sphinxbase =
            open_first(SPHINXBASE_NAMES).ok_or(EngineError::Missing("pocketsphinx"))?;
        let library = open_first(LIBRARY_NAMES).ok_or(EngineError::Missing("pocketsphinx"))?;
        let model = ModelFiles::in_dir(model_dir, corpus)?;
        let broken = EngineError::Broken;
        // SAFETY: the types are those of pocketsphinx.h and cmd_ln.h for PocketSphinx 5prealpha.
        let (args, parse, free_config, init, api) = unsafe {
            let api = Api {
                free: symbol::<Free>(&library, b"ps_free").map_err(broken)?,
                start_utt: symbol::<StartUtt>(&library, b"ps_start_utt").map_err(broken)?,
                process_raw: symbol::<ProcessRaw>(&library, b"ps_process_raw").map_err(broken)?,
                end_utt: symbol::<EndUtt>(&library, b"ps_end_utt").map_err(broken)?,
                get_hyp: symbol::<GetHyp>(&library, b"ps_get_hyp").map_err(broken)?,
                _libraries: (sphinxbase, library),
            };
            let (sphinxbase, library) = (&api._libraries.0, &api._libraries.1);
            (
                symbol::<Args>(library, b"ps_args").map_err(broken)?,
                symbol::<ParseConfig>(sphinxbase, b"cmd_ln_parse_r").map_err(broken)?,
                symbol::<FreeConfig>(sphinxbase, b"cmd_ln_free_r").map_err(broken)?,
                symbol::<Init>(library, b"ps_init").map_err(broken)?,
                api,
            )
        };
        let api = Arc::new(api);
        let argv = model.arguments();
        let pointers: Vec<*const c_char> = argv.iter().map(|arg| arg.as_ptr()).collect();
        let decoders = decoders.max(1);
        let mut idle = Vec::with_capacity(decoders);
        for _ in 0..decoders {
            // SAFETY: argv holds `pointers.len()` NUL-terminated strings that outlive the call;
            // ps_init keeps its own reference to the configuration, so ours is freed after.
            let raw = unsafe {
                let config = parse(
                    std::ptr::null_mut(),
                    args(),
                    pointers.len() as c_int,
                    pointers.as_ptr(),
                    1,
                );
                if config.is_null() {
                    return Err(EngineError::Broken(
                        "PocketSphinx refused its arguments".into(),
                    ));
                }
                let raw = init(config);
                free_config(config);
                raw
            };
            if raw.is_null() {
                return Err(EngineError::Broken(format!(
                    "PocketSphinx could not load the model in {}",
                    model_dir.display()
                )));
            }
            idle.push(Decoder {
                raw,
                api: Arc::clone(&api),
            });
        }
        Ok(PocketSphinx {
            idle: Mutex::new(idle),
            returned: Condvar::new(),
            decoders,
        })
    }

    /// How many utterances it can decode at once.
    pub fn decoders(&self) -> usize {
        self.decoders
    }

    fn borrow(&self) -> Decoder {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if let Some(decoder) = idle.pop() {
                return decoder;
            }
            idle = self
                .returned
                .wait(idle)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn give_back(&self, decoder: Decoder) {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(decoder);
        self.returned.notify_one();
    }
}

impl Recognizer for PocketSphinx {
    fn recognize(&self, audio: &Pcm) -> Result<String, EngineError> {
        if audio.rate() != RECOGNIZER_RATE {
            return Err(EngineError::Input(format!(
                "the recogniser takes {RECOGNIZER_RATE} Hz audio, not {} Hz",
                audio.rate()
            )));
        }
        let mut decoder = self.borrow();
        let text = decoder.decode(audio.samples());
        self.give_back(decoder);
        text
    }
}

/// The files PocketSphinx is started with: the acoustic model, and a language model and
/// dictionary, either the general ones or those of the domain corpus written to a temporary
/// folder (read by ps_init, so the folder lives only while the decoders load).
struct ModelFiles {
    acoustic: PathBuf,
    language: PathBuf,
    dictionary: PathBuf,
    _domain: Option<tempfile::TempDir>,
}

impl ModelFiles {
    fn in_dir(dir: &Path, corpus: Option<&str>) -> Result<ModelFiles, EngineError> {
        let general = ModelFiles {
            acoustic: dir.join("en-us"),
            language: dir.join("en-us.lm.bin"),
            dictionary: dir.join("cmudict-en-us.dict"),
            _domain: None,
        };
        if ![&general.acoustic, &general.language, &general.dictionary]
            .iter()
            .all(|path| path.exists())
        {
            return Err(EngineError::Missing("pocketsphinx-en-us"));
        }
        let Some(corpus) = corpus else {
            return Ok(general);
        };
        let model = BigramModel::from_corpus(corpus);
        let dictionary = std::fs::read_to_string(&general.dictionary)
            .map_err(|e| EngineError::Broken(format!("{}: {e}", general.dictionary.display())))?;
        let entries = dictionary_entries(&dictionary, &model.vocabulary())?;
        let folder = tempfile::Builder::new()
            .prefix("tta-voice-model-")
            .tempdir()
            .map_err(|e| EngineError::Broken(format!("temporary model folder: {e}")))?;
        let language = folder.path().join("domain.lm");
        let domain_dictionary = folder.path().join("domain.dict");
        std::fs::write(&language, model.to_arpa())
            .and_then(|()| std::fs::write(&domain_dictionary, entries))
            .map_err(|e| EngineError::Broken(format!("writing the domain model: {e}")))?;
        Ok(ModelFiles {
            acoustic: general.acoustic,
            language,
            dictionary: domain_dictionary,
            _domain: Some(folder),
        })
    }

    fn arguments(&self) -> Vec<CString> {
        let path = |p: &Path| CString::new(p.to_string_lossy().as_bytes()).unwrap_or_default();
        let flag = |f: &str| CString::new(f).expect("flag has no NUL");
        vec![
            // cmd_ln_parse_r takes argv[0] to be the program's name.
            flag("tta-voice"),
            flag("-hmm"),
            path(&self.acoustic),
            flag("-lm"),
            path(&self.language),
            flag("-dict"),
            path(&self.dictionary),
            // PocketSphinx logs every utterance to stderr otherwise.
            flag("-logfn"),
            flag("/dev/null"),
        ]
    }
}

/// The lines of the pronouncing dictionary for `vocabulary` (alternates such as `word(2)`
/// included), or the words it lacks.
fn dictionary_entries(
    dictionary: &str,
    vocabulary: &BTreeSet<&str>,
) -> Result<String, EngineError> {
    let mut found = BTreeSet::new();
    let mut entries = String::new();
    for line in dictionary.lines() {
        let Some(head) = line.split_whitespace().next() else {
            continue;
        };
        let word = head.split('(').next().unwrap_or(head);
        if vocabulary.contains(word) {
            found.insert(word);
            entries.push_str(line);
            entries.push('\n');
        }
    }
    let missing: Vec<&str> = vocabulary.difference(&found).copied().collect();
    if missing.is_empty() {
        Ok(entries)
    } else {
        Err(EngineError::Broken(format!(
            "the pronouncing dictionary lacks words of the corpus: {}",
            missing.join(" ")
        )))
    }
}
