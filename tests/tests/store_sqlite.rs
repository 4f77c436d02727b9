//! `SqliteStore` against the store conformance suite, in a temporary file per test.

mod store_conformance;

use std::path::PathBuf;

use oauth2_server::store::sqlite::SqliteStore;
use oauth2_server::Client;
use sqlx::Row as _;
use store_conformance::{hex, random_suffix, Backend, User};

struct Sqlite {
    path: PathBuf,
}

async fn backend() -> Option<Sqlite> {
    let path = std::env::temp_dir().join(format!("oauth2-store-{}.db", random_suffix()));
    Some(Sqlite { path })
}

#[async_trait::async_trait]
impl Backend for Sqlite {
    type Store = SqliteStore<User>;

    async fn open(&self) -> Self::Store {
        let store = SqliteStore::open(&self.path).await.expect("open the SQLite file");
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
            let rows = sqlx::query(&format!("SELECT * FROM {table}"))
                .fetch_all(store.pool())
                .await
                .unwrap();
            for row in rows {
                for i in 0..row.len() {
                    // Text columns as text, everything else (blobs) as hex.
                    match row.try_get::<String, _>(i) {
                        Ok(text) => dump.push_str(&text),
                        Err(_) => match row.try_get::<Vec<u8>, _>(i) {
                            Ok(bytes) => dump.push_str(&hex(&bytes)),
                            Err(_) => dump.push_str(&format!("{:?}", row.try_get::<i64, _>(i))),
                        },
                    }
                    dump.push('\t');
                }
                dump.push('\n');
            }
        }
        dump
    }

    async fn cleanup(self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

conformance_tests!(backend);
