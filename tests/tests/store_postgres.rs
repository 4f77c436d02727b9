//! `PostgresStore` against the store conformance suite, in its own schema per test.
//!
//! Needs `OAUTH2_SERVER_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`);
//! without it the tests print why they skip, unless `OAUTH2_SERVER_REQUIRE_SERVICES=1`.

mod store_conformance;

use oauth2_server::store::postgres::PostgresStore;
use oauth2_server::Client;
use sqlx::Row as _;
use store_conformance::{hex, random_suffix, service_url, Backend, User};

pub const URL_VAR: &str = "OAUTH2_SERVER_TEST_POSTGRES_URL";

struct Postgres {
    url: String,
    schema: String,
}

async fn backend() -> Option<Postgres> {
    let url = service_url(URL_VAR)?;
    Some(Postgres { url, schema: format!("oauth2_test_{}", random_suffix()) })
}

#[async_trait::async_trait]
impl Backend for Postgres {
    type Store = PostgresStore<User>;

    async fn open(&self) -> Self::Store {
        let store = PostgresStore::connect(&self.url, &self.schema)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at {}: {e}", self.url));
        store.migrate().await.expect("migrate");
        store
    }

    async fn add_client(&self, store: &Self::Store, client: Client) {
        store.add_client(client).await.unwrap();
    }

    async fn add_user(&self, store: &Self::Store, username: &str, password: &str, user: User) {
        store.add_user(username, password, user).await.unwrap();
    }

    async fn set_client_user(&self, store: &Self::Store, client_id: &str, user: User) {
        store.set_client_user(client_id, user).await.unwrap();
    }

    async fn purge(&self, store: &Self::Store) -> u64 {
        store.purge_expired().await.unwrap()
    }

    fn min_purged(&self, expired: u64) -> u64 {
        expired
    }

    async fn raw_dump(&self) -> String {
        let store = self.open().await;
        let mut dump = String::new();
        for table in ["clients", "tokens", "codes", "grants", "users", "client_users"] {
            // Every column as text; bytea's text form is `\x` + hex.
            let sql = format!("SELECT t::text FROM \"{}\".{table} t", self.schema);
            for row in sqlx::query(&sql).fetch_all(store.pool()).await.unwrap() {
                let text: String = row.try_get(0).unwrap();
                dump.push_str(&text);
                dump.push('\n');
            }
        }
        // Sanity: hex() is the same lower-case encoding the bytea text form uses.
        assert_eq!(hex(&[0xab, 0x01]), "ab01");
        dump
    }

    async fn cleanup(self) {
        let store = self.open().await;
        store.drop_schema().await.unwrap();
    }
}

conformance_tests!(backend);
