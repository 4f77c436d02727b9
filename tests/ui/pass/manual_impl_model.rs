// Without the derive: `OAuthModel` and every capability implemented by hand.
use std::sync::Arc;

use oauth2_server::{
    AccessTokenStore, Client, ClientCredentialsStore, ClientStore, GrantId, ModelError, NewTokens,
    OAuthModel, OAuthServer, ScopePolicy, Token, TokenGenerator,
};

#[derive(Clone)]
struct AppUser;

struct AppModel;

impl OAuthModel for AppModel {
    type User = AppUser;
}

impl ClientStore for AppModel {
    async fn get_client(&self, _client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        Ok(None)
    }
}

impl AccessTokenStore<AppUser> for AppModel {
    async fn save_token(&self, _tokens: &NewTokens<AppUser>) -> Result<(), ModelError> {
        Ok(())
    }

    async fn get_access_token(&self, _token: &str) -> Result<Option<Token<AppUser>>, ModelError> {
        Ok(None)
    }

    async fn revoke_grant(&self, _grant_id: GrantId) -> Result<(), ModelError> {
        Ok(())
    }
}

impl ClientCredentialsStore<AppUser> for AppModel {
    async fn get_user_from_client(&self, _client: &Client) -> Result<Option<AppUser>, ModelError> {
        Ok(None)
    }
}

// Empty impls take the library's defaults.
impl ScopePolicy<AppUser> for AppModel {}
impl TokenGenerator<AppUser> for AppModel {}

fn main() {
    let server = OAuthServer::builder(AppModel).client_credentials().build();
    assert!(server.is_ok());
}
