//! How the cache stores a value: as it is, or compressed with zstd when it is over
//! [`COMPRESS_OVER`] bytes (small values gain little and would pay the frame's overhead).

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use zstd::bulk::{Compressor, Decompressor};

/// Values longer than this are compressed.
pub const COMPRESS_OVER: usize = 1024;
/// zstd's level for cached values: its own default, the usual balance of ratio and speed.
pub const ZSTD_LEVEL: i32 = 3;

// One zstd context per thread, reused: making one per call (what `zstd::bulk::compress` does)
// allocates and clears its tables every time, which cost more than compressing a view.
thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

fn compress(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    COMPRESSOR.with_borrow_mut(|c| {
        if c.is_none() {
            *c = Some(Compressor::new(ZSTD_LEVEL)?);
        }
        c.as_mut().expect("made above").compress(raw)
    })
}

fn decompress(bytes: &[u8], capacity: usize) -> std::io::Result<Vec<u8>> {
    DECOMPRESSOR.with_borrow_mut(|d| {
        if d.is_none() {
            *d = Some(Decompressor::new()?);
        }
        d.as_mut().expect("made above").decompress(bytes, capacity)
    })
}

/// How [`Stored::bytes`] encodes the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Raw,
    Zstd,
}

impl Codec {
    /// The byte a snapshot writes for it.
    pub fn tag(self) -> u8 {
        match self {
            Self::Raw => 0,
            Self::Zstd => 1,
        }
    }

    pub fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            0 => Some(Self::Raw),
            1 => Some(Self::Zstd),
            _ => None,
        }
    }
}

/// One cached value as held in memory (and written to a snapshot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub codec: Codec,
    /// The value's length before compression.
    pub raw_len: u32,
    /// When the value was loaded, in milliseconds since the Unix epoch: its age decides its
    /// expiry, in memory and after a restart from a snapshot.
    pub loaded_unix_ms: u64,
    pub bytes: Box<[u8]>,
}

/// Milliseconds since the Unix epoch, now.
pub fn now_unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Why a stored value could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("zstd: {0}")]
    Zstd(std::io::Error),
    #[error("decompressed to {got} bytes, expected {expected}")]
    Length { got: usize, expected: u32 },
}

impl Stored {
    /// `raw` as the cache keeps it, loaded now.
    pub fn encode(raw: &[u8]) -> Self {
        Self::encode_at(raw, now_unix_ms())
    }

    pub fn encode_at(raw: &[u8], loaded_unix_ms: u64) -> Self {
        let raw_len = u32::try_from(raw.len()).unwrap_or(u32::MAX);
        let compressed = (raw.len() > COMPRESS_OVER)
            .then(|| compress(raw).ok())
            .flatten()
            // Kept raw when compression does not pay (already compressed or random bytes).
            .filter(|c| c.len() < raw.len());
        match compressed {
            Some(c) => Self {
                codec: Codec::Zstd,
                raw_len,
                loaded_unix_ms,
                bytes: c.into_boxed_slice(),
            },
            None => Self {
                codec: Codec::Raw,
                raw_len,
                loaded_unix_ms,
                bytes: raw.into(),
            },
        }
    }

    /// The value as it was before [`Self::encode`].
    pub fn decode(&self) -> Result<Vec<u8>, DecodeError> {
        let raw = match self.codec {
            Codec::Raw => self.bytes.to_vec(),
            Codec::Zstd => {
                decompress(&self.bytes, self.raw_len as usize).map_err(DecodeError::Zstd)?
            }
        };
        if raw.len() != self.raw_len as usize {
            return Err(DecodeError::Length {
                got: raw.len(),
                expected: self.raw_len,
            });
        }
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_values_over_the_limit_are_compressed() {
        let small = vec![b'a'; COMPRESS_OVER];
        assert_eq!(Stored::encode(&small).codec, Codec::Raw);
        let large = vec![b'a'; COMPRESS_OVER + 1];
        let stored = Stored::encode(&large);
        assert_eq!(stored.codec, Codec::Zstd);
        assert!(stored.bytes.len() < large.len() / 10);
    }

    #[test]
    fn incompressible_values_are_kept_raw() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let stored = Stored::encode(&noise);
        assert_eq!(stored.codec, Codec::Raw);
        assert_eq!(stored.decode().unwrap(), noise);
    }

    #[test]
    fn a_corrupt_frame_is_an_error_not_a_panic() {
        let mut stored = Stored::encode(&[b'x'; 5000]);
        stored.bytes = vec![0u8; 16].into();
        assert!(stored.decode().is_err());
        stored.codec = Codec::Raw;
        assert!(matches!(
            stored.decode(),
            Err(DecodeError::Length {
                got: 16,
                expected: 5000
            })
        ));
    }

    proptest! {
        #[test]
        fn every_value_decodes_to_itself(raw in proptest::collection::vec(any::<u8>(), 0..4000),
                                         repeat in 1usize..4) {
            let raw = raw.repeat(repeat);
            prop_assert_eq!(Stored::encode(&raw).decode().unwrap(), raw);
        }
    }
}
