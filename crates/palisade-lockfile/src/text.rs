//! Text helpers shared by the parsers: byte offsets to lines, the line of every JSON value,
//! JSON-with-trailing-commas, and turning each parser's errors into [`LockfileError`]s.

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use crate::{Cx, LockfileError};

/// Byte offset to 1-based line, by binary search over the newline offsets.
#[derive(Debug, Clone)]
pub struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` (one pass).
    #[must_use]
    pub fn new(text: &[u8]) -> Self {
        let newlines = text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        LineIndex { newlines }
    }

    /// The 1-based line holding byte `offset`.
    #[must_use]
    pub fn line(&self, offset: usize) -> u32 {
        let n = self.newlines.partition_point(|&nl| nl < offset);
        u32::try_from(n + 1).unwrap_or(u32::MAX)
    }
}

/// The line of every value of a JSON document, by its path (object keys and array
/// indexes). Built in one linear pass over text that `serde_json` has already accepted, so
/// it need not handle invalid input gracefully beyond never panicking.
///
/// Paths are not stored: each value's path is hashed incrementally (the parent's hash and
/// the segment), so the pass allocates nothing per value whatever the nesting or key sizes.
/// A hash collision (astronomically unlikely, and harmless: a wrong line number) is the
/// price.
#[derive(Debug, Default)]
pub struct JsonLines {
    lines: HashMap<u64, u32>,
}

/// FNV-1a over a segment, seeded with the parent path's hash.
fn path_hash(parent: u64, segment: &[u8]) -> u64 {
    let mut h = parent ^ 0xcbf2_9ce4_8422_2325;
    for &b in segment {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // Separate the segment from the next one.
    h ^= 0xff;
    h.wrapping_mul(0x0100_0000_01b3)
}

const ROOT: u64 = 0;

impl JsonLines {
    /// Records the line of every value in `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let b = text.as_bytes();
        let mut lines = HashMap::new();
        let mut line: u32 = 1;
        // Open containers: (path hash, next array index, or None for an object).
        let mut stack: Vec<(u64, Option<u64>)> = Vec::new();
        // The hash of the key just read, waiting for its value.
        let mut pending: Option<u64> = None;
        let mut i = 0;
        // The path hash of a value starting here; records its line.
        let mut start_value =
            |stack: &mut Vec<(u64, Option<u64>)>, pending: &mut Option<u64>, line: u32| -> u64 {
                let h = match stack.last_mut() {
                    Some((parent, Some(idx))) => {
                        let h = path_hash(*parent, idx.to_string().as_bytes());
                        *idx += 1;
                        h
                    }
                    Some((parent, None)) => pending.take().unwrap_or(*parent),
                    None => ROOT,
                };
                lines.entry(h).or_insert(line);
                h
            };
        while i < b.len() {
            match b[i] {
                b'\n' => {
                    line = line.saturating_add(1);
                    i += 1;
                }
                b'"' => {
                    let start = i;
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    let end = i.min(b.len());
                    i = end + 1;
                    let raw = b.get(start + 1..end).unwrap_or(&[]);
                    // A key if the next non-space byte is ':'.
                    let mut j = i;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    let in_object = matches!(stack.last(), Some((_, None)));
                    if in_object && pending.is_none() && j < b.len() && b[j] == b':' {
                        let parent = stack.last().map_or(ROOT, |f| f.0);
                        pending = Some(if raw.contains(&b'\\') {
                            let quoted = text
                                .get(start..=end.min(b.len().saturating_sub(1)))
                                .unwrap_or("");
                            let key = serde_json::from_str::<String>(quoted).unwrap_or_default();
                            path_hash(parent, key.as_bytes())
                        } else {
                            path_hash(parent, raw)
                        });
                        i = j + 1;
                    } else {
                        start_value(&mut stack, &mut pending, line);
                    }
                }
                b'{' | b'[' => {
                    let h = start_value(&mut stack, &mut pending, line);
                    stack.push((h, (b[i] == b'[').then_some(0)));
                    i += 1;
                }
                b'}' | b']' => {
                    stack.pop();
                    pending = None;
                    i += 1;
                }
                c if c == b'-' || c.is_ascii_alphanumeric() => {
                    start_value(&mut stack, &mut pending, line);
                    while i < b.len()
                        && (b[i] == b'-'
                            || b[i] == b'+'
                            || b[i] == b'.'
                            || b[i].is_ascii_alphanumeric())
                    {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        JsonLines { lines }
    }

    /// The line of the value at `path` (keys and array indexes as strings).
    #[must_use]
    pub fn get(&self, path: &[&str]) -> Option<u32> {
        let h = path
            .iter()
            .fold(ROOT, |h, seg| path_hash(h, seg.as_bytes()));
        self.lines.get(&h).copied()
    }
}

/// Turns JSON with comments and trailing commas (bun.lock, some tools' output) into JSON,
/// keeping every byte offset and line: removed characters become spaces.
#[must_use]
pub fn jsonc_to_json(text: &str) -> String {
    let mut out: Vec<u8> = text.as_bytes().to_vec();
    let b = text.as_bytes();
    let mut i = 0;
    let mut last_comma: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                last_comma = None;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    if b[i] != b'\n' {
                        out[i] = b' ';
                    }
                    i += 1;
                }
                for byte in out.iter_mut().take((i + 2).min(b.len())).skip(i) {
                    *byte = b' ';
                }
                i += 2;
            }
            b',' => {
                last_comma = Some(i);
                i += 1;
            }
            b'}' | b']' => {
                if let Some(c) = last_comma.take() {
                    out[c] = b' ';
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                last_comma = None;
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced by ASCII spaces, outside strings: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Parses JSON into `T`, mapping errors (syntax, wrong types, too deep) to the file and line.
pub(crate) fn json<T: DeserializeOwned>(cx: &Cx<'_>, text: &str) -> Result<T, LockfileError> {
    serde_json::from_str(text).map_err(|e| {
        let line = u32::try_from(e.line()).ok().filter(|l| *l > 0);
        let mut msg = e.to_string();
        if let Some(pos) = msg.rfind(" at line ") {
            msg.truncate(pos);
        }
        cx.err(line, format!("invalid JSON: {msg}"))
    })
}

/// Parses TOML into `T`, mapping errors to the file and line.
pub(crate) fn toml<T: DeserializeOwned>(cx: &Cx<'_>, text: &str) -> Result<T, LockfileError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| LineIndex::new(text.as_bytes()).line(s.start));
        let msg = e.message().trim().to_owned();
        cx.err(line, format!("invalid TOML: {msg}"))
    })
}

/// Parses YAML into `T` within a budget (depth 64, bounded events and aliases), mapping
/// errors to the file and line.
pub(crate) fn yaml<T: DeserializeOwned>(cx: &Cx<'_>, text: &str) -> Result<T, LockfileError> {
    let mut budget = serde_saphyr::Budget::default();
    // Large pnpm lockfiles hold far more than a config file.
    budget.max_events = 20_000_000;
    budget.max_nodes = 10_000_000;
    budget.max_depth = 64;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // Lockfiles do not use aliases; a few are tolerated, an expansion bomb is not.
    options.alias_limits.max_total_replayed_events = 10_000;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let line = e
            .location()
            .and_then(|l| u32::try_from(l.line()).ok())
            .filter(|l| *l > 0);
        let msg = e.to_string();
        let first = msg.lines().next().unwrap_or("").trim().to_owned();
        cx.err(line, format!("invalid YAML: {first}"))
    })
}

/// Splits `text` into lines with their 1-based numbers, without the line ending.
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n').enumerate().map(|(i, l)| {
        (
            u32::try_from(i + 1).unwrap_or(u32::MAX),
            l.strip_suffix('\r').unwrap_or(l),
        )
    })
}

/// The line of each top-level key of a YAML block mapping nested at `indent` spaces
/// under the top-level key `section` (`packages:` in pnpm-lock.yaml and pubspec.lock).
/// Keys are unquoted; the first occurrence wins.
pub(crate) fn yaml_section_keys(text: &str, section: &str, indent: usize) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    let mut inside = false;
    for (n, l) in numbered_lines(text) {
        if l.is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let lead = l.len() - l.trim_start_matches(' ').len();
        if lead == 0 {
            inside = l.trim_end().strip_suffix(':') == Some(section);
            continue;
        }
        if inside && lead == indent {
            let rest = &l[lead..];
            let key = yaml_key(rest);
            if let Some(k) = key {
                out.entry(k).or_insert(n);
            }
        }
    }
    out
}

/// The key of a `key: value` or `key:` YAML line (quotes removed).
pub(crate) fn yaml_key(rest: &str) -> Option<String> {
    let rest = rest.trim_end();
    if let Some(q) = rest.strip_prefix('\'') {
        let end = q.find("':").or_else(|| q.strip_suffix("'").map(str::len))?;
        return Some(q[..end].replace("''", "'"));
    }
    if let Some(q) = rest.strip_prefix('"') {
        let end = q.find("\":")?;
        return Some(q[..end].to_owned());
    }
    let end = rest
        .find(": ")
        .or_else(|| rest.strip_suffix(':').map(str::len))?;
    Some(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_paths() {
        let text = "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": [\n      \"x\",\n      {\"d\": true}\n    ]\n  },\n  \"e\\\"q\": {}\n}\n";
        let j = JsonLines::new(text);
        assert_eq!(j.get(&[]), Some(1));
        assert_eq!(j.get(&["a"]), Some(2));
        assert_eq!(j.get(&["a", "b"]), Some(3));
        assert_eq!(j.get(&["a", "c", "0"]), Some(5));
        assert_eq!(j.get(&["a", "c", "1"]), Some(6));
        assert_eq!(j.get(&["a", "c", "1", "d"]), Some(6));
        assert_eq!(j.get(&["e\"q"]), Some(9));
    }

    #[test]
    fn jsonc() {
        let t = "{\n \"a\": [1, 2,], // c\n \"b\": \"x,]\", /* y */\n}";
        let j = jsonc_to_json(t);
        assert_eq!(j.len(), t.len());
        let v: serde_json::Value = serde_json::from_str(&j).expect("valid");
        assert_eq!(v["b"], "x,]");
    }

    #[test]
    fn line_index() {
        let li = LineIndex::new(b"a\nb\n\nc");
        assert_eq!(li.line(0), 1);
        assert_eq!(li.line(1), 1);
        assert_eq!(li.line(2), 2);
        assert_eq!(li.line(5), 4);
    }
}
