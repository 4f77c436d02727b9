// Enabling the `client_credentials` grant on a model without `ClientCredentialsStore` does not compile, and the
// error names the trait and its methods.
use oauth2_server::{MemoryStore, OAuthModel, OAuthServer};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients, tokens)]
    store: MemoryStore<AppUser>,
}

fn main() {
    let model = AppModel { store: MemoryStore::new() };
    let _ = OAuthServer::builder(model).client_credentials().build();
}
