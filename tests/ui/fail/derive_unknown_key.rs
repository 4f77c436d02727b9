// A misspelled key is reported at the key, with the list of accepted keys.
use oauth2_server::{MemoryStore, OAuthModel, OAuthServer};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients, token)]
    store: MemoryStore<AppUser>,
}

fn main() {
    // No follow-up error here: the derive still implements what it could parse.
    let _ = OAuthServer::builder(AppModel { store: MemoryStore::new() });
}
