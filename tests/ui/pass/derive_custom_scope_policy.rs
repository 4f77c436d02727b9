// `custom(scopes)`: the derive leaves `ScopePolicy` to a hand-written impl, which the server
// then uses.
use oauth2_server::{
    Client, ClientSecret, GrantType, MemoryStore, ModelError, OAuthModel, OAuthRequest,
    OAuthServer, Scope, ScopePolicy, Token,
};

#[derive(Clone)]
struct AppUser;

#[derive(OAuthModel)]
#[oauth(user = AppUser, custom(scopes))]
struct AppModel {
    #[oauth(clients, tokens, client_credentials)]
    store: MemoryStore<AppUser>,
}

/// Grants `read` whatever is asked for.
impl ScopePolicy<AppUser> for AppModel {
    async fn validate_scope(
        &self,
        _user: Option<&AppUser>,
        _client: &Client,
        _requested: Option<&Scope>,
    ) -> Result<Option<Scope>, ModelError> {
        Ok(Some(Scope::parse("read").unwrap()))
    }

    fn verify_scope(&self, token: &Token<AppUser>, required: &Scope) -> bool {
        required.is_subset_of(&token.scope)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let store = MemoryStore::new();
    store.add_client(
        Client::confidential("svc", ClientSecret::sha256("secret"))
            .grants([GrantType::ClientCredentials])
            .scopes("read write")
            .unwrap(),
    );
    let server = OAuthServer::builder(AppModel { store }).client_credentials().build().unwrap();
    // base64("svc:secret")
    let request = OAuthRequest::post_form("grant_type=client_credentials&scope=write")
        .with_header("authorization", "Basic c3ZjOnNlY3JldA==");
    let issued = server.token(&request).await.unwrap();
    assert_eq!(issued.tokens().access.data.scope.as_str(), "read");
}
