//! Patterns compiled once into path segments.
//!
//! A pattern is a list of segments: `**` (any number of whole path segments) or a
//! glob of one segment (`*` and `?` never cross `/`; GitLab also has `[...]` classes
//! and `\` escapes, as `File.fnmatch` with `FNM_PATHNAME | FNM_DOTMATCH` does).

/// One piece of a segment glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    /// `?`: one character.
    One,
    /// `*`: any run of characters within the segment.
    Star,
    /// `[...]`: (negated, ranges as inclusive pairs).
    Class(bool, Vec<(char, char)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// `**`: zero or more whole segments.
    AnyDirs,
    /// A literal segment (fast path).
    Lit(String),
    Glob(Vec<Tok>),
}

impl Seg {
    /// Parses one segment. `classes`: whether `[...]` and `\` escapes are special.
    pub(crate) fn parse(s: &str, classes: bool) -> Seg {
        if s == "**" {
            return Seg::AnyDirs;
        }
        let chars: Vec<char> = s.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '*' => {
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                }
                '?' => toks.push(Tok::One),
                '\\' if classes && i + 1 < chars.len() => {
                    i += 1;
                    toks.push(Tok::Lit(chars[i]));
                }
                '[' if classes => {
                    if let Some((tok, next)) = parse_class(&chars, i) {
                        toks.push(tok);
                        i = next;
                        continue;
                    }
                    toks.push(Tok::Lit('['));
                }
                _ => toks.push(Tok::Lit(c)),
            }
            i += 1;
        }
        if toks.iter().all(|t| matches!(t, Tok::Lit(_))) {
            Seg::Lit(
                toks.iter()
                    .filter_map(|t| match t {
                        Tok::Lit(c) => Some(*c),
                        _ => None,
                    })
                    .collect(),
            )
        } else {
            Seg::Glob(toks)
        }
    }

    pub(crate) fn literal(&self) -> Option<&str> {
        match self {
            Seg::Lit(s) => Some(s),
            _ => None,
        }
    }

    /// For `*.ext` (a star, then only literal text with a `.`): the text after the
    /// last `.`, which a matching name's own extension must equal.
    pub(crate) fn extension(&self) -> Option<String> {
        let Seg::Glob(toks) = self else { return None };
        let (Tok::Star, rest) = toks.split_first()? else {
            return None;
        };
        let mut suffix = String::new();
        for t in rest {
            match t {
                Tok::Lit(c) => suffix.push(*c),
                _ => return None,
            }
        }
        let (_, ext) = suffix.rsplit_once('.')?;
        (!ext.is_empty()).then(|| ext.to_string())
    }

    pub(crate) fn is_star(&self) -> bool {
        matches!(self, Seg::Glob(t) if t.as_slice() == [Tok::Star])
    }

    fn matches(&self, name: &str) -> bool {
        match self {
            Seg::AnyDirs => true,
            Seg::Lit(s) => s == name,
            Seg::Glob(toks) => {
                let name: Vec<char> = name.chars().collect();
                glob_chars(toks, &name)
            }
        }
    }
}

/// `[...]` starting at `start` (the `[`): the token and the index after `]`.
fn parse_class(chars: &[char], start: usize) -> Option<(Tok, usize)> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    while i < chars.len() {
        let mut c = chars[i];
        if c == ']' && !first {
            return Some((Tok::Class(negated, ranges), i + 1));
        }
        first = false;
        if c == '\\' && i + 1 < chars.len() {
            i += 1;
            c = chars[i];
        }
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            ranges.push((c, chars[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    None
}

/// Iterative glob match with one backtrack point per `*` (linear-ish, no recursion).
fn glob_chars(toks: &[Tok], name: &[char]) -> bool {
    let (mut t, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let ok = match toks.get(t) {
            Some(Tok::Star) => {
                star = Some((t, n));
                t += 1;
                continue;
            }
            Some(Tok::One) => true,
            Some(Tok::Lit(c)) => *c == name[n],
            Some(Tok::Class(neg, ranges)) => {
                ranges.iter().any(|(a, b)| (*a..=*b).contains(&name[n])) != *neg
            }
            None => false,
        };
        if ok {
            t += 1;
            n += 1;
        } else if let Some((st, sn)) = star {
            t = st + 1;
            n = sn + 1;
            star = Some((st, sn + 1));
        } else {
            return false;
        }
    }
    toks[t..].iter().all(|x| *x == Tok::Star)
}

/// Whether `segs` match exactly the path segments `path`.
pub(crate) fn match_segs(segs: &[Seg], path: &[&str]) -> bool {
    match segs.split_first() {
        None => path.is_empty(),
        Some((Seg::AnyDirs, rest)) => (0..=path.len()).any(|k| match_segs(rest, &path[k..])),
        Some((seg, rest)) => match path.split_first() {
            Some((first, tail)) => seg.matches(first) && match_segs(rest, tail),
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str, s: &str, classes: bool) -> bool {
        Seg::parse(p, classes).matches(s)
    }

    #[test]
    fn segment_globs() {
        assert!(g("*.rs", "main.rs", false));
        assert!(g("*.rs", ".rs", false));
        assert!(!g("*.rs", "main.rsx", false));
        assert!(g("a?c", "abc", false));
        assert!(g("*a*b*c*", "xxaxxbxxcxx", false));
        assert!(!g("*a*b*c*", "xxaxxcxxbxx", false));
        assert!(g("[ch]", "[ch]", false));
        assert!(g("ceval*.[ch]", "ceval_gil.c", true));
        assert!(!g("ceval*.[ch]", "ceval_gil.x", true));
        assert!(g("[!a]", "b", true));
        assert!(g("\\#x", "#x", true));
        assert!(g("ünï*", "ünïcode", false));
    }
}
