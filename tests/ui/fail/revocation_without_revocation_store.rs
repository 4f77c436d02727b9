// Enabling revocation (RFC 7009) on a model without `RevocationStore` does not compile.
use oauth2_server::{MemoryStore, OAuthModel, OAuthServer};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients, tokens, client_credentials)]
    store: MemoryStore<AppUser>,
}

fn main() {
    let model = AppModel { store: MemoryStore::new() };
    let _ = OAuthServer::builder(model).client_credentials().revocation().build();
}
