//! The two backends behind one small interface: SQL text with `$1`-style parameters,
//! typed values in and out, explicit write transactions. Everything the store does is
//! written once against [`Conn`], so both backends behave the same by construction.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Error;

/// A value bound to or read from a statement. Nulls are typed because PostgreSQL wants
/// to know what a parameter is even when it is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => *v,
            Value::Text(Some(s)) => s.parse().ok(),
            Value::Text(None) => None,
        }
    }
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Value::Text(v) => v.clone(),
            Value::Int(v) => v.map(|i| i.to_string()),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_owned()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_owned))
    }
}

pub(crate) type Row = Vec<Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

pub(crate) trait Conn: Send {
    fn dialect(&self) -> Dialect;
    /// Runs one statement; returns the number of rows changed.
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error>;
    /// Several statements without parameters (schema).
    fn batch(&mut self, sql: &str) -> Result<(), Error>;
    /// Starts a transaction that holds the store's write lock until commit or rollback:
    /// writers are serialised, readers never wait (WAL; MVCC).
    fn begin_write(&mut self) -> Result<(), Error>;
    fn commit(&mut self) -> Result<(), Error>;
    fn rollback(&mut self);
    /// Where the store is, for messages (a path, or a URL without its password).
    fn describe(&self) -> String;
}

// ---------------------------------------------------------------------------------------
// SQLite

pub(crate) struct Sqlite {
    conn: rusqlite::Connection,
    path: PathBuf,
}

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

impl Sqlite {
    pub(crate) fn open(path: &Path) -> Result<Self, Error> {
        use rusqlite::OpenFlags;
        let exists = path.exists();
        if exists {
            // Never let SQLite touch a file that is not a database: it would be reported,
            // but checking the header first guarantees that nothing is ever written to it.
            let mut header = [0u8; 16];
            let mut file = std::fs::File::open(path).map_err(|e| Error::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
            let n = file.read(&mut header).map_err(|e| Error::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
            if n > 0 && (n < 16 || &header != b"SQLite format 3\0") {
                return Err(Error::Corrupt {
                    store: path.display().to_string(),
                    detail: "the file is not an SQLite database".into(),
                });
            }
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::Io {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = rusqlite::Connection::open_with_flags(path, flags)
            .map_err(|e| sqlite_error(path, &e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| sqlite_error(path, &e))?;
        conn.set_prepared_statement_cache_capacity(64);
        let mut me = Sqlite {
            conn,
            path: path.to_path_buf(),
        };
        // WAL: readers never block the writer nor each other; NORMAL sync is durable
        // across application crashes (the WAL is synced at checkpoints).
        me.batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;")?;
        Ok(me)
    }
}

fn sqlite_error(path: &Path, e: &rusqlite::Error) -> Error {
    use rusqlite::ffi::ErrorCode;
    if let rusqlite::Error::SqliteFailure(f, _) = e
        && matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    {
        return Error::Corrupt {
            store: path.display().to_string(),
            detail: e.to_string(),
        };
    }
    Error::Database {
        store: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// `$1` → `?1`: SQLite also reads `$1`, but as a *named* parameter numbered by first
/// appearance; `?N` is positional, as in PostgreSQL.
fn to_sqlite_params(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn bind(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Int(Some(i)) => V::Integer(*i),
        Value::Text(Some(s)) => V::Text(s.clone()),
        Value::Int(None) | Value::Text(None) => V::Null,
    }
}

impl Conn for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let sql = to_sqlite_params(sql);
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| sqlite_error(&self.path, &e))?;
        let n = stmt
            .execute(rusqlite::params_from_iter(params.iter().map(bind)))
            .map_err(|e| sqlite_error(&self.path, &e))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        use rusqlite::types::ValueRef;
        let sql = to_sqlite_params(sql);
        let path = self.path.clone();
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| sqlite_error(&path, &e))?;
        let n = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter().map(bind)))
            .map_err(|e| sqlite_error(&path, &e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| sqlite_error(&path, &e))? {
            let mut r = Vec::with_capacity(n);
            for i in 0..n {
                let v = row.get_ref(i).map_err(|e| sqlite_error(&path, &e))?;
                r.push(match v {
                    ValueRef::Null => Value::Int(None),
                    ValueRef::Integer(i) => Value::Int(Some(i)),
                    ValueRef::Real(f) => Value::Int(Some(f as i64)),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(Some(String::from_utf8_lossy(t).into_owned()))
                    }
                });
            }
            out.push(r);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), Error> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| sqlite_error(&self.path, &e))
    }

    fn begin_write(&mut self) -> Result<(), Error> {
        // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so two
        // writers never both read, then fail to upgrade.
        self.batch("BEGIN IMMEDIATE")
    }

    fn commit(&mut self) -> Result<(), Error> {
        self.batch("COMMIT")
    }

    fn rollback(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

pub(crate) struct Postgres {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
    url: String,
}

/// The key of the advisory lock that serialises writers of one store (as SQLite does).
const WRITE_LOCK: i64 = 0x7061_6c69_7361_6465; // "palisade"

impl Postgres {
    pub(crate) fn connect(url: &str) -> Result<Self, Error> {
        let shown = redact_url(url);
        let config: postgres::Config = url.parse().map_err(|e| Error::Database {
            store: shown.clone(),
            detail: format!("not a valid PostgreSQL URL: {e}"),
        })?;
        let mut config = config;
        config.connect_timeout(Duration::from_secs(10));
        config.application_name("palisade");
        let client = config
            .connect(postgres::NoTls)
            .map_err(|e| Error::Database {
                store: shown.clone(),
                detail: format!("cannot connect: {e}"),
            })?;
        Ok(Postgres {
            client,
            statements: HashMap::new(),
            url: shown,
        })
    }

    fn err(&self, e: &postgres::Error) -> Error {
        let detail = match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => e.to_string(),
        };
        Error::Database {
            store: self.url.clone(),
            detail,
        }
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(|e| self.err(&e))?;
        if self.statements.len() > 128 {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(x) => x,
        None => return url.to_owned(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

fn pg_params(params: &[Value]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn postgres::types::ToSql + Sync> {
            match v {
                Value::Int(i) => Box::new(*i),
                Value::Text(s) => Box::new(s.clone()),
            }
        })
        .collect()
}

impl Conn for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let stmt = self.statement(sql)?;
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        self.client.execute(&stmt, &refs).map_err(|e| self.err(&e))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        use postgres::types::Type;
        let stmt = self.statement(sql)?;
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let rows = self.client.query(&stmt, &refs).map_err(|e| self.err(&e))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut r = Vec::with_capacity(row.len());
            for (i, col) in row.columns().iter().enumerate() {
                let t = col.type_();
                let v = if *t == Type::INT8 {
                    Value::Int(row.try_get::<_, Option<i64>>(i).map_err(|e| self.err(&e))?)
                } else if *t == Type::INT4 {
                    Value::Int(
                        row.try_get::<_, Option<i32>>(i)
                            .map_err(|e| self.err(&e))?
                            .map(i64::from),
                    )
                } else if *t == Type::BOOL {
                    Value::Int(
                        row.try_get::<_, Option<bool>>(i)
                            .map_err(|e| self.err(&e))?
                            .map(i64::from),
                    )
                } else {
                    Value::Text(
                        row.try_get::<_, Option<String>>(i)
                            .map_err(|e| self.err(&e))?,
                    )
                };
                r.push(v);
            }
            out.push(r);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), Error> {
        self.client.batch_execute(sql).map_err(|e| self.err(&e))
    }

    fn begin_write(&mut self) -> Result<(), Error> {
        self.batch("BEGIN")?;
        if let Err(e) = self.exec("SELECT pg_advisory_xact_lock($1)", &[WRITE_LOCK.into()]) {
            self.rollback();
            return Err(e);
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), Error> {
        self.batch("COMMIT")
    }

    fn rollback(&mut self) {
        let _ = self.client.batch_execute("ROLLBACK");
    }

    fn describe(&self) -> String {
        self.url.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_positional_for_sqlite() {
        assert_eq!(
            to_sqlite_params("SELECT $1, $12 WHERE a = '$'"),
            "SELECT ?1, ?12 WHERE a = '$'"
        );
    }

    #[test]
    fn passwords_never_shown() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
    }
}
