//! Resource requests with bearer tokens (RFC 6750).

mod common;

use std::time::Duration;

use common::*;
use http::{Method, StatusCode};
use oauth2_server::{OAuthError, OAuthRequest, Scope};

/// A server and an access token for `app` with scope `read`.
async fn setup_with(server: Server) -> (Server, String) {
    let body = token_ok(&server, &app_request("grant_type=client_credentials&scope=read")).await;
    let token = str_of(&body, "access_token").to_owned();
    (server, token)
}

async fn setup() -> (Server, String) {
    setup_with(server()).await
}

fn with_header(value: &str) -> OAuthRequest {
    OAuthRequest::get("").with_header("authorization", value)
}

fn challenge(err: OAuthError) -> (StatusCode, String, serde_json::Value) {
    let resp = err.into_response();
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .expect("a WWW-Authenticate challenge")
        .to_str()
        .unwrap()
        .to_owned();
    (resp.status(), challenge, json(&resp))
}

// RFC 6750 2.1: the Authorization request header field.
#[tokio::test]
async fn bearer_header_authenticates() {
    let (server, token) = setup().await;
    let auth = server.authenticate(&with_header(&format!("Bearer {token}")), None).await.unwrap();
    assert_eq!(auth.client_id(), APP);
    assert_eq!(auth.scope().as_str(), "read");
    assert_eq!(auth.user(), None);
}

// RFC 7235 2.1: the auth-scheme is case-insensitive.
#[tokio::test]
async fn bearer_scheme_name_is_case_insensitive() {
    let (server, token) = setup().await;
    for scheme in ["bearer", "BEARER", "bEaReR"] {
        let req = with_header(&format!("{scheme} {token}"));
        assert!(server.authenticate(&req, None).await.is_ok(), "{scheme}");
    }
}

// RFC 6750 2.2: form-encoded body parameter.
#[tokio::test]
async fn form_body_access_token_authenticates() {
    let (server, token) = setup().await;
    let req = OAuthRequest::post_form(format!("access_token={token}"));
    assert!(server.authenticate(&req, None).await.is_ok());
}

// RFC 6750 2.2: "The HTTP request method is one for which the request-body has defined
// semantics. In particular, this means that the "GET" method MUST NOT be used."
#[tokio::test]
async fn form_body_access_token_is_ignored_with_get() {
    let (server, token) = setup().await;
    let req = OAuthRequest::new(Method::GET)
        .with_header("content-type", "application/x-www-form-urlencoded")
        .with_body(format!("access_token={token}"));
    let err = server.authenticate(&req, None).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

// RFC 9700 4.3.2 / OAuth 2.1 5.1: tokens in the query are refused by default.
#[tokio::test]
async fn query_access_token_is_refused_by_default() {
    let (server, token) = setup().await;
    let req = OAuthRequest::get(format!("access_token={token}"));
    let err = server.authenticate(&req, None).await.unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_request");
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}

// RFC 6750 2.3: the URI query parameter, when enabled.
#[tokio::test]
async fn query_access_token_is_accepted_when_enabled() {
    let (server, token) =
        setup_with(builder(store()).allow_bearer_tokens_in_query(true).build().unwrap()).await;
    let req = OAuthRequest::get(format!("access_token={token}"));
    assert!(server.authenticate(&req, None).await.is_ok());
}

// RFC 6750 2: "Clients MUST NOT use more than one method to transmit the token in each request."
#[tokio::test]
async fn header_and_body_tokens_together_are_invalid_request() {
    let (server, token) = setup().await;
    let req = OAuthRequest::post_form(format!("access_token={token}"))
        .with_header("authorization", &format!("Bearer {token}"));
    let err = server.authenticate(&req, None).await.unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_request");
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}

// RFC 6750 2, as above, with the query enabled.
#[tokio::test]
async fn header_and_query_tokens_together_are_invalid_request() {
    let (server, token) =
        setup_with(builder(store()).allow_bearer_tokens_in_query(true).build().unwrap()).await;
    let req = OAuthRequest::get(format!("access_token={token}"))
        .with_header("authorization", &format!("Bearer {token}"));
    let (status, challenge, body) = challenge(server.authenticate(&req, None).await.unwrap_err());
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
    assert!(challenge.contains("error=\"invalid_request\""), "{challenge}");
}

// RFC 6750 3.1: "If the request lacks any authentication information ..., the resource server
// SHOULD NOT include an error code or other error information."
#[tokio::test]
async fn no_credentials_is_401_with_bare_bearer_challenge() {
    let (server, _) = setup().await;
    let err = server.authenticate(&OAuthRequest::get(""), None).await.unwrap_err();
    assert!(err.is_missing_credentials());
    let (status, challenge, _) = challenge(err);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(challenge.starts_with("Bearer realm=\""), "{challenge}");
    assert!(!challenge.contains("error="), "{challenge}");
}

#[tokio::test]
async fn challenge_realm_is_configurable() {
    let server = builder(store()).realm("api").build().unwrap();
    let err = server.authenticate(&OAuthRequest::get(""), None).await.unwrap_err();
    let (_, challenge, _) = challenge(err);
    assert_eq!(challenge, "Bearer realm=\"api\"");
}

// RFC 6750 3.1: another scheme carries no bearer credentials.
#[tokio::test]
async fn basic_scheme_is_treated_as_no_credentials() {
    let (server, _) = setup().await;
    let err = server.authenticate(&with_header(&basic(APP, APP_SECRET)), None).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    let (_, challenge, _) = challenge(err);
    assert!(!challenge.contains("error="), "{challenge}");
}

// RFC 6750 2.1: b64token syntax; anything else is a malformed request.
#[tokio::test]
async fn malformed_bearer_header_is_invalid_request() {
    let (server, _) = setup().await;
    let err = server.authenticate(&with_header("Bearer a,b"), None).await.unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_request");
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}

// RFC 6750 3.1 invalid_token: 401 with the error in the challenge.
#[tokio::test]
async fn unknown_token_is_401_invalid_token_challenge() {
    let (server, _) = setup().await;
    let err = server.authenticate(&with_header("Bearer nope"), None).await.unwrap_err();
    let (status, challenge, body) = challenge(err);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
    assert!(challenge.starts_with("Bearer realm=\""), "{challenge}");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
}

// RFC 6750 3.1 invalid_token: "expired".
#[tokio::test]
async fn expired_token_is_401_invalid_token() {
    let (server, token) = setup_with(
        builder(store()).access_token_lifetime(Duration::from_millis(30)).build().unwrap(),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(60)).await;
    let err =
        server.authenticate(&with_header(&format!("Bearer {token}")), None).await.unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_token");
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

// RFC 6750 3.1 insufficient_scope: 403.
#[tokio::test]
async fn insufficient_scope_is_403_with_challenge() {
    let (server, token) = setup().await;
    let required = Scope::parse("write").unwrap();
    let err = server
        .authenticate(&with_header(&format!("Bearer {token}")), Some(&required))
        .await
        .unwrap_err();
    let (status, challenge, body) = challenge(err);
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "insufficient_scope");
    assert!(challenge.contains("error=\"insufficient_scope\""), "{challenge}");
}

#[tokio::test]
async fn sufficient_scope_is_accepted() {
    let (server, token) = setup().await;
    let required = Scope::parse("read").unwrap();
    let req = with_header(&format!("Bearer {token}"));
    assert!(server.authenticate(&req, Some(&required)).await.is_ok());
}

// Node's X-Accepted-OAuth-Scopes / X-OAuth-Scopes on scoped authentications.
#[tokio::test]
async fn scoped_authentication_sets_scope_headers() {
    let (server, token) = setup().await;
    let required = Scope::parse("read").unwrap();
    let req = with_header(&format!("Bearer {token}"));
    let auth = server.authenticate(&req, Some(&required)).await.unwrap();
    assert_eq!(auth.scope_headers()["x-accepted-oauth-scopes"], "read");
    assert_eq!(auth.scope_headers()["x-oauth-scopes"], "read");
}

#[tokio::test]
async fn scope_headers_can_be_turned_off() {
    let (server, token) = setup_with(
        builder(store())
            .accepted_scopes_header(false)
            .authorized_scopes_header(false)
            .build()
            .unwrap(),
    )
    .await;
    let required = Scope::parse("read").unwrap();
    let req = with_header(&format!("Bearer {token}"));
    let auth = server.authenticate(&req, Some(&required)).await.unwrap();
    assert!(auth.scope_headers().is_empty());
}

#[tokio::test]
async fn unscoped_authentication_sets_no_scope_headers() {
    let (server, token) = setup().await;
    let auth = server.authenticate(&with_header(&format!("Bearer {token}")), None).await.unwrap();
    assert!(auth.scope_headers().is_empty());
}

#[tokio::test]
async fn password_grant_token_carries_the_user() {
    let server = server();
    let body = token_ok(
        &server,
        &app_request(&format!("grant_type=password&username={USERNAME}&password={PASSWORD}")),
    )
    .await;
    let req = with_header(&format!("Bearer {}", str_of(&body, "access_token")));
    let auth = server.authenticate(&req, None).await.unwrap();
    assert_eq!(auth.user().map(String::as_str), Some(USERNAME));
}

/// A store that hands back whatever it holds, expired or not, and says nothing about
/// filtering (`FILTERS_EXPIRED` keeps its default, `false`).
struct CarelessStore {
    inner: Store,
}

impl oauth2_server::AccessTokenStore<User> for CarelessStore {
    async fn save_token(
        &self,
        tokens: &oauth2_server::NewTokens<User>,
    ) -> Result<(), oauth2_server::ModelError> {
        self.inner.save_token(tokens).await
    }
    async fn get_access_token(
        &self,
        value: &str,
    ) -> Result<Option<oauth2_server::Token<User>>, oauth2_server::ModelError> {
        // Found, but expired an hour ago.
        let mut token = self.inner.get_access_token(value).await?;
        if let Some(token) = &mut token {
            token.expires_at = std::time::SystemTime::now() - Duration::from_secs(3600);
        }
        Ok(token)
    }
    async fn revoke_grant(
        &self,
        grant_id: oauth2_server::GrantId,
    ) -> Result<(), oauth2_server::ModelError> {
        self.inner.revoke_grant(grant_id).await
    }
}

#[derive(oauth2_server::OAuthModel)]
#[oauth(user = User)]
struct CarelessModel {
    #[oauth(clients, client_credentials)]
    store: Store,
    #[oauth(tokens)]
    tokens: CarelessStore,
}

// RFC 6750 3.1 invalid_token ("expired"): the server does not rely on a store to filter
// expired tokens unless the store declares that it does (`AccessTokenStore::FILTERS_EXPIRED`).
#[tokio::test]
async fn expired_token_from_a_store_that_does_not_filter_is_401_invalid_token() {
    let model = CarelessModel { store: store(), tokens: CarelessStore { inner: Store::new() } };
    let server = oauth2_server::OAuthServer::builder(model).client_credentials().build().unwrap();
    let body = token_ok(&server, &app_request("grant_type=client_credentials&scope=read")).await;
    let token = str_of(&body, "access_token");
    let err =
        server.authenticate(&with_header(&format!("Bearer {token}")), None).await.unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_token");
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

// The store's claim is checked at compile time: the careless store and a model built on it
// keep the default (the server checks), MemoryStore and a model deriving its tokens from it
// say they filter (the derive passes the field's FILTERS_EXPIRED on).
const _: () = {
    use oauth2_server::AccessTokenStore;
    assert!(!<CarelessStore as AccessTokenStore<User>>::FILTERS_EXPIRED);
    assert!(!<CarelessModel as AccessTokenStore<User>>::FILTERS_EXPIRED);
    assert!(<Store as AccessTokenStore<User>>::FILTERS_EXPIRED);
    assert!(<InMemory as AccessTokenStore<User>>::FILTERS_EXPIRED);
};

#[derive(oauth2_server::OAuthModel)]
#[oauth(user = User)]
struct InMemory {
    #[oauth(clients, tokens, client_credentials)]
    #[allow(dead_code)] // only its derived impls are looked at
    store: Store,
}
