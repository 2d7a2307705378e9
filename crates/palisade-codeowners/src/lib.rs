//! CODEOWNERS files of GitHub and GitLab: parsed once, matched fast, with each
//! platform's documented semantics.
//!
//! ```
//! use palisade_codeowners::{CodeOwners, Platform};
//! let co = CodeOwners::parse("*.js @js-owner\n/docs/ @doctocat\n", "CODEOWNERS", Platform::GitHub);
//! assert_eq!(co.owners_of("docs/a.js").owners, ["@doctocat"]);
//! ```
//!
//! The matcher is written here, not built on `globset`: both platforms need things a
//! glob set does not express directly (GitHub's "a pattern matches a directory and
//! everything in it, except `dir/*`", GitLab's per-section last match), and GitHub
//! rejects `[ ]` ranges that a glob library would accept. Patterns are compiled once
//! into path segments and indexed by what a matching path must contain (the leading
//! literal directories of an anchored pattern, the name after `**/`, the extension of
//! `**/*.ext`), so a path is tested only against the rules that can match it, newest
//! first, stopping at the first match (per section for GitLab). Patterns starting with
//! any other wildcard are tested for every path.
//!
//! ## GitHub
//! gitignore-style patterns: a pattern with a `/` at its start or middle is anchored at
//! the repository root, otherwise it matches at any depth; `*` and `?` stay within one
//! path segment; `**` spans segments; a pattern matches a file or a directory and then
//! everything below it, a trailing `/` matches only a directory's contents, and
//! `dir/*` matches only the direct children of `dir`. The last matching line wins; a
//! line with a pattern and no owners leaves the path without owners. Inline `#`
//! comments after the owners are allowed (the documented example has one). As GitHub
//! documents, `\#` escapes, `!` negation and `[ ]` ranges do not work: such lines are
//! reported as invalid, with their line number, and skipped, as are lines with an owner
//! that is not `@user`, `@org/team` or an email address.
//!
//! ## GitLab
//! Patterns follow `File.fnmatch` with `FNM_PATHNAME | FNM_DOTMATCH`, after GitLab's
//! normalisation: `*` alone means every file, a pattern not starting with `/` is
//! prefixed with `/**/` (so `internal/README.md` matches at any depth, unlike GitHub),
//! a trailing `/` becomes `/**/*`. A pattern without a trailing `/` names a path, not
//! a directory's contents. `[ ]` classes and `\` escapes (`\#`, `\ `) work. Sections
//! `[Name]`, `^[Optional]`, `[Name][N] @default @owners` group entries; names are
//! case-insensitive and duplicate sections merge; entries without owners take the
//! section's default owners. The last match wins within each section (entries before
//! the first section form an unnamed section of their own) and a path's owners are the
//! union over sections. Inline comments are not supported: owners found anywhere on an
//! entry line are parsed (as GitLab documents), other words are ignored.

mod glob;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use glob::{Seg, match_segs};

/// Which platform's rules a CODEOWNERS file follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    GitHub,
    GitLab,
}

impl Platform {
    /// Where the platform looks for the file, in its order; the first found wins.
    pub fn locations(self) -> &'static [&'static str] {
        match self {
            Platform::GitHub => &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"],
            Platform::GitLab => &["CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"],
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Platform::GitHub => "GitHub",
            Platform::GitLab => "GitLab",
        })
    }
}

/// GitHub does not load a CODEOWNERS file of 3 MB or more; neither does palisade
/// (for either platform: it also bounds what a hostile repository can make it read).
pub const MAX_FILE_SIZE: u64 = 3 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is {size} bytes, over the 3 MB limit of CODEOWNERS files: not loaded")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{path} is a symbolic link: not followed")]
    Symlink { path: PathBuf },
}

/// A line the platform would not use, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLine {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// A GitLab section (GitHub files have only the unnamed one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `None` for the entries before any section heading.
    pub name: Option<String>,
    pub optional: bool,
    pub approvals: Option<u32>,
    /// Owners on the (first) heading line.
    pub default_owners: Vec<String>,
    /// 1-based line of the first heading (0 for the unnamed section).
    pub line: usize,
}

/// One entry: a pattern and its owners.
#[derive(Debug, Clone)]
pub struct Rule {
    /// 1-based.
    pub line: usize,
    /// As written.
    pub pattern: String,
    /// Effective owners (a GitLab section's defaults when the entry names none).
    pub owners: Vec<String>,
    /// Index into [`CodeOwners::sections`].
    pub section: usize,
    segs: Vec<Seg>,
    /// Matches only something below a matching directory (trailing `/`).
    dir_only: bool,
    /// Matches the path itself, not its contents (GitHub `dir/*`; every GitLab pattern).
    exact: bool,
}

impl Rule {
    fn matches(&self, path: &[&str]) -> bool {
        if self.exact {
            return match_segs(&self.segs, path);
        }
        let last = if self.dir_only {
            path.len().saturating_sub(1)
        } else {
            path.len()
        };
        (1..=last).any(|k| match_segs(&self.segs, &path[..k]))
    }
}

/// Why a path has the owners it has, in one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'a> {
    pub section: &'a Section,
    pub line: usize,
    pub pattern: &'a str,
    pub owners: &'a [String],
}

/// The owners of one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'a> {
    /// The union over sections, in order of first appearance.
    pub owners: Vec<&'a str>,
    /// The deciding line of each section with a matching line, in section order.
    pub decisions: Vec<Decision<'a>>,
    /// The CODEOWNERS file, as given to `parse`.
    pub file: &'a str,
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone)]
pub struct CodeOwners {
    pub platform: Platform,
    /// The file, as the caller named it (for messages).
    pub file: String,
    pub rules: Vec<Rule>,
    pub sections: Vec<Section>,
    pub invalid: Vec<InvalidLine>,
    /// Rules by the literal segments their pattern starts with (`a/b` for `/a/b/*.rs`).
    by_prefix: HashMap<String, Vec<u32>>,
    /// Rules `**/name...` (any depth), by `name`: some path segment must equal it.
    by_segment: HashMap<String, Vec<u32>>,
    /// Rules `**/*.ext`, by `ext`: some path segment must have that extension.
    by_extension: HashMap<String, Vec<u32>>,
    /// The other rules (`*`, `**/a*`...), tested for every path.
    unkeyed: Vec<u32>,
}

impl CodeOwners {
    /// Reads and parses a file.
    pub fn load(path: &Path, display: &str, platform: Platform) -> Result<CodeOwners, Error> {
        let read_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::symlink_metadata(path).map_err(read_err)?;
        if meta.file_type().is_symlink() {
            return Err(Error::Symlink {
                path: path.to_path_buf(),
            });
        }
        if meta.len() >= MAX_FILE_SIZE {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                size: meta.len(),
            });
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        Ok(CodeOwners::parse(
            &String::from_utf8_lossy(&bytes),
            display,
            platform,
        ))
    }

    /// Parses `text`; invalid lines are collected in `invalid`, never fatal.
    pub fn parse(text: &str, file: &str, platform: Platform) -> CodeOwners {
        let mut co = CodeOwners {
            platform,
            file: file.to_string(),
            rules: Vec::new(),
            sections: vec![Section {
                name: None,
                optional: false,
                approvals: None,
                default_owners: Vec::new(),
                line: 0,
            }],
            invalid: Vec::new(),
            by_prefix: HashMap::new(),
            by_segment: HashMap::new(),
            by_extension: HashMap::new(),
            unkeyed: Vec::new(),
        };
        let mut section_ids: HashMap<String, usize> = HashMap::new();
        let mut current = 0usize;
        let mut defaults: Vec<String> = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, raw) in text.split('\n').enumerate() {
            let line_no = i + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if platform == Platform::GitLab && (line.starts_with('[') || line.starts_with("^[")) {
                match parse_heading(line) {
                    Ok(h) => {
                        let key = h.name.to_lowercase();
                        current = *section_ids.entry(key).or_insert_with(|| {
                            co.sections.push(Section {
                                name: Some(h.name.clone()),
                                optional: h.optional,
                                approvals: h.approvals,
                                default_owners: h.owners.clone(),
                                line: line_no,
                            });
                            co.sections.len() - 1
                        });
                        defaults = h.owners;
                    }
                    Err(message) => co.invalid.push(InvalidLine {
                        line: line_no,
                        message,
                    }),
                }
                continue;
            }
            let tokens = split_unescaped(line);
            let Some((&pattern, rest)) = tokens.split_first() else {
                continue;
            };
            let owners = match platform {
                Platform::GitHub => match github_owners(rest) {
                    Ok(o) => o,
                    Err(message) => {
                        co.invalid.push(InvalidLine {
                            line: line_no,
                            message,
                        });
                        continue;
                    }
                },
                Platform::GitLab => {
                    let o = gitlab_owners(rest);
                    if o.is_empty() { defaults.clone() } else { o }
                }
            };
            let compiled = match platform {
                Platform::GitHub => compile_github(pattern),
                Platform::GitLab => Ok(compile_gitlab(pattern)),
            };
            match compiled {
                Ok((segs, dir_only, exact)) => {
                    let idx = co.rules.len() as u32;
                    co.index(idx, &segs);
                    co.rules.push(Rule {
                        line: line_no,
                        pattern: pattern.to_string(),
                        owners,
                        section: current,
                        segs,
                        dir_only,
                        exact,
                    });
                }
                Err(message) => co.invalid.push(InvalidLine {
                    line: line_no,
                    message,
                }),
            }
        }
        co
    }

    /// Files rule `idx` under the key a path must have for the rule to match it.
    fn index(&mut self, idx: u32, segs: &[Seg]) {
        let prefix: Vec<&str> = segs.iter().map_while(Seg::literal).collect();
        if !prefix.is_empty() {
            self.by_prefix
                .entry(prefix.join("/"))
                .or_default()
                .push(idx);
            return;
        }
        if let [Seg::AnyDirs, second, ..] = segs {
            if let Some(name) = second.literal() {
                self.by_segment
                    .entry(name.to_string())
                    .or_default()
                    .push(idx);
                return;
            }
            if segs.len() == 2
                && let Some(ext) = second.extension()
            {
                self.by_extension.entry(ext).or_default().push(idx);
                return;
            }
        }
        self.unkeyed.push(idx);
    }

    /// The owners of `path` (relative to the repository root, `/`-separated; a
    /// leading `./` or `/` is ignored).
    pub fn owners_of(&self, path: &str) -> Match<'_> {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let joined = segs.join("/");
        // Candidate lists: the rules keyed by each leading run of the path's segments,
        // and the unkeyed ones; each list is in file order.
        let mut lists: Vec<&[u32]> = vec![self.unkeyed.as_slice()];
        let mut end = 0;
        for (k, s) in segs.iter().enumerate() {
            end += s.len() + usize::from(k > 0);
            if let Some(v) = self.by_prefix.get(&joined[..end]) {
                lists.push(v);
            }
            if segs[..k].contains(s) {
                continue;
            }
            if let Some(v) = self.by_segment.get(*s) {
                lists.push(v);
            }
            if let Some(v) = s
                .rsplit_once('.')
                .and_then(|(_, ext)| self.by_extension.get(ext))
            {
                lists.push(v);
            }
        }
        let mut ends: Vec<usize> = lists.iter().map(|l| l.len()).collect();
        let mut decided: Vec<Option<usize>> = vec![None; self.sections.len()];
        let mut left = self.sections.len();
        // Newest first, over the merge of the lists, until every section is decided.
        while left > 0 {
            let mut best: Option<(usize, u32)> = None;
            for (li, l) in lists.iter().enumerate() {
                if let Some(&idx) = ends[li].checked_sub(1).and_then(|e| l.get(e))
                    && best.is_none_or(|(_, b)| idx > b)
                {
                    best = Some((li, idx));
                }
            }
            let Some((li, idx)) = best else { break };
            ends[li] -= 1;
            let idx = idx as usize;
            let rule = &self.rules[idx];
            if decided[rule.section].is_none() && rule.matches(&segs) {
                decided[rule.section] = Some(idx);
                left -= 1;
            }
        }
        let mut owners: Vec<&str> = Vec::new();
        let mut decisions = Vec::new();
        for (s, d) in decided.iter().enumerate() {
            let Some(idx) = d else { continue };
            let rule = &self.rules[*idx];
            for o in &rule.owners {
                if !owners.contains(&o.as_str()) {
                    owners.push(o);
                }
            }
            decisions.push(Decision {
                section: &self.sections[s],
                line: rule.line,
                pattern: &rule.pattern,
                owners: &rule.owners,
            });
        }
        Match {
            owners,
            decisions,
            file: &self.file,
        }
    }
}

struct Heading {
    name: String,
    optional: bool,
    approvals: Option<u32>,
    owners: Vec<String>,
}

/// `[Name]`, `^[Name]`, `[Name][2]`, each optionally followed by default owners.
fn parse_heading(line: &str) -> Result<Heading, String> {
    let (optional, rest) = match line.strip_prefix('^') {
        Some(r) => (true, r),
        None => (false, line),
    };
    let rest = rest.strip_prefix('[').unwrap_or(rest);
    let Some(end) = rest.find(']') else {
        return Err("section heading without a closing `]`".into());
    };
    let name = rest[..end].trim();
    if name.is_empty() {
        return Err("section heading without a name".into());
    }
    let mut rest = &rest[end + 1..];
    let mut approvals = None;
    if let Some(r) = rest.strip_prefix('[') {
        let Some(e) = r.find(']') else {
            return Err("approval count without a closing `]`".into());
        };
        match r[..e].trim().parse::<u32>() {
            Ok(n) => approvals = Some(n),
            Err(_) => {
                return Err(format!(
                    "`{}` is not a number of approvals: write e.g. [{name}][2]",
                    &r[..e]
                ));
            }
        }
        rest = &r[e + 1..];
    }
    let tokens = split_unescaped(rest.trim());
    Ok(Heading {
        name: name.to_string(),
        optional,
        approvals,
        owners: gitlab_owners(&tokens),
    })
}

/// Splits on whitespace not preceded by `\`.
fn split_unescaped(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() && !escaped {
            if let Some(s) = start.take() {
                out.push(&line[s..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
        escaped = c == '\\' && !escaped;
    }
    if let Some(s) = start {
        out.push(&line[s..]);
    }
    out
}

fn github_owners(tokens: &[&str]) -> Result<Vec<String>, String> {
    let mut owners = Vec::new();
    for t in tokens {
        if t.starts_with('#') {
            break;
        }
        if !valid_github_owner(t) {
            return Err(format!(
                "`{t}` is not an owner: write @user, @org/team or an email address"
            ));
        }
        owners.push((*t).to_string());
    }
    Ok(owners)
}

fn valid_github_owner(t: &str) -> bool {
    let user_char = |c: char| c.is_ascii_alphanumeric() || c == '-';
    if let Some(name) = t.strip_prefix('@') {
        return match name.split_once('/') {
            Some((org, team)) => {
                !org.is_empty()
                    && org.chars().all(user_char)
                    && !team.is_empty()
                    && team
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            }
            None => !name.is_empty() && name.chars().all(user_char),
        };
    }
    is_email(t)
}

fn is_email(t: &str) -> bool {
    match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// GitLab: `@user`, `@group/sub`, `@@role` and emails, wherever they are on the line.
fn gitlab_owners(tokens: &[&str]) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| (t.starts_with('@') && t.len() > 1 && *t != &"@@") || is_email(t))
        .map(|t| (*t).to_string())
        .collect()
}

type Compiled = (Vec<Seg>, bool, bool);

fn compile_github(pattern: &str) -> Result<Compiled, String> {
    if pattern.starts_with('!') {
        return Err(format!(
            "`{pattern}`: negation with `!` does not work in GitHub CODEOWNERS"
        ));
    }
    if pattern.starts_with("\\#") {
        return Err(format!(
            "`{pattern}`: escaping `#` with `\\` does not work in GitHub CODEOWNERS"
        ));
    }
    if pattern.contains('[') || pattern.contains(']') {
        return Err(format!(
            "`{pattern}`: character ranges with `[ ]` do not work in GitHub CODEOWNERS"
        ));
    }
    let unescaped = pattern.replace("\\ ", " ");
    let mut p = unescaped.as_str();
    let mut dir_only = false;
    while let Some(s) = p.strip_suffix('/') {
        dir_only = true;
        p = s;
    }
    let anchored = p.contains('/');
    let p = p.trim_start_matches('/');
    let mut segs: Vec<Seg> = p
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| Seg::parse(s, false))
        .collect();
    if segs.is_empty() {
        // `/`: the whole repository.
        return Ok((vec![Seg::AnyDirs], false, false));
    }
    if segs.len() > 1 && segs.last() == Some(&Seg::AnyDirs) {
        segs.pop();
        dir_only = true;
    }
    let exact = !dir_only && segs.len() > 1 && segs.last().is_some_and(Seg::is_star);
    if !anchored {
        segs.insert(0, Seg::AnyDirs);
    }
    Ok((segs, dir_only, exact))
}

fn compile_gitlab(pattern: &str) -> Compiled {
    let mut p = if pattern == "*" {
        "/**/*".to_string()
    } else if pattern.starts_with('/') {
        pattern.to_string()
    } else {
        format!("/**/{pattern}")
    };
    if p.ends_with('/') {
        p.push_str("**/*");
    }
    let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    let n = parts.len();
    let segs = parts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // fnmatch's `**` spans directories only as `**/`; at the end it is `*`.
            if *s == "**" && i + 1 == n {
                Seg::parse("*", true)
            } else {
                Seg::parse(s, true)
            }
        })
        .collect();
    (segs, false, true)
}

/// The CODEOWNERS file of a repository root, with the platform it is read for.
///
/// A repository with `.gitlab-ci.yml` or a `.gitlab/` directory is read as GitLab
/// (root, `docs/`, `.gitlab/`); otherwise as GitHub (`.github/`, root, `docs/`).
pub fn discover(repo_root: &Path) -> Option<(PathBuf, Platform)> {
    let gitlab = repo_root.join(".gitlab-ci.yml").is_file() || repo_root.join(".gitlab").is_dir();
    let platform = if gitlab {
        Platform::GitLab
    } else {
        Platform::GitHub
    };
    platform
        .locations()
        .iter()
        .map(|l| repo_root.join(l))
        .find(|p| {
            // A symbolic link is found (and refused by `load`), not skipped silently.
            std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file() || m.file_type().is_symlink())
        })
        .map(|p| (p, platform))
}

/// The root of the git work tree containing `start` (a directory with `.git`), or
/// `None` outside one.
pub fn repo_root(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    loop {
        if dir.join(".git").exists() {
            return Some(dir.to_path_buf());
        }
        dir = dir.parent()?;
    }
}

#[cfg(test)]
mod tests;
