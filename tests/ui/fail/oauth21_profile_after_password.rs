// The other order is refused too: the OAuth 2.1 profile cannot be chosen once `.password()` is
// enabled.
use oauth2_server::{MemoryStore, OAuthServer, Profile};

fn main() {
    let store: MemoryStore<String> = MemoryStore::new();
    let _ = OAuthServer::builder(store).password().profile(Profile::OAuth21);
}
