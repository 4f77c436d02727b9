//! The smallest complete authorization server: a derived model over the in-memory store, the
//! client_credentials grant, and a protected resource check. No web framework needed.
//!
//! Run it with `cargo run --example quickstart`.

use oauth2_server::{
    Client, ClientSecret, GrantType, MemoryStore, OAuthModel, OAuthRequest, OAuthServer, Scope,
};

/// Our application's user type: the library never invents one.
#[derive(Clone, Debug)]
struct AppUser {
    name: String,
}

/// The model: every capability delegated to the in-memory store.
#[derive(OAuthModel)]
#[oauth(user = AppUser)]
struct AppModel {
    #[oauth(clients, tokens, client_credentials)]
    store: MemoryStore<AppUser>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store = MemoryStore::new();
    store.add_client(
        Client::confidential("reporting", ClientSecret::sha256("a-long-generated-secret"))
            .grants([GrantType::ClientCredentials])
            .scopes("read write")?,
    );
    store.set_client_user("reporting", AppUser { name: "reporting-bot".into() });

    // `.client_credentials()` compiles only because AppModel delegates ClientCredentialsStore.
    let server = OAuthServer::builder(AppModel { store }).client_credentials().build()?;

    // A token request, as a framework adapter would hand it over.
    let request = OAuthRequest::post_form("grant_type=client_credentials&scope=read")
        .with_header("authorization", "Basic cmVwb3J0aW5nOmEtbG9uZy1nZW5lcmF0ZWQtc2VjcmV0");
    let issued = server.token(&request).await?;
    println!("token response: {}", issued.response().body_str());

    // A resource request carrying that token.
    let token = issued.tokens().access.value.expose().to_owned();
    let resource = OAuthRequest::get("").with_header("authorization", &format!("Bearer {token}"));
    let read = Scope::parse("read")?;
    let who = server.authenticate(&resource, Some(&read)).await?;
    println!(
        "authenticated: client={} user={:?} scope={}",
        who.client_id(),
        who.user().map(|u| &u.name),
        who.scope()
    );

    // The token was issued for `read` only: asking for `write` is refused with 403.
    let write = Scope::parse("write")?;
    let err = server.authenticate(&resource, Some(&write)).await.unwrap_err();
    println!("write check: {} {}", err.status(), err.code());
    Ok(())
}
