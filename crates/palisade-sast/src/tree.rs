//! A compact, owned syntax tree built from tree-sitter's, shared by targets and patterns.
//!
//! Punctuation (`,` `;` parentheses, brackets, braces) and comments are dropped,
//! parenthesised expressions are replaced by what they hold, and string literals become
//! single leaves holding their value. Built with an explicit stack: nesting depth costs
//! memory, never call stack.

use crate::lang::Lang;

pub type Id = u32;

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: &'static str,
    pub start: u32,
    pub end: u32,
    kids_at: u32,
    kids_len: u32,
    pub named: bool,
    pub string: bool,
}

pub struct Tree<'s> {
    pub lang: Lang,
    pub src: &'s [u8],
    pub nodes: Vec<Node>,
    kids: Vec<Id>,
    /// Whether tree-sitter reported a syntax error anywhere.
    pub has_errors: bool,
    /// Parents, for containment questions.
    pub parent: Vec<Id>,
}

const PUNCT: &[&str] = &[",", ";", "(", ")", "[", "]", "{", "}"];

fn unwrap_parens(mut n: tree_sitter::Node<'_>) -> tree_sitter::Node<'_> {
    while n.kind() == "parenthesized_expression" && n.named_child_count() == 1 {
        match n.named_child(0) {
            Some(c) if !c.is_extra() => n = c,
            _ => break,
        }
    }
    n
}

impl<'s> Tree<'s> {
    pub fn build(lang: Lang, src: &'s [u8], ts: &tree_sitter::Tree) -> Tree<'s> {
        let root = ts.root_node();
        let mut t = Tree {
            lang,
            src,
            nodes: Vec::new(),
            kids: Vec::new(),
            has_errors: root.has_error(),
            parent: Vec::new(),
        };
        t.push(root, 0);
        let mut stack = vec![(root, 0u32)];
        let mut buf = Vec::new();
        while let Some((n, id)) = stack.pop() {
            if t.nodes[id as usize].string {
                continue;
            }
            buf.clear();
            let mut cursor = n.walk();
            for c in n.children(&mut cursor) {
                if c.is_extra() || (!c.is_named() && PUNCT.contains(&c.kind())) {
                    continue;
                }
                if c.is_missing() {
                    continue;
                }
                buf.push(unwrap_parens(c));
            }
            let at = t.kids.len() as u32;
            for c in &buf {
                let cid = t.push(*c, id);
                t.kids.push(cid);
                stack.push((*c, cid));
            }
            let node = &mut t.nodes[id as usize];
            node.kids_at = at;
            node.kids_len = buf.len() as u32;
        }
        t
    }

    fn push(&mut self, n: tree_sitter::Node<'_>, parent: Id) -> Id {
        let id = self.nodes.len() as Id;
        let kind = n.kind();
        self.nodes.push(Node {
            kind,
            start: n.start_byte() as u32,
            end: n.end_byte() as u32,
            kids_at: 0,
            kids_len: 0,
            named: n.is_named(),
            string: n.is_named() && self.lang.is_string_kind(kind) && !interpolated(n),
        });
        self.parent.push(parent);
        id
    }

    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn kids(&self, id: Id) -> &[Id] {
        let n = &self.nodes[id as usize];
        &self.kids[n.kids_at as usize..(n.kids_at + n.kids_len) as usize]
    }

    pub fn text(&self, id: Id) -> &'s [u8] {
        let n = &self.nodes[id as usize];
        &self.src[n.start as usize..n.end as usize]
    }

    pub fn text_str(&self, id: Id) -> &'s str {
        std::str::from_utf8(self.text(id)).unwrap_or("")
    }

    /// A string literal's value: the text without prefixes and quotes.
    pub fn string_value(&self, id: Id) -> &'s str {
        string_value(self.text_str(id))
    }
}

/// A string literal with interpolated code (`f"{x}"`, `"#{x}"`, `` `${x}` ``) is not
/// a plain string: `"..."` does not match it (as in Semgrep) and its code is matched.
fn interpolated(n: tree_sitter::Node<'_>) -> bool {
    let mut cursor = n.walk();
    n.named_children(&mut cursor).any(|c| {
        let k = c.kind();
        k.contains("interpolation") || k.contains("substitution") || k == "variable_name"
    })
}

/// `r"abc"`, `'abc'`, `"""abc"""`, `` `abc` ``, `@"abc"` -> `abc`.
pub fn string_value(text: &str) -> &str {
    let t = text.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '@' || c == '$');
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if t.len() >= 2 * q.len() && t.starts_with(q) && t.ends_with(q) {
            return &t[q.len()..t.len() - q.len()];
        }
    }
    t
}

/// Whitespace-insensitive equality of two source fragments.
pub fn same_code(a: &[u8], b: &[u8]) -> bool {
    let mut x = a.iter().filter(|c| !c.is_ascii_whitespace());
    let mut y = b.iter().filter(|c| !c.is_ascii_whitespace());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}
