//! File helpers: atomic writes and bounded, UTF-8-checked reads.

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over the target. Readers see the old file or the new one, never half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tta-bench-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let (first, rest) = bytes.split_at(bytes.len() / 2);
    tmp.write_all(first).map_err(|e| Error::io(tmp.path(), e))?;
    pause_for_crash_test(path);
    tmp.write_all(rest).map_err(|e| Error::io(tmp.path(), e))?;
    // Temporary files are private (0600); the result should read like any other file: keep an
    // existing file's mode, or use the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    // The rename is durable once the directory is synced (a power cut could otherwise lose
    // it); a kill needs only the rename itself.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Set to the end of a file's path, a debug build stops for a minute half-way through writing
/// such a file, after creating `<path>.paused`, so that the crash tests (`tests/crash.rs`) can
/// kill it there.
#[cfg(debug_assertions)]
const CRASH_TEST_PAUSE_ENV: &str = "TTA_BENCH_CRASH_TEST_PAUSE";

#[cfg(debug_assertions)]
fn pause_for_crash_test(path: &Path) {
    let paused = std::env::var_os(CRASH_TEST_PAUSE_ENV).is_some_and(|end| {
        path.as_os_str()
            .as_encoded_bytes()
            .ends_with(end.as_encoded_bytes())
    });
    if paused {
        let mut marker = path.as_os_str().to_owned();
        marker.push(".paused");
        let _ = std::fs::write(marker, b"");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

#[cfg(not(debug_assertions))]
fn pause_for_crash_test(_: &Path) {}

/// Reads at most `limit` bytes of UTF-8 from `reader`; `origin` names the source in errors.
pub fn read_utf8_bounded(mut reader: impl Read, limit: usize, origin: &str) -> Result<String> {
    let mut buf = Vec::new();
    reader
        .by_ref()
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(origin, e))?;
    if buf.len() > limit {
        return Err(Error::Invalid {
            origin: origin.into(),
            message: format!("input is larger than {limit} bytes"),
        });
    }
    String::from_utf8(buf).map_err(|e| Error::Invalid {
        origin: origin.into(),
        message: format!(
            "input is not valid UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, 0o644,
                "readable like any file, not the temp file's 0600"
            );
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
            write_atomic(&p, b"third").unwrap();
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o640,
                "mode kept"
            );
        }
    }

    #[test]
    fn atomic_write_into_missing_directory_names_it() {
        let err = write_atomic(Path::new("/nonexistent-dir/x.json"), b"x").unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent-dir"), "{err}");
    }

    #[test]
    fn bounded_read_rejects_oversize_and_invalid_utf8() {
        assert_eq!(read_utf8_bounded(&b"abc"[..], 3, "stdin").unwrap(), "abc");
        let big = read_utf8_bounded(&b"abcd"[..], 3, "stdin").unwrap_err();
        assert_eq!(big.to_string(), "stdin: input is larger than 3 bytes");
        let bad = read_utf8_bounded(&b"ab\xffc"[..], 10, "stdin").unwrap_err();
        assert_eq!(bad.to_string(), "stdin: input is not valid UTF-8 (byte 2)");
    }
}
