//! The findings store: every scan recorded, every finding kept by fingerprint with its
//! lifecycle per repository and branch, triage decisions, assignments and an append-only
//! audit log — in an SQLite file (the default) or a PostgreSQL database (shared by a
//! fleet of CI runners).
//!
//! ## Model
//!
//! - A **scan** is one recording: repository, branch, commit, tool and version, time, who.
//! - A **finding** row is one fingerprint in one repository and branch. Recording a scan
//!   upserts every finding it saw: unseen before → `new`; seen in the previous scan →
//!   `open`; marked `fixed` before → `reopened`. Findings of the same tool in the same
//!   repository and branch that the scan did not see become `fixed`. Nothing is deleted.
//! - **Triage** (`open`, `confirmed`, `false-positive`, `accepted-risk` with an optional
//!   expiry, `fixed`), the reason and the assignee are decisions about a fingerprint in a
//!   repository: they apply to every branch, and a branch that first sees the fingerprint
//!   later inherits them. An accepted risk past its expiry reopens; a finding a person
//!   marked fixed reopens when a scan sees it again.
//! - The **audit log** records every change — first seen, fixed, reopened, state, assignee,
//!   expiry — with who and when. It is only ever appended to.
//!
//! Both backends run the same SQL through one small interface (`backend::Conn`); the
//! schema is one list of numbered migrations. A store written by a newer palisade (a
//! higher schema version) is refused; a file that is not an SQLite database, or is
//! corrupted, is reported and never written to.
//!
//! ## Concurrency
//!
//! Writers are serialised per store — SQLite by its write lock (`BEGIN IMMEDIATE`, WAL,
//! a 60 s busy timeout), PostgreSQL by a transaction-scoped advisory lock — so two scans
//! recorded at once both land whole, one after the other. Readers never wait.
//!
//! ## Why these dependencies
//!
//! - `rusqlite` (bundled SQLite): the workspace's SQLite binding already (the advisory
//!   database), no system library needed, a single-file store that needs no server.
//! - `postgres` (the synchronous client of the rust-postgres project): the store is used
//!   by a command-line program that does one thing at a time; the blocking client keeps
//!   the code straight (no async runtime in the API) while it runs tokio-postgres, the
//!   maintained protocol implementation, underneath. No TLS connector is built in: CI
//!   talks to a local server or through a socket/tunnel (`sslmode` other than `disable`
//!   or `prefer` is refused by the client with a clear error).
//! - `sha2`/`hex`: fingerprints of imported results that carry none.
//! - `serde_json`: reading SARIF for `palisade import`.

mod backend;
pub mod sarif;
mod schema;
pub mod server;
pub mod time;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use backend::{Conn, Dialect, Row, Value};
pub use palisade_finding::Severity;
use palisade_finding::{Finding, Location};
pub use schema::SCHEMA_VERSION;
pub use server::*;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{store}: the findings store is corrupted or not an SQLite database ({detail}); it was left untouched: restore it from a backup, or move it aside to start a new store"
    )]
    Corrupt { store: String, detail: String },
    #[error(
        "{store}: not a palisade findings store ({detail}); point --store at a new file or an empty database"
    )]
    NotAStore { store: String, detail: String },
    #[error(
        "{store}: the findings store has schema version {found}, this palisade understands up to {supported}; it was written by a newer palisade: upgrade palisade to use it"
    )]
    NewerSchema {
        store: String,
        found: i64,
        supported: i64,
    },
    #[error("{store}: {detail}")]
    Database { store: String, detail: String },
    #[error("no finding matches `{0}`; `palisade triage list` shows the fingerprints")]
    NoMatch(String),
    #[error("`{prefix}` matches several findings ({candidates}); give more characters or --repo")]
    Ambiguous { prefix: String, candidates: String },
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a finding stands in a repository and branch, from the scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lifecycle {
    New,
    Open,
    Fixed,
    Reopened,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 4] = [
        Lifecycle::New,
        Lifecycle::Open,
        Lifecycle::Fixed,
        Lifecycle::Reopened,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Open => "open",
            Lifecycle::Fixed => "fixed",
            Lifecycle::Reopened => "reopened",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Lifecycle::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// A person's decision about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TriageState {
    Open,
    Confirmed,
    FalsePositive,
    AcceptedRisk,
    Fixed,
}

impl TriageState {
    pub const ALL: [TriageState; 5] = [
        TriageState::Open,
        TriageState::Confirmed,
        TriageState::FalsePositive,
        TriageState::AcceptedRisk,
        TriageState::Fixed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TriageState::Open => "open",
            TriageState::Confirmed => "confirmed",
            TriageState::FalsePositive => "false-positive",
            TriageState::AcceptedRisk => "accepted-risk",
            TriageState::Fixed => "fixed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        TriageState::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

pub(crate) fn severity_from_int(i: i64) -> Severity {
    match i {
        4 => Severity::Critical,
        3 => Severity::High,
        2 => Severity::Medium,
        1 => Severity::Low,
        _ => Severity::Info,
    }
}

pub(crate) fn severity_int(s: Severity) -> i64 {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// What is recorded about one scan.
#[derive(Debug, Clone)]
pub struct ScanMeta {
    pub repo: String,
    pub branch: String,
    pub commit: Option<String>,
    /// `palisade`, or the tool an imported SARIF file came from.
    pub tool: String,
    pub tool_version: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// Who recorded it (`--by`, the git user, `$USER`).
    pub by: String,
    /// The file imported, if any.
    pub source: Option<String>,
}

/// A finding as the store takes it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    pub fingerprint: String,
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub path: String,
    pub line: u32,
    /// The normalised text of the flagged line (whitespace collapsed), hashed: what
    /// "the evidence agrees" compares when deduplicating imports.
    pub evidence: Option<String>,
    pub cwe: Vec<u32>,
    pub owners: Vec<String>,
}

/// A hash of the whitespace-normalised evidence text (16 hex digits).
pub fn evidence_hash(text: &str) -> Option<String> {
    use sha2::Digest;
    let norm = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if norm.is_empty() {
        return None;
    }
    let digest = sha2::Sha256::digest(norm.as_bytes());
    Some(hex::encode(&digest[..8]))
}

impl NewFinding {
    /// From one of palisade's own findings (the CWE list comes from its rule).
    pub fn from_finding(f: &Finding, cwe: &[u32]) -> Self {
        let evidence = f.snippet.as_ref().and_then(|s| {
            let (line, _, _) = s.mark?;
            s.text
                .lines()
                .nth(line.checked_sub(s.first_line)? as usize)
                .and_then(evidence_hash)
        });
        let path = match f.primary() {
            Some(Location::Package { purl, path }) => path.clone().unwrap_or_else(|| purl.clone()),
            Some(Location::Http { url, .. }) => url.clone(),
            _ => f.path().to_owned(),
        };
        NewFinding {
            fingerprint: f.fingerprint.0.clone(),
            rule: f.rule.0.clone(),
            severity: f.severity,
            message: f.message.clone(),
            path,
            line: f.line(),
            evidence,
            cwe: cwe.to_vec(),
            owners: f.owners.clone(),
        }
    }
}

/// What recording a scan changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanSummary {
    pub scan_id: i64,
    pub new: u64,
    pub open: u64,
    pub reopened: u64,
    pub fixed: u64,
    /// Imported results that were already stored as palisade findings.
    pub deduplicated: u64,
}

/// A finding as stored, for listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    pub repo: String,
    pub branch: String,
    pub fingerprint: String,
    pub tool: String,
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub path: String,
    pub line: u32,
    pub owners: Vec<String>,
    pub also_found_by: Vec<String>,
    pub lifecycle: Lifecycle,
    pub first_seen: i64,
    pub last_seen: i64,
    pub fixed_at: Option<i64>,
    pub state: TriageState,
    pub reason: Option<String>,
    pub expires: Option<i64>,
    pub assignee: Option<String>,
}

/// Days to fix per severity (`[triage.sla]`); `None` = no deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sla {
    pub critical: Option<u32>,
    pub high: Option<u32>,
    pub medium: Option<u32>,
    pub low: Option<u32>,
    pub info: Option<u32>,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            critical: Some(7),
            high: Some(30),
            medium: Some(90),
            low: Some(120),
            info: None,
        }
    }
}

impl Sla {
    pub fn days(&self, s: Severity) -> Option<u32> {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
    /// When a finding first seen at `first_seen` breaches its SLA.
    pub fn due(&self, s: Severity, first_seen: i64) -> Option<i64> {
        self.days(s).map(|d| first_seen + i64::from(d) * 86_400)
    }
}

/// Which findings `list` returns. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub repo: Option<String>,
    pub branch: Option<String>,
    /// A code owner or the assignee.
    pub owner: Option<String>,
    pub states: Vec<TriageState>,
    /// Default (empty): everything not fixed.
    pub lifecycles: Vec<Lifecycle>,
    pub severities: Vec<Severity>,
    pub engines: Vec<String>,
    pub rules: Vec<String>,
    /// Only findings past their SLA (open or confirmed, not fixed).
    pub overdue: Option<Sla>,
    /// At most this many (0 = all).
    pub limit: usize,
    /// Skip this many (paging).
    pub offset: usize,
    /// Only these repositories (`None`: any; `Some(empty)`: none) — what a developer may see.
    pub within: Option<Vec<String>>,
    /// Only findings first seen before this time (seconds since the epoch): the age filter.
    pub first_seen_before: Option<i64>,
    /// Count at most this many matches (0: count them all). A dashboard page shows
    /// "10,000+" instead of counting a million rows on every view.
    pub count_limit: usize,
}

/// One line of a finding's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub repo: String,
    pub fingerprint: String,
    pub branch: Option<String>,
    pub action: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub scan_id: Option<i64>,
}

/// A fingerprint in a repository: what triage commands act on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub repo: String,
    pub fingerprint: String,
}

/// The store.
pub struct Store {
    pub(crate) conn: Box<dyn Conn>,
}

/// Is `url` a PostgreSQL URL?
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The location without a password, for messages.
pub fn describe_url(url: &str) -> String {
    backend::redact_url(url)
}

pub(crate) const COLUMNS: &str = "repo, branch, fingerprint, tool, rule, severity, message, path, line, owners, also_found_by, lifecycle, first_seen, last_seen, fixed_at, state, reason, expires, assignee";

fn split_list(s: Option<String>) -> Vec<String> {
    s.unwrap_or_default()
        .split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn stored(r: &Row) -> StoredFinding {
    let text = |i: usize| r[i].text().unwrap_or_default();
    StoredFinding {
        repo: text(0),
        branch: text(1),
        fingerprint: text(2),
        tool: text(3),
        rule: text(4),
        severity: severity_from_int(r[5].int().unwrap_or(0)),
        message: text(6),
        path: text(7),
        line: u32::try_from(r[8].int().unwrap_or(0)).unwrap_or(0),
        owners: split_list(r[9].text()),
        also_found_by: split_list(r[10].text()),
        lifecycle: Lifecycle::parse(&text(11)).unwrap_or(Lifecycle::Open),
        first_seen: r[12].int().unwrap_or(0),
        last_seen: r[13].int().unwrap_or(0),
        fixed_at: r[14].int(),
        state: TriageState::parse(&text(15)).unwrap_or(TriageState::Open),
        reason: r[16].text(),
        expires: r[17].int(),
        assignee: r[18].text(),
    }
}

/// `,a,b,` so that one member is found with `LIKE '%,a,%'`.
fn join_list(items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    format!(",{},", items.join(","))
}

pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Smallest string greater than every string that starts with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl Store {
    /// Opens (creating and migrating when needed) the store at `url`: a
    /// `postgres://`/`postgresql://` URL, else an SQLite file path (`sqlite:` prefix optional).
    pub fn open(url: &str) -> Result<Store> {
        let mut conn: Box<dyn Conn> = if is_postgres_url(url) {
            Box::new(backend::Postgres::connect(url)?)
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Box::new(backend::Sqlite::open(Path::new(path))?)
        };
        schema::migrate(conn.as_mut(), SCHEMA_VERSION)?;
        Ok(Store { conn })
    }

    /// Opens the store at `url` migrated only up to `version`: for testing migrations
    /// from an older schema. Not for use outside tests.
    #[doc(hidden)]
    pub fn open_at_version(url: &str, version: i64) -> Result<Store> {
        let mut conn: Box<dyn Conn> = if is_postgres_url(url) {
            Box::new(backend::Postgres::connect(url)?)
        } else {
            Box::new(backend::Sqlite::open(Path::new(url))?)
        };
        schema::migrate(conn.as_mut(), version)?;
        Ok(Store { conn })
    }

    /// Where the store is (no password).
    pub fn describe(&self) -> String {
        self.conn.describe()
    }

    pub fn is_postgres(&self) -> bool {
        self.conn.dialect() == Dialect::Postgres
    }

    /// Runs `work` in one write transaction: all of it is stored, or none.
    pub(crate) fn write<T>(&mut self, work: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        self.conn.begin_write()?;
        match work(self.conn.as_mut()) {
            Ok(v) => {
                self.conn.commit()?;
                Ok(v)
            }
            Err(e) => {
                self.conn.rollback();
                Err(e)
            }
        }
    }

    /// Records a scan of palisade or of another tool and updates every finding's
    /// lifecycle in its repository and branch. With `dedup`, findings that palisade
    /// already reported at the same place, for the same rule or CWE, with the same
    /// evidence, are not stored again: the existing finding notes the other tool.
    pub fn record_scan(
        &mut self,
        meta: &ScanMeta,
        findings: &[NewFinding],
        dedup: bool,
    ) -> Result<ScanSummary> {
        if meta.repo.is_empty() || meta.branch.is_empty() {
            return Err(Error::Invalid(
                "a scan needs a repository and a branch name; pass --repo and --branch".into(),
            ));
        }
        self.write(|c| record(c, meta, findings, dedup))
    }

    /// Records several scans (the runs of one imported file) in one transaction: all of
    /// them are stored, or nothing changes.
    pub fn record_scans(
        &mut self,
        scans: &[(ScanMeta, Vec<NewFinding>)],
        dedup: bool,
    ) -> Result<Vec<ScanSummary>> {
        if scans
            .iter()
            .any(|(m, _)| m.repo.is_empty() || m.branch.is_empty())
        {
            return Err(Error::Invalid(
                "a scan needs a repository and a branch name; pass --repo and --branch".into(),
            ));
        }
        self.write(|c| {
            scans
                .iter()
                .map(|(meta, findings)| record(c, meta, findings, dedup))
                .collect()
        })
    }

    /// Reopens accepted risks whose expiry has passed (recorded in the audit log).
    pub fn expire_risks(&mut self, now: i64) -> Result<u64> {
        self.write(|c| expire(c, now))
    }

    /// The findings whose fingerprint starts with `prefix` (in `repo`, if given): exactly
    /// one, or an error naming the problem.
    pub fn resolve(&mut self, prefix: &str, repo: Option<&str>) -> Result<Target> {
        let prefix = prefix.trim();
        if prefix.len() < 4 {
            return Err(Error::Invalid(format!(
                "`{prefix}`: give at least 4 characters of a fingerprint"
            )));
        }
        let rows = match repo {
            Some(r) => self.conn.query(
                "SELECT DISTINCT repo, fingerprint FROM findings WHERE fingerprint >= $1 AND fingerprint < $2 AND repo = $3 ORDER BY repo, fingerprint LIMIT 6",
                &[prefix.into(), prefix_end(prefix).into(), r.into()],
            )?,
            None => self.conn.query(
                "SELECT DISTINCT repo, fingerprint FROM findings WHERE fingerprint >= $1 AND fingerprint < $2 ORDER BY repo, fingerprint LIMIT 6",
                &[prefix.into(), prefix_end(prefix).into()],
            )?,
        };
        let targets: Vec<Target> = rows
            .iter()
            .map(|r| Target {
                repo: r[0].text().unwrap_or_default(),
                fingerprint: r[1].text().unwrap_or_default(),
            })
            .collect();
        // An exact fingerprint wins over longer ones it prefixes.
        let exact: Vec<&Target> = targets.iter().filter(|t| t.fingerprint == prefix).collect();
        match (targets.len(), exact.len()) {
            (0, _) => Err(Error::NoMatch(prefix.to_owned())),
            (1, _) => Ok(targets[0].clone()),
            (_, 1) => Ok(exact[0].clone()),
            _ => Err(Error::Ambiguous {
                prefix: prefix.to_owned(),
                candidates: targets
                    .iter()
                    .take(5)
                    .map(|t| format!("{} in {}", t.fingerprint, t.repo))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Sets the triage state of findings (every branch of their repository), in one
    /// transaction, each change in the audit log.
    pub fn set_state(
        &mut self,
        targets: &[Target],
        state: TriageState,
        reason: &str,
        expires: Option<i64>,
        actor: &str,
        now: i64,
    ) -> Result<u64> {
        if reason.trim().is_empty() {
            return Err(Error::Invalid(
                "a triage decision needs a reason (--reason TEXT)".into(),
            ));
        }
        if expires.is_some() && state != TriageState::AcceptedRisk {
            return Err(Error::Invalid(
                "--expires is for --state accepted-risk only".into(),
            ));
        }
        if let Some(e) = expires
            && e <= now
        {
            return Err(Error::Invalid(format!(
                "--expires {} is not in the future",
                time::format_date(e)
            )));
        }
        self.write(|c| {
            let mut changed = 0;
            for t in targets {
                let old = c.query(
                    "SELECT state, expires FROM findings WHERE fingerprint = $1 AND repo = $2 ORDER BY state_at DESC LIMIT 1",
                    &[t.fingerprint.as_str().into(), t.repo.as_str().into()],
                )?;
                let Some(old) = old.first() else {
                    return Err(Error::NoMatch(t.fingerprint.clone()));
                };
                changed += c.exec(
                    "UPDATE findings SET state = $1, reason = $2, expires = $3, state_at = $4 WHERE fingerprint = $5 AND repo = $6",
                    &[
                        state.as_str().into(),
                        reason.into(),
                        expires.into(),
                        now.into(),
                        t.fingerprint.as_str().into(),
                        t.repo.as_str().into(),
                    ],
                )?;
                let new_value = match expires {
                    Some(e) => format!("{} until {}", state.as_str(), time::format_date(e)),
                    None => state.as_str().to_owned(),
                };
                audit(
                    c,
                    now,
                    actor,
                    t,
                    "state",
                    old[0].text(),
                    Some(new_value),
                    Some(reason),
                )?;
            }
            Ok(changed)
        })
    }

    /// Assigns a finding (every branch of its repository) to someone.
    pub fn assign(&mut self, target: &Target, to: &str, actor: &str, now: i64) -> Result<u64> {
        if to.trim().is_empty() {
            return Err(Error::Invalid("--to needs a name or e-mail".into()));
        }
        self.write(|c| {
            let old = c.query(
                "SELECT assignee FROM findings WHERE fingerprint = $1 AND repo = $2 ORDER BY state_at DESC LIMIT 1",
                &[target.fingerprint.as_str().into(), target.repo.as_str().into()],
            )?;
            let Some(old) = old.first() else {
                return Err(Error::NoMatch(target.fingerprint.clone()));
            };
            let n = c.exec(
                "UPDATE findings SET assignee = $1, state_at = COALESCE(state_at, $2) WHERE fingerprint = $3 AND repo = $4",
                &[
                    to.into(),
                    now.into(),
                    target.fingerprint.as_str().into(),
                    target.repo.as_str().into(),
                ],
            )?;
            audit(c, now, actor, target, "assign", old[0].text(), Some(to.to_owned()), None)?;
            Ok(n)
        })
    }

    /// The audit log of a finding, oldest first.
    pub fn history(&mut self, target: &Target) -> Result<Vec<AuditEntry>> {
        let rows = self.conn.query(
            "SELECT at, actor, repo, fingerprint, branch, action, old_value, new_value, reason, scan_id FROM audit WHERE fingerprint = $1 AND repo = $2 ORDER BY id",
            &[target.fingerprint.as_str().into(), target.repo.as_str().into()],
        )?;
        Ok(rows
            .iter()
            .map(|r| AuditEntry {
                at: r[0].int().unwrap_or(0),
                actor: r[1].text().unwrap_or_default(),
                repo: r[2].text().unwrap_or_default(),
                fingerprint: r[3].text().unwrap_or_default(),
                branch: r[4].text(),
                action: r[5].text().unwrap_or_default(),
                old_value: r[6].text(),
                new_value: r[7].text(),
                reason: r[8].text(),
                scan_id: r[9].int(),
            })
            .collect())
    }

    /// The stored rows of one fingerprint (every branch).
    pub fn get(&mut self, target: &Target) -> Result<Vec<StoredFinding>> {
        let rows = self.conn.query(
            &format!("SELECT {COLUMNS} FROM findings WHERE fingerprint = $1 AND repo = $2 ORDER BY branch"),
            &[target.fingerprint.as_str().into(), target.repo.as_str().into()],
        )?;
        Ok(rows.iter().map(stored).collect())
    }

    /// Findings matching `filter`, worst and oldest first, and how many matched in all.
    pub fn list(&mut self, filter: &Filter, now: i64) -> Result<(Vec<StoredFinding>, u64)> {
        let mut wheres: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        let p = |v: Value, params: &mut Vec<Value>| {
            params.push(v);
            format!("${}", params.len())
        };
        if let Some(r) = &filter.repo {
            wheres.push(format!("repo = {}", p(r.as_str().into(), &mut params)));
        }
        if let Some(b) = &filter.branch {
            wheres.push(format!("branch = {}", p(b.as_str().into(), &mut params)));
        }
        if let Some(within) = &filter.within {
            if within.is_empty() {
                wheres.push("1 = 0".into());
            } else {
                let mut ps = Vec::new();
                for r in within {
                    ps.push(p(r.as_str().into(), &mut params));
                }
                wheres.push(format!("repo IN ({})", ps.join(", ")));
            }
        }
        if let Some(t) = filter.first_seen_before {
            wheres.push(format!("first_seen < {}", p(t.into(), &mut params)));
        }
        // One semi-join of the owner's rows and the assignee's: both backends read the
        // two indexes and then only those findings (an `OR` of the two made PostgreSQL
        // scan every open finding).
        if let Some(o) = &filter.owner {
            let pat = p(o.as_str().into(), &mut params);
            let eq = p(o.as_str().into(), &mut params);
            wheres.push(format!(
                "id IN (SELECT finding FROM finding_owners WHERE owner = {pat} UNION SELECT id FROM findings WHERE assignee = {eq})"
            ));
        }
        let in_list = |col: &str, items: Vec<Value>, params: &mut Vec<Value>| {
            let mut ps = Vec::new();
            for v in items {
                params.push(v);
                ps.push(format!("${}", params.len()));
            }
            format!("{col} IN ({})", ps.join(", "))
        };
        if !filter.states.is_empty() {
            let items = filter.states.iter().map(|s| s.as_str().into()).collect();
            wheres.push(in_list("state", items, &mut params));
        }
        let lifecycles: Vec<Lifecycle> = if filter.lifecycles.is_empty() {
            vec![Lifecycle::New, Lifecycle::Open, Lifecycle::Reopened]
        } else {
            filter.lifecycles.clone()
        };
        let mut sorted = lifecycles.clone();
        sorted.sort();
        sorted.dedup();
        if sorted == [Lifecycle::New, Lifecycle::Open, Lifecycle::Reopened] {
            // The default, written as the partial indexes' condition so that they are used.
            wheres.push("lifecycle <> 'fixed'".into());
        } else if sorted.len() < Lifecycle::ALL.len() {
            let items = lifecycles.iter().map(|s| s.as_str().into()).collect();
            wheres.push(in_list("lifecycle", items, &mut params));
        }
        if !filter.severities.is_empty() {
            let items = filter
                .severities
                .iter()
                .map(|s| severity_int(*s).into())
                .collect();
            wheres.push(in_list("severity", items, &mut params));
        }
        if !filter.engines.is_empty() {
            let items = filter.engines.iter().map(|s| s.as_str().into()).collect();
            wheres.push(in_list("engine", items, &mut params));
        }
        if !filter.rules.is_empty() {
            let items = filter.rules.iter().map(|s| s.as_str().into()).collect();
            wheres.push(in_list("rule", items, &mut params));
        }
        if let Some(sla) = &filter.overdue {
            let mut ors = Vec::new();
            for s in Severity::ALL {
                if let Some(days) = sla.days(s) {
                    let sev = p(severity_int(s).into(), &mut params);
                    let cut = p((now - i64::from(days) * 86_400).into(), &mut params);
                    ors.push(format!("(severity = {sev} AND first_seen < {cut})"));
                }
            }
            if ors.is_empty() {
                ors.push("1 = 0".into());
            }
            wheres.push("state IN ('open', 'confirmed')".into());
            wheres.push("lifecycle <> 'fixed'".into());
            wheres.push(format!("({})", ors.join(" OR ")));
        }
        let where_sql = if wheres.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wheres.join(" AND "))
        };
        // SQLite without statistics would answer a page of the default listing by reading
        // every open finding through the status index and sorting them; `+col` keeps the
        // unselective status terms off the index so the page is read in `findings_worst`
        // order and stops at the limit (PostgreSQL's planner has statistics).
        let page_where = if self.conn.dialect() == Dialect::Sqlite {
            where_sql
                .replace("lifecycle IN", "+lifecycle IN")
                .replace("state IN", "+state IN")
        } else {
            where_sql.clone()
        };
        let count_sql = if filter.count_limit > 0 {
            format!(
                "SELECT count(*) FROM (SELECT 1 FROM findings{page_where} LIMIT {}) AS capped",
                filter.count_limit
            )
        } else {
            format!("SELECT count(*) FROM findings{where_sql}")
        };
        let count = self
            .conn
            .query(&count_sql, &params)?
            .first()
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        let limit = match (filter.limit, filter.offset) {
            (0, 0) => String::new(),
            (0, o) if self.conn.dialect() == Dialect::Sqlite => format!(" LIMIT -1 OFFSET {o}"),
            (0, o) => format!(" LIMIT ALL OFFSET {o}"),
            (l, 0) => format!(" LIMIT {l}"),
            (l, o) => format!(" LIMIT {l} OFFSET {o}"),
        };
        let rows = self.conn.query(
            &format!(
                "SELECT {COLUMNS} FROM findings{page_where} ORDER BY severity DESC, first_seen, id{limit}"
            ),
            &params,
        )?;
        Ok((rows.iter().map(stored).collect(), count.max(0) as u64))
    }

    /// The open-finding counts of the last `limit` scans of a repository and branch,
    /// oldest first. Scans recorded before schema version 2 have none and are left out.
    pub fn trend(&mut self, repo: &str, branch: &str, limit: usize) -> Result<Vec<TrendScan>> {
        let rows = self.conn.query(
            &format!(
                "SELECT id, started_at, open_info, open_low, open_medium, open_high, open_critical FROM scans \
                 WHERE repo = $1 AND branch = $2 AND open_critical IS NOT NULL ORDER BY id DESC LIMIT {limit}"
            ),
            &[repo.into(), branch.into()],
        )?;
        let mut out: Vec<TrendScan> = rows
            .iter()
            .map(|r| {
                let n = |i: usize| r[i].int().unwrap_or(0).max(0) as u64;
                TrendScan {
                    scan_id: r[0].int().unwrap_or(0),
                    time: r[1].int().unwrap_or(0),
                    counts: [n(2), n(3), n(4), n(5), n(6)],
                }
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// The scans recorded, newest first (of one repository, if given).
    pub fn scans(&mut self, repo: Option<&str>, limit: usize) -> Result<Vec<ScanRecord>> {
        let sql = "SELECT id, repo, branch, commit_id, tool, tool_version, started_at, recorded_by, findings FROM scans";
        let rows = match repo {
            Some(r) => self.conn.query(
                &format!("{sql} WHERE repo = $1 ORDER BY id DESC LIMIT {limit}"),
                &[r.into()],
            )?,
            None => self
                .conn
                .query(&format!("{sql} ORDER BY id DESC LIMIT {limit}"), &[])?,
        };
        Ok(rows
            .iter()
            .map(|r| ScanRecord {
                id: r[0].int().unwrap_or(0),
                repo: r[1].text().unwrap_or_default(),
                branch: r[2].text().unwrap_or_default(),
                commit: r[3].text(),
                tool: r[4].text().unwrap_or_default(),
                tool_version: r[5].text().unwrap_or_default(),
                time: r[6].int().unwrap_or(0),
                by: r[7].text().unwrap_or_default(),
                findings: r[8].int().unwrap_or(0).max(0) as u64,
            })
            .collect())
    }
}

/// The findings a recorded scan left open (not fixed; open or confirmed) in its
/// repository and branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendScan {
    pub scan_id: i64,
    /// When the scan ran (seconds since the Unix epoch).
    pub time: i64,
    /// By severity, info first (the order of `Severity::ALL`).
    pub counts: [u64; 5],
}

/// One recorded scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRecord {
    pub id: i64,
    pub repo: String,
    pub branch: String,
    pub commit: Option<String>,
    pub tool: String,
    pub tool_version: String,
    pub time: i64,
    pub by: String,
    pub findings: u64,
}

/// Adds the owner rows of finding `id` (already present ones are kept).
pub(crate) fn insert_owners<'a>(
    c: &mut dyn Conn,
    id: i64,
    owners: impl Iterator<Item = &'a str>,
) -> Result<()> {
    for o in owners {
        c.exec(
            "INSERT INTO finding_owners (owner, finding) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[o.into(), id.into()],
        )?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn audit(
    c: &mut dyn Conn,
    at: i64,
    actor: &str,
    t: &Target,
    action: &str,
    old: Option<String>,
    new: Option<String>,
    reason: Option<&str>,
) -> Result<()> {
    c.exec(
        "INSERT INTO audit (at, actor, repo, fingerprint, action, old_value, new_value, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            at.into(),
            actor.into(),
            t.repo.as_str().into(),
            t.fingerprint.as_str().into(),
            action.into(),
            old.into(),
            new.into(),
            reason.into(),
        ],
    )?;
    Ok(())
}

fn expire(c: &mut dyn Conn, now: i64) -> Result<u64> {
    let rows = c.query(
        "SELECT DISTINCT repo, fingerprint, expires FROM findings WHERE state = 'accepted-risk' AND expires IS NOT NULL AND expires <= $1",
        &[now.into()],
    )?;
    for r in &rows {
        let t = Target {
            repo: r[0].text().unwrap_or_default(),
            fingerprint: r[1].text().unwrap_or_default(),
        };
        let until = r[2].int().map(time::format_date).unwrap_or_default();
        audit(
            c,
            now,
            "palisade",
            &t,
            "state",
            Some(format!("accepted-risk until {until}")),
            Some("open".into()),
            Some("the risk acceptance expired"),
        )?;
    }
    c.exec(
        "UPDATE findings SET state = 'open', expires = NULL, state_at = $1 WHERE state = 'accepted-risk' AND expires IS NOT NULL AND expires <= $1",
        &[now.into()],
    )
}

/// Where palisade's own finding is, to compare imported results against.
struct Known {
    fingerprint: String,
    rule: String,
    evidence: Option<String>,
    cwe: Vec<u32>,
}

fn parse_cwe(s: &str) -> Vec<u32> {
    s.split(',').filter_map(|x| x.parse().ok()).collect()
}

pub(crate) fn record(
    c: &mut dyn Conn,
    meta: &ScanMeta,
    findings: &[NewFinding],
    dedup: bool,
) -> Result<ScanSummary> {
    let now = meta.time;
    let scan_id = c
        .query(
            "INSERT INTO scans (repo, branch, commit_id, tool, tool_version, started_at, recorded_by, source, findings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                meta.repo.as_str().into(),
                meta.branch.as_str().into(),
                meta.commit.clone().into(),
                meta.tool.as_str().into(),
                meta.tool_version.as_str().into(),
                now.into(),
                meta.by.as_str().into(),
                meta.source.clone().into(),
                (findings.len() as i64).into(),
            ],
        )?
        .first()
        .and_then(|r| r[0].int())
        .ok_or_else(|| Error::Database {
            store: c.describe(),
            detail: "no scan id returned".into(),
        })?;

    let mut summary = ScanSummary {
        scan_id,
        ..ScanSummary::default()
    };

    // Imports: palisade's own findings at each place, to deduplicate against.
    let mut known: HashMap<(String, u32), Vec<Known>> = HashMap::new();
    if dedup && meta.tool != "palisade" {
        let rows = c.query(
            "SELECT fingerprint, rule, path, line, evidence, cwe FROM findings WHERE repo = $1 AND branch = $2 AND tool = 'palisade' AND lifecycle <> 'fixed'",
            &[meta.repo.as_str().into(), meta.branch.as_str().into()],
        )?;
        for r in rows {
            let line = u32::try_from(r[3].int().unwrap_or(0)).unwrap_or(0);
            known
                .entry((r[2].text().unwrap_or_default(), line))
                .or_default()
                .push(Known {
                    fingerprint: r[0].text().unwrap_or_default(),
                    rule: r[1].text().unwrap_or_default(),
                    evidence: r[4].text(),
                    cwe: parse_cwe(&r[5].text().unwrap_or_default()),
                });
        }
    }

    let upsert = "INSERT INTO findings (repo, branch, fingerprint, tool, rule, engine, severity, message, path, line, evidence, cwe, owners, lifecycle, first_seen, last_seen, first_scan, last_scan) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'new', $14, $14, $15, $15) \
        ON CONFLICT (fingerprint, repo, branch) DO UPDATE SET \
        lifecycle = CASE WHEN findings.last_scan = excluded.last_scan THEN findings.lifecycle WHEN findings.lifecycle = 'fixed' THEN 'reopened' ELSE 'open' END, \
        fixed_at = NULL, last_seen = excluded.last_seen, last_scan = excluded.last_scan, \
        rule = excluded.rule, engine = excluded.engine, severity = excluded.severity, message = excluded.message, \
        path = excluded.path, line = excluded.line, evidence = excluded.evidence, cwe = excluded.cwe \
        RETURNING id, owners, first_scan";
    let engine_of = |rule: &str, tool: &str| -> String {
        if tool == "palisade" || tool == "palisade-git" {
            rule.split_once('/').map_or(rule, |(e, _)| e).to_owned()
        } else {
            tool.to_owned()
        }
    };
    for f in findings {
        if dedup && meta.tool != "palisade" {
            let same = known.get(&(f.path.clone(), f.line)).and_then(|ks| {
                ks.iter().find(|k| {
                    let rule_agrees = k.rule == f.rule || k.cwe.iter().any(|x| f.cwe.contains(x));
                    let evidence_agrees = match (&k.evidence, &f.evidence) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    };
                    rule_agrees && evidence_agrees
                })
            });
            if let Some(k) = same {
                c.exec(
                    "UPDATE findings SET also_found_by = also_found_by || $1 WHERE fingerprint = $2 AND repo = $3 AND branch = $4 AND also_found_by NOT LIKE $5",
                    &[
                        format!("{},", meta.tool).into(),
                        k.fingerprint.as_str().into(),
                        meta.repo.as_str().into(),
                        meta.branch.as_str().into(),
                        format!("%{},%", like_escape(&meta.tool)).into(),
                    ],
                )?;
                summary.deduplicated += 1;
                continue;
            }
        }
        let cwe = f
            .cwe
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let owners = join_list(&f.owners);
        let rows = c.query(
            upsert,
            &[
                meta.repo.as_str().into(),
                meta.branch.as_str().into(),
                f.fingerprint.as_str().into(),
                meta.tool.as_str().into(),
                f.rule.as_str().into(),
                engine_of(&f.rule, &meta.tool).into(),
                severity_int(f.severity).into(),
                f.message.as_str().into(),
                f.path.as_str().into(),
                i64::from(f.line).into(),
                f.evidence.clone().into(),
                cwe.into(),
                owners.as_str().into(),
                now.into(),
                scan_id.into(),
            ],
        )?;
        // The owner rows follow the `owners` text; the upsert leaves it as it was, so a
        // change is seen here (and costs nothing when nothing changed).
        if let Some(r) = rows.first() {
            let id = r[0].int().unwrap_or(0);
            let inserted = r[2].int() == Some(scan_id);
            let old = r[1].text().unwrap_or_default();
            if old != owners {
                c.exec(
                    "UPDATE findings SET owners = $1 WHERE id = $2",
                    &[owners.as_str().into(), id.into()],
                )?;
                c.exec(
                    "DELETE FROM finding_owners WHERE finding = $1",
                    &[id.into()],
                )?;
                insert_owners(c, id, f.owners.iter().map(String::as_str))?;
            } else if inserted && !f.owners.is_empty() {
                insert_owners(c, id, f.owners.iter().map(String::as_str))?;
            }
        }
    }

    let scope = |extra: Vec<Value>| -> Vec<Value> {
        let mut v: Vec<Value> = vec![
            now.into(),
            meta.by.as_str().into(),
            scan_id.into(),
            meta.repo.as_str().into(),
            meta.branch.as_str().into(),
        ];
        v.extend(extra);
        v
    };
    // First seen here: the audit log, and the decisions other branches already made.
    summary.new = c.exec(
        "INSERT INTO audit (at, actor, repo, fingerprint, branch, action, new_value, scan_id) \
         SELECT CAST($1 AS BIGINT), CAST($2 AS TEXT), repo, fingerprint, branch, 'lifecycle', 'new', CAST($3 AS BIGINT) FROM findings \
         WHERE repo = $4 AND branch = $5 AND first_scan = $3",
        &scope(vec![]),
    )?;
    if summary.new > 0 {
        c.exec(
            "UPDATE findings SET (state, reason, expires, assignee, state_at) = \
             (SELECT s.state, s.reason, s.expires, s.assignee, s.state_at FROM findings s \
              WHERE s.fingerprint = findings.fingerprint AND s.repo = findings.repo AND s.branch <> findings.branch AND s.state_at IS NOT NULL \
              ORDER BY s.state_at DESC LIMIT 1) \
             WHERE repo = $1 AND branch = $2 AND first_scan = $3 AND EXISTS \
             (SELECT 1 FROM findings s WHERE s.fingerprint = findings.fingerprint AND s.repo = findings.repo AND s.branch <> findings.branch AND s.state_at IS NOT NULL)",
            &[
                meta.repo.as_str().into(),
                meta.branch.as_str().into(),
                scan_id.into(),
            ],
        )?;
    }
    summary.reopened = c.exec(
        "INSERT INTO audit (at, actor, repo, fingerprint, branch, action, old_value, new_value, scan_id) \
         SELECT CAST($1 AS BIGINT), CAST($2 AS TEXT), repo, fingerprint, branch, 'lifecycle', 'fixed', 'reopened', CAST($3 AS BIGINT) FROM findings \
         WHERE repo = $4 AND branch = $5 AND last_scan = $3 AND lifecycle = 'reopened'",
        &scope(vec![]),
    )?;
    // A finding a person marked fixed that a scan sees again is open again.
    c.exec(
        "INSERT INTO audit (at, actor, repo, fingerprint, branch, action, old_value, new_value, reason, scan_id) \
         SELECT CAST($1 AS BIGINT), CAST($2 AS TEXT), repo, fingerprint, branch, 'state', 'fixed', 'open', 'seen again by a scan', CAST($3 AS BIGINT) FROM findings \
         WHERE repo = $4 AND branch = $5 AND last_scan = $3 AND state = 'fixed'",
        &scope(vec![]),
    )?;
    c.exec(
        "UPDATE findings SET state = 'open', state_at = $1 WHERE repo = $2 AND branch = $3 AND last_scan = $4 AND state = 'fixed'",
        &[
            now.into(),
            meta.repo.as_str().into(),
            meta.branch.as_str().into(),
            scan_id.into(),
        ],
    )?;
    // Not seen by this tool on this branch any more: fixed.
    c.exec(
        "INSERT INTO audit (at, actor, repo, fingerprint, branch, action, old_value, new_value, scan_id) \
         SELECT CAST($1 AS BIGINT), CAST($2 AS TEXT), repo, fingerprint, branch, 'lifecycle', lifecycle, 'fixed', CAST($3 AS BIGINT) FROM findings \
         WHERE repo = $4 AND branch = $5 AND tool = $6 AND lifecycle <> 'fixed' AND last_scan <> $3",
        &scope(vec![meta.tool.as_str().into()]),
    )?;
    summary.fixed = c.exec(
        "UPDATE findings SET lifecycle = 'fixed', fixed_at = $1 \
         WHERE repo = $2 AND branch = $3 AND tool = $4 AND lifecycle <> 'fixed' AND last_scan <> $5",
        &[
            now.into(),
            meta.repo.as_str().into(),
            meta.branch.as_str().into(),
            meta.tool.as_str().into(),
            scan_id.into(),
        ],
    )?;
    let seen = c
        .query(
            "SELECT count(*) FROM findings WHERE repo = $1 AND branch = $2 AND last_scan = $3",
            &[
                meta.repo.as_str().into(),
                meta.branch.as_str().into(),
                scan_id.into(),
            ],
        )?
        .first()
        .and_then(|r| r[0].int())
        .unwrap_or(0)
        .max(0) as u64;
    summary.open = seen.saturating_sub(summary.new + summary.reopened);
    expire(c, now)?;
    // What this scan leaves to do in its repository and branch, for trend charts.
    let mut counts = [0i64; 5];
    for r in c.query(
        "SELECT severity, count(*) FROM findings WHERE repo = $1 AND branch = $2 AND lifecycle <> 'fixed' AND state IN ('open', 'confirmed') GROUP BY severity",
        &[meta.repo.as_str().into(), meta.branch.as_str().into()],
    )? {
        if let (Some(sev), Some(n)) = (r[0].int(), r[1].int())
            && let Ok(i) = usize::try_from(sev)
            && i < counts.len()
        {
            counts[i] = n;
        }
    }
    c.exec(
        "UPDATE scans SET open_info = $1, open_low = $2, open_medium = $3, open_high = $4, open_critical = $5 WHERE id = $6",
        &[
            counts[0].into(),
            counts[1].into(),
            counts[2].into(),
            counts[3].into(),
            counts[4].into(),
            scan_id.into(),
        ],
    )?;
    Ok(summary)
}
