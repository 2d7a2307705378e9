//! Dependency hygiene as plain functions, for `palisade deps` to call per package:
//! - [`typosquat`]: a name one edit, one adjacent-key slip, a homoglyph or a separator away
//!   from a popular package of the same ecosystem ([`popular`]);
//! - [`dependency_confusion`]: internal-looking names resolved from a public registry;
//! - [`parse_npmrc`], [`pip_conf_pins`]: registry pinning evidence from `.npmrc` and
//!   `pip.conf`/`pip.ini`;
//! - [`LicensePolicy`]: SPDX license expressions (`AND`, `OR`, `WITH`, `+`, parentheses)
//!   against allow and deny lists.
//!
//! No dependencies beyond `thiserror`: the algorithms are small and the lists are data.

pub mod popular;

/// How a name resembles a popular one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resemblance {
    /// Same after normalising `-`, `_`, `.` and case (PyPI treats them as one; people do too).
    Separator,
    /// Same after mapping look-alike characters (`0`/`o`, `1`/`l`, `rn`/`m`...).
    Homoglyph,
    /// One substitution by a key adjacent on a QWERTY keyboard.
    Keyboard,
    /// Damerau-Levenshtein distance 1 (insert, delete, substitute, transpose).
    EditDistance,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typosquat {
    pub popular: &'static str,
    pub resemblance: Resemblance,
}

fn normalise(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '.'], "-")
}

fn deglyph(s: &str) -> String {
    normalise(s)
        .replace("rn", "m")
        .replace("vv", "w")
        .replace('0', "o")
        .replace(['1', 'i'], "l")
        .replace('5', "s")
        .replace('3', "e")
}

const QWERTY: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

fn key_pos(c: char) -> Option<(i32, i32)> {
    QWERTY.iter().enumerate().find_map(|(r, row)| {
        row.find(c).map(|col| {
            (
                i32::try_from(r).unwrap_or(0),
                i32::try_from(col).unwrap_or(0),
            )
        })
    })
}

fn adjacent(a: char, b: char) -> bool {
    match (key_pos(a), key_pos(b)) {
        (Some((r1, c1)), Some((r2, c2))) => {
            (r1 - r2).abs() <= 1 && (c1 - c2).abs() <= 1 && (r1, c1) != (r2, c2)
        }
        _ => false,
    }
}

/// Optimal-string-alignment distance, stopping early above 1.
fn within_one_edit(a: &[char], b: &[char]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m] == 1
}

/// Go's major-version suffix (`/v2`, `/v10`) names another major of the same module.
fn strip_go_major(s: &str) -> &str {
    match s.rsplit_once("/v") {
        Some((base, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => s,
    }
}

/// The owned namespace of a name: an npm scope, a Packagist vendor, a Maven groupId, a Go
/// module's path above its last element. `None` for flat names.
fn namespace(s: &str) -> Option<&str> {
    s.rfind([':', '/']).map(|i| &s[..i])
}

/// Two same-length names that differ only in digits (`sha1`/`sha2`, `jdk15on`/`jdk18on`,
/// `php80`/`php81`): versions of one family, not a slip.
fn digit_variant(a: &[char], b: &[char]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_ascii_digit() && y.is_ascii_digit()))
}

/// A family or sibling rather than a slip: one name is the other plus a trailing digit
/// (`through`/`through2`), or the candidate is the popular name plus a plural `s`
/// (`buffers`; but `expres` for `express` is still a slip). Real ones abound.
fn suffix_variant(popular: &[char], name: &[char]) -> bool {
    let extends =
        |short: &[char], long: &[char]| long.len() == short.len() + 1 && long.starts_with(short);
    (extends(popular, name) && name.last().is_some_and(|c| c.is_ascii_digit() || *c == 's'))
        || (extends(name, popular) && popular.last().is_some_and(char::is_ascii_digit))
}

/// Does `name` look like a popular package of `ecosystem` (`npm`, `PyPI`, `crates.io`,
/// `RubyGems`, `Packagist`, `Maven`, `NuGet`, `Go`) that it is not?
///
/// Precision rules, so that real neighbours of popular names stay quiet:
/// - names shorter than 4 characters are not judged, and popular names shorter than 5 are
///   matched only by separators and look-alike characters, not by edits (`glob`, `mime`,
///   `yaml` have many real one-edit neighbours);
/// - a name that is itself on the list is popular, not a squat;
/// - a case-only difference is the same package, and so is a separator-only difference
///   where the registry normalises them (PyPI, crates.io);
/// - a name in the same owned namespace (npm scope, Packagist vendor, Maven groupId, Go
///   module path) as the popular one comes from the same publisher;
/// - names differing only in digits are versions of one family (`sha1`/`sha2`), and a
///   trailing digit or plural `s` makes a sibling (`through2`, `buffers`);
/// - a plain edit must keep the first character (keyboard slips and look-alikes need not);
/// - Go major-version suffixes (`/v2`) are ignored.
pub fn typosquat(ecosystem: &str, name: &str) -> Option<Typosquat> {
    let list = popular::entries(ecosystem);
    let is_go = ecosystem.eq_ignore_ascii_case("go") || ecosystem.eq_ignore_ascii_case("golang");
    let name = if is_go { strip_go_major(name) } else { name };
    let n = normalise(name);
    let lower = name.to_ascii_lowercase();
    if n.len() < 4
        || list.iter().any(|e| {
            let p = if is_go {
                strip_go_major(e.name)
            } else {
                e.name
            };
            p.eq_ignore_ascii_case(&lower)
        })
    {
        return None;
    }
    // PyPI normalises separators and case itself, and crates.io refuses names differing only
    // by `-`/`_`: there, a separator variant is the same package, not a squat.
    let same_project = ecosystem.eq_ignore_ascii_case("pypi")
        || ecosystem.eq_ignore_ascii_case("crates.io")
        || ecosystem.eq_ignore_ascii_case("cargo");
    let ns = namespace(&n);
    let candidates = || {
        list.iter()
            .filter(move |e| ns.is_none() || e.ns.as_deref() != ns)
    };
    if let Some(e) = candidates().find(|e| e.norm == n) {
        return (!same_project).then_some(Typosquat {
            popular: e.name,
            resemblance: Resemblance::Separator,
        });
    }
    let dn = deglyph(&n);
    if let Some(e) = candidates().find(|e| e.glyph == dn && e.norm.len() >= 4) {
        return Some(Typosquat {
            popular: e.name,
            resemblance: Resemblance::Homoglyph,
        });
    }
    let nc: Vec<char> = n.chars().collect();
    for e in candidates() {
        let pc = &e.chars;
        if pc.len() < 5
            || pc.len().abs_diff(nc.len()) > 1
            || digit_variant(pc, &nc)
            || suffix_variant(pc, &nc)
        {
            continue;
        }
        if pc.len() == nc.len() {
            let mut diffs = pc.iter().zip(&nc).filter(|(a, b)| a != b);
            if let (Some((a, b)), None) = (diffs.next(), diffs.next())
                && adjacent(*a, *b)
            {
                return Some(Typosquat {
                    popular: e.name,
                    resemblance: Resemblance::Keyboard,
                });
            }
        }
        // An edit of the first character makes too many real words (`attrs`/`cattrs`,
        // `notify`/`inotify`, `bcrypt`/`scrypt`); slips there are still caught as adjacent
        // keys and look-alikes.
        if pc.first() == nc.first() && within_one_edit(pc, &nc) {
            return Some(Typosquat {
                popular: e.name,
                resemblance: Resemblance::EditDistance,
            });
        }
    }
    None
}

/// An internal-looking name (`@acme/...` scope or one of `internal_prefixes`, or words
/// like `internal`, `corp`, `private`) resolved without a pinned private registry can be
/// claimed on the public registry by anyone: dependency confusion. Returns the reason.
pub fn dependency_confusion(
    name: &str,
    internal_prefixes: &[&str],
    pinned_registry: bool,
) -> Option<String> {
    if pinned_registry {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if let Some(p) = internal_prefixes
        .iter()
        .find(|p| !p.is_empty() && lower.starts_with(&p.to_ascii_lowercase()))
    {
        return Some(format!(
            "`{name}` has the internal prefix `{p}` but no pinned registry"
        ));
    }
    // Whole name segments only: `hashicorp` is not `corp`, `serde_derive_internals` is
    // not `internal`.
    let words = ["internal", "corp", "private", "intranet", "priv"];
    lower
        .split(['-', '_', '.', '/', '@', ':'])
        .find(|seg| words.contains(seg))
        .map(|w| format!("`{name}` looks internal (`{w}`) but no registry is pinned"))
}

// ------------------------------------------------------------------ registry pinning

/// Is `url` the public npm registry?
pub fn is_public_npm_registry(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    let host = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(&u);
    // Mirrors of the public registry serve its names too: no protection.
    [
        "registry.npmjs.org",
        "registry.yarnpkg.com",
        "registry.npmmirror.com",
        "registry.npm.taobao.org",
    ]
    .iter()
    .any(|h| host.starts_with(h))
}

/// Is `url` the public Python package index?
pub fn is_public_pypi_index(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    // PyPI and widely used public mirrors of it (they serve its names too).
    [
        "://pypi.org",
        "://pypi.python.org",
        "://files.pythonhosted.org",
        "://mirrors.aliyun.com/pypi",
        "://pypi.tuna.tsinghua.edu.cn",
        "://pypi.doubanio.com",
        "://mirrors.cloud.tencent.com/pypi",
    ]
    .iter()
    .any(|h| u.contains(h))
}

/// What an `.npmrc` pins: `registry=` (every unscoped package) and `@scope:registry=` lines
/// (the scope's packages), keeping only registries other than the public one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NpmrcPins {
    /// A private default registry: every package comes from there.
    pub default_private: bool,
    /// Scopes (`@acme`, lowercase) pinned to a private registry.
    pub private_scopes: Vec<String>,
}

impl NpmrcPins {
    /// Is the npm package `name` pinned to a private registry by this file?
    pub fn pins(&self, name: &str) -> bool {
        if let Some((scope, _)) = name.split_once('/')
            && scope.starts_with('@')
        {
            let scope = scope.to_ascii_lowercase();
            if self.private_scopes.contains(&scope) {
                return true;
            }
        }
        self.default_private
    }
}

/// Reads the registry lines of an `.npmrc` (ini syntax; `;` and `#` comments; values may
/// be quoted). Unknown keys and malformed lines are ignored: npm ignores them too.
pub fn parse_npmrc(text: &str) -> NpmrcPins {
    let mut pins = NpmrcPins::default();
    for line in text.lines().take(10_000) {
        let line = line.trim();
        if line.starts_with([';', '#']) {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().trim_matches(['"', '\'']);
        // An unexpanded `${VAR}` is still a deliberate, non-public registry.
        if value.is_empty() || is_public_npm_registry(value) {
            continue;
        }
        if key == "registry" {
            pins.default_private = true;
        } else if let Some(scope) = key.strip_suffix(":registry")
            && scope.starts_with('@')
            && scope.len() > 1
            && !pins.private_scopes.iter().any(|s| s == scope)
        {
            pins.private_scopes.push(scope.to_owned());
        }
    }
    pins
}

/// Does a `pip.conf`/`pip.ini` set `index-url` (in `[global]` or `[install]`) to an index
/// other than PyPI? `extra-index-url` pins nothing: pip consults both indexes.
pub fn pip_conf_pins(text: &str) -> bool {
    let mut section = String::new();
    for line in text.lines().take(10_000) {
        let line = line.trim();
        if line.starts_with([';', '#']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase().replace('_', "-");
        let value = value.trim();
        if (section == "global" || section == "install")
            && key == "index-url"
            && !value.is_empty()
            && !is_public_pypi_index(value)
        {
            return true;
        }
    }
    false
}

// ------------------------------------------------------------------ SPDX license policy

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("invalid SPDX expression `{expr}`: {why}")]
    Spdx { expr: String, why: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    License(String),
    With(Box<Expr>, String),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

const MAX_TOKENS: usize = 512;

/// Parses an SPDX license expression (precedence: `WITH` > `AND` > `OR`).
pub fn parse_spdx(expr: &str) -> Result<Expr, Error> {
    let err = |why: &str| Error::Spdx {
        expr: expr.to_owned(),
        why: why.to_owned(),
    };
    let spaced = expr.replace('(', " ( ").replace(')', " ) ");
    let toks: Vec<&str> = spaced.split_whitespace().collect();
    if toks.is_empty() {
        return Err(err("empty"));
    }
    if toks.len() > MAX_TOKENS {
        return Err(err("too long"));
    }
    let mut pos = 0;
    let e = parse_or(&toks, &mut pos, 0).map_err(|w| err(&w))?;
    if pos != toks.len() {
        return Err(err(&format!("unexpected `{}`", toks[pos])));
    }
    Ok(e)
}

fn parse_or(t: &[&str], p: &mut usize, depth: usize) -> Result<Expr, String> {
    let mut l = parse_and(t, p, depth)?;
    while t.get(*p).is_some_and(|s| s.eq_ignore_ascii_case("OR")) {
        *p += 1;
        l = Expr::Or(Box::new(l), Box::new(parse_and(t, p, depth)?));
    }
    Ok(l)
}

fn parse_and(t: &[&str], p: &mut usize, depth: usize) -> Result<Expr, String> {
    let mut l = parse_with(t, p, depth)?;
    while t.get(*p).is_some_and(|s| s.eq_ignore_ascii_case("AND")) {
        *p += 1;
        l = Expr::And(Box::new(l), Box::new(parse_with(t, p, depth)?));
    }
    Ok(l)
}

fn parse_with(t: &[&str], p: &mut usize, depth: usize) -> Result<Expr, String> {
    let atom = match t.get(*p) {
        None => return Err("ends too early".into()),
        Some(&"(") => {
            if depth > 32 {
                return Err("nested too deeply".into());
            }
            *p += 1;
            let e = parse_or(t, p, depth + 1)?;
            if t.get(*p) != Some(&")") {
                return Err("unbalanced parenthesis".into());
            }
            *p += 1;
            e
        }
        Some(s)
            if ["AND", "OR", "WITH", ")"]
                .iter()
                .any(|k| s.eq_ignore_ascii_case(k)) =>
        {
            return Err(format!("unexpected `{s}`"));
        }
        Some(s) => {
            if !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+' | ':'))
            {
                return Err(format!("`{s}` is not a license id"));
            }
            *p += 1;
            Expr::License((*s).to_owned())
        }
    };
    if t.get(*p).is_some_and(|s| s.eq_ignore_ascii_case("WITH")) {
        *p += 1;
        let exc = t.get(*p).ok_or("WITH needs an exception")?;
        *p += 1;
        return Ok(Expr::With(Box::new(atom), (*exc).to_owned()));
    }
    Ok(atom)
}

/// Allow and deny lists of SPDX ids (compared case-insensitively; `GPL-2.0+` also
/// matches `GPL-2.0-or-later`).
#[derive(Debug, Clone, Default)]
pub struct LicensePolicy {
    pub allow: Vec<String>,
    pub deny: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseDecision {
    /// Some choice of the expression uses only allowed licenses.
    Allowed,
    /// Every choice uses a denied license; the denied ids.
    Denied(Vec<String>),
    /// Neither: licenses that are on no list.
    Unknown(Vec<String>),
}

fn canon(id: &str) -> String {
    let l = id.to_ascii_lowercase();
    match l.strip_suffix('+') {
        Some(b) => format!("{b}-or-later"),
        None => l,
    }
}

impl LicensePolicy {
    fn status(&self, id: &str) -> LicenseDecision {
        let c = canon(id);
        if self.deny.iter().any(|d| canon(d) == c) {
            LicenseDecision::Denied(vec![id.to_owned()])
        } else if self.allow.iter().any(|a| canon(a) == c) {
            LicenseDecision::Allowed
        } else {
            LicenseDecision::Unknown(vec![id.to_owned()])
        }
    }

    fn eval(&self, e: &Expr) -> LicenseDecision {
        use LicenseDecision::{Allowed, Denied, Unknown};
        match e {
            Expr::License(id) => self.status(id),
            // The exception widens a license; judge `X WITH E` by `X`.
            Expr::With(inner, _) => self.eval(inner),
            Expr::Or(a, b) => match (self.eval(a), self.eval(b)) {
                (Allowed, _) | (_, Allowed) => Allowed,
                (Unknown(x), Unknown(y)) | (Unknown(x), Denied(y)) | (Denied(y), Unknown(x)) => {
                    let _ = y;
                    Unknown(x)
                }
                (Denied(mut x), Denied(y)) => {
                    x.extend(y);
                    Denied(x)
                }
            },
            Expr::And(a, b) => match (self.eval(a), self.eval(b)) {
                (Denied(x), _) | (_, Denied(x)) => Denied(x),
                (Unknown(mut x), Unknown(y)) => {
                    x.extend(y);
                    Unknown(x)
                }
                (Unknown(x), Allowed) | (Allowed, Unknown(x)) => Unknown(x),
                (Allowed, Allowed) => Allowed,
            },
        }
    }

    /// Judges an SPDX expression.
    pub fn check(&self, expr: &str) -> Result<LicenseDecision, Error> {
        Ok(self.eval(&parse_spdx(expr)?))
    }
}
