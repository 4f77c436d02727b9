//! `RedisStore` against the store conformance suite, under its own key prefix per test.
//!
//! Needs `OAUTH2_SERVER_TEST_REDIS_URL` (e.g. `redis://127.0.0.1:6379`); without it the tests
//! print why they skip, unless `OAUTH2_SERVER_REQUIRE_SERVICES=1`.

mod store_conformance;

use oauth2_server::store::redis::RedisStore;
use oauth2_server::Client;
use store_conformance::{random_suffix, service_url, Backend, User};

pub const URL_VAR: &str = "OAUTH2_SERVER_TEST_REDIS_URL";

struct Redis {
    url: String,
    prefix: String,
}

async fn backend() -> Option<Redis> {
    let url = service_url(URL_VAR)?;
    Some(Redis { url, prefix: format!("oauth2-test-{}", random_suffix()) })
}

#[async_trait::async_trait]
impl Backend for Redis {
    type Store = RedisStore<User>;

    async fn open(&self) -> Self::Store {
        let store = RedisStore::connect(&self.url, &self.prefix)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to Redis at {}: {e}", self.url));
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

    fn min_purged(&self, _expired: u64) -> u64 {
        // Redis drops expired keys by their TTL; purge_expired has nothing left to do.
        0
    }

    async fn raw_dump(&self) -> String {
        let client = redis::Client::open(self.url.as_str()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}:*", self.prefix))
            .query_async(&mut conn)
            .await
            .unwrap();
        let mut dump = String::new();
        for key in keys {
            dump.push_str(&key);
            dump.push('\t');
            let kind: String = redis::cmd("TYPE").arg(&key).query_async(&mut conn).await.unwrap();
            let values: Vec<Vec<u8>> = match kind.as_str() {
                "string" => vec![redis::cmd("GET").arg(&key).query_async(&mut conn).await.unwrap()],
                "hash" => redis::cmd("HGETALL").arg(&key).query_async(&mut conn).await.unwrap(),
                "set" => redis::cmd("SMEMBERS").arg(&key).query_async(&mut conn).await.unwrap(),
                other => panic!("unexpected key type {other} for {key}"),
            };
            for v in values {
                dump.push_str(&String::from_utf8_lossy(&v));
                dump.push('\t');
            }
            dump.push('\n');
        }
        dump
    }

    async fn cleanup(self) {
        self.open().await.delete_all().await.unwrap();
    }
}

conformance_tests!(backend);
