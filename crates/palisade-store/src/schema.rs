//! The one schema, as numbered migrations. Each migration is written once with two
//! placeholders that differ between the backends (`{id}`: the auto-numbered key; `{key}`: a
//! text column compared byte-wise, for fingerprint prefixes) and runs in the same
//! transaction that records the new version: a store is always at exactly one version.

use crate::Error;
use crate::backend::{Conn, Dialect};

/// The schema version this build writes. A store at a higher version was written by a
/// newer palisade and is refused (its meaning may have changed).
pub const SCHEMA_VERSION: i64 = 3;

const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
    "
CREATE TABLE scans (
    id {id},
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,
    commit_id TEXT,
    tool TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    source TEXT,
    findings BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX scans_repo ON scans (repo, branch, id);

CREATE TABLE findings (
    id {id},
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,
    fingerprint {key} NOT NULL,
    tool TEXT NOT NULL,
    rule TEXT NOT NULL,
    engine TEXT NOT NULL,
    severity BIGINT NOT NULL,
    message TEXT NOT NULL,
    path TEXT NOT NULL,
    line BIGINT NOT NULL,
    evidence TEXT,
    cwe TEXT NOT NULL,
    owners TEXT NOT NULL,
    also_found_by TEXT NOT NULL DEFAULT '',
    lifecycle TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    first_scan BIGINT NOT NULL,
    last_scan BIGINT NOT NULL,
    fixed_at BIGINT,
    state TEXT NOT NULL DEFAULT 'open',
    reason TEXT,
    expires BIGINT,
    assignee TEXT,
    state_at BIGINT
);
-- Upserts, prefix lookups and the decisions shared by every branch of a repository.
CREATE UNIQUE INDEX findings_identity ON findings (fingerprint, repo, branch);
-- Marking what a scan no longer saw; listing one repository or branch.
CREATE INDEX findings_scope ON findings (repo, branch, tool, lifecycle);
-- Listing worst first, oldest first: read in this order, filtered, stopped at --limit.
CREATE INDEX findings_worst ON findings (severity DESC, first_seen, id);
-- Counting what a filter on lifecycle, state and severity matches (a covering index).
CREATE INDEX findings_status ON findings (lifecycle, state, severity);
-- Filtering by rule.
CREATE INDEX findings_rule ON findings (rule, lifecycle);
-- Accepted risks that expire.
CREATE INDEX findings_expiry ON findings (expires) WHERE state = 'accepted-risk';

CREATE TABLE audit (
    id {id},
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    repo TEXT NOT NULL,
    fingerprint {key} NOT NULL,
    branch TEXT,
    action TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT,
    scan_id BIGINT
);
CREATE INDEX audit_finding ON audit (fingerprint, repo, id);
",
    ),
    (
        2,
        "
-- One row per code owner of a finding: `triage list --owner` reads it by owner instead of
-- matching the `owners` text of every finding. Filled from `owners` right after this.
CREATE TABLE finding_owners (
    owner TEXT NOT NULL,
    finding BIGINT NOT NULL,
    PRIMARY KEY (owner, finding)
);
CREATE INDEX finding_owners_finding ON finding_owners (finding);
CREATE INDEX findings_assignee ON findings (assignee) WHERE assignee IS NOT NULL;
-- What `triage list` reads by default (everything not fixed), partial so that a page is
-- read in listing order and stops at --limit, and counts read only the index
-- (`lifecycle` last makes them covering for SQLite).
CREATE INDEX findings_open_worst ON findings (severity DESC, first_seen, id) WHERE lifecycle <> 'fixed';
CREATE INDEX findings_open_state ON findings (state, severity, lifecycle) WHERE lifecycle <> 'fixed';
CREATE INDEX findings_open_repo ON findings (repo, severity DESC, first_seen, id, lifecycle) WHERE lifecycle <> 'fixed';
CREATE INDEX findings_open_rule ON findings (rule, severity DESC, first_seen, id, lifecycle) WHERE lifecycle <> 'fixed';
-- The findings each scan left open in its repository and branch, by severity (a trend).
ALTER TABLE scans ADD COLUMN open_info BIGINT;
ALTER TABLE scans ADD COLUMN open_low BIGINT;
ALTER TABLE scans ADD COLUMN open_medium BIGINT;
ALTER TABLE scans ADD COLUMN open_high BIGINT;
ALTER TABLE scans ADD COLUMN open_critical BIGINT;
",
    ),
    (
        3,
        "
-- palisade serve: the projects that upload (a project is a `repo` of the findings).
CREATE TABLE projects (
    id {id},
    name {key} NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    -- The project's CODEOWNERS text, to route imported results that carry no owners.
    codeowners TEXT,
    codeowners_platform TEXT
);
-- Upload tokens: only a SHA-256 of the secret is kept; one project each; revocable.
CREATE TABLE project_tokens (
    id {id},
    project BIGINT NOT NULL REFERENCES projects (id),
    token_hash {key} NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at BIGINT,
    last_used BIGINT
);
CREATE INDEX project_tokens_project ON project_tokens (project);
-- People who log in to the dashboard: subject is the OpenID issuer and `sub`.
CREATE TABLE users (
    subject {key} PRIMARY KEY,
    email TEXT,
    name TEXT,
    role TEXT NOT NULL,
    -- The code-owner handle (`@org/team`, `@user` or an e-mail) for \"my findings\".
    owner_handle TEXT,
    created_at BIGINT NOT NULL,
    last_login BIGINT
);
-- The projects a developer owns (sees and triages).
CREATE TABLE project_members (
    project BIGINT NOT NULL REFERENCES projects (id),
    subject TEXT NOT NULL,
    PRIMARY KEY (subject, project)
);
-- Every accepted upload, keyed by the client's idempotency key (or the body's digest):
-- a repeated upload returns the first one's answer and records nothing.
CREATE TABLE uploads (
    id {id},
    project BIGINT NOT NULL REFERENCES projects (id),
    idem_key {key} NOT NULL,
    received_at BIGINT NOT NULL,
    token BIGINT,
    format TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    response TEXT NOT NULL,
    UNIQUE (project, idem_key)
);
-- The dependency inventory: the components of each project and branch, from the last
-- uploaded SBOM or dependency results.
CREATE TABLE components (
    project BIGINT NOT NULL REFERENCES projects (id),
    branch TEXT NOT NULL,
    purl {key} NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    upload BIGINT NOT NULL,
    PRIMARY KEY (project, branch, purl)
);
CREATE INDEX components_name ON components (name, version);
-- What an upload showed of a finding beyond the store's columns: the code around it, the
-- other locations (a taint trace) and the suggested fix, as last uploaded.
CREATE TABLE finding_details (
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,
    fingerprint {key} NOT NULL,
    snippet_line BIGINT,
    snippet TEXT,
    trace TEXT,
    fix TEXT,
    PRIMARY KEY (fingerprint, repo, branch)
);
-- The findings list's age filter and project paging.
CREATE INDEX findings_open_first_seen ON findings (first_seen) WHERE lifecycle <> 'fixed';
",
    ),
];

fn render(sql: &str, dialect: Dialect) -> String {
    let (id, key) = match dialect {
        Dialect::Sqlite => ("INTEGER PRIMARY KEY", "TEXT"),
        Dialect::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "TEXT COLLATE \"C\"",
        ),
    };
    sql.replace("{id}", id).replace("{key}", key)
}

/// Brings the store to [`SCHEMA_VERSION`], or refuses it. Runs under the write lock, so
/// two processes opening a new store at once create it once.
pub(crate) fn migrate(conn: &mut dyn Conn, target: i64) -> Result<(), Error> {
    conn.begin_write()?;
    match migrate_locked(conn, target) {
        Ok(()) => conn.commit(),
        Err(e) => {
            conn.rollback();
            Err(e)
        }
    }
}

fn migrate_locked(conn: &mut dyn Conn, target: i64) -> Result<(), Error> {
    let dialect = conn.dialect();
    let (has_meta, other_tables) = match dialect {
        Dialect::Sqlite => {
            let rows = conn.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                &[],
            )?;
            let names: Vec<String> = rows.iter().filter_map(|r| r[0].text()).collect();
            (
                names.iter().any(|n| n == "palisade_meta"),
                names.iter().any(|n| n != "palisade_meta"),
            )
        }
        Dialect::Postgres => {
            let rows = conn.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
                &[],
            )?;
            let names: Vec<String> = rows.iter().filter_map(|r| r[0].text()).collect();
            (
                names.iter().any(|n| n == "palisade_meta"),
                names.iter().any(|n| {
                    matches!(n.as_str(), "scans" | "findings" | "audit") && n != "palisade_meta"
                }),
            )
        }
    };
    let current = if has_meta {
        let rows = conn.query(
            "SELECT value FROM palisade_meta WHERE key = 'schema_version'",
            &[],
        )?;
        rows.first()
            .and_then(|r| r[0].int())
            .ok_or_else(|| Error::NotAStore {
                store: conn.describe(),
                detail: "palisade_meta has no schema_version".into(),
            })?
    } else if other_tables {
        return Err(Error::NotAStore {
            store: conn.describe(),
            detail: "it holds tables but no palisade_meta table".into(),
        });
    } else {
        conn.batch("CREATE TABLE palisade_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")?;
        conn.exec(
            "INSERT INTO palisade_meta (key, value) VALUES ('schema_version', '0')",
            &[],
        )?;
        0
    };
    if current > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            store: conn.describe(),
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS
        .iter()
        .filter(|(v, _)| *v > current && *v <= target)
    {
        conn.batch(&render(sql, dialect))?;
        if *version == 2 {
            fill_owners(conn)?;
        }
        conn.exec(
            "UPDATE palisade_meta SET value = $1 WHERE key = 'schema_version'",
            &[version.to_string().into()],
        )?;
    }
    Ok(())
}

/// Version 2: the owner rows of the findings stored before it.
fn fill_owners(conn: &mut dyn Conn) -> Result<(), Error> {
    let rows = conn.query("SELECT id, owners FROM findings WHERE owners <> ''", &[])?;
    for r in rows {
        let Some(id) = r[0].int() else { continue };
        let owners = r[1].text().unwrap_or_default();
        crate::insert_owners(conn, id, owners.split(',').filter(|o| !o.is_empty()))?;
    }
    Ok(())
}
