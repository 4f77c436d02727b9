// The storage traits are async fn in traits: an impl still marked `#[async_trait]` (written for
// an earlier version) does not compile.
use std::sync::Arc;

use oauth2_server::{async_trait, Client, ClientStore, ModelError};

struct Clients;

#[async_trait]
impl ClientStore for Clients {
    async fn get_client(&self, _client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        Ok(None)
    }
}

fn main() {}
