// A model composed of parts: clients from a static list, users in their own table, tokens,
// codes and refresh tokens in the in-memory store. Every grant whose stores are delegated can
// be enabled, and the password grant runs through the delegated stores.
use std::sync::Arc;

use oauth2_server::{
    Client, ClientSecret, ClientStore, GrantType, MemoryStore, ModelError, OAuthModel,
    OAuthRequest, OAuthServer, PasswordStore,
};

#[derive(Clone, Debug, PartialEq)]
struct AppUser {
    name: String,
}

/// Implements `ClientStore` and nothing else.
struct StaticClients(Vec<Arc<Client>>);

impl ClientStore for StaticClients {
    async fn get_client(&self, client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        Ok(self.0.iter().find(|c| c.id() == client_id).cloned())
    }
}

/// The application's own user table: implements `PasswordStore` and nothing else.
struct UserTable;

impl PasswordStore<AppUser> for UserTable {
    async fn get_user(
        &self,
        username: &str,
        password: &str,
        _client: &Client,
    ) -> Result<Option<AppUser>, ModelError> {
        let ok = username == "alice" && oauth2_server::ct_eq_str(password, "wonderland");
        Ok(ok.then(|| AppUser { name: username.to_owned() }))
    }
}

#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients)]
    clients: StaticClients,
    #[oauth(tokens, codes, refresh, client_credentials)]
    store: MemoryStore<AppUser>,
    #[oauth(password)]
    users: UserTable,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = Client::confidential("web", ClientSecret::sha256("secret"))
        .grants([GrantType::Password, GrantType::RefreshToken])
        .scopes("read")
        .unwrap();
    let model = AppModel {
        clients: StaticClients(vec![Arc::new(client)]),
        store: MemoryStore::new(),
        users: UserTable,
    };
    let server = OAuthServer::builder(model)
        .authorization_code()
        .refresh_token()
        .password()
        .client_credentials()
        .build()
        .unwrap();

    // base64("web:secret")
    let request = OAuthRequest::post_form("grant_type=password&username=alice&password=wonderland")
        .with_header("authorization", "Basic d2ViOnNlY3JldA==");
    let issued = server.token(&request).await.unwrap();
    assert_eq!(issued.tokens().access.data.user, Some(AppUser { name: "alice".into() }));
    assert!(issued.tokens().refresh.is_some());
}
