// Generic models: over the store type, over the user type, and a tuple struct.
use oauth2_server::{MemoryStore, OAuthModel, OAuthServer};

#[derive(Clone)]
struct AppUser;

/// Generic over the store: the derive bounds `S` by each capability it delegates.
#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct StoreModel<S> {
    #[oauth(clients, tokens, client_credentials)]
    store: S,
}

/// Generic over the user type.
#[derive(OAuthModel)]
#[oauth(user = U)]
struct UserModel<U: Clone + Send + Sync + 'static> {
    #[oauth(clients, tokens, codes)]
    store: MemoryStore<U>,
}

/// A tuple struct delegates to its fields by position.
#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct TupleModel(#[oauth(clients, tokens, password)] MemoryStore<AppUser>);

fn main() {
    let a = OAuthServer::builder(StoreModel { store: MemoryStore::<AppUser>::new() })
        .client_credentials()
        .build();
    let b = OAuthServer::builder(UserModel { store: MemoryStore::<String>::new() })
        .authorization_code()
        .build();
    let c = OAuthServer::builder(TupleModel(MemoryStore::new())).password().build();
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
}
