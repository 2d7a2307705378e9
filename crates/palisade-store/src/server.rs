//! What `palisade serve` keeps beside the findings (schema version 3): projects, their
//! upload tokens (only a SHA-256 of each secret), the people who log in and their roles,
//! the projects a developer owns, every accepted upload (for idempotent re-uploads) and
//! the dependency inventory of each project.
//!
//! Upload tokens are random secrets of at least 128 bits chosen by the caller; a plain
//! SHA-256 is the right hash for them (a slow password hash protects guessable secrets,
//! and would make every upload pay for it).

use sha2::Digest;

use crate::backend::{Conn, Row, Value};
use crate::{Error, Result, ScanMeta, ScanSummary, Severity, Sla, Store, severity_int};

/// A project: the `repo` its findings are recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub codeowners: Option<String>,
    pub codeowners_platform: Option<String>,
}

/// An upload token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub project: String,
    pub label: String,
    pub created_at: i64,
    pub created_by: String,
    pub revoked_at: Option<i64>,
    pub last_used: Option<i64>,
}

/// What a person may do on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Everything, including projects, tokens and users.
    Admin,
    /// Sees and triages every project.
    Appsec,
    /// Sees and triages the projects they own.
    Developer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Appsec, Role::Developer];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Appsec => "appsec",
            Role::Developer => "developer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A person who logs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub subject: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Role,
    pub owner_handle: Option<String>,
}

/// A component as an upload lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComponent {
    pub purl: String,
    pub name: String,
    pub version: String,
    pub ecosystem: String,
}

/// A component of a project's branch, found by an inventory search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub project: String,
    pub branch: String,
    pub purl: String,
    pub name: String,
    pub version: String,
    pub ecosystem: String,
}

/// One project on the overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectOverview {
    pub name: String,
    /// Open (or confirmed) findings not fixed, by severity, info first.
    pub open: [u64; 5],
    /// Of those, past their SLA.
    pub overdue: u64,
    /// The last scan's time.
    pub last_scan: Option<i64>,
}

/// What storing an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOutcome {
    pub upload_id: i64,
    /// The same upload (idempotency key) was stored before: nothing was recorded now, and
    /// `response` is the first answer.
    pub replayed: bool,
    pub response: String,
}

/// What an upload showed of a finding beyond the store's columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingDetail {
    pub fingerprint: String,
    /// The first line number of `snippet`.
    pub snippet_line: Option<u32>,
    pub snippet: Option<String>,
    /// The other locations, in order (`path:line`, a package URL or a URL): a taint
    /// finding's trace from source to sink.
    pub trace: Vec<String>,
    pub fix: Option<String>,
}

/// One upload, as [`Store::upload`] takes it.
#[derive(Debug, Clone)]
pub struct Upload<'a> {
    pub project: i64,
    /// The client's idempotency key, or a digest of what was sent.
    pub idem_key: &'a str,
    pub token: Option<i64>,
    pub format: &'a str,
    pub bytes: u64,
    pub scans: &'a [(ScanMeta, Vec<crate::NewFinding>)],
    /// The inventory of a branch (replaces the branch's previous one).
    pub components: Option<(&'a str, &'a [NewComponent])>,
    /// Deduplicate imported results against palisade's own (as `palisade import`).
    pub dedup: bool,
    /// Snippets, traces and fixes of the findings of `scans` (by fingerprint; every scan's
    /// repository and branch).
    pub details: &'a [FindingDetail],
    pub now: i64,
}

/// The hex SHA-256 of an upload token's secret: what the store keeps.
pub fn token_hash(secret: &str) -> String {
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

fn project_of(r: &Row) -> Project {
    Project {
        id: r[0].int().unwrap_or(0),
        name: r[1].text().unwrap_or_default(),
        created_at: r[2].int().unwrap_or(0),
        codeowners: r[3].text(),
        codeowners_platform: r[4].text(),
    }
}

fn user_of(r: &Row) -> User {
    User {
        subject: r[0].text().unwrap_or_default(),
        email: r[1].text(),
        name: r[2].text(),
        role: Role::parse(&r[3].text().unwrap_or_default()).unwrap_or(Role::Developer),
        owner_handle: r[4].text(),
    }
}

const PROJECT_COLUMNS: &str = "id, name, created_at, codeowners, codeowners_platform";
const USER_COLUMNS: &str = "subject, email, name, role, owner_handle";

fn valid_project_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
        && !name.starts_with(['/', '.']);
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "`{name}` is not a project name: use 1-200 letters, digits and - _ . / : @ (e.g. github.com/org/app)"
        )))
    }
}

fn in_clause(col: &str, items: &[String], params: &mut Vec<Value>) -> String {
    if items.is_empty() {
        return "1 = 0".into();
    }
    let mut ps = Vec::new();
    for i in items {
        params.push(i.as_str().into());
        ps.push(format!("${}", params.len()));
    }
    format!("{col} IN ({})", ps.join(", "))
}

impl Store {
    /// The project named `name`, created when new.
    pub fn create_project(&mut self, name: &str, by: &str, now: i64) -> Result<Project> {
        valid_project_name(name)?;
        self.write(|c| {
            c.exec(
                "INSERT INTO projects (name, created_at, created_by) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                &[name.into(), now.into(), by.into()],
            )?;
            project_by_name(c, name)?.ok_or_else(|| Error::Database {
                store: c.describe(),
                detail: "the project just created is missing".into(),
            })
        })
    }

    /// The project named `name`.
    pub fn project(&mut self, name: &str) -> Result<Option<Project>> {
        project_by_name(self.conn.as_mut(), name)
    }

    /// Every project, by name.
    pub fn projects(&mut self) -> Result<Vec<Project>> {
        let rows = self.conn.query(
            &format!("SELECT {PROJECT_COLUMNS} FROM projects ORDER BY name"),
            &[],
        )?;
        Ok(rows.iter().map(project_of).collect())
    }

    /// Sets (or clears) the CODEOWNERS text that routes a project's imported results.
    pub fn set_codeowners(
        &mut self,
        project: i64,
        text: Option<&str>,
        platform: Option<&str>,
    ) -> Result<()> {
        self.write(|c| {
            c.exec(
                "UPDATE projects SET codeowners = $1, codeowners_platform = $2 WHERE id = $3",
                &[text.into(), platform.into(), project.into()],
            )?;
            Ok(())
        })
    }

    /// Adds an upload token for `project`; the store keeps only its hash. Returns its id.
    pub fn add_token(
        &mut self,
        project: i64,
        secret: &str,
        label: &str,
        by: &str,
        now: i64,
    ) -> Result<i64> {
        if secret.len() < 22 {
            return Err(Error::Invalid(
                "an upload token needs at least 128 bits of randomness".into(),
            ));
        }
        let hash = token_hash(secret);
        self.write(|c| {
            c.query(
                "INSERT INTO project_tokens (project, token_hash, label, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[project.into(), hash.as_str().into(), label.into(), now.into(), by.into()],
            )?
            .first()
            .and_then(|r| r[0].int())
            .ok_or_else(|| Error::Database {
                store: c.describe(),
                detail: "no token id returned".into(),
            })
        })
    }

    /// Revokes a token; false when there is no such token or it was already revoked.
    pub fn revoke_token(&mut self, id: i64, now: i64) -> Result<bool> {
        self.write(|c| {
            Ok(c.exec(
                "UPDATE project_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                &[now.into(), id.into()],
            )? == 1)
        })
    }

    /// The tokens (of one project, if given), newest first.
    pub fn tokens(&mut self, project: Option<i64>) -> Result<Vec<TokenInfo>> {
        let sql = "SELECT t.id, p.name, t.label, t.created_at, t.created_by, t.revoked_at, t.last_used FROM project_tokens t JOIN projects p ON p.id = t.project";
        let rows = match project {
            Some(p) => self.conn.query(
                &format!("{sql} WHERE t.project = $1 ORDER BY t.id DESC"),
                &[p.into()],
            )?,
            None => self.conn.query(&format!("{sql} ORDER BY t.id DESC"), &[])?,
        };
        Ok(rows
            .iter()
            .map(|r| TokenInfo {
                id: r[0].int().unwrap_or(0),
                project: r[1].text().unwrap_or_default(),
                label: r[2].text().unwrap_or_default(),
                created_at: r[3].int().unwrap_or(0),
                created_by: r[4].text().unwrap_or_default(),
                revoked_at: r[5].int(),
                last_used: r[6].int(),
            })
            .collect())
    }

    /// The token id and project of a valid (not revoked) upload token secret.
    pub fn check_token(&mut self, secret: &str) -> Result<Option<(i64, Project)>> {
        let rows = self.conn.query(
            "SELECT t.id, p.id, p.name, p.created_at, p.codeowners, p.codeowners_platform FROM project_tokens t JOIN projects p ON p.id = t.project WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            &[token_hash(secret).into()],
        )?;
        Ok(rows
            .first()
            .map(|r| (r[0].int().unwrap_or(0), project_of(&r[1..].to_vec()))))
    }

    /// The stored answer of an earlier upload with this idempotency key, if any.
    pub fn find_upload(&mut self, project: i64, idem_key: &str) -> Result<Option<UploadOutcome>> {
        let rows = self.conn.query(
            "SELECT id, response FROM uploads WHERE project = $1 AND idem_key = $2",
            &[project.into(), idem_key.into()],
        )?;
        Ok(rows.first().map(|r| UploadOutcome {
            upload_id: r[0].int().unwrap_or(0),
            replayed: true,
            response: r[1].text().unwrap_or_default(),
        }))
    }

    /// Stores an upload in one transaction: its scans (the same recording as `scan
    /// --store` and `import`), its inventory and the answer `respond` makes of the scans'
    /// summaries. An upload whose idempotency key was stored before records nothing and
    /// returns the first answer.
    pub fn upload(
        &mut self,
        up: &Upload<'_>,
        respond: impl FnOnce(i64, &[ScanSummary]) -> String,
    ) -> Result<UploadOutcome> {
        if up
            .scans
            .iter()
            .any(|(m, _)| m.repo.is_empty() || m.branch.is_empty())
        {
            return Err(Error::Invalid(
                "a scan needs a repository and a branch name".into(),
            ));
        }
        self.write(|c| {
            if let Some(r) = c
                .query(
                    "SELECT id, response FROM uploads WHERE project = $1 AND idem_key = $2",
                    &[up.project.into(), up.idem_key.into()],
                )?
                .first()
            {
                return Ok(UploadOutcome {
                    upload_id: r[0].int().unwrap_or(0),
                    replayed: true,
                    response: r[1].text().unwrap_or_default(),
                });
            }
            let id = c
                .query(
                    "INSERT INTO uploads (project, idem_key, received_at, token, format, bytes, response) VALUES ($1, $2, $3, $4, $5, $6, '') RETURNING id",
                    &[
                        up.project.into(),
                        up.idem_key.into(),
                        up.now.into(),
                        up.token.into(),
                        up.format.into(),
                        i64::try_from(up.bytes).unwrap_or(i64::MAX).into(),
                    ],
                )?
                .first()
                .and_then(|r| r[0].int())
                .ok_or_else(|| Error::Database {
                    store: c.describe(),
                    detail: "no upload id returned".into(),
                })?;
            let mut summaries = Vec::with_capacity(up.scans.len());
            for (meta, findings) in up.scans {
                summaries.push(crate::record(c, meta, findings, up.dedup)?);
            }
            if let Some((branch, comps)) = up.components {
                c.exec(
                    "DELETE FROM components WHERE project = $1 AND branch = $2",
                    &[up.project.into(), branch.into()],
                )?;
                for k in comps {
                    c.exec(
                        "INSERT INTO components (project, branch, purl, name, version, ecosystem, upload) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                        &[
                            up.project.into(),
                            branch.into(),
                            k.purl.as_str().into(),
                            k.name.as_str().into(),
                            k.version.as_str().into(),
                            k.ecosystem.as_str().into(),
                            id.into(),
                        ],
                    )?;
                }
            }
            for (meta, _) in up.scans.iter().take(1) {
                for d in up.details {
                    let trace = if d.trace.is_empty() {
                        None
                    } else {
                        Some(d.trace.join("\n"))
                    };
                    c.exec(
                        "INSERT INTO finding_details (repo, branch, fingerprint, snippet_line, snippet, trace, fix) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (fingerprint, repo, branch) DO UPDATE SET snippet_line = excluded.snippet_line, snippet = excluded.snippet, trace = excluded.trace, fix = excluded.fix",
                        &[
                            meta.repo.as_str().into(),
                            meta.branch.as_str().into(),
                            d.fingerprint.as_str().into(),
                            d.snippet_line.map(i64::from).into(),
                            d.snippet.clone().into(),
                            trace.into(),
                            d.fix.clone().into(),
                        ],
                    )?;
                }
            }
            let response = respond(id, &summaries);
            c.exec(
                "UPDATE uploads SET response = $1 WHERE id = $2",
                &[response.as_str().into(), id.into()],
            )?;
            if let Some(t) = up.token {
                c.exec(
                    "UPDATE project_tokens SET last_used = $1 WHERE id = $2",
                    &[up.now.into(), t.into()],
                )?;
            }
            Ok(UploadOutcome {
                upload_id: id,
                replayed: false,
                response,
            })
        })
    }

    /// How many uploads were stored (of one project, if given).
    pub fn upload_count(&mut self, project: Option<i64>) -> Result<u64> {
        let rows = match project {
            Some(p) => self.conn.query(
                "SELECT count(*) FROM uploads WHERE project = $1",
                &[p.into()],
            )?,
            None => self.conn.query("SELECT count(*) FROM uploads", &[])?,
        };
        Ok(rows.first().and_then(|r| r[0].int()).unwrap_or(0).max(0) as u64)
    }

    /// Components whose name contains `name` (case-insensitive), at `version` if given,
    /// in the projects `within` (all when `None`).
    pub fn components(
        &mut self,
        name: &str,
        version: Option<&str>,
        within: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Component>> {
        let mut params: Vec<Value> = Vec::new();
        params.push(format!("%{}%", crate::like_escape(&name.to_lowercase())).into());
        let mut wheres = vec!["lower(k.name) LIKE $1 ESCAPE '\\'".to_owned()];
        if let Some(v) = version.filter(|v| !v.is_empty()) {
            params.push(v.into());
            wheres.push(format!("k.version = ${}", params.len()));
        }
        if let Some(w) = within {
            wheres.push(in_clause("p.name", w, &mut params));
        }
        let limit = limit.clamp(1, 10_000);
        let rows = self.conn.query(
            &format!(
                "SELECT p.name, k.branch, k.purl, k.name, k.version, k.ecosystem FROM components k JOIN projects p ON p.id = k.project WHERE {} ORDER BY k.name, k.version, p.name, k.branch LIMIT {limit}",
                wheres.join(" AND ")
            ),
            &params,
        )?;
        Ok(rows
            .iter()
            .map(|r| Component {
                project: r[0].text().unwrap_or_default(),
                branch: r[1].text().unwrap_or_default(),
                purl: r[2].text().unwrap_or_default(),
                name: r[3].text().unwrap_or_default(),
                version: r[4].text().unwrap_or_default(),
                ecosystem: r[5].text().unwrap_or_default(),
            })
            .collect())
    }

    /// Every project (of `within`, if given) with its open findings by severity, how many
    /// of them are past the SLA, and its last scan.
    pub fn overview(
        &mut self,
        sla: &Sla,
        now: i64,
        within: Option<&[String]>,
    ) -> Result<Vec<ProjectOverview>> {
        let projects = self.projects()?;
        let mut out: Vec<ProjectOverview> = projects
            .into_iter()
            .filter(|p| within.is_none_or(|w| w.contains(&p.name)))
            .map(|p| ProjectOverview {
                name: p.name,
                open: [0; 5],
                overdue: 0,
                last_scan: None,
            })
            .collect();
        let index: std::collections::HashMap<String, usize> = out
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        let open = "lifecycle <> 'fixed' AND state IN ('open', 'confirmed')";
        for r in self.conn.query(
            &format!(
                "SELECT repo, severity, count(*) FROM findings WHERE {open} GROUP BY repo, severity"
            ),
            &[],
        )? {
            let (Some(repo), Some(sev), Some(n)) = (r[0].text(), r[1].int(), r[2].int()) else {
                continue;
            };
            if let (Some(&i), Ok(s)) = (index.get(&repo), usize::try_from(sev))
                && s < 5
            {
                out[i].open[s] = n.max(0) as u64;
            }
        }
        let mut params: Vec<Value> = Vec::new();
        let mut ors = Vec::new();
        for s in Severity::ALL {
            if let Some(days) = sla.days(s) {
                params.push(severity_int(s).into());
                let a = params.len();
                params.push((now - i64::from(days) * 86_400).into());
                ors.push(format!("(severity = ${a} AND first_seen < ${})", a + 1));
            }
        }
        if !ors.is_empty() {
            for r in self.conn.query(
                &format!(
                    "SELECT repo, count(*) FROM findings WHERE {open} AND ({}) GROUP BY repo",
                    ors.join(" OR ")
                ),
                &params,
            )? {
                if let (Some(repo), Some(n)) = (r[0].text(), r[1].int())
                    && let Some(&i) = index.get(&repo)
                {
                    out[i].overdue = n.max(0) as u64;
                }
            }
        }
        for r in self
            .conn
            .query("SELECT repo, max(started_at) FROM scans GROUP BY repo", &[])?
        {
            if let (Some(repo), Some(t)) = (r[0].text(), r[1].int())
                && let Some(&i) = index.get(&repo)
            {
                out[i].last_scan = Some(t);
            }
        }
        Ok(out)
    }

    /// The user `subject`, created with `role` when new; the e-mail and name are updated
    /// from the login, and the login time recorded.
    pub fn login_user(
        &mut self,
        subject: &str,
        email: Option<&str>,
        name: Option<&str>,
        role: Role,
        now: i64,
    ) -> Result<User> {
        self.write(|c| {
            c.exec(
                "INSERT INTO users (subject, email, name, role, created_at, last_login) VALUES ($1, $2, $3, $4, $5, $5) \
                 ON CONFLICT (subject) DO UPDATE SET email = excluded.email, name = excluded.name, last_login = excluded.last_login",
                &[subject.into(), email.into(), name.into(), role.as_str().into(), now.into()],
            )?;
            user_by_subject(c, subject)?.ok_or_else(|| Error::Database {
                store: c.describe(),
                detail: "the user just stored is missing".into(),
            })
        })
    }

    /// The user `subject`.
    pub fn user(&mut self, subject: &str) -> Result<Option<User>> {
        user_by_subject(self.conn.as_mut(), subject)
    }

    /// Every user, by subject.
    pub fn users(&mut self) -> Result<Vec<User>> {
        let rows = self.conn.query(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY subject"),
            &[],
        )?;
        Ok(rows.iter().map(user_of).collect())
    }

    /// Sets a user's role and code-owner handle.
    pub fn set_user(
        &mut self,
        subject: &str,
        role: Role,
        owner_handle: Option<&str>,
    ) -> Result<bool> {
        self.write(|c| {
            Ok(c.exec(
                "UPDATE users SET role = $1, owner_handle = $2 WHERE subject = $3",
                &[role.as_str().into(), owner_handle.into(), subject.into()],
            )? == 1)
        })
    }

    /// Makes `subject` an owner of `project` (a developer then sees and triages it).
    pub fn add_member(&mut self, project: i64, subject: &str) -> Result<()> {
        self.write(|c| {
            c.exec(
                "INSERT INTO project_members (project, subject) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[project.into(), subject.into()],
            )?;
            Ok(())
        })
    }

    /// Removes `subject` from `project`'s owners.
    pub fn remove_member(&mut self, project: i64, subject: &str) -> Result<()> {
        self.write(|c| {
            c.exec(
                "DELETE FROM project_members WHERE project = $1 AND subject = $2",
                &[project.into(), subject.into()],
            )?;
            Ok(())
        })
    }

    /// The names of the projects `subject` owns.
    pub fn member_projects(&mut self, subject: &str) -> Result<Vec<String>> {
        let rows = self.conn.query(
            "SELECT p.name FROM project_members m JOIN projects p ON p.id = m.project WHERE m.subject = $1 ORDER BY p.name",
            &[subject.into()],
        )?;
        Ok(rows.iter().filter_map(|r| r[0].text()).collect())
    }

    /// The detail last uploaded for a finding (of `branch`, else of any branch).
    pub fn detail(&mut self, repo: &str, fingerprint: &str) -> Result<Option<FindingDetail>> {
        let rows = self.conn.query(
            "SELECT fingerprint, snippet_line, snippet, trace, fix FROM finding_details WHERE fingerprint = $1 AND repo = $2 ORDER BY branch LIMIT 1",
            &[fingerprint.into(), repo.into()],
        )?;
        Ok(rows.first().map(|r| FindingDetail {
            fingerprint: r[0].text().unwrap_or_default(),
            snippet_line: r[1].int().and_then(|i| u32::try_from(i).ok()),
            snippet: r[2].text(),
            trace: r[3]
                .text()
                .map(|t| t.lines().map(str::to_owned).collect())
                .unwrap_or_default(),
            fix: r[4].text(),
        }))
    }

    /// Is the connection alive? (A cheap query; the server uses it to drop dead
    /// connections from its pool.)
    pub fn ping(&mut self) -> Result<()> {
        self.conn.query("SELECT 1", &[])?;
        Ok(())
    }
}

fn project_by_name(c: &mut dyn Conn, name: &str) -> Result<Option<Project>> {
    let rows = c.query(
        &format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE name = $1"),
        &[name.into()],
    )?;
    Ok(rows.first().map(project_of))
}

fn user_by_subject(c: &mut dyn Conn, subject: &str) -> Result<Option<User>> {
    let rows = c.query(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE subject = $1"),
        &[subject.into()],
    )?;
    Ok(rows.first().map(user_of))
}
