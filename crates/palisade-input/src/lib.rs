//! palisade's one walk over a tree.
//!
//! Built on the `ignore` crate (ripgrep's walker): parallel, honours `.gitignore`,
//! `.ignore` and palisade's own `.palisadeignore`. On top of it this crate adds what a
//! scanner of hostile repositories needs: symlinks are never followed (one pointing
//! out of the root is reported), files over the size limit are skipped without being
//! read (a sparse 20 GiB file costs nothing), binaries are recognised by a NUL byte in
//! their first 8 KiB, and every file is read once into memory and classified.
//!
//! Memory: each walker thread holds at most one file, so the bound is
//! `jobs × max_file_size` plus what engines keep.

mod classify;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::WalkState;
use ignore::overrides::OverrideBuilder;
use palisade_engine::finding::{Diagnostic, DiagnosticLevel};
use palisade_engine::{FileKind, Language};

pub use classify::{classify, language_of};

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub root: PathBuf,
    /// More files or directories to walk in the same pass (e.g. the file names a
    /// pre-commit hook passes). With more than one root, paths are shown as walked.
    pub extra_roots: Vec<PathBuf>,
    /// Walker threads; 0 means one per core.
    pub jobs: usize,
    pub max_file_size: u64,
    /// Gitignore-style globs of paths not to scan.
    pub exclude: Vec<String>,
    /// Honour `.gitignore`/`.ignore`/`.palisadeignore` (on by default).
    pub respect_ignore_files: bool,
}

impl WalkOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        WalkOptions {
            root: root.into(),
            extra_roots: Vec::new(),
            jobs: 0,
            max_file_size: 10 * 1024 * 1024,
            exclude: Vec::new(),
            respect_ignore_files: true,
        }
    }
}

/// A file read into memory, classified.
#[derive(Debug)]
pub struct LoadedFile {
    /// Relative to the scan root, `/`-separated (the root itself when it is a file).
    pub display_path: String,
    pub path: PathBuf,
    pub content: Vec<u8>,
    pub kind: FileKind,
}

/// What the walk hands to its visitor.
#[derive(Debug)]
pub enum Event {
    File(LoadedFile),
    /// Not scanned, with the reason (`Skip`), or failed (`Error`).
    Diagnostic(Diagnostic),
}

/// Errors that stop a walk before it starts.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Root {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid exclude pattern `{pattern}`: {message}")]
    Exclude { pattern: String, message: String },
}

/// The `--exclude` / `[scan] exclude` globs (gitignore syntax, relative to the scan root).
///
/// The walker applies them itself; this is for paths that do not come from a walk, such
/// as the paths of git blobs.
#[derive(Debug, Clone)]
pub struct Excludes(ignore::overrides::Override);

impl Excludes {
    /// # Errors
    /// When a pattern is not a valid glob.
    pub fn new(root: &Path, patterns: &[String]) -> Result<Excludes, InputError> {
        let mut overrides = OverrideBuilder::new(root);
        for pattern in patterns {
            overrides
                .add(&format!("!{pattern}"))
                .map_err(|e| InputError::Exclude {
                    pattern: pattern.clone(),
                    message: e.to_string(),
                })?;
        }
        let overrides = overrides.build().map_err(|e| InputError::Exclude {
            pattern: patterns.join(", "),
            message: e.to_string(),
        })?;
        Ok(Excludes(overrides))
    }

    /// Whether the file at `path` (relative to the root, `/`-separated) is excluded,
    /// by itself or by one of its directories, as the walker would decide.
    pub fn excludes(&self, path: &str) -> bool {
        if self.0.is_empty() {
            return false;
        }
        path.match_indices('/')
            .any(|(i, _)| self.0.matched(&path[..i], true).is_ignore())
            || self.0.matched(path, false).is_ignore()
    }
}

/// Walks the tree once, in parallel, and calls `visit` for every file and every
/// diagnostic. `visit` runs on the walker's threads.
pub fn walk<F>(opts: &WalkOptions, visit: F) -> Result<(), InputError>
where
    F: Fn(Event) + Sync,
{
    walk_with(opts, &|_: &str, _: &[u8]| false, visit)
}

/// [`walk`], reading the binary files `keep_binary` accepts (by display path and first
/// 8 KiB) instead of skipping them: the engines that parse a binary format (an RPM package
/// database) ask for their files; every other binary file is skipped as before.
pub fn walk_with<F>(
    opts: &WalkOptions,
    keep_binary: &(dyn Fn(&str, &[u8]) -> bool + Sync),
    visit: F,
) -> Result<(), InputError>
where
    F: Fn(Event) + Sync,
{
    let mut roots_canon = Vec::with_capacity(1 + opts.extra_roots.len());
    for r in std::iter::once(&opts.root).chain(&opts.extra_roots) {
        roots_canon.push(r.canonicalize().map_err(|source| InputError::Root {
            path: r.display().to_string(),
            source,
        })?);
    }
    let multi = !opts.extra_roots.is_empty();
    let root_is_file = multi || roots_canon[0].is_file();

    let overrides = Excludes::new(&opts.root, &opts.exclude)?.0;

    let mut builder = ignore::WalkBuilder::new(&opts.root);
    for r in &opts.extra_roots {
        builder.add(r);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .git_ignore(opts.respect_ignore_files)
        .git_exclude(opts.respect_ignore_files)
        .git_global(false)
        .ignore(opts.respect_ignore_files)
        .parents(opts.respect_ignore_files)
        .require_git(false)
        .overrides(overrides)
        .threads(opts.jobs)
        .filter_entry(|e| e.file_name() != ".git");
    if opts.respect_ignore_files {
        builder.add_custom_ignore_filename(".palisadeignore");
    }

    let root = opts.root.clone();
    let visit = &visit;
    let roots_canon = &roots_canon;
    let max = opts.max_file_size;
    builder.build_parallel().run(|| {
        let root = root.clone();
        Box::new(move |res| {
            let entry = match res {
                Ok(e) => e,
                Err(err) => {
                    let (path, message) = describe_walk_error(&err);
                    visit(Event::Diagnostic(Diagnostic::new(
                        DiagnosticLevel::Error,
                        path,
                        message,
                    )));
                    return WalkState::Continue;
                }
            };
            let path = entry.path();
            let display = display_path(&root, path, root_is_file);
            if entry.path_is_symlink() {
                visit(Event::Diagnostic(symlink_diagnostic(
                    path,
                    &display,
                    roots_canon,
                )));
                return WalkState::Skip;
            }
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if !ft.is_file() {
                return WalkState::Continue;
            }
            visit(load_file(path, display, max, keep_binary));
            WalkState::Continue
        })
    });
    Ok(())
}

/// Reads and classifies one file, or says why not.
pub fn load(path: &Path, display_path: String, max_file_size: u64) -> Event {
    load_file(path, display_path, max_file_size, &|_: &str, _: &[u8]| {
        false
    })
}

/// [`load`]; a binary file that `keep_binary` accepts (given the display path and the
/// first 8 KiB) is returned (`kind.is_text` false) rather than skipped.
pub fn load_file(
    path: &Path,
    display_path: String,
    max_file_size: u64,
    keep_binary: &(dyn Fn(&str, &[u8]) -> bool + Sync),
) -> Event {
    let fail = |level, msg: String| Event::Diagnostic(Diagnostic::new(level, &display_path, msg));
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return fail(DiagnosticLevel::Error, format!("cannot open: {e}")),
    };
    let size = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return fail(DiagnosticLevel::Error, format!("cannot stat: {e}")),
    };
    if size > max_file_size {
        return fail(
            DiagnosticLevel::Skip,
            format!(
                "{} is over the {} size limit (raise it with --max-file-size)",
                human_size(size),
                human_size(max_file_size)
            ),
        );
    }
    let cap = usize::try_from(size).unwrap_or(usize::MAX);
    let mut content = Vec::with_capacity(cap.saturating_add(1));
    if let Err(e) = (&mut file)
        .take(max_file_size + 1)
        .read_to_end(&mut content)
    {
        return fail(DiagnosticLevel::Error, format!("cannot read: {e}"));
    }
    if content.len() as u64 > max_file_size {
        return fail(
            DiagnosticLevel::Skip,
            format!(
                "grew past the {} size limit while being read",
                human_size(max_file_size)
            ),
        );
    }
    let kind = classify(&display_path, &content);
    if !kind.is_text && !keep_binary(&display_path, &content[..content.len().min(8192)]) {
        return fail(
            DiagnosticLevel::Skip,
            "binary file (NUL byte in the first 8 KiB)".into(),
        );
    }
    Event::File(LoadedFile {
        display_path,
        path: path.to_path_buf(),
        content,
        kind,
    })
}

fn symlink_diagnostic(path: &Path, display: &str, roots_canon: &[PathBuf]) -> Diagnostic {
    match path.canonicalize() {
        Ok(target) if roots_canon.iter().any(|r| target.starts_with(r)) => Diagnostic::new(
            DiagnosticLevel::Skip,
            display,
            format!(
                "symlink to {} inside the scan root: not followed, the target is scanned where it is",
                target.display()
            ),
        ),
        Ok(target) => Diagnostic::new(
            DiagnosticLevel::Skip,
            display,
            format!(
                "symlink points outside the scan root (to {}): not followed",
                target.display()
            ),
        ),
        Err(e) => Diagnostic::new(
            DiagnosticLevel::Skip,
            display,
            format!("broken or looping symlink: not followed ({e})"),
        ),
    }
}

fn describe_walk_error(err: &ignore::Error) -> (String, String) {
    match err {
        ignore::Error::WithPath { path, err } => (path.display().to_string(), err.to_string()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe_walk_error(err)
        }
        ignore::Error::Loop { child, .. } => (
            child.display().to_string(),
            "symlink loop: not followed".to_string(),
        ),
        other => (String::from("<walk>"), other.to_string()),
    }
}

fn display_path(root: &Path, path: &Path, root_is_file: bool) -> String {
    let rel = if root_is_file {
        path.strip_prefix(".").unwrap_or(path)
    } else {
        path.strip_prefix(root).unwrap_or(path)
    };
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// `1.5 MiB`, `10 MiB`, `812 B`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else if (v - v.round()).abs() < 0.05 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Parses `10MiB`, `512k`, `2 GB`, `1048576`.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: f64 = num.parse().ok()?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if num < 0.0 || !num.is_finite() {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((num * mult as f64) as u64)
}

/// Whether the language is one the walker recognised.
pub fn is_known(language: Language) -> bool {
    language != Language::Other
}

#[cfg(test)]
mod tests {
    #[test]
    fn excludes_match_files_and_their_directories() {
        let ex = super::Excludes::new(
            std::path::Path::new("/repo"),
            &[
                "tests/fixtures/**".into(),
                "vendor/".into(),
                "*.min.js".into(),
            ],
        )
        .expect("valid globs");
        assert!(ex.excludes("tests/fixtures/keys.env"));
        assert!(ex.excludes("tests/fixtures/deep/er/x.py"));
        assert!(ex.excludes("vendor/lib/a.py"));
        assert!(ex.excludes("web/app.min.js"));
        assert!(!ex.excludes("tests/test_app.py"));
        assert!(!ex.excludes("src/vendor.py"));
        let none = super::Excludes::new(std::path::Path::new("/repo"), &[]).expect("empty");
        assert!(!none.excludes("anything"));
    }

    use super::*;

    #[test]
    fn read_error_names_the_path() {
        let dir = tempfile::tempdir().expect("tmp");
        // Opening a directory succeeds on Linux and reading it fails: an unreadable file
        // even for root.
        match load(dir.path(), "some/dir.txt".into(), 1 << 20) {
            Event::Diagnostic(d) => {
                assert_eq!(d.path, "some/dir.txt");
                assert_eq!(d.level, DiagnosticLevel::Error);
                assert!(d.message.starts_with("cannot"), "{}", d.message);
            }
            Event::File(_) => panic!("a directory is not a file"),
        }
    }

    #[test]
    fn walk_reports_files_and_skips() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("a.py"), "x = 1\n").expect("write");
        std::fs::write(dir.path().join("b.bin"), b"\0\0").expect("write");
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
        std::fs::write(dir.path().join(".git/config"), "x").expect("write");
        let events = std::sync::Mutex::new(Vec::new());
        walk(&WalkOptions::new(dir.path()), |e| {
            let label = match e {
                Event::File(f) => format!("file {}", f.display_path),
                Event::Diagnostic(d) => format!("{:?} {}", d.level, d.path),
            };
            events.lock().expect("lock").push(label);
        })
        .expect("walk");
        let mut events = events.into_inner().expect("lock");
        events.sort();
        assert_eq!(events, ["Skip b.bin", "file a.py"]);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10MiB"), Some(10 * 1024 * 1024));
        assert_eq!(parse_size("512k"), Some(512 * 1024));
        assert_eq!(parse_size("12"), Some(12));
        assert_eq!(parse_size("ten"), None);
        assert_eq!(human_size(10 * 1024 * 1024), "10 MiB");
        assert_eq!(human_size(812), "812 B");
    }
}
