// A field delegated a capability its type lacks: the error points at the key and carries the
// trait's explanation.
use std::sync::Arc;

use oauth2_server::{Client, ClientStore, MemoryStore, ModelError, OAuthModel};

#[derive(Clone)]
struct AppUser;

/// Implements `ClientStore` only.
struct StaticClients;

impl ClientStore for StaticClients {
    async fn get_client(&self, _client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        Ok(None)
    }
}

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients, refresh)]
    clients: StaticClients,
    #[oauth(tokens)]
    store: MemoryStore<AppUser>,
}

fn main() {}
