//! The document model: YAML (multi-document) and JSON parsed into a tree whose every node
//! knows where it starts (line, column, byte) in the source.
//!
//! JSON is parsed by the same YAML 1.2 parser (JSON is a subset of YAML 1.2 flow syntax),
//! so both formats share positions, limits and error messages.
//!
//! Hostile input is bounded: nesting depth, node count, and alias expansion (every alias
//! copy is charged to the node budget, so a "billion laughs" document fails quickly with a
//! diagnostic instead of exhausting memory).

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, Span};

/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 200;
/// Most nodes (after alias expansion) accepted per file.
pub const MAX_NODES: usize = 2_000_000;

/// A position in the source: 1-based line and column (columns count characters), and the
/// byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    pub byte: usize,
    /// Which file the node came from, when a tree is assembled from several (Kustomize).
    pub file: u32,
}

/// One value of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written; `plain` scalars are typed by the YAML 1.2 core schema on use.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A node: a value, its optional tag (`!Ref`, `!!str`), and where it starts and ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub tag: Option<String>,
    pub start: Pos,
    pub end: Pos,
}

/// A parse failure, with the position it was detected at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} column {}: {}",
            self.line, self.col, self.message
        )
    }
}

fn pos_of(span: &Span, text: &str, start: bool) -> Pos {
    let m = if start { span.start } else { span.end };
    let byte = m.byte_offset().unwrap_or_else(|| {
        // Character index to byte offset.
        text.char_indices()
            .nth(m.index())
            .map_or(text.len(), |(b, _)| b)
    });
    Pos {
        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
        col: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
        byte,
        file: 0,
    }
}

/// Parses every document of a YAML (or JSON) stream. Empty documents are dropped.
pub fn parse_yaml(text: &str) -> Result<Vec<Node>, DocError> {
    let mut b = Builder {
        text,
        anchors: HashMap::new(),
        stack: Vec::new(),
        docs: Vec::new(),
        nodes: 0,
    };
    for ev in Parser::new_from_str(text) {
        let (event, span) = ev.map_err(|e| DocError {
            line: u32::try_from(e.marker().line()).unwrap_or(u32::MAX),
            col: u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
            message: e.info().to_string(),
        })?;
        b.event(event, &span)?;
    }
    Ok(b.docs)
}

enum Frame {
    Seq(Node, usize),
    Map(Node, Option<Node>, usize),
}

struct Builder<'t> {
    text: &'t str,
    anchors: HashMap<usize, Node>,
    stack: Vec<Frame>,
    docs: Vec<Node>,
    nodes: usize,
}

fn tag_string(tag: Option<&granit_parser::Tag>) -> Option<String> {
    let t = tag?;
    let (h, s) = t.original_parts();
    Some(format!("{h}{s}"))
}

impl Builder<'_> {
    fn err(&self, span: &Span, message: impl Into<String>) -> DocError {
        let p = pos_of(span, self.text, true);
        DocError {
            line: p.line,
            col: p.col,
            message: message.into(),
        }
    }

    fn charge(&mut self, n: usize, span: &Span) -> Result<(), DocError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(self.err(
                span,
                format!(
                    "more than {MAX_NODES} nodes after alias expansion; giving up on this file"
                ),
            ));
        }
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), DocError> {
        let seq_start = matches!(event, Event::SequenceStart(..));
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.charge(1, span)?;
                let node = Node {
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    tag: tag_string(tag.as_deref()),
                    start: pos_of(span, self.text, true),
                    end: pos_of(span, self.text, false),
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node, span)
            }
            Event::SequenceStart(_, anchor, tag) | Event::MappingStart(_, anchor, tag) => {
                let is_seq = seq_start;
                self.charge(1, span)?;
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.err(span, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let node = Node {
                    value: if is_seq {
                        Value::Seq(Vec::new())
                    } else {
                        Value::Map(Vec::new())
                    },
                    tag: tag_string(tag.as_deref()),
                    start: pos_of(span, self.text, true),
                    end: pos_of(span, self.text, true),
                };
                self.stack.push(if is_seq {
                    Frame::Seq(node, anchor)
                } else {
                    Frame::Map(node, None, anchor)
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (mut node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(n, a) | Frame::Map(n, _, a)) => (n, a),
                    None => return Err(self.err(span, "unbalanced collection end")),
                };
                node.end = pos_of(span, self.text, false);
                if let Value::Map(entries) = &mut node.value {
                    apply_merge_keys(entries);
                }
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node, span)
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(self.err(span, "alias to an unknown anchor"));
                };
                let size = target.size();
                let mut copy = target.clone();
                self.charge(size, span)?;
                // The copy is reported where the alias is written.
                copy.start = pos_of(span, self.text, true);
                copy.end = pos_of(span, self.text, false);
                self.push(copy, span)
            }
            Event::UnresolvedAlias(name) => {
                Err(self.err(span, format!("alias `*{name}` to an unknown anchor")))
            }
            Event::DocumentStart(..) => {
                self.anchors.clear();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn push(&mut self, node: Node, _span: &Span) -> Result<(), DocError> {
        match self.stack.last_mut() {
            None => {
                if !node.is_null() {
                    self.docs.push(node);
                }
                Ok(())
            }
            Some(Frame::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
                Ok(())
            }
            Some(Frame::Map(map, key, _)) => match key.take() {
                None => {
                    *key = Some(node);
                    Ok(())
                }
                Some(k) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((k, node));
                    }
                    Ok(())
                }
            },
        }
    }
}

/// YAML merge keys (`<<: *base`): entries of the merged mappings not already present.
fn apply_merge_keys(entries: &mut Vec<(Node, Node)>) {
    if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
        return;
    }
    let mut merged = Vec::new();
    let mut own = Vec::new();
    for (k, v) in entries.drain(..) {
        if k.as_str() == Some("<<") && k.is_plain() {
            match v.value {
                Value::Map(m) => merged.push(m),
                Value::Seq(items) => {
                    for i in items {
                        if let Value::Map(m) = i.value {
                            merged.push(m);
                        }
                    }
                }
                Value::Scalar { .. } => {}
            }
        } else {
            own.push((k, v));
        }
    }
    for m in merged {
        for (k, v) in m {
            if !own.iter().any(|(ok, _)| ok.as_str() == k.as_str()) {
                own.push((k, v));
            }
        }
    }
    *entries = own;
}

impl Node {
    /// Marks every node as coming from file `file`, `lines` lines further down (for text
    /// embedded in a block scalar of another file).
    pub fn relocate(&mut self, file: u32, lines: u32, bytes: usize) {
        self.start.file = file;
        self.end.file = file;
        self.start.line += lines;
        self.end.line += lines;
        self.start.byte += bytes;
        self.end.byte += bytes;
        match &mut self.value {
            Value::Scalar { .. } => {}
            Value::Seq(items) => items
                .iter_mut()
                .for_each(|i| i.relocate(file, lines, bytes)),
            Value::Map(m) => m.iter_mut().for_each(|(k, v)| {
                k.relocate(file, lines, bytes);
                v.relocate(file, lines, bytes);
            }),
        }
    }

    /// Number of nodes in this subtree.
    pub fn size(&self) -> usize {
        match &self.value {
            Value::Scalar { .. } => 1,
            Value::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Value::Map(m) => 1 + m.iter().map(|(k, v)| k.size() + v.size()).sum::<usize>(),
        }
    }

    pub fn is_plain(&self) -> bool {
        matches!(self.value, Value::Scalar { plain: true, .. })
    }

    /// The scalar text (of any style).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A YAML 1.2 core-schema null: empty plain scalar, `~` or `null`.
    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar { text, plain: true } => {
                self.tag.is_none() && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// A boolean: plain `true`/`false` (any YAML 1.2 case form).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A number (integer or float, plain or quoted).
    pub fn as_f64(&self) -> Option<f64> {
        let t = self.as_str()?.trim();
        if let Some(h) = t.strip_prefix("0x") {
            return i64::from_str_radix(h, 16).ok().map(|n| n as f64);
        }
        if let Some(o) = t.strip_prefix("0o") {
            return i64::from_str_radix(o, 8).ok().map(|n| n as f64);
        }
        t.parse::<f64>().ok().filter(|f| f.is_finite())
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a sequence, to change them.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The key node of `key` in a mapping (for positions).
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k)
    }

    /// The node at a dotted route such as `spec.containers[0].image` (no wildcards).
    pub fn at(&self, route: &str) -> Option<&Node> {
        let mut cur = self;
        for seg in parse_route(route) {
            cur = match seg {
                Seg::Key(k) => cur.get(&k)?,
                Seg::Index(i) => cur.as_seq()?.get(i)?,
                Seg::Any => return None,
            };
        }
        Some(cur)
    }

    /// `get(key)` as a string.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// Scalar text, for messages: scalars as written, collections as `[…]`/`{…}`.
    pub fn display(&self) -> String {
        match &self.value {
            Value::Scalar { text, .. } => text.clone(),
            Value::Seq(_) => "[…]".to_string(),
            Value::Map(_) => "{…}".to_string(),
        }
    }

    /// The node as a compact string, used for fingerprints and `contains` on collections.
    pub fn flatten(&self, out: &mut String, budget: &mut usize) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        match &self.value {
            Value::Scalar { text, .. } => out.push_str(text),
            Value::Seq(items) => {
                out.push('[');
                for i in items {
                    i.flatten(out, budget);
                    out.push(',');
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push('{');
                for (k, v) in m {
                    k.flatten(out, budget);
                    out.push(':');
                    v.flatten(out, budget);
                    out.push(',');
                }
                out.push('}');
            }
        }
    }
}

/// One segment of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
    /// `*` or `[*]`: every item of a sequence or every value of a mapping.
    Any,
}

/// Parses `a.b[0].c[*].d` and `a.*.b`; keys with dots can be quoted: `metadata.annotations."x.y/z"`.
pub fn parse_route(route: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut chars = route.chars().peekable();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<Seg>| {
        if !cur.is_empty() {
            if cur == "*" {
                out.push(Seg::Any);
            } else {
                out.push(Seg::Key(std::mem::take(cur)));
            }
            cur.clear();
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut cur, &mut out),
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    cur.push(q);
                }
                out.push(Seg::Key(std::mem::take(&mut cur)));
            }
            '[' => {
                flush(&mut cur, &mut out);
                let mut idx = String::new();
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                    idx.push(q);
                }
                if idx == "*" {
                    out.push(Seg::Any);
                } else if let Ok(i) = idx.parse() {
                    out.push(Seg::Index(i));
                } else {
                    out.push(Seg::Key(idx));
                }
            }
            _ => cur.push(c),
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Appends a key or index to a route string.
pub fn route_key(route: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/' || c == ':');
    let k = if simple {
        key.to_string()
    } else {
        format!("\"{}\"", key.replace('"', "'"))
    };
    if route.is_empty() {
        k
    } else {
        format!("{route}.{k}")
    }
}

pub fn route_index(route: &str, i: usize) -> String {
    format!("{route}[{i}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let docs = parse_yaml("a: 1\nb:\n  c: [x, y]\n---\nk: v\n").expect("parse");
        assert_eq!(docs.len(), 2);
        let c = docs[0].at("b.c[1]").expect("node");
        assert_eq!((c.start.line, c.start.col), (3, 10));
        assert_eq!(c.as_str(), Some("y"));
        assert_eq!(docs[1].at("k").and_then(Node::as_str), Some("v"));
    }

    #[test]
    fn json_parses_with_positions() {
        let docs = parse_yaml("{\n  \"a\": {\"b\": [1, true]}\n}").expect("parse");
        let b = docs[0].at("a.b[1]").expect("node");
        assert_eq!(b.as_bool(), Some(true));
        assert_eq!(b.start.line, 2);
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            y.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        let err = parse_yaml(&y).expect_err("must refuse");
        assert!(err.message.contains("alias expansion"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let y = "[".repeat(10_000);
        let err = parse_yaml(&y).expect_err("must refuse");
        assert!(err.line >= 1);
    }

    #[test]
    fn merge_keys_merge() {
        let docs = parse_yaml("base: &b {x: 1, y: 2}\nj:\n  <<: *b\n  y: 3\n").expect("parse");
        let j = docs[0].get("j").expect("j");
        assert_eq!(j.str_at("x"), Some("1"));
        assert_eq!(j.str_at("y"), Some("3"));
    }

    #[test]
    fn routes_parse() {
        assert_eq!(
            parse_route("a.b[0].c[*].\"x.y\""),
            vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::Index(0),
                Seg::Key("c".into()),
                Seg::Any,
                Seg::Key("x.y".into())
            ]
        );
    }
}
