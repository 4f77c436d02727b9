// Every attribute mistake is reported in one compile, each at its token.
use oauth2_server::{MemoryStore, OAuthModel};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
#[oauth(custom(scopes), tokens)]
struct AppModel {
    #[oauth(clients, tokenz)]
    store: MemoryStore<AppUser>,
    #[oauth(user = AppUser, clients)]
    other: MemoryStore<AppUser>,
    #[oauth(scopes)]
    policy: MemoryStore<AppUser>,
}

fn main() {}
