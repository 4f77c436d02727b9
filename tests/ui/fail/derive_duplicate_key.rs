// A capability comes from one field: the second delegation is reported.
use oauth2_server::{MemoryStore, OAuthModel};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients, tokens)]
    primary: MemoryStore<AppUser>,
    #[oauth(codes, tokens)]
    secondary: MemoryStore<AppUser>,
}

fn main() {}
