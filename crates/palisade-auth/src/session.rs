//! Server-side session storage for the axum integration: the [`SessionStore`] trait, the
//! bounded in-memory [`MemorySessionStore`] (the default) and, with the `sqlite` feature, the
//! persistent [`SqliteSessionStore`].
//!
//! Why a server-side store rather than a signed/encrypted cookie: sessions hold the access,
//! refresh and ID tokens, which together exceed the ~4 KB a browser keeps per cookie, must not
//! reach the browser at all, and must be revocable by the server — OpenID Connect back-channel
//! logout ends sessions by `sid`/`sub` from a server-to-server call, which a cookie-only design
//! cannot do without a server-side deny-list (that is, a store anyway).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::SessionStoreError;

/// One session as a store holds it. `data` is opaque to the store (the integration's own
/// serialization); `sub` and `sid` are kept so back-channel logout can find the session.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The serialized session (tokens, CSRF token, or a login in progress).
    pub data: Vec<u8>,
    /// Expiry, seconds since the Unix epoch.
    pub expires_at: i64,
    /// The user's subject at the OP, once logged in.
    pub sub: Option<String>,
    /// The OP's session id (`sid` claim of the ID token), once logged in.
    pub sid: Option<String>,
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("expires_at", &self.expires_at)
            .field("sub", &self.sub)
            .field("sid", &self.sid)
            .finish_non_exhaustive()
    }
}

/// Where the axum integration keeps sessions. `id` is the random 256-bit value from the
/// session cookie. Implementations must not return expired sessions. Calls are synchronous and
/// made from request handlers: keep them fast (a local database, not a remote round trip per
/// call without a pool).
pub trait SessionStore: Send + Sync + 'static {
    /// Store (or replace) a session.
    ///
    /// # Errors
    /// [`SessionStoreError`] when the backend fails.
    fn insert(&self, id: &str, session: StoredSession) -> Result<(), SessionStoreError>;
    /// A live session.
    ///
    /// # Errors
    /// [`SessionStoreError`] when the backend fails or the record is corrupt.
    fn get(&self, id: &str, now: i64) -> Result<Option<StoredSession>, SessionStoreError>;
    /// Remove a session and return it if it was live.
    ///
    /// # Errors
    /// [`SessionStoreError`] when the backend fails or the record is corrupt.
    fn take(&self, id: &str, now: i64) -> Result<Option<StoredSession>, SessionStoreError>;
    /// End the sessions a back-channel logout names: with `sid`, the sessions with that OP
    /// session id (and that `sub`, when given); with only `sub`, every session of that user.
    /// Returns how many were removed.
    ///
    /// # Errors
    /// [`SessionStoreError`] when the backend fails.
    fn end_sessions(
        &self,
        sid: Option<&str>,
        sub: Option<&str>,
    ) -> Result<usize, SessionStoreError>;
}

fn names(s: &StoredSession, sid: Option<&str>, sub: Option<&str>) -> bool {
    match (sid, sub) {
        (Some(sid), sub) => {
            s.sid.as_deref() == Some(sid) && sub.is_none_or(|u| s.sub.as_deref() == Some(u))
        }
        (None, Some(sub)) => s.sub.as_deref() == Some(sub),
        (None, None) => false,
    }
}

/// Sessions in process memory, bounded in number (oldest-expiring evicted first). Lost on
/// restart and not shared between instances.
#[derive(Debug)]
pub struct MemorySessionStore {
    map: Mutex<HashMap<String, StoredSession>>,
    max: usize,
}

impl Default for MemorySessionStore {
    fn default() -> Self {
        MemorySessionStore::new(100_000)
    }
}

impl MemorySessionStore {
    /// A store keeping at most `max` sessions.
    #[must_use]
    pub fn new(max: usize) -> Self {
        MemorySessionStore {
            map: Mutex::default(),
            max: max.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, StoredSession>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SessionStore for MemorySessionStore {
    fn insert(&self, id: &str, session: StoredSession) -> Result<(), SessionStoreError> {
        let mut map = self.lock();
        if map.len() >= self.max && !map.contains_key(id) {
            let now = crate::now();
            map.retain(|_, e| e.expires_at > now);
            if map.len() >= self.max
                && let Some(k) = map
                    .iter()
                    .min_by_key(|(_, e)| e.expires_at)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&k);
            }
        }
        map.insert(id.to_owned(), session);
        Ok(())
    }

    fn get(&self, id: &str, now: i64) -> Result<Option<StoredSession>, SessionStoreError> {
        Ok(self.lock().get(id).filter(|s| s.expires_at > now).cloned())
    }

    fn take(&self, id: &str, now: i64) -> Result<Option<StoredSession>, SessionStoreError> {
        Ok(self.lock().remove(id).filter(|s| s.expires_at > now))
    }

    fn end_sessions(
        &self,
        sid: Option<&str>,
        sub: Option<&str>,
    ) -> Result<usize, SessionStoreError> {
        let mut map = self.lock();
        let before = map.len();
        map.retain(|_, s| !names(s, sid, sub));
        Ok(before - map.len())
    }
}

#[cfg(feature = "sqlite")]
pub use sqlite::SqliteSessionStore;

#[cfg(feature = "sqlite")]
mod sqlite {
    use std::sync::Mutex;

    use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
    use aws_lc_rs::hmac;
    use rusqlite::{Connection, OptionalExtension, params};

    use super::{SessionStore, StoredSession};
    use crate::error::SessionStoreError;

    /// Sessions in a SQLite database (survive restarts; several processes on one host can share
    /// the file). The database never holds a usable secret: rows are keyed by an HMAC of the
    /// cookie value (a stolen database yields no session cookies), `sub` and `sid` are stored as
    /// HMACs too, and the session data (tokens) is sealed with AES-256-GCM bound to its row.
    /// Both keys are derived from the 32-byte key you supply (keep it in your secret store).
    pub struct SqliteSessionStore {
        conn: Mutex<Connection>,
        index: hmac::Key,
        seal: LessSafeKey,
    }

    impl std::fmt::Debug for SqliteSessionStore {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SqliteSessionStore").finish_non_exhaustive()
        }
    }

    fn backend(e: &rusqlite::Error) -> SessionStoreError {
        SessionStoreError::Backend {
            message: e.to_string(),
        }
    }

    impl SqliteSessionStore {
        /// Open (creating if needed) the database at `path`; `key` is 32 random bytes.
        ///
        /// # Errors
        /// [`SessionStoreError::Backend`] when the database cannot be opened or set up.
        pub fn open(path: &std::path::Path, key: &[u8; 32]) -> Result<Self, SessionStoreError> {
            let conn = Connection::open(path).map_err(|e| backend(&e))?;
            Self::with_connection(conn, key)
        }

        /// Use an open connection (e.g. `Connection::open_in_memory()` in tests).
        ///
        /// # Errors
        /// [`SessionStoreError::Backend`] when the schema cannot be created.
        pub fn with_connection(
            conn: Connection,
            key: &[u8; 32],
        ) -> Result<Self, SessionStoreError> {
            conn.execute_batch(
                "PRAGMA journal_mode=WAL;
                 PRAGMA busy_timeout=5000;
                 CREATE TABLE IF NOT EXISTS palisade_sessions (
                     id BLOB PRIMARY KEY,
                     sealed BLOB NOT NULL,
                     expires_at INTEGER NOT NULL,
                     sub BLOB,
                     sid BLOB
                 );
                 CREATE INDEX IF NOT EXISTS palisade_sessions_sub ON palisade_sessions(sub);
                 CREATE INDEX IF NOT EXISTS palisade_sessions_sid ON palisade_sessions(sid);",
            )
            .map_err(|e| backend(&e))?;
            let master = hmac::Key::new(hmac::HMAC_SHA256, key);
            let derive = |label: &[u8]| hmac::sign(&master, label);
            let index = hmac::Key::new(
                hmac::HMAC_SHA256,
                derive(b"palisade-session-index").as_ref(),
            );
            let seal = LessSafeKey::new(
                UnboundKey::new(&AES_256_GCM, derive(b"palisade-session-seal").as_ref())
                    .map_err(|_| SessionStoreError::Corrupt)?,
            );
            Ok(SqliteSessionStore {
                conn: Mutex::new(conn),
                index,
                seal,
            })
        }

        fn tag(&self, kind: &[u8], value: &str) -> Vec<u8> {
            let mut ctx = hmac::Context::with_key(&self.index);
            ctx.update(kind);
            ctx.update(&[0]);
            ctx.update(value.as_bytes());
            ctx.sign().as_ref().to_vec()
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
            self.conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        /// Plain envelope sealed per row: the cleartext `sub`/`sid` travel inside it so that
        /// `get` can return them.
        fn seal(&self, id_tag: &[u8], s: &StoredSession) -> Result<Vec<u8>, SessionStoreError> {
            let inner = serde_json::json!({
                "d": crate::jose::b64e(&s.data), "sub": s.sub, "sid": s.sid,
            });
            let mut buf = serde_json::to_vec(&inner).map_err(|_| SessionStoreError::Corrupt)?;
            let mut nonce = [0u8; NONCE_LEN];
            aws_lc_rs::rand::fill(&mut nonce).map_err(|_| SessionStoreError::Corrupt)?;
            self.seal
                .seal_in_place_append_tag(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::from(id_tag),
                    &mut buf,
                )
                .map_err(|_| SessionStoreError::Corrupt)?;
            let mut out = nonce.to_vec();
            out.extend(buf);
            Ok(out)
        }

        fn open_row(
            &self,
            id_tag: &[u8],
            sealed: &[u8],
            expires_at: i64,
        ) -> Result<StoredSession, SessionStoreError> {
            if sealed.len() < NONCE_LEN {
                return Err(SessionStoreError::Corrupt);
            }
            let (n, ct) = sealed.split_at(NONCE_LEN);
            let nonce =
                Nonce::try_assume_unique_for_key(n).map_err(|_| SessionStoreError::Corrupt)?;
            let mut buf = ct.to_vec();
            let plain = self
                .seal
                .open_in_place(nonce, Aad::from(id_tag), &mut buf)
                .map_err(|_| SessionStoreError::Corrupt)?;
            #[derive(serde::Deserialize)]
            struct Inner {
                d: String,
                sub: Option<String>,
                sid: Option<String>,
            }
            let inner: Inner =
                serde_json::from_slice(plain).map_err(|_| SessionStoreError::Corrupt)?;
            Ok(StoredSession {
                data: crate::jose::b64d(&inner.d).ok_or(SessionStoreError::Corrupt)?,
                expires_at,
                sub: inner.sub,
                sid: inner.sid,
            })
        }

        /// Delete expired rows (call periodically; expired rows are never returned anyway).
        ///
        /// # Errors
        /// [`SessionStoreError::Backend`].
        pub fn purge_expired(&self, now: i64) -> Result<usize, SessionStoreError> {
            self.lock()
                .execute(
                    "DELETE FROM palisade_sessions WHERE expires_at <= ?1",
                    params![now],
                )
                .map_err(|e| backend(&e))
        }
    }

    impl SessionStore for SqliteSessionStore {
        fn insert(&self, id: &str, session: StoredSession) -> Result<(), SessionStoreError> {
            let id_tag = self.tag(b"id", id);
            let sealed = self.seal(&id_tag, &session)?;
            let sub = session.sub.as_deref().map(|s| self.tag(b"sub", s));
            let sid = session.sid.as_deref().map(|s| self.tag(b"sid", s));
            self.lock()
                .execute(
                    "INSERT OR REPLACE INTO palisade_sessions (id, sealed, expires_at, sub, sid)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id_tag, sealed, session.expires_at, sub, sid],
                )
                .map_err(|e| backend(&e))?;
            Ok(())
        }

        fn get(&self, id: &str, now: i64) -> Result<Option<StoredSession>, SessionStoreError> {
            let id_tag = self.tag(b"id", id);
            let row: Option<(Vec<u8>, i64)> = self
                .lock()
                .query_row(
                    "SELECT sealed, expires_at FROM palisade_sessions WHERE id = ?1 AND expires_at > ?2",
                    params![id_tag, now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(|e| backend(&e))?;
            row.map(|(sealed, exp)| self.open_row(&id_tag, &sealed, exp))
                .transpose()
        }

        fn take(&self, id: &str, now: i64) -> Result<Option<StoredSession>, SessionStoreError> {
            let id_tag = self.tag(b"id", id);
            let row: Option<(Vec<u8>, i64)> = self
                .lock()
                .query_row(
                    "DELETE FROM palisade_sessions WHERE id = ?1 RETURNING sealed, expires_at",
                    params![id_tag],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(|e| backend(&e))?;
            row.filter(|(_, exp)| *exp > now)
                .map(|(sealed, exp)| self.open_row(&id_tag, &sealed, exp))
                .transpose()
        }

        fn end_sessions(
            &self,
            sid: Option<&str>,
            sub: Option<&str>,
        ) -> Result<usize, SessionStoreError> {
            let sub = sub.map(|s| self.tag(b"sub", s));
            let conn = self.lock();
            let n = match (sid.map(|s| self.tag(b"sid", s)), sub) {
                (Some(sid), None) => {
                    conn.execute("DELETE FROM palisade_sessions WHERE sid = ?1", params![sid])
                }
                (Some(sid), Some(sub)) => conn.execute(
                    "DELETE FROM palisade_sessions WHERE sid = ?1 AND sub = ?2",
                    params![sid, sub],
                ),
                (None, Some(sub)) => {
                    conn.execute("DELETE FROM palisade_sessions WHERE sub = ?1", params![sub])
                }
                (None, None) => Ok(0),
            };
            n.map_err(|e| backend(&e))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn s(data: &[u8], exp: i64, sub: Option<&str>, sid: Option<&str>) -> StoredSession {
        StoredSession {
            data: data.to_vec(),
            expires_at: exp,
            sub: sub.map(str::to_owned),
            sid: sid.map(str::to_owned),
        }
    }

    /// The contract every store must meet.
    fn contract(store: &dyn SessionStore) {
        store
            .insert("a", s(b"one", 100, Some("alice"), Some("s1")))
            .unwrap();
        store
            .insert("b", s(b"two", 100, Some("alice"), Some("s2")))
            .unwrap();
        store
            .insert("c", s(b"three", 100, Some("bob"), Some("s3")))
            .unwrap();
        store.insert("old", s(b"x", 10, None, None)).unwrap();
        assert_eq!(store.get("a", 50).unwrap().unwrap().data, b"one");
        assert_eq!(
            store.get("a", 50).unwrap().unwrap().sid.as_deref(),
            Some("s1")
        );
        assert!(
            store.get("old", 50).unwrap().is_none(),
            "expired sessions are not returned"
        );
        assert!(store.take("old", 50).unwrap().is_none());
        assert!(store.get("nope", 50).unwrap().is_none());
        // sid and a mismatching sub: nothing ends.
        assert_eq!(store.end_sessions(Some("s1"), Some("bob")).unwrap(), 0);
        assert_eq!(store.end_sessions(Some("s1"), Some("alice")).unwrap(), 1);
        assert!(store.get("a", 50).unwrap().is_none());
        assert!(store.get("b", 50).unwrap().is_some());
        assert_eq!(store.end_sessions(None, Some("alice")).unwrap(), 1);
        assert!(store.get("b", 50).unwrap().is_none());
        assert_eq!(store.end_sessions(None, None).unwrap(), 0);
        assert_eq!(store.take("c", 50).unwrap().unwrap().data, b"three");
        assert!(store.get("c", 50).unwrap().is_none(), "take removes");
    }

    #[test]
    fn memory_store_meets_the_contract() {
        contract(&MemorySessionStore::default());
    }

    #[test]
    fn memory_store_is_bounded() {
        let m = MemorySessionStore::new(2);
        let far = i64::MAX;
        m.insert("a", s(b"1", far - 2, None, None)).unwrap();
        m.insert("b", s(b"2", far, None, None)).unwrap();
        m.insert("c", s(b"3", far, None, None)).unwrap();
        assert!(
            m.get("a", 0).unwrap().is_none(),
            "the soonest-expiring one is evicted"
        );
        assert!(m.get("b", 0).unwrap().is_some() && m.get("c", 0).unwrap().is_some());
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_store_meets_the_contract_and_keeps_no_secret_in_clear() {
        let dir = std::env::temp_dir().join(format!("palisade-auth-sess-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.db");
        let _ = std::fs::remove_file(&path);
        let key = [7u8; 32];
        {
            let store = SqliteSessionStore::open(&path, &key).unwrap();
            contract(&store);
            store
                .insert(
                    "cookie-value-123",
                    s(b"refresh-token-secret", 100, Some("carol"), Some("sx")),
                )
                .unwrap();
        }
        // Survives reopening; a wrong key cannot read it (refused, not garbage).
        let store = SqliteSessionStore::open(&path, &key).unwrap();
        assert_eq!(
            store.get("cookie-value-123", 50).unwrap().unwrap().data,
            b"refresh-token-secret"
        );
        let wrong = SqliteSessionStore::open(&path, &[8u8; 32]).unwrap();
        assert!(
            wrong.get("cookie-value-123", 50).unwrap().is_none(),
            "other key, other row id"
        );
        drop((store, wrong));
        let raw = std::fs::read(&path).unwrap();
        let wal = std::fs::read(path.with_extension("db-wal")).unwrap_or_default();
        for needle in [&b"refresh-token-secret"[..], b"cookie-value-123", b"carol"] {
            let found = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
            assert!(
                !found(&raw) && !found(&wal),
                "{} stored in clear",
                String::from_utf8_lossy(needle)
            );
        }
        // A tampered row is refused as corrupt.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE palisade_sessions SET sealed = X'00112233445566778899AABBCCDDEEFF00'",
            [],
        )
        .unwrap();
        let store = SqliteSessionStore::with_connection(conn, &key).unwrap();
        assert_eq!(
            store.get("cookie-value-123", 50),
            Err(SessionStoreError::Corrupt)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
