// The hash of a trie edge (parent node, separator, word), included by both build.rs, which
// places the edges with it, and src/lexicon.rs, which looks them up: one definition, so the
// two agree.

/// Eight bytes of the word at a time, each mixed in with one multiplication.
pub(crate) fn edge_hash(parent: u16, sep: u8, word: &[u8]) -> u32 {
    let mut h = u64::from(parent) | u64::from(sep) << 16 | (word.len() as u64) << 24;
    for chunk in word.chunks(8) {
        let mut buf = [0u8; 8];
        buf[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(buf)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
    }
    (h >> 32) as u32
}
