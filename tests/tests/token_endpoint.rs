//! The token endpoint's request checks and success response (RFC 6749 3.2, 5.1, 5.2).

mod common;

use std::time::Duration;

use common::*;
use http::{Method, StatusCode};
use oauth2_server::{
    AccessTokenStore, Client, ClientCredentialsStore, ClientSecret, ClientStore, GrantId,
    GrantType, ModelError, NewTokens, OAuthModel, OAuthRequest, OAuthServer, ScopePolicy, Token,
    TokenGenerator,
};

// RFC 6749 3.2: "The client MUST use the HTTP POST method when making access token requests."
#[tokio::test]
async fn get_request_is_invalid_request() {
    let server = server();
    let req = OAuthRequest::get("grant_type=client_credentials")
        .with_header("authorization", &basic(APP, APP_SECRET));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}

// RFC 6749 4.4.2: parameters in the "application/x-www-form-urlencoded" format.
#[tokio::test]
async fn json_body_is_invalid_request() {
    let server = server();
    let req = OAuthRequest::new(Method::POST)
        .with_header("content-type", "application/json")
        .with_header("authorization", &basic(APP, APP_SECRET))
        .with_body(r#"{"grant_type":"client_credentials"}"#);
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn form_content_type_with_charset_is_accepted() {
    let server = server();
    let req = OAuthRequest::new(Method::POST)
        .with_header("content-type", "application/x-www-form-urlencoded; charset=UTF-8")
        .with_header("authorization", &basic(APP, APP_SECRET))
        .with_body("grant_type=client_credentials");
    token_ok(&server, &req).await;
}

// RFC 6749 3.1: "Request and response parameters MUST NOT be included more than once."
#[tokio::test]
async fn repeated_parameter_is_invalid_request() {
    let server = server();
    let req = app_request("grant_type=client_credentials&scope=read&scope=write");
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}

// RFC 6749 3.1: the same rule holds for grant_type itself.
#[tokio::test]
async fn repeated_grant_type_is_invalid_request() {
    let server = server();
    let req = app_request("grant_type=client_credentials&grant_type=password");
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}

// RFC 6749 5.2 invalid_request: "missing a required parameter".
#[tokio::test]
async fn missing_grant_type_is_invalid_request() {
    let server = server();
    token_err(&server, &app_request("scope=read"), StatusCode::BAD_REQUEST, "invalid_request")
        .await;
}

// RFC 6749 3.1: "Parameters sent without a value MUST be treated as if they were omitted."
#[tokio::test]
async fn empty_grant_type_is_treated_as_missing() {
    let server = server();
    token_err(&server, &app_request("grant_type="), StatusCode::BAD_REQUEST, "invalid_request")
        .await;
}

// RFC 6749 5.2 unsupported_grant_type.
#[tokio::test]
async fn unknown_grant_type_is_unsupported_grant_type() {
    let server = server();
    let req = app_request("grant_type=implicit");
    token_err(&server, &req, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
}

// RFC 6749 5.2 unsupported_grant_type: a built-in grant the server did not enable.
#[tokio::test]
async fn grant_not_enabled_on_the_server_is_unsupported_grant_type() {
    let server = OAuthServer::builder(store()).client_credentials().build().unwrap();
    let req = app_request(&format!("grant_type=password&username={USERNAME}&password={PASSWORD}"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
}

// RFC 6749 5.2 unauthorized_client: "not authorized to use this authorization grant type".
#[tokio::test]
async fn client_lacking_the_grant_is_unauthorized_client() {
    let store = store();
    store.add_client(
        Client::confidential("cc-only", ClientSecret::plain("s"))
            .grants([GrantType::ClientCredentials])
            .scopes("read")
            .unwrap(),
    );
    let server = builder(store).build().unwrap();
    let req = OAuthRequest::post_form(format!(
        "grant_type=password&username={USERNAME}&password={PASSWORD}"
    ))
    .with_header("authorization", &basic("cc-only", "s"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "unauthorized_client").await;
}

// RFC 6749 5.1: access_token, token_type, expires_in, scope.
#[tokio::test]
async fn success_response_has_the_rfc6749_5_1_members() {
    let server = server();
    let body = token_ok(&server, &app_request("grant_type=client_credentials&scope=read")).await;
    assert!(!str_of(&body, "access_token").is_empty());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "read");
}

// RFC 6749 5.1: expires_in is the lifetime in seconds, not one less (Node's off-by-one).
#[tokio::test]
async fn expires_in_is_exactly_the_configured_lifetime() {
    let server = builder(store()).access_token_lifetime(Duration::from_secs(1234)).build().unwrap();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert_eq!(body["expires_in"], 1234);
}

// RFC 6749 5.1: "Cache-Control: no-store" and "Pragma: no-cache".
#[tokio::test]
async fn success_response_is_not_cacheable() {
    let server = server();
    let (status, headers, _) = token(&server, &app_request("grant_type=client_credentials")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["pragma"], "no-cache");
    assert_eq!(headers["content-type"], "application/json");
}

#[tokio::test]
async fn error_response_is_not_cacheable() {
    let server = server();
    let headers = token_err(
        &server,
        &app_request("grant_type=implicit"),
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
    )
    .await;
    assert_eq!(headers["cache-control"], "no-store");
}

// RFC 6749 3.3: an omitted scope gets the default (the client's scopes), stated in the answer.
#[tokio::test]
async fn omitted_scope_is_granted_the_clients_scopes_and_stated() {
    let server = server();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert_eq!(body["scope"], "read write");
}

#[tokio::test]
async fn client_access_token_lifetime_overrides_the_servers() {
    let store = store();
    store.add_client(app_client().access_token_lifetime(Duration::from_secs(60)));
    let server = builder(store).build().unwrap();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert_eq!(body["expires_in"], 60);
}

#[tokio::test]
async fn client_lifetime_override_does_not_affect_other_clients() {
    let store = store();
    store.add_client(app_client().access_token_lifetime(Duration::from_secs(60)));
    let server = builder(store).build().unwrap();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    assert_eq!(token_ok(&server, &req).await["expires_in"], 3600);
}

#[tokio::test]
async fn issued_access_token_authenticates() {
    let server = server();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert!(access_works(&server, str_of(&body, "access_token")).await);
}

#[tokio::test]
async fn token_response_tokens_match_the_json_answer() {
    let server = server();
    let ok = server.token(&app_request("grant_type=client_credentials")).await.unwrap();
    let body = json(ok.response());
    assert_eq!(ok.tokens().access.value.expose(), str_of(&body, "access_token"));
    assert_eq!(&*ok.tokens().access.data.client_id, APP);
}

/// A model over `MemoryStore` whose token generator adds response members.
struct ExtendedModel(Store);

impl OAuthModel for ExtendedModel {
    type User = User;
}

impl ClientStore for ExtendedModel {
    async fn get_client(&self, id: &str) -> Result<Option<std::sync::Arc<Client>>, ModelError> {
        self.0.get_client(id).await
    }
}

impl AccessTokenStore<User> for ExtendedModel {
    async fn save_token(&self, tokens: &NewTokens<User>) -> Result<(), ModelError> {
        self.0.save_token(tokens).await
    }
    async fn get_access_token(&self, value: &str) -> Result<Option<Token<User>>, ModelError> {
        self.0.get_access_token(value).await
    }
    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), ModelError> {
        self.0.revoke_grant(grant_id).await
    }
}

impl ClientCredentialsStore<User> for ExtendedModel {
    async fn get_user_from_client(&self, client: &Client) -> Result<Option<User>, ModelError> {
        self.0.get_user_from_client(client).await
    }
}

impl ScopePolicy<User> for ExtendedModel {}

impl TokenGenerator<User> for ExtendedModel {
    fn extended_token_attributes(
        &self,
        _client: &Client,
        _tokens: &NewTokens<User>,
    ) -> serde_json::Map<String, serde_json::Value> {
        let mut extra = serde_json::Map::new();
        extra.insert("tenant".into(), "acme".into());
        extra.insert("token_type".into(), "MAC".into());
        extra
    }
}

fn extended_server(enabled: bool) -> OAuthServer<ExtendedModel> {
    OAuthServer::builder(ExtendedModel(store()))
        .client_credentials()
        .extended_token_attributes(enabled)
        .build()
        .unwrap()
}

#[tokio::test]
async fn extended_token_attributes_are_absent_by_default() {
    let server = extended_server(false);
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert!(body.get("tenant").is_none(), "{body}");
}

#[tokio::test]
async fn extended_token_attributes_are_added_when_enabled() {
    let server = extended_server(true);
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert_eq!(body["tenant"], "acme");
}

#[tokio::test]
async fn extended_token_attributes_cannot_override_standard_members() {
    let server = extended_server(true);
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert_eq!(body["token_type"], "Bearer");
}
