// Revocation delegated with `#[oauth(revocation)]`, introspection for a user type with
// `UserClaims`, and the OAuth 2.1 profile without the password grant: all compile.
use oauth2_server::{MemoryStore, OAuthModel, OAuthServer, Profile, UserClaims};

#[derive(Clone)]
struct AppUser {
    name: String,
}

impl UserClaims for AppUser {
    fn username(&self) -> Option<&str> {
        Some(&self.name)
    }
}

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients, tokens, codes, refresh, revocation)]
    store: MemoryStore<AppUser>,
}

fn main() {
    let model = AppModel { store: MemoryStore::new() };
    let server = OAuthServer::builder(model)
        .authorization_code()
        .refresh_token()
        .revocation()
        .introspection()
        .issuer("https://as.example")
        .profile(Profile::OAuth21)
        .build()
        .unwrap();
    assert!(server.config().is_oauth21());
}
