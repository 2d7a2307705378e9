use palisade_engine::finding::Finding;

/// One inline suppression: `palisade:ignore[rule-id, other-rule] reason`, in any comment
/// syntax, on the line of the finding or on the line above it. A bare engine name
/// (`palisade:ignore[secrets] ...`) covers all of that engine's rules.
///
/// For teams coming from gitleaks, a `gitleaks:allow` comment is honoured as it is
/// there: it covers the secrets findings of its own line only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the comment.
    pub line: u32,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Covers its own line only (`gitleaks:allow`).
    pub same_line_only: bool,
}

const MARKER: &[u8] = b"palisade:ignore[";
const GITLEAKS_MARKER: &[u8] = b"gitleaks:allow";

impl Suppression {
    pub fn covers(&self, f: &Finding) -> bool {
        let line = f.line();
        let next_line_ok = !self.same_line_only && line == self.line + 1;
        if line != self.line && !next_line_ok {
            return false;
        }
        self.rules
            .iter()
            .any(|r| r == f.rule.as_str() || r == f.rule.engine() || r == "*")
    }
}

/// All suppressions in a file.
pub fn parse_suppressions(content: &[u8]) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut line_no = 1u32;
    let mut line_start = 0usize;
    for hit in memchr::memmem::find_iter(content, MARKER) {
        line_no += count_newlines(&content[line_start..hit]);
        line_start = hit;
        let rest = &content[hit + MARKER.len()..];
        let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let rest = &rest[..line_end];
        let Some(close) = rest.iter().position(|&b| b == b']') else {
            continue;
        };
        let rules: Vec<String> = String::from_utf8_lossy(&rest[..close])
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let reason = String::from_utf8_lossy(&rest[close + 1..]);
        let reason = reason
            .trim()
            .trim_end_matches("*/")
            .trim_end_matches("-->")
            .trim_start_matches([':', '-', ' '])
            .trim();
        out.push(Suppression {
            line: line_no,
            rules,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            same_line_only: false,
        });
    }
    let mut line_no = 1u32;
    let mut line_start = 0usize;
    for hit in memchr::memmem::find_iter(content, GITLEAKS_MARKER) {
        line_no += count_newlines(&content[line_start..hit]);
        line_start = hit;
        out.push(Suppression {
            line: line_no,
            rules: vec!["secrets".to_string()],
            reason: Some("gitleaks:allow".to_string()),
            same_line_only: true,
        });
    }
    out
}

fn count_newlines(b: &[u8]) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', b).count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_reason() {
        let s = parse_suppressions(
            b"a\n# palisade:ignore[secrets/jwt, secrets/aws-access-key] test fixture\nb\n// palisade:ignore[secrets]\n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].line, 2);
        assert_eq!(s[0].rules, vec!["secrets/jwt", "secrets/aws-access-key"]);
        assert_eq!(s[0].reason.as_deref(), Some("test fixture"));
        assert_eq!(s[1].line, 4);
        assert_eq!(s[1].reason, None);
    }

    #[test]
    fn gitleaks_allow_covers_its_own_line_only() {
        let s = parse_suppressions(b"a\nkey = 'x' # gitleaks:allow\n");
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].line, s[0].same_line_only), (2, true));
        assert_eq!(s[0].rules, vec!["secrets"]);
    }

    #[test]
    fn html_comment_end_is_not_a_reason() {
        let s = parse_suppressions(b"<!-- palisade:ignore[secrets/jwt] -->\n");
        assert_eq!(s[0].reason, None);
    }
}
