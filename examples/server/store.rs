//! Where the demo server keeps its state: the `--store` flag.
//!
//! | `--store` | store |
//! |---|---|
//! | `memory` (default) | [`MemoryStore`]: everything is lost when the process stops |
//! | `sqlite://PATH` | [`SqliteStore`] in the file `PATH` (created if missing; `sqlite:///abs/path` for an absolute one) |
//! | `postgres://USER@HOST:PORT/DB[?schema=NAME]` | [`PostgresStore`] in schema `NAME` (default `oauth2`) |
//! | `redis://HOST:PORT[/DB][?prefix=NAME]` | [`RedisStore`] under key prefix `NAME` (default `oauth2`) |
//!
//! `schema` and `prefix` are the demo's own query parameters (removed before the URL reaches the
//! database driver): several demo servers given the same URL share one truth (a token issued by
//! one is accepted, introspected and revoked by the others), while different names keep
//! independent deployments (or test runs) apart in one database.
//!
//! On start with a persistent store the server runs the store's `migrate()`, then writes the
//! config's clients (secrets as SHA-256 digests) and users, replacing entries with the same id
//! or username, so restarting with the same config is idempotent. Tokens and codes already in
//! the store stay valid across restarts.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use oauth2_server::store::postgres::PostgresStore;
use oauth2_server::store::redis::RedisStore;
use oauth2_server::store::sqlite::SqliteStore;
use oauth2_server::{
    AccessTokenStore, AuthorizationCodeStore, Client, ClientCredentialsStore, ClientStore,
    MemoryStore, ModelError, OAuthModel, PasswordStore, RefreshTokenStore, RevocationStore,
    ScopePolicy, TokenGenerator,
};

use super::{DemoConfig, SetupError};

/// A model the demo server can run on: every capability the demo enables, users known by their
/// username, and a way to load the config's clients and users into it.
///
/// The user is an `Arc<str>`: every token and code holds a clone of it, and an `Arc` clone is
/// a reference count where a `String` clone is a heap allocation (see `MemoryStore`'s docs).
pub trait DemoStore:
    OAuthModel<User = Arc<str>>
    + ClientStore
    + AccessTokenStore<Arc<str>>
    + AuthorizationCodeStore<Arc<str>>
    + RefreshTokenStore<Arc<str>>
    + ClientCredentialsStore<Arc<str>>
    + PasswordStore<Arc<str>>
    + RevocationStore<Arc<str>>
    + ScopePolicy<Arc<str>>
    + TokenGenerator<Arc<str>>
{
    /// Adds (or replaces) the config's clients (secrets as SHA-256 digests) and users.
    fn load(&self, config: &DemoConfig) -> impl Future<Output = Result<(), SetupError>> + Send;
}

fn store_err(what: &str) -> impl Fn(ModelError) -> SetupError + '_ {
    move |e| SetupError(format!("{what}: {e}"))
}

impl DemoStore for MemoryStore<Arc<str>> {
    async fn load(&self, config: &DemoConfig) -> Result<(), SetupError> {
        for client in super::config_clients(config)? {
            self.add_client(client);
        }
        for u in &config.users {
            self.add_user(&u.username, &u.password, Arc::from(u.username.as_str()));
        }
        Ok(())
    }
}

/// `load` for the persistent stores, whose `add_client` / `add_user` are async upserts.
macro_rules! persistent_load {
    ($store:ident) => {
        impl DemoStore for $store<Arc<str>> {
            async fn load(&self, config: &DemoConfig) -> Result<(), SetupError> {
                let clients: Vec<Client> = super::config_clients(config)?;
                for client in clients {
                    let id = client.id().to_owned();
                    self.add_client(client).await.map_err(store_err(&format!("client {id:?}")))?;
                }
                for u in &config.users {
                    self.add_user(&u.username, &u.password, Arc::from(u.username.as_str()))
                        .await
                        .map_err(store_err(&format!("user {:?}", u.username)))?;
                }
                Ok(())
            }
        }
    };
}

persistent_load!(SqliteStore);
persistent_load!(PostgresStore);
persistent_load!(RedisStore);

/// A parsed `--store` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// `memory`.
    Memory,
    /// `sqlite://PATH`: the file path.
    Sqlite(String),
    /// `postgres://...`: the connection URL without `schema`, and the schema.
    Postgres { url: String, schema: String },
    /// `redis://...`: the connection URL without `prefix`, and the key prefix.
    Redis { url: String, prefix: String },
}

/// The schema and key prefix used when the URL names none.
pub const DEFAULT_NAMESPACE: &str = "oauth2";

impl StoreUrl {
    /// Parses a `--store` value (see the [module docs](self)).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s == "memory" {
            return Ok(Self::Memory);
        }
        if let Some(path) = s.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite://PATH needs a file path".into());
            }
            return Ok(Self::Sqlite(path.to_owned()));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            let (url, schema) = take_param(s, "schema")?;
            return Ok(Self::Postgres { url, schema });
        }
        if s.starts_with("redis://") {
            let (url, prefix) = take_param(s, "prefix")?;
            return Ok(Self::Redis { url, prefix });
        }
        Err(format!("--store {s:?}: expected memory, sqlite://PATH, postgres://... or redis://..."))
    }

    /// A description for the start-up banner, without credentials.
    pub fn describe(&self) -> String {
        match self {
            Self::Memory => "in memory".to_owned(),
            Self::Sqlite(path) => format!("SQLite file {path}"),
            Self::Postgres { schema, .. } => format!("PostgreSQL schema {schema}"),
            Self::Redis { prefix, .. } => format!("Redis key prefix {prefix}"),
        }
    }
}

/// Removes the query parameter `name` from `url`: the URL without it, and its value (default
/// [`DEFAULT_NAMESPACE`]).
fn take_param(url: &str, name: &str) -> Result<(String, String), String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), DEFAULT_NAMESPACE.to_owned()));
    };
    let mut value = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((k, v)) if k == name => {
                if value.is_some() {
                    return Err(format!("--store: {name} given twice"));
                }
                let v: String =
                    form_urlencoded::parse(format!("v={v}").as_bytes()).map(|(_, v)| v).collect();
                value = Some(v);
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() { base.to_owned() } else { format!("{base}?{}", rest.join("&")) };
    match value {
        Some(v) if v.is_empty() => Err(format!("--store: {name} is empty")),
        Some(v) => Ok((url, v)),
        None => Ok((url, DEFAULT_NAMESPACE.to_owned())),
    }
}

/// How long opening and migrating a store may take before the server gives up (the drivers
/// would otherwise keep retrying an unreachable database).
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(15);

async fn within<T>(
    what: &str,
    open: impl Future<Output = Result<T, SetupError>>,
) -> Result<T, SetupError> {
    tokio::time::timeout(OPEN_TIMEOUT, open).await.unwrap_or_else(|_| {
        Err(SetupError(format!("{what}: no answer within {} s", OPEN_TIMEOUT.as_secs())))
    })
}

/// Opens the SQLite store at `path` and migrates it.
pub async fn open_sqlite(path: &str) -> Result<SqliteStore<Arc<str>>, SetupError> {
    within("SQLite", async {
        let store = SqliteStore::open(path).await.map_err(store_err(&format!("SQLite {path}")))?;
        store.migrate().await.map_err(store_err("SQLite migrate"))?;
        Ok(store)
    })
    .await
}

/// Connects to PostgreSQL and migrates `schema`.
pub async fn open_postgres(url: &str, schema: &str) -> Result<PostgresStore<Arc<str>>, SetupError> {
    within("PostgreSQL", async {
        let store = PostgresStore::connect(url, schema).await.map_err(store_err("PostgreSQL"))?;
        store.migrate().await.map_err(store_err("PostgreSQL migrate"))?;
        Ok(store)
    })
    .await
}

/// Connects to Redis and records the key layout under `prefix`.
pub async fn open_redis(url: &str, prefix: &str) -> Result<RedisStore<Arc<str>>, SetupError> {
    within("Redis", async {
        let store = RedisStore::connect(url, prefix).await.map_err(store_err("Redis"))?;
        store.migrate().await.map_err(store_err("Redis migrate"))?;
        Ok(store)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::StoreUrl;

    #[test]
    fn parses_store_urls() {
        assert_eq!(StoreUrl::parse("memory"), Ok(StoreUrl::Memory));
        assert_eq!(StoreUrl::parse("sqlite:///tmp/x.db"), Ok(StoreUrl::Sqlite("/tmp/x.db".into())));
        assert_eq!(StoreUrl::parse("sqlite://x.db"), Ok(StoreUrl::Sqlite("x.db".into())));
        assert_eq!(
            StoreUrl::parse("postgres://u@h:5432/db?sslmode=disable&schema=demo_1"),
            Ok(StoreUrl::Postgres {
                url: "postgres://u@h:5432/db?sslmode=disable".into(),
                schema: "demo_1".into()
            })
        );
        assert_eq!(
            StoreUrl::parse("postgresql://u@h/db"),
            Ok(StoreUrl::Postgres { url: "postgresql://u@h/db".into(), schema: "oauth2".into() })
        );
        assert_eq!(
            StoreUrl::parse("redis://127.0.0.1:6379/2?prefix=a%3Ab"),
            Ok(StoreUrl::Redis { url: "redis://127.0.0.1:6379/2".into(), prefix: "a:b".into() })
        );
        assert!(StoreUrl::parse("mysql://x").is_err());
        assert!(StoreUrl::parse("sqlite://").is_err());
        assert!(StoreUrl::parse("redis://h?prefix=").is_err());
        assert!(StoreUrl::parse("redis://h?prefix=a&prefix=b").is_err());
    }
}
