//! Loading a Helm chart the way `helm template` sees it: the chart directory (or a vendored
//! `.tgz` archive), its subcharts under `charts/` (directories and archives, recursively),
//! the dependencies of `Chart.yaml` (`alias`, `condition`, `tags`), and the values: the
//! chart's `values.yaml`, then each `--values` file, then each `--set` (later wins), scoped
//! to each subchart with `global` passed down.
//!
//! Nothing is fetched: a dependency that is not vendored under `charts/` is a note naming
//! the chart, and the rest renders. Reading is bounded (files, bytes, nesting) and never
//! follows a symbolic link.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::doc::parse_yaml;
use crate::helm::{V, from_node};

const MAX_FILES: usize = 5_000;
const MAX_BYTES: u64 = 64 * 1024 * 1024;
const MAX_NESTING: usize = 8;

/// Values given on the command line or in the configuration, applied to every chart scanned
/// (as `helm template -f FILE --set K=V` would to one release).
#[derive(Debug, Clone, Default)]
pub struct HelmOptions {
    /// Values files, in order: `(name shown in errors, parsed values)`.
    pub values: Vec<(String, V)>,
    /// `--set` assignments, in order, already split (`a.b[0]=x`).
    pub set: Vec<(String, String)>,
}

impl HelmOptions {
    /// Adds a values file's text (`name` is kept for reference; errors say `line N: ...`).
    pub fn add_values_file(&mut self, name: &str, text: &str) -> Result<(), String> {
        let docs = parse_yaml(text).map_err(|e| format!("line {}: {}", e.line, e.message))?;
        let v = docs.first().map(from_node).unwrap_or(V::Null);
        match v {
            V::Map(_) => self.values.push((name.to_string(), v)),
            V::Null => {}
            _ => return Err("a values file must be a mapping".into()),
        }
        Ok(())
    }

    /// Adds one `--set` argument: `a.b=x,c[0]=y` (commas split assignments unless escaped
    /// `\,` or inside `{...}` lists).
    pub fn add_set(&mut self, arg: &str) -> Result<(), String> {
        for part in split_unescaped(arg, ',') {
            if part.is_empty() {
                continue;
            }
            let Some((k, v)) = split_once_unescaped(&part, '=') else {
                return Err(format!("--set `{part}`: expected KEY=VALUE"));
            };
            if k.trim().is_empty() {
                return Err(format!("--set `{part}`: empty key"));
            }
            parse_key(k.trim()).map_err(|e| format!("--set `{part}`: {e}"))?;
            self.set.push((k.trim().to_string(), v));
        }
        Ok(())
    }

    /// The user's values (files then `--set`) as one mapping.
    fn user_values(&self) -> Result<V, String> {
        let mut out = V::Map(BTreeMap::new());
        for (_, v) in &self.values {
            merge_over(&mut out, v);
        }
        for (k, v) in &self.set {
            let path = parse_key(k)?;
            set_path(&mut out, &path, typed(v));
        }
        Ok(out)
    }
}

/// Splits on `sep` outside `{...}` and not after a backslash (the backslash is kept for
/// `split_once_unescaped`, removed from the value by [`typed`]).
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0usize;
    let mut esc = false;
    for c in s.chars() {
        if esc {
            if let Some(last) = out.last_mut() {
                last.push('\\');
                last.push(c);
            }
            esc = false;
            continue;
        }
        match c {
            '\\' => esc = true,
            '{' => {
                depth += 1;
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
            c if c == sep && depth == 0 => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

fn split_once_unescaped(s: &str, sep: char) -> Option<(&str, String)> {
    let mut prev = '\0';
    for (i, c) in s.char_indices() {
        if c == sep && prev != '\\' {
            return Some((&s[..i], s[i + c.len_utf8()..].to_string()));
        }
        prev = c;
    }
    None
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// `a.b[0].c` → keys and indexes; `\.` keeps a dot inside a key.
fn parse_key(k: &str) -> Result<Vec<Seg>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut it = k.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            '.' => {
                if !cur.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut cur)));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut cur)));
                }
                let mut n = String::new();
                for d in it.by_ref() {
                    if d == ']' {
                        break;
                    }
                    n.push(d);
                }
                let i: usize = n
                    .trim()
                    .parse()
                    .map_err(|_| format!("`[{n}]` is not a list index"))?;
                if i > 10_000 {
                    return Err(format!("list index {i} too large"));
                }
                out.push(Seg::Index(i));
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(Seg::Key(cur));
    }
    if out.len() > 64 {
        return Err("key nested too deep".into());
    }
    Ok(out)
}

/// A `--set` value as Helm types it: `true`/`false`, `null`, integers, `{a,b}` lists,
/// anything else a string.
fn typed(v: &str) -> V {
    let v_unesc = v.replace("\\,", ",").replace("\\=", "=");
    if let Some(inner) = v.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
        return V::List(
            split_unescaped(inner, ',')
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| typed(s))
                .collect(),
        );
    }
    match v_unesc.as_str() {
        "true" => V::Bool(true),
        "false" => V::Bool(false),
        "null" => V::Null,
        s => match s.parse::<i64>() {
            Ok(n) if !s.starts_with('0') || s == "0" => V::Num(n as f64),
            _ => V::Str(v_unesc),
        },
    }
}

fn set_path(target: &mut V, path: &[Seg], value: V) {
    let Some((first, rest)) = path.split_first() else {
        *target = value;
        return;
    };
    match first {
        Seg::Key(k) => {
            if !matches!(target, V::Map(_)) {
                *target = V::Map(BTreeMap::new());
            }
            if let V::Map(m) = target {
                let slot = m.entry(k.clone()).or_insert(V::Null);
                set_path(slot, rest, value);
            }
        }
        Seg::Index(i) => {
            if !matches!(target, V::List(_)) {
                *target = V::List(Vec::new());
            }
            if let V::List(l) = target {
                while l.len() <= *i {
                    l.push(V::Null);
                }
                set_path(&mut l[*i], rest, value);
            }
        }
    }
}

/// Deep merge: maps key by key, anything else replaced by `over` (Helm's coalescing of
/// user values over defaults; `null` deletes a default key).
pub fn merge_over(base: &mut V, over: &V) {
    match (base, over) {
        (V::Map(b), V::Map(o)) => {
            for (k, v) in o {
                if *v == V::Null {
                    b.remove(k);
                    continue;
                }
                match b.get_mut(k) {
                    Some(slot) if matches!(slot, V::Map(_)) && matches!(v, V::Map(_)) => {
                        merge_over(slot, v);
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// A chart's files: relative path inside the chart → bytes.
#[derive(Debug, Default)]
struct Files {
    files: BTreeMap<String, Vec<u8>>,
    bytes: u64,
    /// Bytes of files read only for `.Files` (not templates, values or subcharts).
    extra_bytes: u64,
    /// Some files were left out of `.Files` (size limits).
    truncated: bool,
}

/// `.Files` keeps files up to this size, and this much in all, per chart tree.
const MAX_EXTRA_FILE: u64 = 1024 * 1024;
const MAX_EXTRA: u64 = 16 * 1024 * 1024;

impl Files {
    fn text(&self, name: &str) -> Option<Result<&str, String>> {
        self.files
            .get(name)
            .map(|b| std::str::from_utf8(b).map_err(|_| format!("{name}: not UTF-8 text")))
    }
}

fn read_dir_files(dir: &Path) -> Result<Files, String> {
    let mut out = Files::default();
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0usize)];
    while let Some((d, rel, depth)) = stack.pop() {
        if depth > 16 {
            continue;
        }
        let rd = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            let name = e.file_name().to_string_lossy().to_string();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                if !name.starts_with('.') {
                    stack.push((e.path(), r, depth + 1));
                }
                continue;
            }
            if !ft.is_file() {
                continue;
            }
            // What rendering reads must be complete; other files (for `.Files`) are kept
            // within limits.
            let wanted = r == "Chart.yaml"
                || r == "values.yaml"
                || r.starts_with("templates/")
                || (r.starts_with("charts/")
                    && (r.ends_with(".tgz")
                        || r.ends_with("/Chart.yaml")
                        || r.ends_with("/values.yaml")
                        || r.contains("/templates/")));
            let len = e.metadata().map(|m| m.len()).unwrap_or(0);
            if !wanted {
                if len > MAX_EXTRA_FILE
                    || out.extra_bytes + len > MAX_EXTRA
                    || out.files.len() >= MAX_FILES
                {
                    out.truncated = true;
                    continue;
                }
                out.extra_bytes += len;
            } else {
                if out.files.len() >= MAX_FILES {
                    return Err(format!("{}: more than {MAX_FILES} files", dir.display()));
                }
                out.bytes += len;
                if out.bytes > MAX_BYTES {
                    return Err(format!(
                        "{}: more than 64 MiB of chart files",
                        dir.display()
                    ));
                }
            }
            let data = std::fs::read(e.path()).map_err(|err| format!("{r}: {err}"))?;
            out.files.insert(r, data);
        }
    }
    Ok(out)
}

/// A chart archive (`name-1.2.3.tgz`): gzip'd tar with one top directory, the chart.
fn read_tgz(name: &str, data: &[u8]) -> Result<Files, String> {
    let gz = flate2::read::GzDecoder::new(data);
    let mut ar = tar::Archive::new(gz.take(MAX_BYTES));
    let mut out = Files::default();
    let entries = ar.entries().map_err(|e| format!("{name}: {e}"))?;
    for e in entries {
        let mut e = e.map_err(|err| format!("{name}: not a chart archive: {err}"))?;
        if !e.header().entry_type().is_file() {
            continue;
        }
        let p = e
            .path()
            .map_err(|err| format!("{name}: {err}"))?
            .to_string_lossy()
            .replace('\\', "/");
        // Strip the top directory (the chart's name).
        let Some((_, inner)) = p.trim_start_matches("./").split_once('/') else {
            continue;
        };
        if inner.split('/').any(|s| s == "..") {
            continue;
        }
        if out.files.len() >= MAX_FILES {
            return Err(format!("{name}: more than {MAX_FILES} files"));
        }
        let mut buf = Vec::new();
        e.read_to_end(&mut buf)
            .map_err(|err| format!("{name}: {inner}: {err}"))?;
        out.bytes += buf.len() as u64;
        if out.bytes > MAX_BYTES {
            return Err(format!("{name}: more than 64 MiB unpacked"));
        }
        out.files.insert(inner.to_string(), buf);
    }
    if !out.files.contains_key("Chart.yaml") {
        return Err(format!("{name}: no Chart.yaml in the archive"));
    }
    Ok(out)
}

/// One chart ready to render: its metadata, final values, templates, and subcharts.
#[derive(Debug, Clone)]
pub struct Chart {
    /// `Chart.yaml` as a value (keys as written: `name`, `version` ...).
    pub meta: V,
    /// The values its templates see as `.Values` (after [`load`], scoped).
    pub values: V,
    /// `(path shown in findings, template text)`, every file under `templates/`.
    pub templates: Vec<(String, String)>,
    /// Whether it is a library chart (defines only, nothing rendered).
    pub library: bool,
    /// Enabled subcharts, values scoped (after [`load`]).
    pub subcharts: Vec<Chart>,
    /// The chart's name, or the alias its dependency entry gives it (its values key).
    pub name: String,
    /// The chart's other files, for `.Files.Get`/`.Files.Glob` (not `templates/`, `charts/`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// `condition` and `tags` of its dependency entry in the parent.
    condition: V,
    tags: V,
}

/// Loads the chart in `dir` (shown as `rel`) with the user's values; also returns notes on
/// what was not rendered (missing dependencies, unreadable archives).
pub fn load(dir: &Path, rel: &str, opts: &HelmOptions) -> Result<(Chart, Vec<String>), String> {
    load_within(dir, rel, opts, None)
}

/// [`load`], where `file://` dependencies that are not vendored are read from disk when
/// they resolve inside `root` (a monorepo's `repository: file://../common`).
pub fn load_within(
    dir: &Path,
    rel: &str,
    opts: &HelmOptions,
    root: Option<&Path>,
) -> Result<(Chart, Vec<String>), String> {
    let files = read_dir_files(dir)?;
    let mut notes = Vec::new();
    let user = opts.user_values()?;
    let local = root.map(|r| (r, dir));
    let mut chart = build(&files, rel, &mut notes, 0, local)?;
    let mut values = chart.values.clone();
    merge_over(&mut values, &user);
    scope(&mut chart, values);
    Ok((chart, notes))
}

/// Gives `chart` its final values and scopes them to its subcharts: a subchart sees the
/// parent's `values[name]` over its own defaults, and `global` merged from the parent.
/// Subcharts whose `condition` is false, or whose tags are all false, are dropped.
fn scope(chart: &mut Chart, values: V) {
    let global = values.get("global");
    let subs = std::mem::take(&mut chart.subcharts);
    for mut sub in subs {
        if !enabled(&sub, &values) {
            continue;
        }
        let mut v = sub.values.clone();
        let given = values.get(&sub.name);
        if matches!(given, V::Map(_)) {
            merge_over(&mut v, &given);
        }
        if matches!(global, V::Map(_)) {
            let mut g = v.get("global");
            if !matches!(g, V::Map(_)) {
                g = V::Map(BTreeMap::new());
            }
            merge_over(&mut g, &global);
            if let V::Map(m) = &mut v {
                m.insert("global".into(), g);
            }
        }
        scope(&mut sub, v);
        chart.subcharts.push(sub);
    }
    chart.values = values;
}

/// Helm's rule: the first `condition` path (comma-separated) that resolves to a boolean
/// decides; otherwise any listed tag set true in `tags:` enables, all listed tags false
/// disable; otherwise enabled.
fn enabled(sub: &Chart, parent_values: &V) -> bool {
    let cond = sub.condition.to_text();
    for path in cond.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut cur = parent_values.clone();
        for k in path.split('.') {
            cur = cur.get(k);
        }
        if let V::Bool(b) = cur {
            return b;
        }
    }
    if let V::List(tags) = &sub.tags {
        let set = parent_values.get("tags");
        let vals: Vec<V> = tags.iter().map(|t| set.get(&t.to_text())).collect();
        if vals.contains(&V::Bool(true)) {
            return true;
        }
        if !vals.is_empty() && vals.iter().all(|v| *v == V::Bool(false)) {
            return false;
        }
    }
    true
}

/// The chart of `files`, with its default values (not yet scoped).
fn build(
    files: &Files,
    shown: &str,
    notes: &mut Vec<String>,
    depth: usize,
    local: Option<(&Path, &Path)>,
) -> Result<Chart, String> {
    if depth > MAX_NESTING {
        return Err(format!(
            "{shown}: subcharts nested deeper than {MAX_NESTING}"
        ));
    }
    let join = |p: &str| {
        if shown.is_empty() {
            p.to_string()
        } else {
            format!("{shown}/{p}")
        }
    };
    let chart_text = files
        .text("Chart.yaml")
        .ok_or_else(|| format!("{}: missing", join("Chart.yaml")))??;
    let meta = parse_yaml(chart_text)
        .map_err(|e| format!("{}:{}: {}", join("Chart.yaml"), e.line, e.message))?
        .first()
        .map(from_node)
        .unwrap_or(V::Null);
    let values = match files.text("values.yaml") {
        Some(t) => parse_yaml(t?)
            .map_err(|e| format!("{}:{}: {}", join("values.yaml"), e.line, e.message))?
            .first()
            .map(from_node)
            .filter(|v| matches!(v, V::Map(_)))
            .unwrap_or(V::Map(BTreeMap::new())),
        None => V::Map(BTreeMap::new()),
    };
    let mut templates = Vec::new();
    for (p, data) in files.files.range("templates/".to_string()..) {
        if !p.starts_with("templates/") {
            break;
        }
        match std::str::from_utf8(data) {
            Ok(t) => templates.push((join(p), t.to_string())),
            Err(_) => notes.push(format!("{}: not UTF-8 text; not rendered", join(p))),
        }
    }
    // Subcharts: directories and archives directly under charts/.
    let mut found: BTreeMap<String, Chart> = BTreeMap::new();
    let mut dirs: BTreeMap<String, Files> = BTreeMap::new();
    for (p, data) in files.files.range("charts/".to_string()..) {
        let Some(rest) = p.strip_prefix("charts/") else {
            break;
        };
        match rest.split_once('/') {
            Some((d, inner)) => {
                let f = dirs.entry(d.to_string()).or_default();
                f.files.insert(inner.to_string(), data.clone());
            }
            None if rest.ends_with(".tgz") => {
                let shown_tgz = join(p);
                match read_tgz(&shown_tgz, data)
                    .and_then(|f| build(&f, &shown_tgz, notes, depth + 1, None))
                {
                    Ok(c) => {
                        found.insert(c.name.clone(), c);
                    }
                    Err(e) => notes.push(format!("subchart not rendered: {e}")),
                }
            }
            None => {}
        }
    }
    for (d, f) in dirs {
        if !f.files.contains_key("Chart.yaml") {
            continue;
        }
        let sub_disk = local.map(|(r, dir)| (r, dir.join("charts").join(&d)));
        let sub_local = sub_disk.as_ref().map(|(r, p)| (*r, p.as_path()));
        match build(
            &f,
            &join(&format!("charts/{d}")),
            notes,
            depth + 1,
            sub_local,
        ) {
            Ok(c) => {
                found.insert(c.name.clone(), c);
            }
            Err(e) => notes.push(format!("subchart not rendered: {e}")),
        }
    }
    // Dependencies of Chart.yaml: alias, condition, tags. Charts under charts/ without an
    // entry render too, as with Helm.
    let mut subcharts = Vec::new();
    let deps = match meta.get("dependencies") {
        V::List(l) => l,
        _ => Vec::new(),
    };
    let mut used = std::collections::BTreeSet::new();
    for d in &deps {
        let name = d.get("name").to_text();
        let repo = d.get("repository").to_text();
        // `file://` dependencies inside the scanned tree are read in place.
        if !found.contains_key(&name)
            && let (Some(path), Some((root, dir))) = (repo.strip_prefix("file://"), local)
            && let Ok(canon) = dir.join(path).canonicalize()
            && canon.starts_with(root)
            && canon.join("Chart.yaml").is_file()
        {
            let shown_dep = canon
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            match read_dir_files(&canon)
                .and_then(|f| build(&f, &shown_dep, notes, depth + 1, Some((root, &canon))))
            {
                Ok(c) => {
                    found.insert(name.clone(), c);
                }
                Err(e) => notes.push(format!("subchart not rendered: {e}")),
            }
        }
        let Some(c) = found.get(&name) else {
            notes.push(format!(
                "{}: dependency `{name}`{} is not vendored under charts/ (run `helm dependency build`); not rendered, nothing fetched",
                join("Chart.yaml"),
                if repo.is_empty() {
                    String::new()
                } else {
                    format!(" ({repo})")
                }
            ));
            continue;
        };
        used.insert(name.clone());
        let mut sub = c.clone();
        let alias = d.get("alias").to_text();
        if !alias.is_empty() {
            sub.name = alias;
        }
        sub.condition = d.get("condition");
        sub.tags = d.get("tags");
        subcharts.push(sub);
    }
    for (name, c) in found {
        if !used.contains(&name) {
            subcharts.push(c);
        }
    }
    let library = meta.get("type").to_text() == "library";
    let name = meta.get("name").to_text();
    if files.truncated && depth == 0 && templates.iter().any(|(_, t)| t.contains(".Files")) {
        notes.push(format!(
            "{}: files over 1 MiB (or beyond 16 MiB in all) are not available to `.Files`",
            if shown.is_empty() { "." } else { shown }
        ));
    }
    let chart_files = files
        .files
        .iter()
        .filter(|(p, _)| !p.starts_with("templates/") && !p.starts_with("charts/"))
        .map(|(p, d)| (p.clone(), d.clone()))
        .collect();
    Ok(Chart {
        meta,
        values,
        templates,
        library,
        subcharts,
        name,
        files: chart_files,
        condition: V::Null,
        tags: V::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_arguments_are_typed_and_nested() {
        let mut h = HelmOptions::default();
        h.add_set("image.tag=1.2,replicas=3,debug=true")
            .expect("set");
        h.add_set("list[1].name=b,names={x,y},dotted\\.key=v,note=a\\,b")
            .expect("set");
        let v = h.user_values().expect("values");
        assert_eq!(v.get("image").get("tag"), V::Str("1.2".into()));
        assert_eq!(v.get("replicas"), V::Num(3.0));
        assert_eq!(v.get("debug"), V::Bool(true));
        assert_eq!(
            v.get("names"),
            V::List(vec![V::Str("x".into()), V::Str("y".into())])
        );
        assert_eq!(v.get("dotted.key"), V::Str("v".into()));
        assert_eq!(v.get("note"), V::Str("a,b".into()));
        match v.get("list") {
            V::List(l) => {
                assert_eq!(l.len(), 2);
                assert_eq!(l[1].get("name"), V::Str("b".into()));
            }
            other => panic!("{other:?}"),
        }
        assert!(h.add_set("novalue").is_err());
        assert!(h.add_set("a[x]=1").is_err());
    }

    #[test]
    fn values_files_then_set_win_in_order() {
        let mut h = HelmOptions::default();
        h.add_values_file("a.yaml", "x: {a: 1, b: 2}\ny: 1\n")
            .expect("a");
        h.add_values_file("b.yaml", "x: {b: 3}\n").expect("b");
        h.add_set("y=2").expect("set");
        let v = h.user_values().expect("values");
        assert_eq!(v.get("x").get("a"), V::Num(1.0));
        assert_eq!(v.get("x").get("b"), V::Num(3.0));
        assert_eq!(v.get("y"), V::Num(2.0));
        assert!(h.add_values_file("bad.yaml", "- a\n").is_err());
        assert!(h.add_values_file("bad.yaml", "a: [\n").is_err());
    }
}
