//! Reading OSV records from files, directories, `all.zip` archives and JSONL(+zstd)
//! bundles. Every bad record becomes a [`Diagnostic`]; reading goes on.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::Error;
use crate::model::Advisory;

/// A record that could not be imported, or a file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file (for an archive: `archive.zip!entry.json`).
    pub file: PathBuf,
    /// The 1-based line, for JSONL.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One record read from a source: parsed, with its original JSON text.
pub(crate) struct RawRecord {
    pub advisory: Advisory,
    pub json: String,
}

/// Reads every record under `path` (a file or a directory), calling `sink` for each.
pub(crate) fn read_path(
    path: &Path,
    sink: &mut dyn FnMut(RawRecord),
    diags: &mut Vec<Diagnostic>,
) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        read_dir(path, sink, diags);
        Ok(())
    } else if kind_of(path).is_some() {
        read_file(path, sink, diags);
        Ok(())
    } else {
        Err(Error::UnknownSource(path.to_owned()))
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Json,
    Jsonl,
    JsonlZst,
    Zip,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".jsonl.zst") {
        Some(Kind::JsonlZst)
    } else if name.ends_with(".jsonl") {
        Some(Kind::Jsonl)
    } else if name.ends_with(".json") {
        Some(Kind::Json)
    } else if name.ends_with(".zip") {
        Some(Kind::Zip)
    } else {
        None
    }
}

/// Walks a directory recursively, in name order, without following symbolic links.
/// Files of other kinds are ignored, and so is a bundle's `MANIFEST.json`.
fn read_dir(dir: &Path, sink: &mut dyn FnMut(RawRecord), diags: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(diag(dir, None, format!("cannot read directory: {e}")));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            diags.push(diag(&path, None, "cannot read metadata".to_owned()));
            continue;
        };
        if meta.is_dir() {
            read_dir(&path, sink, diags);
        } else if meta.is_file()
            && kind_of(&path).is_some()
            && path.file_name().is_none_or(|n| n != "MANIFEST.json")
        {
            read_file(&path, sink, diags);
        }
    }
}

fn diag(file: &Path, line: Option<usize>, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line,
        message,
    }
}

fn read_file(path: &Path, sink: &mut dyn FnMut(RawRecord), diags: &mut Vec<Diagnostic>) {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            diags.push(diag(path, None, format!("cannot open: {e}")));
            return;
        }
    };
    match kind_of(path) {
        Some(Kind::Json) => {
            let mut text = String::new();
            match BufReader::new(file).read_to_string(&mut text) {
                Ok(_) => parse_one(path, None, text, sink, diags),
                Err(e) => diags.push(diag(path, None, format!("cannot read: {e}"))),
            }
        }
        Some(Kind::Jsonl) => read_lines(path, BufReader::new(file), sink, diags),
        Some(Kind::JsonlZst) => match zstd::Decoder::new(file) {
            Ok(decoder) => read_lines(path, BufReader::new(decoder), sink, diags),
            Err(e) => diags.push(diag(path, None, format!("not a zstd stream: {e}"))),
        },
        Some(Kind::Zip) => read_zip(path, file, sink, diags),
        None => {}
    }
}

fn read_lines(
    path: &Path,
    reader: impl BufRead,
    sink: &mut dyn FnMut(RawRecord),
    diags: &mut Vec<Diagnostic>,
) {
    for (i, line) in reader.lines().enumerate() {
        match line {
            Ok(line) if line.trim().is_empty() => {}
            Ok(line) => parse_one(path, Some(i + 1), line, sink, diags),
            Err(e) => {
                diags.push(diag(path, Some(i + 1), format!("cannot read: {e}")));
                return;
            }
        }
    }
}

fn read_zip(path: &Path, file: File, sink: &mut dyn FnMut(RawRecord), diags: &mut Vec<Diagnostic>) {
    let mut archive = match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(a) => a,
        Err(e) => {
            diags.push(diag(path, None, format!("not a zip archive: {e}")));
            return;
        }
    };
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                diags.push(diag(path, None, format!("zip entry {i}: {e}")));
                continue;
            }
        };
        if !entry.is_file() || !entry.name().ends_with(".json") {
            continue;
        }
        let shown = PathBuf::from(format!("{}!{}", path.display(), entry.name()));
        let mut text = String::new();
        match entry.read_to_string(&mut text) {
            Ok(_) => parse_one(&shown, None, text, sink, diags),
            Err(e) => diags.push(diag(&shown, None, format!("cannot read: {e}"))),
        }
    }
}

fn parse_one(
    path: &Path,
    line: Option<usize>,
    json: String,
    sink: &mut dyn FnMut(RawRecord),
    diags: &mut Vec<Diagnostic>,
) {
    match serde_json::from_str::<Advisory>(&json) {
        Ok(advisory) if advisory.id.trim().is_empty() => {
            diags.push(diag(path, line, "not an OSV record: no \"id\"".to_owned()));
        }
        Ok(advisory) => sink(RawRecord { advisory, json }),
        Err(e) => diags.push(diag(path, line, format!("not an OSV record: {e}"))),
    }
}
