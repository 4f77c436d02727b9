// The user type is required: the library never invents one.
use oauth2_server::{MemoryStore, OAuthModel};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
struct AppModel {
    #[oauth(clients, tokens)]
    store: MemoryStore<AppUser>,
}

fn main() {}
