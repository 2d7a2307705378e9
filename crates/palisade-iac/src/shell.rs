//! `RUN` commands parsed as shell with tree-sitter-bash: the simple commands of a script
//! (inside lists, pipelines, subshells, conditionals, loops and command substitutions), each
//! as words with quotes removed, and whether a pipeline occurs.
//!
//! A script the grammar cannot parse cleanly (a Dockerfile-only construct, a syntax error)
//! returns `None`, and the caller falls back to the quote-aware lexer in `docker.rs`.

use tree_sitter::{Node, Parser};

/// Scripts above this size are left to the lexer (tree-sitter's time grows with input).
const MAX_SCRIPT: usize = 256 * 1024;
const MAX_DEPTH: usize = 200;

/// The simple commands of `script` in order, and whether it has a pipeline.
pub fn commands(script: &str) -> Option<(Vec<Vec<String>>, bool)> {
    if script.len() > MAX_SCRIPT {
        return None;
    }
    // One parser per thread, reused for every RUN.
    thread_local! {
        static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
    }
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
            *slot = Some(p);
        }
        slot.as_mut()?.parse(script, None)
    })?;
    let root = tree.root_node();
    if root.has_error() {
        return None;
    }
    let mut out = Vec::new();
    let mut piped = false;
    walk(root, script, &mut out, &mut piped, 0);
    Some((out, piped))
}

fn walk(n: Node<'_>, src: &str, out: &mut Vec<Vec<String>>, piped: &mut bool, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match n.kind() {
        "pipeline" => *piped = true,
        "command" | "declaration_command" | "unset_command" => {
            let mut words = Vec::new();
            // `export`, `declare`, `unset` ... are keywords of the grammar, not named nodes.
            if n.kind() != "command"
                && let Some(k) = n.child(0).filter(|c| !c.is_named())
            {
                words.push(text(k, src).to_string());
            }
            let mut cursor = n.walk();
            for c in n.named_children(&mut cursor) {
                match c.kind() {
                    "file_redirect" | "herestring_redirect" | "heredoc_redirect" => {}
                    _ => words.push(word(c, src)),
                }
            }
            if !words.is_empty() {
                out.push(words);
            }
            // Commands nested in substitutions of the arguments come after their command.
            let mut nested = Vec::new();
            let mut cursor = n.walk();
            for c in n.named_children(&mut cursor) {
                substitutions(c, src, &mut nested, piped, depth + 1);
            }
            out.extend(nested);
            return;
        }
        _ => {}
    }
    let mut cursor = n.walk();
    for c in n.named_children(&mut cursor) {
        walk(c, src, out, piped, depth + 1);
    }
}

/// Commands inside `$(...)` and backquotes below `n`.
fn substitutions(
    n: Node<'_>,
    src: &str,
    out: &mut Vec<Vec<String>>,
    piped: &mut bool,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if n.kind() == "command_substitution" || n.kind() == "process_substitution" {
        walk(n, src, out, piped, depth + 1);
        return;
    }
    let mut cursor = n.walk();
    for c in n.named_children(&mut cursor) {
        substitutions(c, src, out, piped, depth + 1);
    }
}

fn text<'s>(n: Node<'_>, src: &'s str) -> &'s str {
    src.get(n.start_byte()..n.end_byte()).unwrap_or("")
}

/// A word as the shell sees it after quote removal (expansions kept as written).
fn word(n: Node<'_>, src: &str) -> String {
    match n.kind() {
        "command_name" => n
            .named_child(0)
            .map_or_else(|| text(n, src).to_string(), |c| word(c, src)),
        "raw_string" => text(n, src)
            .strip_prefix('\'')
            .and_then(|t| t.strip_suffix('\''))
            .unwrap_or_else(|| text(n, src))
            .to_string(),
        "ansi_c_string" => text(n, src)
            .strip_prefix("$'")
            .and_then(|t| t.strip_suffix('\''))
            .unwrap_or_else(|| text(n, src))
            .to_string(),
        "string" => {
            let t = text(n, src);
            let inner = t
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(t);
            unescape(inner, true)
        }
        "concatenation" => {
            let mut s = String::new();
            let mut cursor = n.walk();
            let mut last = n.start_byte();
            for c in n.children(&mut cursor) {
                // Unnamed pieces (punctuation between named parts) are kept as written.
                if c.start_byte() > last {
                    s.push_str(src.get(last..c.start_byte()).unwrap_or(""));
                }
                s.push_str(&word(c, src));
                last = c.end_byte();
            }
            s
        }
        "word" | "number" => unescape(text(n, src), false),
        _ => text(n, src).to_string(),
    }
}

/// Backslash escapes: inside double quotes only `\" \\ \$ \`` and newline are special.
fn unescape(s: &str, quoted: bool) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\'
            && let Some(&n) = it.peek()
            && (!quoted || matches!(n, '"' | '\\' | '$' | '`' | '\n'))
        {
            it.next();
            if n != '\n' {
                out.push(n);
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pipelines_quotes_and_substitutions() {
        let (c, piped) = commands(
            "set -eux; apt-get update && apt-get install -y 'a b' \"c\\\"d\" e=\"f g\" \\\n  h || true; echo $(curl -fsSL https://x | sh) > /dev/null",
        )
        .expect("parses");
        assert!(piped);
        assert_eq!(c[0], vec!["set", "-eux"]);
        assert_eq!(
            c[2],
            vec!["apt-get", "install", "-y", "a b", "c\"d", "e=f g", "h"]
        );
        assert_eq!(c[3], vec!["true"]);
        assert_eq!(c[4], vec!["echo", "$(curl -fsSL https://x | sh)"]);
        assert_eq!(c[5], vec!["curl", "-fsSL", "https://x"]);
        assert_eq!(c[6], vec!["sh"]);
    }

    #[test]
    fn control_flow_and_assignments() {
        let (c, piped) = commands(
            "if [ -f x ]; then cd /tmp; fi; for p in a b; do pip install $p; done; FOO=1 make; export A=b",
        )
        .expect("parses");
        assert!(!piped);
        let names: Vec<&str> = c.iter().map(|w| w[0].as_str()).collect();
        assert_eq!(names, ["cd", "pip", "FOO=1", "export"]);
        assert_eq!(c[2], vec!["FOO=1", "make"]);
    }

    #[test]
    fn unparsable_falls_back() {
        assert!(commands("echo 'unterminated").is_none());
    }
}
