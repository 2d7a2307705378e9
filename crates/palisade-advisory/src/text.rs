//! Rendering text a reporter wrote, safely: a report is hostile input. On a terminal,
//! control characters (ANSI escapes) and bidirectional overrides are shown escaped; in
//! Markdown, HTML and Markdown syntax are escaped so that nothing renders as markup, and
//! proofs of concept go in a fence longer than any backtick run inside them.

/// Text for a terminal: every control character but newline and tab, and every
/// bidirectional-control character, is shown as `\u{…}`.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
        if (c.is_control() && c != '\n' && c != '\t') || bidi {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for Markdown (GitHub flavoured): HTML special characters become entities and
/// Markdown punctuation is backslash-escaped, so the text renders as itself.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in terminal(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '~' | '!' | '{' | '}'
            | '+' | '-' | '=' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// One line of Markdown (a heading, a table cell): newlines become spaces.
pub fn markdown_line(s: &str) -> String {
    markdown(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A fenced code block whose fence is longer than any run of backticks in `s`: the
/// content cannot close it, and nothing inside renders.
pub fn code_block(s: &str, info: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    let body = terminal(s);
    let nl = if body.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{info}\n{body}{nl}{fence}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_control_and_bidi() {
        assert_eq!(
            terminal("a\x1b[31mred\u{202E}x\ny"),
            "a\\u{1b}[31mred\\u{202e}x\ny"
        );
    }

    #[test]
    fn markdown_renders_as_text() {
        let md = markdown("<script>alert(1)</script> [x](javascript:alert(1)) **b**");
        assert!(!md.contains('<'));
        assert!(md.contains("&lt;script&gt;"));
        assert!(md.contains("\\[x\\]\\(javascript:alert\\(1\\)\\)"));
        assert!(md.contains("\\*\\*b\\*\\*"));
    }

    #[test]
    fn code_block_outlasts_backticks() {
        let b = code_block("````\nrm -rf /\n````", "sh");
        assert!(b.starts_with("`````sh\n"));
        assert!(b.ends_with("\n`````\n"));
    }
}
