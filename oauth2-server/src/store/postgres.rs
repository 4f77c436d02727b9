//! [`PostgresStore`]: every capability in a PostgreSQL schema (feature `postgres`).

use std::marker::PhantomData;
use std::sync::Arc;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Executor as _;

use super::sql_common::{db_err, sql_store_impls, Queries};
use crate::error::ModelError;

/// The migrations shipped with the crate (`migrations/postgres/`), applied in order by
/// [`PostgresStore::migrate`].
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../../migrations/postgres/0001_initial.sql")),
    (2, "grants", include_str!("../../migrations/postgres/0002_grants.sql")),
];

/// Every capability in one PostgreSQL schema: the shared store for a fleet of stateless
/// servers (a token issued by one is accepted, introspected and revoked by any other).
///
/// - **Hashed at rest**: tokens and codes are keyed by the SHA-256 of their value (`BYTEA`);
///   the value itself is never written. Client secrets are stored as SHA-256 digests.
/// - **Atomic**: code consumption is one `UPDATE ... SET consumed_at = now WHERE hash = $1
///   AND consumed_at IS NULL RETURNING data`, refresh retirement one `UPDATE ... WHERE kind =
///   'refresh'`. Under READ COMMITTED a second writer waits for the first's row lock and then
///   re-checks the condition on the new row version, so exactly one of racing requests wins,
///   whichever server or connection they come through.
/// - **Users** (`U`) are stored as JSON (see [`StoredUser`](super::StoredUser));
///   password-grant users with a salted SHA-256, as [`SqliteStore`](crate::store::sqlite::SqliteStore)
///   documents.
/// - **Schema**: every table lives in the schema given at construction (default `oauth2`), so
///   several stores (or test runs) share a database without colliding. [`migrate`](Self::migrate)
///   creates the schema and applies the shipped migrations (serialised across servers by an
///   advisory lock); [`purge_expired`](Self::purge_expired) reclaims expired rows.
///
/// No TLS: connect over loopback, a Unix socket or a TLS-terminating proxy.
pub struct PostgresStore<U> {
    pool: PgPool,
    schema: Arc<str>,
    queries: Arc<Queries>,
    _user: PhantomData<fn() -> U>,
}

impl<U> Clone for PostgresStore<U> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            schema: self.schema.clone(),
            queries: self.queries.clone(),
            _user: PhantomData,
        }
    }
}

impl<U> std::fmt::Debug for PostgresStore<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

/// The schema used by [`PostgresStore::connect`] when none is given.
pub const DEFAULT_SCHEMA: &str = "oauth2";

impl<U: super::codec::StoredUser> PostgresStore<U> {
    /// Connects a pool to `url` (`postgres://user@host:port/db`) and uses `schema`. Call
    /// [`migrate`](Self::migrate) before first use.
    pub async fn connect(url: &str, schema: &str) -> Result<Self, ModelError> {
        let pool = PgPoolOptions::new().max_connections(16).connect(url).await.map_err(db_err)?;
        Self::from_pool(pool, schema)
    }

    /// A store over an existing pool, with its tables in `schema`. The schema name must be a
    /// plain identifier (ASCII letters, digits, `_`; not starting with a digit; at most 63
    /// bytes), since it is spliced into every statement.
    pub fn from_pool(pool: PgPool, schema: &str) -> Result<Self, ModelError> {
        let valid = !schema.is_empty()
            && schema.len() <= 63
            && !schema.as_bytes()[0].is_ascii_digit()
            && schema.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return Err(ModelError::msg(format!(
                "invalid PostgreSQL schema name {schema:?}: use ASCII letters, digits and '_'"
            )));
        }
        Ok(Self {
            pool,
            queries: Arc::new(Queries::new(&format!("\"{schema}\"."))),
            schema: Arc::from(schema),
            _user: PhantomData,
        })
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema that holds the tables.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Creates the schema if needed and applies the shipped migrations that are not applied
    /// yet, in one transaction, recording them in `<schema>.oauth2_migrations`. Idempotent, and
    /// safe when several servers start at once: a transaction-scoped advisory lock on the
    /// schema name serialises them.
    pub async fn migrate(&self) -> Result<(), ModelError> {
        let schema = &self.schema;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("oauth2-server migrate {schema}"))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let setup = format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; \
             SET LOCAL search_path TO \"{schema}\"; \
             CREATE TABLE IF NOT EXISTS oauth2_migrations (\
             version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL);"
        );
        tx.execute(setup.as_str()).await.map_err(db_err)?;
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

    /// Drops the schema and everything in it (`DROP SCHEMA ... CASCADE`): every client, token,
    /// code and user of this store. For tests and uninstalling.
    pub async fn drop_schema(&self) -> Result<(), ModelError> {
        let sql = format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema);
        self.pool.execute(sql.as_str()).await.map_err(db_err)?;
        Ok(())
    }
}

sql_store_impls!(PostgresStore);

/// Compile-time check: the inherent futures are `Send` (servers spawn them on tokio).
#[allow(dead_code)]
fn futures_are_send(store: &PostgresStore<String>) {
    fn is_send<T: Send>(_: T) {}
    is_send(PostgresStore::<String>::connect("", ""));
    is_send(store.migrate());
    is_send(store.drop_schema());
}
