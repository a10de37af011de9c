//! The cache on disk: every live entry written to one file, and read back to warm a cache at
//! start. Written under a temporary name in the same folder and renamed over the old one, so a
//! crash mid-write leaves the previous snapshot whole.
//!
//! Format (little-endian): the magic `TTACACHE`, a version (u32), the entry count (u64), then
//! per entry the key's length (u32) and bytes, the codec tag (u8), the value's raw length (u32),
//! its load time (u64, ms since the Unix epoch), the stored length (u32) and bytes; last an
//! FNV-1a 64 checksum of everything before it, so a damaged file is refused, not half-read.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::Ordering;

use super::ViewCache;
use super::codec::{Codec, Stored};

const MAGIC: &[u8; 8] = b"TTACACHE";
const VERSION: u32 = 1;

/// Why a snapshot could not be written or read; the message names the byte where reading
/// stopped.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("byte {offset}: {message}")]
    Format { offset: usize, message: String },
}

/// What writing a snapshot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub entries: u64,
    pub bytes: u64,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The snapshot's bytes for `entries`.
pub fn encode<'a>(entries: impl IntoIterator<Item = (&'a str, &'a Stored)>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes()); // the count, filled in below
    let mut count = 0u64;
    for (key, v) in entries {
        out.extend_from_slice(&(key.len() as u32).to_le_bytes());
        out.extend_from_slice(key.as_bytes());
        out.push(v.codec.tag());
        out.extend_from_slice(&v.raw_len.to_le_bytes());
        out.extend_from_slice(&v.loaded_unix_ms.to_le_bytes());
        out.extend_from_slice(&(v.bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&v.bytes);
        count += 1;
    }
    out[12..20].copy_from_slice(&count.to_le_bytes());
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, message: impl Into<String>) -> Result<T, SnapshotError> {
        Err(SnapshotError::Format {
            offset: self.at,
            message: message.into(),
        })
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], SnapshotError> {
        match self.bytes.get(self.at..self.at + n) {
            Some(s) => {
                self.at += n;
                Ok(s)
            }
            None => self.fail(format!("truncated: {what} needs {n} bytes")),
        }
    }

    fn u32(&mut self, what: &str) -> Result<u32, SnapshotError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    fn u64(&mut self, what: &str) -> Result<u64, SnapshotError> {
        let b = self.take(8, what)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }
}

/// The entries of a snapshot's bytes, checked whole before any is returned.
pub fn decode(bytes: &[u8]) -> Result<Vec<(String, Stored)>, SnapshotError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len(), "the magic")? != MAGIC {
        r.at = 0;
        return r.fail("not a tta-bench cache snapshot (no TTACACHE magic)");
    }
    let version = r.u32("the version")?;
    if version != VERSION {
        r.at -= 4;
        return r.fail(format!(
            "snapshot version {version}; this build reads version {VERSION}"
        ));
    }
    let body_end = bytes.len().saturating_sub(8);
    if bytes.len() < MAGIC.len() + 4 + 8 + 8 {
        return r.fail("truncated: no entry count and checksum");
    }
    let sum = u64::from_le_bytes(bytes[body_end..].try_into().expect("8 bytes"));
    if fnv1a(&bytes[..body_end]) != sum {
        r.at = body_end;
        return r.fail("checksum mismatch: the file is damaged or was cut short");
    }
    let count = r.u64("the entry count")?;
    r.bytes = &bytes[..body_end];
    let mut out = Vec::new();
    for _ in 0..count {
        let key_len = r.u32("a key length")? as usize;
        let key = match std::str::from_utf8(r.take(key_len, "a key")?) {
            Ok(k) => k.to_string(),
            Err(_) => {
                r.at -= key_len;
                return r.fail("a key that is not UTF-8");
            }
        };
        let tag = r.take(1, "a codec")?[0];
        let Some(codec) = Codec::from_tag(tag) else {
            r.at -= 1;
            return r.fail(format!("unknown codec {tag}"));
        };
        let raw_len = r.u32("a raw length")?;
        let loaded_unix_ms = r.u64("a load time")?;
        let len = r.u32("a value length")? as usize;
        let value = r.take(len, "a value")?;
        out.push((
            key,
            Stored {
                codec,
                raw_len,
                loaded_unix_ms,
                bytes: value.into(),
            },
        ));
    }
    if r.at != body_end {
        return r.fail(format!(
            "{} bytes after the {count} entries the header counts",
            body_end - r.at
        ));
    }
    Ok(out)
}

/// Writes every live entry of `cache` to `path`, atomically (a temporary file in the same
/// folder, then a rename).
pub fn write(cache: &ViewCache, path: &Path) -> Result<Written, SnapshotError> {
    let entries: Vec<_> = cache.entries().collect();
    let bytes = encode(entries.iter().map(|(k, v)| (k.as_str(), v.as_ref())));
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".tta-cache-")
        .tempfile_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    let c = &cache.counters;
    c.snapshots.fetch_add(1, Ordering::Relaxed);
    c.snapshot_bytes
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    tracing::info!(
        entries = entries.len(),
        bytes = bytes.len(),
        "cache snapshot written"
    );
    Ok(Written {
        entries: entries.len() as u64,
        bytes: bytes.len() as u64,
    })
}

/// Reads the snapshot at `path` into `cache`, leaving out entries that have expired since, and
/// returns how many it warmed. Nothing is inserted unless the whole file reads.
pub fn warm(cache: &ViewCache, path: &Path) -> Result<u64, SnapshotError> {
    let bytes = std::fs::read(path)?;
    let now = super::codec::now_unix_ms();
    let ttl_ms = cache.ttl().as_millis() as u64;
    let mut warmed = 0;
    for (key, stored) in decode(&bytes)? {
        if now.saturating_sub(stored.loaded_unix_ms) < ttl_ms {
            cache.insert_stored(key, stored);
            warmed += 1;
        }
    }
    cache.run_pending_tasks();
    Ok(warmed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::DEFAULT_TTL;
    use proptest::prelude::*;

    fn filled() -> ViewCache {
        let cache = ViewCache::new(1 << 20, DEFAULT_TTL);
        cache.insert("small", b"{\"a\":1}");
        cache.insert("large", "I breathe slowly. ".repeat(200).as_bytes());
        cache.run_pending_tasks();
        cache
    }

    #[test]
    fn a_snapshot_warms_a_cache_with_the_same_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.snapshot");
        let written = write(&filled(), &path).unwrap();
        assert_eq!(written.entries, 2);
        assert_eq!(written.bytes, std::fs::metadata(&path).unwrap().len());
        let warmed = ViewCache::new(1 << 20, DEFAULT_TTL);
        assert_eq!(warm(&warmed, &path).unwrap(), 2);
        assert_eq!(warmed.get("small").unwrap(), b"{\"a\":1}");
        assert_eq!(
            warmed.get("large").unwrap(),
            "I breathe slowly. ".repeat(200).as_bytes()
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn expired_entries_are_not_warmed() {
        let old = Stored::encode_at(b"old", super::super::codec::now_unix_ms() - 120_000);
        let bytes = encode([("old", &old)]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, bytes).unwrap();
        let cache = ViewCache::new(1 << 20, DEFAULT_TTL);
        assert_eq!(warm(&cache, &path).unwrap(), 0);
    }

    #[test]
    fn damage_is_refused_with_the_byte_it_was_found_at() {
        let cache = filled();
        let entries: Vec<_> = cache.entries().collect();
        let good = encode(entries.iter().map(|(k, v)| (k.as_str(), v.as_ref())));
        let message = |bytes: &[u8]| decode(bytes).unwrap_err().to_string();
        assert_eq!(
            message(b"not a snapshot at all, just text"),
            "byte 0: not a tta-bench cache snapshot (no TTACACHE magic)"
        );
        let mut flipped = good.clone();
        flipped[30] ^= 1;
        assert!(message(&flipped).contains("checksum mismatch"));
        let cut = &good[..good.len() - 5];
        assert!(message(cut).contains("checksum mismatch"));
        let mut future = good.clone();
        future[8] = 9;
        assert_eq!(
            message(&future),
            "byte 8: snapshot version 9; this build reads version 1"
        );
        assert!(message(&good[..10]).starts_with("byte 8: truncated"));
    }

    proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
        }

        #[test]
        fn encode_then_decode_is_identity(values in proptest::collection::vec(
            ("[a-z:]{0,12}", proptest::collection::vec(any::<u8>(), 0..3000)), 0..8)) {
            let stored: Vec<(String, Stored)> =
                values.iter().map(|(k, v)| (k.clone(), Stored::encode_at(v, 7))).collect();
            let bytes = encode(stored.iter().map(|(k, v)| (k.as_str(), v)));
            prop_assert_eq!(decode(&bytes).unwrap(), stored);
        }
    }
}
