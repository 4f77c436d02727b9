// A store method's future must be `Send` (the server's futures run on any worker thread): one
// that holds a non-`Send` value across an `.await` does not compile, and the error names the
// method and the value.
use std::rc::Rc;
use std::sync::Arc;

use oauth2_server::{Client, ClientStore, ModelError};

struct Clients;

async fn fetch() {}

impl ClientStore for Clients {
    async fn get_client(&self, _client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        let cache = Rc::new(());
        fetch().await;
        drop(cache);
        Ok(None)
    }
}

fn main() {}
