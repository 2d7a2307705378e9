//! The advisory tables, on their own migration track (`advisory_schema`), in the database
//! of the findings store. The store itself is opened first (so its schema exists and a
//! file that is not a store is refused with the store's own message); then this module
//! opens its own connection to the same file or URL. Both backends run the same SQL with
//! `$1`-style parameters.

use std::path::Path;
use std::time::Duration;

use crate::Error;

/// The advisory schema version this build writes.
pub const ADVISORY_SCHEMA_VERSION: i64 = 1;

const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "
CREATE TABLE advisory_reports (
    id {id},
    key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    received BIGINT NOT NULL,
    state_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX advisory_reports_state ON advisory_reports (state, received);
CREATE TABLE advisory_audit (
    id {id},
    report TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT
);
CREATE INDEX advisory_audit_report ON advisory_audit (report, id);
-- The file a report was imported from, kept whole (text, or hex when not UTF-8): nothing
-- a reporter sent is lost, binary attachments included.
CREATE TABLE advisory_sources (
    report TEXT NOT NULL,
    name TEXT NOT NULL,
    encoding TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX advisory_sources_report ON advisory_sources (report);
",
)];

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Val {
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Val::Int(v) => *v,
            Val::Text(Some(s)) => s.parse().ok(),
            Val::Text(None) => None,
        }
    }
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Val::Text(v) => v.clone(),
            Val::Int(v) => v.map(|i| i.to_string()),
        }
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(Some(v.to_owned()))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(Some(v))
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::Text(v)
    }
}

pub(crate) enum Db {
    Sqlite(rusqlite::Connection, String),
    Postgres(Box<postgres::Client>, String),
}

fn sqlite_err(store: &str, e: &rusqlite::Error) -> Error {
    Error::Db {
        store: store.to_owned(),
        detail: e.to_string(),
    }
}

fn pg_err(store: &str, e: &postgres::Error) -> Error {
    let detail = match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => e.to_string(),
    };
    Error::Db {
        store: store.to_owned(),
        detail,
    }
}

/// Postgres advisory-lock key of the advisory tables' writers ("ADVI").
const PG_LOCK: i64 = 0x4144_5649;

impl Db {
    pub(crate) fn open(url: &str) -> Result<Db, Error> {
        let store = palisade_store::describe_url(url);
        if palisade_store::is_postgres_url(url) {
            let client =
                postgres::Client::connect(url, postgres::NoTls).map_err(|e| pg_err(&store, &e))?;
            Ok(Db::Postgres(Box::new(client), store))
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            let conn =
                rusqlite::Connection::open(Path::new(path)).map_err(|e| sqlite_err(&store, &e))?;
            conn.busy_timeout(Duration::from_secs(60))
                .map_err(|e| sqlite_err(&store, &e))?;
            Ok(Db::Sqlite(conn, store))
        }
    }

    pub(crate) fn describe(&self) -> &str {
        match self {
            Db::Sqlite(_, s) | Db::Postgres(_, s) => s,
        }
    }

    fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(..))
    }

    pub(crate) fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, Error> {
        match self {
            Db::Sqlite(c, store) => {
                let vals = sqlite_params(params);
                let n = c
                    .execute(sql, rusqlite::params_from_iter(vals.iter()))
                    .map_err(|e| sqlite_err(store, &e))?;
                Ok(n as u64)
            }
            Db::Postgres(c, store) => {
                let owned = pg_params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    owned.iter().map(PgParam::as_sql).collect();
                c.execute(sql, &refs).map_err(|e| pg_err(store, &e))
            }
        }
    }

    pub(crate) fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>, Error> {
        match self {
            Db::Sqlite(c, store) => {
                let vals = sqlite_params(params);
                let mut stmt = c.prepare(sql).map_err(|e| sqlite_err(store, &e))?;
                let n = stmt.column_count();
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(vals.iter()), |row| {
                        let mut out = Vec::with_capacity(n);
                        for i in 0..n {
                            out.push(match row.get_ref(i)? {
                                rusqlite::types::ValueRef::Integer(v) => Val::Int(Some(v)),
                                rusqlite::types::ValueRef::Null => Val::Text(None),
                                rusqlite::types::ValueRef::Text(t)
                                | rusqlite::types::ValueRef::Blob(t) => {
                                    Val::Text(Some(String::from_utf8_lossy(t).into_owned()))
                                }
                                rusqlite::types::ValueRef::Real(r) => {
                                    Val::Text(Some(r.to_string()))
                                }
                            });
                        }
                        Ok(out)
                    })
                    .map_err(|e| sqlite_err(store, &e))?;
                rows.collect::<Result<Vec<_>, _>>()
                    .map_err(|e| sqlite_err(store, &e))
            }
            Db::Postgres(c, store) => {
                let owned = pg_params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    owned.iter().map(PgParam::as_sql).collect();
                let rows = c.query(sql, &refs).map_err(|e| pg_err(store, &e))?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut r = Vec::with_capacity(row.len());
                    for (i, col) in row.columns().iter().enumerate() {
                        let ty = col.type_();
                        let v = if *ty == postgres::types::Type::INT8 {
                            Val::Int(row.try_get(i).map_err(|e| pg_err(store, &e))?)
                        } else if *ty == postgres::types::Type::INT4 {
                            let v: Option<i32> = row.try_get(i).map_err(|e| pg_err(store, &e))?;
                            Val::Int(v.map(i64::from))
                        } else {
                            Val::Text(row.try_get(i).map_err(|e| pg_err(store, &e))?)
                        };
                        r.push(v);
                    }
                    out.push(r);
                }
                Ok(out)
            }
        }
    }

    fn batch(&mut self, sql: &str) -> Result<(), Error> {
        match self {
            Db::Sqlite(c, store) => c.execute_batch(sql).map_err(|e| sqlite_err(store, &e)),
            Db::Postgres(c, store) => c.batch_execute(sql).map_err(|e| pg_err(store, &e)),
        }
    }

    /// Starts a transaction holding the advisory tables' write lock.
    pub(crate) fn begin_write(&mut self) -> Result<(), Error> {
        match self {
            Db::Sqlite(..) => self.batch("BEGIN IMMEDIATE"),
            Db::Postgres(..) => {
                self.batch("BEGIN")?;
                self.exec(
                    "SELECT pg_advisory_xact_lock($1)",
                    &[Val::Int(Some(PG_LOCK))],
                )
                .map(|_| ())
            }
        }
    }

    pub(crate) fn commit(&mut self) -> Result<(), Error> {
        self.batch("COMMIT")
    }

    pub(crate) fn rollback(&mut self) {
        let _ = self.batch("ROLLBACK");
    }

    /// Runs `work` in one write transaction: all of it is stored, or none.
    pub(crate) fn write<T>(
        &mut self,
        work: impl FnOnce(&mut Db) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.begin_write()?;
        match work(self) {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    /// Brings the advisory tables to [`ADVISORY_SCHEMA_VERSION`], or refuses a newer one.
    pub(crate) fn migrate(&mut self, target: i64) -> Result<(), Error> {
        self.write(|db| {
            let exists = if db.is_postgres() {
                !db.query(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'advisory_schema'",
                    &[],
                )?
                .is_empty()
            } else {
                !db.query(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'advisory_schema'",
                    &[],
                )?
                .is_empty()
            };
            let current = if exists {
                db.query("SELECT version FROM advisory_schema", &[])?
                    .first()
                    .and_then(|r| r[0].int())
                    .unwrap_or(0)
            } else {
                db.batch("CREATE TABLE advisory_schema (version BIGINT NOT NULL)")?;
                db.exec("INSERT INTO advisory_schema (version) VALUES (0)", &[])?;
                0
            };
            if current > ADVISORY_SCHEMA_VERSION {
                return Err(Error::NewerSchema {
                    store: db.describe().to_owned(),
                    found: current,
                    supported: ADVISORY_SCHEMA_VERSION,
                });
            }
            let id = if db.is_postgres() {
                "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
            } else {
                "INTEGER PRIMARY KEY"
            };
            for (version, sql) in MIGRATIONS
                .iter()
                .filter(|(v, _)| *v > current && *v <= target)
            {
                db.batch(&sql.replace("{id}", id))?;
                db.exec(
                    "UPDATE advisory_schema SET version = $1",
                    &[Val::Int(Some(*version))],
                )?;
            }
            Ok(())
        })
    }
}

fn sqlite_params(params: &[Val]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|p| match p {
            Val::Int(Some(i)) => rusqlite::types::Value::Integer(*i),
            Val::Text(Some(s)) => rusqlite::types::Value::Text(s.clone()),
            Val::Int(None) | Val::Text(None) => rusqlite::types::Value::Null,
        })
        .collect()
}

enum PgParam {
    Int(Option<i64>),
    Text(Option<String>),
}

impl PgParam {
    fn as_sql(&self) -> &(dyn postgres::types::ToSql + Sync) {
        match self {
            PgParam::Int(v) => v,
            PgParam::Text(v) => v,
        }
    }
}

fn pg_params(params: &[Val]) -> Vec<PgParam> {
    params
        .iter()
        .map(|p| match p {
            Val::Int(v) => PgParam::Int(*v),
            Val::Text(v) => PgParam::Text(v.clone()),
        })
        .collect()
}
