//! A small pool of store connections. The store is synchronous: each operation takes a
//! connection and runs on tokio's blocking pool. A connection whose operation failed with
//! a database error is dropped (it may be dead: PostgreSQL restarted, network lost); the
//! next operation connects afresh.

use std::sync::Mutex;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use palisade_store::Store;
use tokio::sync::Semaphore;

pub(crate) struct Pool {
    url: String,
    idle: Mutex<Vec<Store>>,
    permits: Semaphore,
}

/// A failed store operation, as an HTTP answer.
#[derive(Debug)]
pub(crate) enum StoreFailure {
    /// The store is unreachable or failed: 503, try again.
    Unavailable(String),
    /// The request asked for something invalid: 400.
    Invalid(String),
    /// 404.
    NotFound(String),
}

impl IntoResponse for StoreFailure {
    fn into_response(self) -> Response {
        match self {
            StoreFailure::Unavailable(m) => {
                let mut r = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("the findings store is unavailable: {m}; try again shortly\n"),
                )
                    .into_response();
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(crate::RETRY_AFTER.as_secs()),
                );
                r
            }
            StoreFailure::Invalid(m) => (StatusCode::BAD_REQUEST, format!("{m}\n")).into_response(),
            StoreFailure::NotFound(m) => (StatusCode::NOT_FOUND, format!("{m}\n")).into_response(),
        }
    }
}

fn classify(e: palisade_store::Error) -> (StoreFailure, bool) {
    use palisade_store::Error as E;
    match e {
        E::Invalid(m) => (StoreFailure::Invalid(m), false),
        E::NoMatch(m) => (StoreFailure::NotFound(format!("no finding `{m}`")), false),
        E::Ambiguous { prefix, .. } => (
            StoreFailure::Invalid(format!("`{prefix}` matches several findings")),
            false,
        ),
        other => (StoreFailure::Unavailable(other.to_string()), true),
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing PostgreSQL connections blocks: never on a tokio worker.
        let idle = std::mem::take(
            &mut *self
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

impl Pool {
    pub(crate) fn new(url: &str, size: usize, first: Store) -> Pool {
        Pool {
            url: url.to_owned(),
            idle: Mutex::new(vec![first]),
            permits: Semaphore::new(size.max(1)),
        }
    }

    /// Runs `work` with a connection.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Store) -> palisade_store::Result<T> + Send + 'static,
    ) -> Result<T, StoreFailure> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreFailure::Unavailable("the server is stopping".into()))?;
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let url = self.url.clone();
        // The store is used and, when it failed, dropped on the blocking thread: the
        // PostgreSQL client blocks when it closes, which a tokio worker must not do.
        let joined = tokio::task::spawn_blocking(move || {
            let mut store = match taken {
                Some(s) => s,
                None => match Store::open(&url) {
                    Ok(s) => s,
                    Err(e) => return (Err(classify(e).0), None),
                },
            };
            match work(&mut store) {
                Ok(v) => (Ok(v), Some(store)),
                Err(e) => {
                    let (failure, drop_conn) = classify(e);
                    if drop_conn {
                        drop(store);
                        (Err(failure), None)
                    } else {
                        (Err(failure), Some(store))
                    }
                }
            }
        })
        .await;
        match joined {
            Ok((out, store)) => {
                if let Some(s) = store {
                    self.give_back(s);
                }
                out
            }
            Err(e) => Err(StoreFailure::Unavailable(format!(
                "the store task failed: {e}"
            ))),
        }
    }

    fn give_back(&self, s: Store) {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(s);
    }
}
