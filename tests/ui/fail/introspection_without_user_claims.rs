// Introspection reports `username` / `sub` through `UserClaims` on the user type: enabling it for
// a user type without that impl does not compile.
use oauth2_server::{MemoryStore, OAuthServer};

#[derive(Clone)]
struct AppUser;

fn main() {
    let store: MemoryStore<AppUser> = MemoryStore::new();
    let _ = OAuthServer::builder(store).client_credentials().introspection().build();
}
