//! Model failures become opaque `server_error`s; `Debug` output never carries a secret.

mod common;

use std::sync::Arc;

use common::*;
use http::StatusCode;
use oauth2_server::{
    AccessTokenStore, Client, ClientCredentialsStore, ClientStore, GrantId, ModelError, NewTokens,
    OAuthModel, OAuthRequest, OAuthServer, ScopePolicy, Token, TokenGenerator,
};

const INTERNAL: &str = "connection to db-7.internal:5432 refused (password=hunter2)";

/// A model whose storage is down: every call fails.
struct BrokenModel;

impl OAuthModel for BrokenModel {
    type User = User;
}

impl ClientStore for BrokenModel {
    async fn get_client(&self, _id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        Err(ModelError::msg(INTERNAL))
    }
}

impl AccessTokenStore<User> for BrokenModel {
    async fn save_token(&self, _tokens: &NewTokens<User>) -> Result<(), ModelError> {
        Err(ModelError::msg(INTERNAL))
    }
    async fn get_access_token(&self, _value: &str) -> Result<Option<Token<User>>, ModelError> {
        Err(ModelError::msg(INTERNAL))
    }
    async fn revoke_grant(&self, _grant_id: GrantId) -> Result<(), ModelError> {
        Err(ModelError::msg(INTERNAL))
    }
}

impl ClientCredentialsStore<User> for BrokenModel {
    async fn get_user_from_client(&self, _client: &Client) -> Result<Option<User>, ModelError> {
        Err(ModelError::msg(INTERNAL))
    }
}

impl ScopePolicy<User> for BrokenModel {}
impl TokenGenerator<User> for BrokenModel {}

fn broken_server() -> OAuthServer<BrokenModel> {
    OAuthServer::builder(BrokenModel).client_credentials().build().unwrap()
}

// RFC 6749 5.2 / 4.1.2.1 server_error; HTTP 500 (Node answered 503).
#[tokio::test]
async fn model_failure_at_the_token_endpoint_is_500_server_error() {
    let server = broken_server();
    let (status, _, body) = token(&server, &app_request("grant_type=client_credentials")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["error"], "server_error");
}

#[tokio::test]
async fn server_error_body_does_not_contain_the_internal_message() {
    let server = broken_server();
    let resp = server.token_response(&app_request("grant_type=client_credentials")).await;
    assert!(!resp.body_str().contains("hunter2"), "{}", resp.body_str());
    assert!(!resp.body_str().contains("db-7"), "{}", resp.body_str());
}

#[tokio::test]
async fn server_error_keeps_the_model_error_as_its_source_for_logging() {
    let server = broken_server();
    let err = server.token(&app_request("grant_type=client_credentials")).await.unwrap_err();
    let source = std::error::Error::source(&err).expect("a source");
    assert!(source.to_string().contains("db-7"));
}

#[tokio::test]
async fn model_failure_during_authenticate_is_500_without_the_internal_message() {
    let server = broken_server();
    let req = OAuthRequest::get("").with_header("authorization", "Bearer abc");
    let resp = server.authenticate(&req, None).await.unwrap_err().into_response();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!resp.body_str().contains("hunter2"));
    assert!(json(&resp)["error"] == "server_error");
}

#[tokio::test]
async fn model_failure_at_the_authorize_endpoint_is_not_redirected() {
    let server = OAuthServer::builder(BrokenModel).client_credentials().build().unwrap();
    let err = server
        .authorize(&OAuthRequest::get("response_type=code&client_id=app&state=s"))
        .await
        .unwrap_err();
    let resp = err.into_response();
    assert!(resp.location().is_none());
    assert!(!resp.body_str().contains("hunter2"));
}

/// Issues tokens through the password grant and returns the server and the token response.
async fn issued() -> (Server, oauth2_server::TokenResponse<User>) {
    let server = server();
    let ok = server
        .token(&app_request(&format!(
            "grant_type=password&username={USERNAME}&password={PASSWORD}"
        )))
        .await
        .unwrap();
    (server, ok)
}

fn secrets_of(ok: &oauth2_server::TokenResponse<User>) -> Vec<String> {
    let t = ok.tokens();
    vec![
        t.access.value.expose().to_owned(),
        t.refresh.as_ref().unwrap().value.expose().to_owned(),
        APP_SECRET.to_owned(),
        PASSWORD.to_owned(),
    ]
}

fn assert_redacted(printed: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!printed.contains(secret.as_str()), "{secret} in {printed}");
    }
}

#[tokio::test]
async fn debug_of_oauth_server_prints_no_secret() {
    let (server, ok) = issued().await;
    assert_redacted(&format!("{server:?}"), &secrets_of(&ok));
}

#[tokio::test]
async fn debug_of_new_tokens_prints_no_token_value() {
    let (_, ok) = issued().await;
    assert_redacted(&format!("{:?}", ok.tokens()), &secrets_of(&ok));
}

#[tokio::test]
async fn debug_of_token_prints_no_token_value() {
    let (_, ok) = issued().await;
    assert_redacted(&format!("{:?}", ok.tokens().access.data), &secrets_of(&ok));
}

#[tokio::test]
async fn debug_of_token_response_prints_no_token_value() {
    let (_, ok) = issued().await;
    assert_redacted(&format!("{ok:?}"), &secrets_of(&ok));
}

#[tokio::test]
async fn debug_of_oauth_request_prints_no_credentials() {
    let req = OAuthRequest::post_form(format!("client_secret={APP_SECRET}&password={PASSWORD}"))
        .with_query("access_token=tok-in-query")
        .with_header("authorization", &basic(APP, APP_SECRET));
    let printed = format!("{req:?}");
    assert_redacted(
        &printed,
        &[
            APP_SECRET.to_owned(),
            PASSWORD.to_owned(),
            "tok-in-query".to_owned(),
            basic(APP, APP_SECRET)["Basic ".len()..].to_owned(),
        ],
    );
}

/// `Params` reach extension grants (`ExtensionRequest::params`), which may log them.
#[tokio::test]
async fn debug_of_params_prints_no_secret_value() {
    let req = OAuthRequest::post_form(format!(
        "grant_type=password&client_secret={APP_SECRET}&password={PASSWORD}&code=code%2Dvalue"
    ))
    .with_query("access_token=tok-in-query");
    let form = req.form_params().unwrap();
    let query = req.query_params().unwrap();
    let printed = format!("{form:?} {query:?}");
    assert!(printed.contains("client_secret") && printed.contains("access_token"), "{printed}");
    assert_redacted(
        &printed,
        &[
            APP_SECRET.to_owned(),
            PASSWORD.to_owned(),
            "code-value".to_owned(),
            "tok-in-query".to_owned(),
        ],
    );
}

#[tokio::test]
async fn debug_of_client_prints_no_secret() {
    let client = Client::confidential("c", oauth2_server::ClientSecret::plain("plain-secret-1"));
    assert!(!format!("{client:?}").contains("plain-secret-1"));
}

#[tokio::test]
async fn debug_of_memory_store_prints_no_token_value() {
    let (server, ok) = issued().await;
    assert_redacted(&format!("{:?}", server.model()), &secrets_of(&ok));
}

#[tokio::test]
async fn debug_of_authorization_redirect_prints_no_code() {
    let server = server();
    let pending = server
        .authorize(&OAuthRequest::get("response_type=code&client_id=app&state=s"))
        .await
        .unwrap();
    let resp = server.approve(pending, USERNAME.to_owned()).await.unwrap();
    let code = query_param(resp.location().unwrap(), "code").unwrap();
    assert!(!format!("{resp:?}").contains(&code));
}
