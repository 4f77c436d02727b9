//! A model composed from parts with `#[derive(OAuthModel)]`: clients from a static list,
//! authorization codes in Redis, tokens (and refresh tokens, password users, client users) in
//! PostgreSQL; the full OAuth flow runs over it.
//!
//! Needs `OAUTH2_SERVER_TEST_POSTGRES_URL` and `OAUTH2_SERVER_TEST_REDIS_URL`; without them the
//! test prints why it skips, unless `OAUTH2_SERVER_REQUIRE_SERVICES=1`.

mod store_conformance;

use std::collections::HashMap;
use std::sync::Arc;

use oauth2_server::store::postgres::PostgresStore;
use oauth2_server::store::redis::RedisStore;
use oauth2_server::{Client, ClientStore, ModelError, OAuthModel, OAuthServer};
use sqlx::Row as _;
use store_conformance::{
    app_client, random_suffix, rs_client, run_full_flow, service_url, User, PASSWORD, USERNAME,
};

/// Clients from configuration: a fixed list in memory.
struct StaticClients(HashMap<String, Arc<Client>>);

impl StaticClients {
    fn new(clients: impl IntoIterator<Item = Client>) -> Self {
        Self(clients.into_iter().map(|c| (c.id().to_owned(), Arc::new(c))).collect())
    }
}

impl ClientStore for StaticClients {
    async fn get_client(&self, client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        Ok(self.0.get(client_id).cloned())
    }
}

#[derive(OAuthModel)]
#[oauth(user = User)]
struct AppModel {
    #[oauth(clients)]
    clients: StaticClients,
    #[oauth(codes)]
    codes: RedisStore<User>,
    #[oauth(tokens, refresh, revocation, password, client_credentials)]
    db: PostgresStore<User>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_flow_over_static_clients_redis_codes_and_postgres_tokens() {
    let (Some(pg_url), Some(redis_url)) = (
        service_url("OAUTH2_SERVER_TEST_POSTGRES_URL"),
        service_url("OAUTH2_SERVER_TEST_REDIS_URL"),
    ) else {
        return;
    };
    let suffix = random_suffix();
    let db = PostgresStore::connect(&pg_url, &format!("oauth2_composed_{suffix}")).await.unwrap();
    db.migrate().await.unwrap();
    db.add_user(USERNAME, PASSWORD, USERNAME.to_owned()).await.unwrap();
    let codes =
        RedisStore::connect(&redis_url, &format!("oauth2-composed-{suffix}")).await.unwrap();
    codes.migrate().await.unwrap();
    let model = AppModel {
        clients: StaticClients::new([app_client(), rs_client()]),
        codes: codes.clone(),
        db: db.clone(),
    };
    let server = OAuthServer::builder(model)
        .authorization_code()
        .client_credentials()
        .password()
        .refresh_token()
        .revocation()
        .introspection()
        .issuer("https://as.example")
        .build()
        .unwrap();

    run_full_flow(&server).await;

    // Each part held what it was given: the code went to Redis (its replay tombstone is still
    // there), none to PostgreSQL, which holds the tokens.
    let schema = db.schema();
    let count = |table: &str| format!("SELECT count(*) FROM \"{schema}\".{table}");
    let pg_codes: i64 = sqlx::query(&count("codes")).fetch_one(db.pool()).await.unwrap().get(0);
    let pg_tokens: i64 = sqlx::query(&count("tokens")).fetch_one(db.pool()).await.unwrap().get(0);
    assert_eq!(pg_codes, 0);
    assert!(pg_tokens > 0);
    let client = redis::Client::open(redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let redis_codes: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}code:*", codes.prefix()))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(redis_codes.len(), 1, "{redis_codes:?}");

    db.drop_schema().await.unwrap();
    codes.delete_all().await.unwrap();
}
