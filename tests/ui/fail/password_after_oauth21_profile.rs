// The OAuth 2.1 profile has no password grant: `.password()` after `.profile(Profile::OAuth21)`
// does not compile, and the error cites RFC 9700 2.4.
use oauth2_server::{MemoryStore, OAuthServer, Profile};

fn main() {
    let store: MemoryStore<String> = MemoryStore::new();
    let _ = OAuthServer::builder(store).authorization_code().profile(Profile::OAuth21).password();
}
