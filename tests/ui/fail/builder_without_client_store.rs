// Every endpoint looks up clients: a model without `ClientStore` cannot start a builder.
use oauth2_server::{MemoryStore, OAuthModel, OAuthServer};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(tokens, client_credentials)]
    store: MemoryStore<AppUser>,
}

fn main() {
    let model = AppModel { store: MemoryStore::new() };
    let _ = OAuthServer::builder(model).client_credentials().build();
}
