//! The contract between palisade's scanner and its engines.
//!
//! An engine is pure: a file in, findings out. It never prints, exits, or touches the
//! store. The scanner (`palisade-scan`) walks the tree once, classifies and reads each
//! file once, and hands it to every engine whose [`Engine::wants`] says yes.

mod rule;
mod text;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub use palisade_finding as finding;
use palisade_finding::Finding;
pub use rule::{Example, RuleMeta};
pub use text::{LineIndex, Redaction, fingerprint, snippet_around};

/// What kind of file the walker found. Engines select files by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Java,
    Go,
    Ruby,
    Php,
    CSharp,
    Kotlin,
    Rust,
    C,
    Cpp,
    Shell,
    Yaml,
    Json,
    Toml,
    Xml,
    Hcl,
    Dockerfile,
    Markdown,
    Other,
}

/// The walker's classification of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKind {
    pub language: Language,
    /// No NUL byte in the first 8 KiB.
    pub is_text: bool,
    /// The whole content is valid UTF-8.
    pub is_utf8: bool,
    pub size: u64,
}

/// One file (or git blob) handed to an engine.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The path as shown to the user: relative to the scan root, `/`-separated.
    pub path: &'a str,
    pub content: &'a [u8],
    pub kind: &'a FileKind,
}

/// Limits every engine must respect.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Files larger than this are skipped (and reported).
    pub max_file_size: u64,
    /// The longest line an engine looks at as a whole; longer lines are windowed.
    pub max_line_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 10 * 1024 * 1024,
            max_line_len: 4096,
        }
    }
}

/// Per-scan context: limits and cancellation.
#[derive(Debug, Default)]
pub struct ScanCx {
    pub limits: Limits,
    /// The directory every [`Input::path`] is relative to, when the scan has exactly one
    /// root (`None` otherwise). An engine that must read a file's siblings (a requirements
    /// `-r` include, a parent POM) reads them under this directory only, never through a
    /// symlink, within [`Limits::max_file_size`].
    pub files_root: Option<std::path::PathBuf>,
    cancelled: AtomicBool,
}

impl ScanCx {
    pub fn new(limits: Limits) -> Self {
        ScanCx {
            limits,
            files_root: None,
            cancelled: AtomicBool::new(false),
        }
    }
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// Where an engine puts what it finds.
pub trait Sink {
    fn emit(&mut self, finding: Finding);
}

impl Sink for Vec<Finding> {
    fn emit(&mut self, finding: Finding) {
        self.push(finding);
    }
}

/// An engine's failure on one input. The scan reports it, naming the file, and goes on.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("could not parse: {0}")]
    Parse(String),
    #[error("gave up: {0}")]
    Limit(String),
    #[error("{0}")]
    Other(String),
}

/// An engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The engine has nothing to do with this configuration; not an error.
    #[error("skipped: {0}")]
    Skip(String),
    /// A rule file is malformed.
    #[error("{path}: {message}")]
    Rules { path: String, message: String },
}

/// One engine: secrets, sast, deps, iac ...
pub trait Engine: Send + Sync {
    /// The engine id, also the prefix of its rule ids.
    fn id(&self) -> &'static str;
    /// Every rule the engine can report, with its documentation and examples.
    fn rules(&self) -> &[RuleMeta];
    /// Whether this engine wants to look at the file.
    fn wants(&self, path: &Path, kind: &FileKind) -> bool;
    /// Whether this engine reads the file at `path`, whose first bytes are `head`, even
    /// though it is binary (a NUL byte in its first 8 KiB). Binary files are skipped unless
    /// an engine accepts them here, and only the engines that do see them: an engine
    /// parsing a binary format (an RPM package database) says so; the default is no.
    fn wants_binary(&self, _path: &Path, _head: &[u8]) -> bool {
        false
    }
    /// Scan one input; findings go to the sink.
    fn scan(&self, input: &Input<'_>, cx: &ScanCx, sink: &mut dyn Sink) -> Result<(), EngineError>;
}
