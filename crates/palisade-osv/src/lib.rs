//! The offline OSV advisory database of palisade, and the matcher that answers "which
//! advisories affect this installed package, and what is the smallest upgrade that
//! fixes them?".
//!
//! - [`model`]: the OSV schema (serde), tolerant of unknown fields and `null`s.
//! - [`Db::import`]: OSV `.json` files, directories of them (recursively), osv.dev
//!   per-ecosystem `all.zip` archives, and `.jsonl` / `.jsonl.zst` bundles (one record a
//!   line, as in `shared/data/advisories`). A bad record is a [`Diagnostic`] naming the
//!   file (and line) and the problem; the import goes on.
//! - [`Db`]: the store, indexed by (ecosystem, normalised name); [`Db::status`] lists
//!   sources, counts per ecosystem and dates; [`Db::lookup`]; [`Db::match_package`].
//! - [`matching`]: OSV range semantics (SEMVER and ECOSYSTEM ranges through
//!   `palisade-version`; GIT ranges skipped and counted), `versions` lists, `withdrawn`,
//!   alias merging and the smallest fixing upgrade.
//! - [`cvss`]: CVSS v3.0/v3.1/v4.0 scores computed from the vector (the `palisade-cvss`
//!   crate, re-exported); a v4.0 vector decides the severity when an advisory has one.
//!
//! # Use
//!
//! ```no_run
//! use palisade_osv::{Db, PackageRef};
//!
//! let mut db = Db::open_or_create("/tmp/osv.db")?;
//! let report = db.import("../shared/data/advisories")?;
//! for d in &report.diagnostics {
//!     eprintln!("{d}");
//! }
//! let found = db.match_package(&PackageRef { ecosystem: "crates.io", name: "openssl", version: "0.8.0" })?;
//! assert!(!found.vulnerabilities.is_empty());
//! # Ok::<(), palisade_osv::Error>(())
//! ```
//!
//! # The store, and why not SQLite
//!
//! The store is one file of our own design rather than SQLite (the project's default
//! store for findings): `PALOSV01`, the length of a head, the head (zstd-compressed: the
//! import sources as JSON, then a compact binary record table of id, `modified`, index
//! keys and each record's offset and length), then every record as its own zstd frame of
//! its original JSON.
//! [`Db::open`] reads and indexes only the head; [`Db::lookup`] seeks to and
//! decompresses just the records of one package. SQLite would add a C build and a
//! schema for what is a read-mostly, bulk-replaced file; this needs nothing beyond zstd,
//! no memory mapping, no `unsafe`. With the whole 18,575-advisory bundle imported (a
//! 15 MB file; each record is its own zstd frame so that a lookup decompresses only what
//! it returns) opening takes about 8 ms and looking up `crates.io/openssl` (10
//! advisories) under 1 ms in the workspace's dev profile (this crate at `opt-level = 2`,
//! zstd's C code at 3), about 65 ms fully unoptimised: under the 100 ms budget either way
//! (the `bundle` integration test prints the measurement). An import rewrites the file (to a temporary file,
//! renamed over the old one), which is fine for a database updated in bulk.
//!
//! Name normalisation ([`normalize_name`]): PyPI per PEP 503; Packagist, NuGet, npm,
//! Hex, Pub and crates.io in lower case; other ecosystems exactly. Ecosystems are
//! compared exactly as the records spell them (`Debian:12` is not `Debian`).

/// CVSS v3.0/v3.1/v4.0 scoring: the `palisade-cvss` crate, re-exported.
pub use palisade_cvss as cvss;
mod import;
pub mod matching;
pub mod model;
mod store;

use std::path::PathBuf;

pub use import::Diagnostic;
pub use matching::{
    Evaluation, PackageMatch, PackageRef, Severity, Vulnerability, affected, evaluate,
    match_advisories,
};
pub use model::{Advisory, normalize_name};
pub use store::{Db, ImportReport, SourceStatus, Status, default_path};

/// The errors of this crate. Bad records are not errors but [`Diagnostic`]s.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The path given to import is not a kind of source this crate reads.
    #[error(
        "{}: not an advisory source; expected a .json file, a .jsonl or .jsonl.zst bundle, an all.zip archive or a directory",
        .0.display()
    )]
    UnknownSource(PathBuf),
    /// The store file is damaged or not a store.
    #[error("{}: {problem}; delete it and import again", path.display())]
    Corrupt {
        /// The store file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}
