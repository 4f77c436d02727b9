//! [`SqliteStore`]: every capability in one SQLite file (feature `sqlite`).

use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::Executor as _;

use super::sql_common::{db_err, sql_store_impls, Queries};
use crate::error::ModelError;

/// The migrations shipped with the crate (`migrations/sqlite/`), applied in order by
/// [`SqliteStore::migrate`].
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../../migrations/sqlite/0001_initial.sql")),
    (2, "grants", include_str!("../../migrations/sqlite/0002_grants.sql")),
];

/// Every capability in one SQLite file: the embedded, durable store for a single server (or
/// several processes on one machine sharing the file).
///
/// - **Hashed at rest**: tokens and codes are keyed by the SHA-256 of their value; the value
///   itself is never written. Client secrets are stored as SHA-256 digests.
/// - **Atomic**: code consumption and refresh-token retirement are each one conditional
///   `UPDATE` (`... WHERE consumed_at IS NULL`, `... WHERE kind = 'refresh'`); SQLite
///   serialises writers, so of racing requests exactly one wins, across connections and
///   processes alike.
/// - **Users** (`U`) are stored as JSON (see [`StoredUser`](super::StoredUser)).
///   Password-grant users are kept with a random salt and SHA-256(salt || password), as
///   [`MemoryStore`](crate::MemoryStore) does: fine for machine accounts and demos; for
///   human passwords, delegate `#[oauth(password)]` to your own `PasswordStore` over a slow
///   hash (Argon2).
/// - **Schema**: call [`migrate`](Self::migrate) once at start-up; [`purge_expired`](Self::purge_expired)
///   reclaims the rows of expired tokens and codes (they are never returned anyway).
///
/// The file is the isolation unit: one store per file. It is opened in WAL mode with a 5 s busy
/// timeout, so concurrent writers wait for each other instead of failing.
///
/// ```no_run
/// # async fn demo() -> Result<(), oauth2_server::ModelError> {
/// use oauth2_server::store::sqlite::SqliteStore;
/// use oauth2_server::{Client, ClientSecret, GrantType, OAuthServer};
///
/// let store: SqliteStore<String> = SqliteStore::open("oauth.db").await?;
/// store.migrate().await?;
/// store
///     .add_client(
///         Client::confidential("svc", ClientSecret::sha256("s3cret"))
///             .grants([GrantType::ClientCredentials]),
///     )
///     .await?;
/// let server = OAuthServer::builder(store).client_credentials().build().unwrap();
/// # let _ = server; Ok(()) }
/// ```
pub struct SqliteStore<U> {
    pool: SqlitePool,
    queries: Arc<Queries>,
    _user: PhantomData<fn() -> U>,
}

impl<U> Clone for SqliteStore<U> {
    fn clone(&self) -> Self {
        Self { pool: self.pool.clone(), queries: self.queries.clone(), _user: PhantomData }
    }
}

impl<U> std::fmt::Debug for SqliteStore<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("pool", &self.pool).finish_non_exhaustive()
    }
}

impl<U: super::codec::StoredUser> SqliteStore<U> {
    /// Opens (creating it if missing) the database file at `path`, with a pool of connections
    /// in WAL mode. Call [`migrate`](Self::migrate) before first use.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, ModelError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().connect_with(options).await.map_err(db_err)?;
        Ok(Self::from_pool(pool))
    }

    /// A store over an existing pool (configure WAL and a busy timeout on it).
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self { pool, queries: Arc::new(Queries::new("")), _user: PhantomData }
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Applies the schema migrations shipped with the crate that are not applied yet, in one
    /// transaction, and records them in `oauth2_migrations`. Idempotent.
    pub async fn migrate(&self) -> Result<(), ModelError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        tx.execute(
            "CREATE TABLE IF NOT EXISTS oauth2_migrations (\
             version INTEGER PRIMARY KEY NOT NULL, description TEXT NOT NULL, \
             applied_at INTEGER NOT NULL)",
        )
        .await
        .map_err(db_err)?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM oauth2_migrations")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        for &(version, description, sql) in MIGRATIONS {
            if applied.contains(&version) {
                continue;
            }
            tx.execute(sql).await.map_err(db_err)?;
            sqlx::query(
                "INSERT INTO oauth2_migrations (version, description, applied_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(description)
            .bind(super::codec::millis(std::time::SystemTime::now()))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }
}

sql_store_impls!(SqliteStore);

/// Compile-time check: the inherent futures are `Send` (servers spawn them on tokio).
#[allow(dead_code)]
fn futures_are_send(store: &SqliteStore<String>, path: &Path) {
    fn is_send<T: Send>(_: T) {}
    is_send(SqliteStore::<String>::open(path));
    is_send(store.migrate());
    is_send(store.purge_expired());
}
