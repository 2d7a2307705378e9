use palisade_finding::{Fingerprint, Snippet, Span};
use sha2::{Digest, Sha256};

/// Byte offsets of line starts, for turning byte ranges into line/column spans.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(content: &[u8]) -> Self {
        let mut starts = Vec::with_capacity(content.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', content).map(|i| i + 1));
        LineIndex {
            starts,
            len: content.len(),
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// End of a 0-based line, excluding the newline.
    pub fn line_end(&self, line: usize) -> usize {
        self.starts
            .get(line + 1)
            .map_or(self.len, |s| s.saturating_sub(1))
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The span of the byte range `[start, end)`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let sl = self.line_of(start);
        let el = self.line_of(end.max(start));
        Span {
            start_line: to_u32(sl + 1),
            start_column: to_u32(start - self.line_start(sl) + 1),
            end_line: to_u32(el + 1),
            end_column: to_u32(end.max(start) - self.line_start(el) + 1),
            byte_start: start as u64,
            byte_end: end as u64,
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The stable fingerprint of a finding: a hash of its parts, never of line numbers.
pub fn fingerprint(parts: &[&[u8]]) -> Fingerprint {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    Fingerprint(hex::encode(&digest[..16]))
}

/// A byte range of the content shown as `replacement` in snippets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// Up to `context` lines either side of the byte range `[start, end)`, which is marked.
/// Every range in `redactions` that touches a shown line is replaced by its replacement
/// (a continuation line of a multi-line redaction shows as `…`), so no secret reaches a
/// snippet, not even one on a context line. Lines longer than `max_line` are cut (around
/// the mark on the marked line), so a minified file never yields a huge snippet.
pub fn snippet_around(
    content: &[u8],
    index: &LineIndex,
    start: usize,
    end: usize,
    redactions: &[Redaction],
    context: usize,
    max_line: usize,
) -> Snippet {
    let line = index.line_of(start);
    let first = line.saturating_sub(context);
    let last = (line + context).min(index.line_count().saturating_sub(1));
    let mut text = String::new();
    let mut mark = None;
    for l in first..=last {
        let ls = index.line_start(l);
        let mut le = index.line_end(l);
        if le > ls && content.get(le - 1) == Some(&b'\r') {
            le -= 1;
        }
        let mut out = String::new();
        let mut cursor = ls;
        let mut mark_cols = None;
        let mut hidden = false;
        let mut segs: Vec<&Redaction> = redactions
            .iter()
            .filter(|r| r.start < le.max(ls + 1) && r.end > ls)
            .collect();
        segs.sort_by_key(|r| r.start);
        for r in segs {
            if r.end <= cursor || (r.start >= ls && r.start < cursor) {
                continue;
            }
            if r.start > cursor {
                out.push_str(&String::from_utf8_lossy(&content[cursor..r.start.min(le)]));
            }
            let mstart = out.len();
            if r.start >= ls {
                out.push_str(&r.replacement);
            } else if !hidden {
                out.push('…');
                hidden = true;
            }
            if r.start == start {
                mark_cols = Some((mstart, out.len()));
            }
            cursor = r.end.min(le).max(cursor);
        }
        if l == line && mark_cols.is_none() {
            // The marked range is not redacted: show it as it is.
            if start > cursor {
                out.push_str(&String::from_utf8_lossy(&content[cursor..start.min(le)]));
            }
            let mstart = out.len();
            let mend_byte = end.min(le).max(start.min(le));
            out.push_str(&String::from_utf8_lossy(&content[start.min(le)..mend_byte]));
            mark_cols = Some((mstart, out.len()));
            cursor = mend_byte.max(cursor);
        }
        if cursor < le {
            out.push_str(&String::from_utf8_lossy(&content[cursor..le]));
        }
        if l == line {
            let (ms, me) = mark_cols.unwrap_or((0, 0));
            let (cut, ms, me) = cut_around(&out, ms, me, max_line);
            mark = Some((to_u32(l + 1), to_u32(ms + 1), to_u32(me + 1)));
            text.push_str(&cut);
        } else {
            let (cut, _, _) = cut_around(&out, 0, 0, max_line);
            text.push_str(&cut);
        }
        text.push('\n');
    }
    Snippet {
        first_line: to_u32(first + 1),
        text,
        mark,
    }
}

/// Cuts `s` to about `max` bytes around `[ms, me)`, on char boundaries, with `…` where
/// something was cut; returns the new string and the mark's new byte columns.
fn cut_around(s: &str, ms: usize, me: usize, max: usize) -> (String, usize, usize) {
    if s.len() <= max {
        return (s.to_string(), ms, me);
    }
    let half = max / 2;
    let mut lo = ms.saturating_sub(half);
    while !s.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (me + half).min(s.len());
    while !s.is_char_boundary(hi) {
        hi += 1;
    }
    let mut out = String::new();
    if lo > 0 {
        out.push('…');
    }
    let shift = out.len();
    out.push_str(&s[lo..hi]);
    if hi < s.len() {
        out.push('…');
    }
    (out, ms - lo + shift, me - lo + shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_one_based() {
        let c = b"ab\ncdef\ng";
        let ix = LineIndex::new(c);
        let s = ix.span(4, 6);
        assert_eq!(
            (s.start_line, s.start_column, s.end_line, s.end_column),
            (2, 2, 2, 4)
        );
        assert_eq!(ix.line_end(1), 7);
        assert_eq!(ix.line_of(8), 2);
    }

    fn red(start: usize, end: usize, r: &str) -> Redaction {
        Redaction {
            start,
            end,
            replacement: r.to_string(),
        }
    }

    #[test]
    fn snippet_redacts_and_marks() {
        let c = b"one\nkey = SECRET123\nthree\n";
        let ix = LineIndex::new(c);
        let s = snippet_around(c, &ix, 10, 19, &[red(10, 19, "SEC*****")], 1, 200);
        assert_eq!(s.text, "one\nkey = SEC*****\nthree\n");
        assert_eq!(s.mark, Some((2, 7, 15)));
        assert!(!s.text.contains("SECRET123"));
    }

    #[test]
    fn secrets_on_context_lines_are_redacted_too() {
        let c = b"a = TOPSECRETA\nb = TOPSECRETB\nc = TOPSECRETC\n";
        let ix = LineIndex::new(c);
        let rs = [red(4, 14, "TOP…"), red(19, 29, "TOP…"), red(34, 44, "TOP…")];
        let s = snippet_around(c, &ix, 19, 29, &rs, 1, 200);
        assert_eq!(s.text, "a = TOP…\nb = TOP…\nc = TOP…\n");
        assert_eq!(s.mark, Some((2, 5, 11)), "byte columns: `…` is 3 bytes");
    }

    #[test]
    fn multi_line_redaction_hides_continuation_lines() {
        let c = b"-----BEGIN-----\nAAAA\nBBBB\n-----END-----\n";
        let ix = LineIndex::new(c);
        let s = snippet_around(c, &ix, 16, 26, &[red(16, 26, "AA…")], 1, 200);
        assert_eq!(s.text, "-----BEGIN-----\nAA…\n…\n");
    }

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let mut c = "x".repeat(10_000);
        c.push_str("TOKEN");
        c.push_str(&"y".repeat(10_000));
        let ix = LineIndex::new(c.as_bytes());
        let s = snippet_around(c.as_bytes(), &ix, 10_000, 10_005, &[], 0, 40);
        assert!(s.text.len() < 60, "{}", s.text);
        let (_, ms, me) = s.mark.expect("mark");
        let line = s.text.lines().next().expect("line");
        assert_eq!(&line[ms as usize - 1..me as usize - 1], "TOKEN");
    }

    #[test]
    fn fingerprint_is_stable_and_length_prefixed() {
        assert_eq!(fingerprint(&[b"a", b"bc"]), fingerprint(&[b"a", b"bc"]));
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
        assert_eq!(fingerprint(&[b"x"]).0.len(), 32);
    }
}
