//! Builds the core's phrase tables at compile time, so that a process starts with them ready
//! (cold initialisation costs no pattern compilation at all).
//!
//! Each `lexicon/*.lex` file holds sections; a section's header is the Rust value its phrases
//! are tagged with (`[Tag::Indicator(IndicatorFamily::Suicide)]`), each line under it a phrase
//! template in a small subset of regex syntax: literal lowercase text, `(a|b)` or `(?:a|b)`
//! alternatives, `[- ]` one of the characters, and `?` after a character or group making it
//! optional. Every template expands to a finite set of phrases; the generated file holds them
//! all, sorted, and a trie of their words with its edges in a hash table (`src/lexicon.rs`
//! walks it from each word of a text).
//! `#` starts a comment line.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=src/edge_hash.rs");
    for name in ["crisis", "consequences"] {
        let source = Path::new("lexicon").join(format!("{name}.lex"));
        println!("cargo::rerun-if-changed={}", source.display());
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        let entries = parse(&source.display().to_string(), &text);
        let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
            .join(format!("{name}_lexicon.rs"));
        std::fs::write(&out, render(&source.display().to_string(), &entries))
            .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
}

/// (phrase, tag expression), sorted and without repeats.
fn parse(origin: &str, text: &str) -> BTreeSet<(String, String)> {
    let mut tag: Option<String> = None;
    let mut entries = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let at = |message: &str| -> ! { panic!("{origin}:{}: {message}", i + 1) };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            tag = Some(header.trim().to_string());
            continue;
        }
        let Some(tag) = &tag else {
            at("a phrase before any [section]")
        };
        let expanded = expand(line).unwrap_or_else(|e| at(&e));
        for phrase in expanded {
            if let Err(e) = check(&phrase) {
                at(&format!("{line:?} gives {phrase:?}: {e}"));
            }
            entries.insert((phrase, tag.clone()));
        }
    }
    entries
}

/// A phrase the matcher can find: lowercase ASCII words (letters, digits, apostrophes) with
/// single spaces or hyphens between them.
fn check(phrase: &str) -> Result<(), String> {
    let word = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'\'';
    let bytes = phrase.as_bytes();
    if bytes.is_empty() {
        return Err("empty".into());
    }
    if !word(bytes[0]) || !word(bytes[bytes.len() - 1]) {
        return Err("must start and end with a letter, digit or apostrophe".into());
    }
    if let Some(b) = bytes
        .iter()
        .find(|b| !(word(**b) || **b == b' ' || **b == b'-'))
    {
        return Err(format!(
            "{:?} is not a letter, digit, ', space or -",
            *b as char
        ));
    }
    if phrase.contains("  ") {
        return Err("two spaces in a row".into());
    }
    Ok(())
}

/// Every phrase `template` stands for.
fn expand(template: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = template.chars().collect();
    let mut at = 0;
    let out = alternatives(&chars, &mut at)?;
    if at != chars.len() {
        return Err(format!("unexpected {:?} at column {}", chars[at], at + 1));
    }
    Ok(out)
}

fn alternatives(chars: &[char], at: &mut usize) -> Result<Vec<String>, String> {
    let mut out = sequence(chars, at)?;
    while chars.get(*at) == Some(&'|') {
        *at += 1;
        out.extend(sequence(chars, at)?);
    }
    Ok(out)
}

fn sequence(chars: &[char], at: &mut usize) -> Result<Vec<String>, String> {
    let mut out = vec![String::new()];
    while let Some(&c) = chars.get(*at) {
        let mut options = match c {
            '|' | ')' => break,
            '(' => {
                *at += 1;
                if chars[*at..].starts_with(&['?', ':']) {
                    *at += 2;
                }
                let inner = alternatives(chars, at)?;
                if chars.get(*at) != Some(&')') {
                    return Err(format!("unclosed ( before column {}", *at + 1));
                }
                *at += 1;
                inner
            }
            '[' => {
                let close = chars[*at..]
                    .iter()
                    .position(|&c| c == ']')
                    .ok_or_else(|| format!("unclosed [ at column {}", *at + 1))?;
                let set = chars[*at + 1..*at + close].iter().map(|c| c.to_string());
                let set: Vec<String> = set.collect();
                *at += close + 1;
                set
            }
            '?' => return Err(format!("? with nothing before it at column {}", *at + 1)),
            c => {
                *at += 1;
                vec![c.to_string()]
            }
        };
        if chars.get(*at) == Some(&'?') {
            *at += 1;
            options.push(String::new());
        }
        out = out
            .iter()
            .flat_map(|head| options.iter().map(move |tail| format!("{head}{tail}")))
            .collect();
    }
    Ok(out)
}

fn render(origin: &str, entries: &BTreeSet<(String, String)>) -> String {
    assert!(
        entries.len() <= usize::from(u16::MAX),
        "{origin}: too many phrases"
    );
    let mut out = format!(
        "// Generated by build.rs from {origin}: {} phrases, sorted. Do not edit.\n\n",
        entries.len()
    );
    out.push_str("pub(crate) static ENTRIES: &[(&str, Tag)] = &[\n");
    for (phrase, tag) in entries {
        let _ = writeln!(out, "    ({phrase:?}, {tag}),");
    }
    out.push_str("];\n\n");
    // A trie of words: the root is node 0; an edge goes from a node, by the separator before
    // a word (0 from the root, else b' ' or b'-') and the word, to a child; each node lists the
    // entries that end there.
    let mut edges: Vec<(u16, u8, String, u16)> = Vec::new();
    let mut children: std::collections::HashMap<(u16, u8, String), u16> = Default::default();
    let mut node_ends: Vec<Vec<usize>> = vec![Vec::new()];
    for (i, (phrase, _)) in entries.iter().enumerate() {
        let mut node = 0u16;
        for (sep, word) in words(phrase) {
            let key = (node, sep, word.to_string());
            node = match children.get(&key) {
                Some(&child) => child,
                None => {
                    let child = u16::try_from(node_ends.len()).expect("fewer than 65536 nodes");
                    node_ends.push(Vec::new());
                    edges.push((node, sep, word.to_string(), child));
                    children.insert(key, child);
                    child
                }
            };
        }
        node_ends[usize::from(node)].push(i);
    }
    out.push_str("pub(crate) static EDGES: &[(u16, u8, &str, u16)] = &[\n");
    for (parent, sep, word, child) in &edges {
        let _ = writeln!(out, "    ({parent}, {sep}, {word:?}, {child}),");
    }
    out.push_str("];\n\n");
    out.push_str("pub(crate) static NODE_ENDS: &[&[u16]] = &[\n");
    for ends in &node_ends {
        let _ = writeln!(out, "    &{ends:?},");
    }
    out.push_str("];\n\n");
    // An open-addressing hash table of the edges (edge_hash, linear probing, at most a
    // quarter full): slot = 1 + the edge's index in EDGES, or 0 when empty.
    let size = (edges.len() * 4).next_power_of_two();
    let mut slots = vec![0u16; size];
    for (i, (parent, sep, word, _)) in edges.iter().enumerate() {
        let mut at = edge_hash(*parent, *sep, word.as_bytes()) as usize & (size - 1);
        while slots[at] != 0 {
            at = (at + 1) & (size - 1);
        }
        slots[at] = u16::try_from(i + 1).expect("fewer than 65535 edges");
    }
    let _ = writeln!(
        out,
        "pub(crate) static EDGE_SLOTS: [u16; {size}] = {slots:?};"
    );
    out
}

/// The words of a phrase, each with the separator before it (0 for the first).
fn words(phrase: &str) -> Vec<(u8, &str)> {
    let mut out = Vec::new();
    let mut sep = 0u8;
    let mut start = 0;
    for (i, b) in phrase.bytes().enumerate() {
        if b == b' ' || b == b'-' {
            out.push((sep, &phrase[start..i]));
            sep = b;
            start = i + 1;
        }
    }
    out.push((sep, &phrase[start..]));
    out
}

include!("src/edge_hash.rs");
