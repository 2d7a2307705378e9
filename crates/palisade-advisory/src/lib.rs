//! Reported vulnerabilities, from intake to disclosure: what a product-security team
//! running a disclosure program does with a report.
//!
//! - **Intake** ([`intake`]): a report from flags, a Markdown file with YAML front matter,
//!   JSON, or an e-mail (`.eml`, MIME parts; attachments kept as metadata, text ones with
//!   their text, binary ones never rendered). The imported file is kept whole.
//! - **States** ([`State`]): new, needs-more-info (closes by itself after the policy's
//!   period), triaged, duplicate (linked), not-applicable, informative, resolved,
//!   disclosed. Every change is appended to the audit log.
//! - **Duplicates** ([`dedup`]): against the other reports and the scanner findings in
//!   the same store, by component, CWE, endpoint/path and text similarity, with a score
//!   and the reasons.
//! - **Scoring** ([`scoring`]): CVSS v3.x/v4.0 through `palisade-cvss`, with what drives
//!   the score, and CISA's SSVC decision (track, track*, attend, act).
//! - **Timeline** ([`Policy`]): the disclosure deadline (90 days to fix + 30 to details, 7
//!   days when exploited in the wild, by default).
//! - **Publication** ([`export`]): OSV JSON, CSAF 2.0 (with VEX product status) and a
//!   GitHub security advisory draft in Markdown.
//!
//! ## Storage
//!
//! Reports live in the findings store's database (SQLite file or PostgreSQL), in tables of
//! their own with their own migration track (`advisory_schema`), so that the store's main
//! schema and this one evolve independently. See [`Advisories::open`].
//!
//! ## Crates, and why
//!
//! - `palisade-store`: opening the store first creates or checks its schema, and gives the
//!   default location and the time helpers; its connection is private, so this crate
//!   opens its own to the same URL with the same clients the store uses: `rusqlite`
//!   (bundled SQLite) and `postgres` (synchronous client).
//! - `palisade-cvss`: the scores, verified against reference vectors there.
//! - `mailparse`: a pure-Rust MIME parser (headers, RFC 2047 words, quoted-printable and
//!   base64 bodies, nested multiparts), small and without C dependencies; e-mail is the
//!   most common way a report arrives.
//! - `serde-saphyr`: the workspace's YAML reader (front matter), pure Rust and bounded.
//! - `serde_json`, `sha2`/`hex`: the JSON formats, attachment digests.

pub mod db;
pub mod dedup;
pub mod export;
pub mod intake;
mod model;
pub mod scoring;
pub mod text;

use std::collections::BTreeMap;

pub use model::{Attachment, Exploitation, Level, Report, SsvcInputs, State};

use db::{Db, Val};

/// Why an advisory operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Store(#[from] palisade_store::Error),
    #[error("{store}: {detail}")]
    Db { store: String, detail: String },
    #[error(
        "{store}: the advisory tables have schema version {found}, this palisade understands up to {supported}: upgrade palisade"
    )]
    NewerSchema {
        store: String,
        found: i64,
        supported: i64,
    },
    #[error("{store}: report {key} has unreadable data ({detail})")]
    BadRow {
        store: String,
        key: String,
        detail: String,
    },
    #[error("no report {0}; `palisade advisory list` shows the reports")]
    NotFound(String),
    #[error("{file}: {problem}")]
    Import { file: String, problem: String },
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The disclosure policy (`[advisory]` in palisade.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Days from receipt to the fix deadline.
    pub fix_days: u32,
    /// Days from the fix (or the missed deadline) to publishing the details.
    pub details_days: u32,
    /// Days to the deadline when the issue is exploited in the wild.
    pub exploited_days: u32,
    /// Days a report may wait in needs-more-info before it closes as not-applicable.
    pub needs_info_days: u32,
    /// Days before a deadline that `advisory due` starts listing it.
    pub remind_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fix_days: 90,
            details_days: 30,
            exploited_days: 7,
            needs_info_days: 14,
            remind_days: 14,
        }
    }
}

const DAY: i64 = 86_400;

/// A deadline of a report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    /// `fix`, `details` or `auto-close`.
    pub kind: &'static str,
    pub at: i64,
    /// Human explanation of the rule that set it.
    pub rule: String,
}

impl Policy {
    /// The fix deadline: receipt + 90 days (7 when exploited in the wild).
    pub fn fix_due(&self, r: &Report) -> i64 {
        let days = if r.exploited {
            self.exploited_days
        } else {
            self.fix_days
        };
        r.received + i64::from(days) * DAY
    }

    /// When the technical details may be published: 30 days after the fix when it came
    /// in time, else at the fix deadline (Project Zero's 90+30).
    pub fn details_due(&self, r: &Report) -> i64 {
        let fix_due = self.fix_due(r);
        match r.resolved_at {
            Some(at) if at <= fix_due => at + i64::from(self.details_days) * DAY,
            _ => fix_due,
        }
    }

    /// The next deadline of a report, if one runs.
    pub fn next_deadline(&self, r: &Report) -> Option<Deadline> {
        match r.state() {
            State::NeedsMoreInfo => Some(Deadline {
                kind: "auto-close",
                at: r.state_at + i64::from(self.needs_info_days) * DAY,
                rule: format!(
                    "closes as not-applicable {} days after asking for more information",
                    self.needs_info_days
                ),
            }),
            State::New | State::Triaged => Some(Deadline {
                kind: "fix",
                at: self.fix_due(r),
                rule: if r.exploited {
                    format!(
                        "exploited in the wild: fix within {} days of receipt",
                        self.exploited_days
                    )
                } else {
                    format!("fix within {} days of receipt", self.fix_days)
                },
            }),
            State::Resolved => Some(Deadline {
                kind: "details",
                at: self.details_due(r),
                rule: format!(
                    "publish the details {} days after the fix (or at the fix deadline if it was missed)",
                    self.details_days
                ),
            }),
            _ => None,
        }
    }
}

/// One line of a report's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

/// The file a report came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A scanner finding in the store, for duplicate detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    pub repo: String,
    pub fingerprint: String,
    pub rule: String,
    pub message: String,
    pub path: String,
    pub cwe: Vec<u32>,
}

/// The advisory tables of one store.
pub struct Advisories {
    db: Db,
}

/// Parses `CWE-79`, `cwe79`, `79`.
pub fn parse_cwe(s: &str) -> Option<u32> {
    let t = s.trim();
    let t = t
        .strip_prefix("CWE-")
        .or_else(|| t.strip_prefix("cwe-"))
        .or_else(|| t.strip_prefix("CWE"))
        .or_else(|| t.strip_prefix("cwe"))
        .unwrap_or(t);
    t.trim().parse().ok().filter(|n| *n > 0)
}

fn row_report(db: &Db, r: &[Val]) -> Result<Report> {
    let key = r[0].text().unwrap_or_default();
    let data = r[1].text().unwrap_or_default();
    serde_json::from_str(&data).map_err(|e| Error::BadRow {
        store: db.describe().to_owned(),
        key,
        detail: e.to_string(),
    })
}

/// The fields compared for the audit log, by name, as JSON.
fn fields(r: &Report) -> BTreeMap<String, serde_json::Value> {
    match serde_json::to_value(r) {
        Ok(serde_json::Value::Object(m)) => m.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

fn show_value(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl Advisories {
    /// Opens the store at `url` (an SQLite path or a `postgres://` URL), creating or
    /// migrating the store's schema and then the advisory tables.
    ///
    /// # Errors
    ///
    /// The store's errors (not a store, corrupted, newer schema), a connection failure,
    /// or advisory tables written by a newer palisade.
    pub fn open(url: &str) -> Result<Advisories> {
        drop(palisade_store::Store::open(url)?);
        let mut db = Db::open(url)?;
        db.migrate(db::ADVISORY_SCHEMA_VERSION)?;
        Ok(Advisories { db })
    }

    /// Opens at an older advisory schema version (tests of migrations).
    #[doc(hidden)]
    pub fn open_at_version(url: &str, version: i64) -> Result<Advisories> {
        drop(palisade_store::Store::open(url)?);
        let mut db = Db::open(url)?;
        db.migrate(version)?;
        Ok(Advisories { db })
    }

    /// Where the store is (no password).
    pub fn describe(&self) -> String {
        self.db.describe().to_owned()
    }

    /// Stores a new report (its key is assigned here: `ADV-<year>-<n>`), with the file it
    /// came from, and logs its creation.
    ///
    /// # Errors
    ///
    /// Database errors; nothing is stored then.
    pub fn create(
        &mut self,
        mut report: Report,
        source: Option<&Source>,
        actor: &str,
        now: i64,
    ) -> Result<Report> {
        let year = &palisade_store::time::format_date(report.received)[..4];
        let prefix = format!("ADV-{year}-");
        self.db.write(|db| {
            let rows = db.query(
                "SELECT key FROM advisory_reports WHERE key LIKE $1",
                &[format!("{prefix}%").into()],
            )?;
            let next = rows
                .iter()
                .filter_map(|r| r[0].text())
                .filter_map(|k| k.strip_prefix(&prefix).and_then(|n| n.parse::<u64>().ok()))
                .max()
                .unwrap_or(0)
                + 1;
            report.key = format!("{prefix}{next:04}");
            let state = report.state();
            report.state = Some(state);
            if report.state_at == 0 {
                report.state_at = now;
            }
            let data = serde_json::to_string(&report).map_err(|e| Error::Invalid(e.to_string()))?;
            db.exec(
                "INSERT INTO advisory_reports (key, state, received, state_at, updated_at, data) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    report.key.clone().into(),
                    state.as_str().into(),
                    report.received.into(),
                    report.state_at.into(),
                    now.into(),
                    data.into(),
                ],
            )?;
            audit(
                db,
                &report.key,
                now,
                actor,
                "created",
                None,
                Some(state.as_str().to_owned()),
                report.source.clone(),
            )?;
            if let Some(src) = source {
                let (encoding, content) = match std::str::from_utf8(&src.bytes) {
                    Ok(t) => ("utf-8", t.to_owned()),
                    Err(_) => ("hex", hex::encode(&src.bytes)),
                };
                let digest = {
                    use sha2::Digest;
                    hex::encode(sha2::Sha256::digest(&src.bytes))
                };
                db.exec(
                    "INSERT INTO advisory_sources (report, name, encoding, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        report.key.clone().into(),
                        src.name.clone().into(),
                        encoding.into(),
                        i64::try_from(src.bytes.len()).unwrap_or(i64::MAX).into(),
                        digest.into(),
                        content.into(),
                    ],
                )?;
            }
            Ok(report)
        })
    }

    /// The report `key` (case-insensitive).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], database errors.
    pub fn get(&mut self, key: &str) -> Result<Report> {
        let key = key.trim().to_ascii_uppercase();
        let rows = self.db.query(
            "SELECT key, data FROM advisory_reports WHERE key = $1",
            &[key.clone().into()],
        )?;
        match rows.first() {
            Some(r) => row_report(&self.db, r),
            None => Err(Error::NotFound(key)),
        }
    }

    /// Every report in `states` (all when empty), oldest first.
    ///
    /// # Errors
    ///
    /// Database errors, a row that does not read.
    pub fn list(&mut self, states: &[State]) -> Result<Vec<Report>> {
        let rows = self.db.query(
            "SELECT key, data, state FROM advisory_reports ORDER BY received, id",
            &[],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            let state = r[2].text().and_then(|s| State::parse(&s));
            if !states.is_empty() && !state.is_some_and(|s| states.contains(&s)) {
                continue;
            }
            out.push(row_report(&self.db, r)?);
        }
        Ok(out)
    }

    /// Changes a report with `change` and logs every field that changed (old and new
    /// value, who, when, why). A state change stamps `state_at`; `resolved` stamps
    /// `resolved_at` when unset.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::Invalid`] from `change` (nothing is stored then),
    /// database errors.
    pub fn update(
        &mut self,
        key: &str,
        actor: &str,
        now: i64,
        reason: Option<&str>,
        change: impl FnOnce(&mut Report) -> Result<()>,
    ) -> Result<Report> {
        let key = key.trim().to_ascii_uppercase();
        self.db.write(|db| {
            let rows = db.query(
                "SELECT key, data FROM advisory_reports WHERE key = $1",
                &[key.clone().into()],
            )?;
            let old = match rows.first() {
                Some(r) => row_report(db, r)?,
                None => return Err(Error::NotFound(key.clone())),
            };
            let mut new = old.clone();
            change(&mut new)?;
            new.key = old.key.clone();
            if new.state() != old.state() {
                new.state_at = now;
                if new.state() == State::Resolved && new.resolved_at.is_none() {
                    new.resolved_at = Some(now);
                }
            }
            let (before, after) = (fields(&old), fields(&new));
            for (name, value) in &after {
                let prev = before.get(name).unwrap_or(&serde_json::Value::Null);
                if prev == value || name == "state_at" {
                    continue;
                }
                let action = if name == "state" {
                    "state".to_owned()
                } else {
                    format!("set {name}")
                };
                audit(
                    db,
                    &new.key,
                    now,
                    actor,
                    &action,
                    show_value(prev),
                    show_value(value),
                    reason.map(str::to_owned),
                )?;
            }
            let data = serde_json::to_string(&new).map_err(|e| Error::Invalid(e.to_string()))?;
            db.exec(
                "UPDATE advisory_reports SET state = $1, received = $2, state_at = $3, updated_at = $4, data = $5 WHERE key = $6",
                &[
                    new.state().as_str().into(),
                    new.received.into(),
                    new.state_at.into(),
                    now.into(),
                    data.into(),
                    new.key.clone().into(),
                ],
            )?;
            Ok(new)
        })
    }

    /// Closes the reports that waited in needs-more-info longer than the policy allows
    /// (as not-applicable, logged as done by `palisade`). Returns their keys.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn auto_close(&mut self, policy: &Policy, now: i64) -> Result<Vec<String>> {
        let waiting = self.list(&[State::NeedsMoreInfo])?;
        let mut closed = Vec::new();
        for r in waiting {
            let due = r.state_at + i64::from(policy.needs_info_days) * DAY;
            if due <= now {
                let why = format!(
                    "no reply within {} days of asking for more information",
                    policy.needs_info_days
                );
                self.update(&r.key, "palisade", now, Some(&why), |r| {
                    r.state = Some(State::NotApplicable);
                    Ok(())
                })?;
                closed.push(r.key);
            }
        }
        Ok(closed)
    }

    /// Every change to a report, oldest first.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn history(&mut self, key: &str) -> Result<Vec<AuditEntry>> {
        let key = key.trim().to_ascii_uppercase();
        let rows = self.db.query(
            "SELECT at, actor, action, old_value, new_value, reason FROM advisory_audit WHERE report = $1 ORDER BY id",
            &[key.into()],
        )?;
        Ok(rows
            .iter()
            .map(|r| AuditEntry {
                at: r[0].int().unwrap_or(0),
                actor: r[1].text().unwrap_or_default(),
                action: r[2].text().unwrap_or_default(),
                old_value: r[3].text(),
                new_value: r[4].text(),
                reason: r[5].text(),
            })
            .collect())
    }

    /// The file a report was imported from, as stored.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn source(&mut self, key: &str) -> Result<Option<Source>> {
        let key = key.trim().to_ascii_uppercase();
        let rows = self.db.query(
            "SELECT name, encoding, content FROM advisory_sources WHERE report = $1",
            &[key.into()],
        )?;
        Ok(rows.first().map(|r| {
            let content = r[2].text().unwrap_or_default();
            let bytes = if r[1].text().as_deref() == Some("hex") {
                hex::decode(&content).unwrap_or_default()
            } else {
                content.into_bytes()
            };
            Source {
                name: r[0].text().unwrap_or_default(),
                bytes,
            }
        }))
    }

    /// The report an identical file (same SHA-256) was imported as, if any.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn imported_as(&mut self, bytes: &[u8]) -> Result<Option<String>> {
        use sha2::Digest;
        let digest = hex::encode(sha2::Sha256::digest(bytes));
        let rows = self.db.query(
            "SELECT report FROM advisory_sources WHERE sha256 = $1 ORDER BY report LIMIT 1",
            &[digest.into()],
        )?;
        Ok(rows.first().and_then(|r| r[0].text()))
    }

    /// The scanner findings not fixed, for duplicate detection (at most `limit`).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub fn findings(&mut self, limit: usize) -> Result<Vec<StoredFinding>> {
        let rows = self.db.query(
            "SELECT repo, fingerprint, rule, message, path, cwe FROM findings WHERE lifecycle <> 'fixed' ORDER BY id LIMIT $1",
            &[i64::try_from(limit).unwrap_or(i64::MAX).into()],
        )?;
        let mut seen = std::collections::BTreeSet::new();
        Ok(rows
            .iter()
            .filter_map(|r| {
                let f = StoredFinding {
                    repo: r[0].text().unwrap_or_default(),
                    fingerprint: r[1].text().unwrap_or_default(),
                    rule: r[2].text().unwrap_or_default(),
                    message: r[3].text().unwrap_or_default(),
                    path: r[4].text().unwrap_or_default(),
                    cwe: r[5]
                        .text()
                        .unwrap_or_default()
                        .split([',', ' '])
                        .filter_map(parse_cwe)
                        .collect(),
                };
                // One row per branch: the same fingerprint in a repository once.
                seen.insert((f.repo.clone(), f.fingerprint.clone()))
                    .then_some(f)
            })
            .collect())
    }
}

#[allow(clippy::too_many_arguments)]
fn audit(
    db: &mut Db,
    key: &str,
    at: i64,
    actor: &str,
    action: &str,
    old: Option<String>,
    new: Option<String>,
    reason: Option<String>,
) -> Result<()> {
    db.exec(
        "INSERT INTO advisory_audit (report, at, actor, action, old_value, new_value, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            key.into(),
            at.into(),
            actor.into(),
            action.into(),
            old.into(),
            new.into(),
            reason.into(),
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
