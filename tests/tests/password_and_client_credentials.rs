//! The password (RFC 6749 4.3) and client_credentials (RFC 6749 4.4) grants.

mod common;

use common::*;
use std::time::Duration;

use http::StatusCode;
use oauth2_server::{Client, GrantType, OAuthRequest};

fn password_request(username: &str, password: &str) -> OAuthRequest {
    app_request(&format!("grant_type=password&username={username}&password={password}"))
}

#[tokio::test]
async fn password_grant_issues_access_and_refresh_tokens() {
    let server = server();
    let body = token_ok(&server, &password_request(USERNAME, PASSWORD)).await;
    assert!(body["access_token"].is_string());
    assert!(body["refresh_token"].is_string());
    assert_eq!(body["scope"], "read write");
}

// RFC 6749 5.2 invalid_grant: "resource owner credentials ... invalid".
#[tokio::test]
async fn password_grant_wrong_password_is_invalid_grant() {
    let server = server();
    token_err(
        &server,
        &password_request(USERNAME, "nope"),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn password_grant_unknown_user_is_invalid_grant() {
    let server = server();
    token_err(
        &server,
        &password_request("bob", PASSWORD),
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    )
    .await;
}

// RFC 6749 4.3.2: username and password are REQUIRED.
#[tokio::test]
async fn password_grant_without_password_is_invalid_request() {
    let server = server();
    let req = app_request(&format!("grant_type=password&username={USERNAME}"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn password_grant_scope_beyond_the_client_is_invalid_scope() {
    let server = server();
    let req = app_request(&format!(
        "grant_type=password&username={USERNAME}&password={PASSWORD}&scope=admin"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_scope").await;
}

#[tokio::test]
async fn client_credentials_grant_issues_an_access_token_without_user() {
    let server = server();
    let body = token_ok(&server, &app_request("grant_type=client_credentials&scope=write")).await;
    assert_eq!(body["scope"], "write");
    let req = OAuthRequest::get("")
        .with_header("authorization", &format!("Bearer {}", str_of(&body, "access_token")));
    let auth = server.authenticate(&req, None).await.unwrap();
    assert_eq!(auth.user(), None);
}

#[tokio::test]
async fn client_credentials_token_carries_the_clients_user_when_set() {
    let store = store();
    store.set_client_user(APP, "service-account".to_owned());
    let server = builder(store).build().unwrap();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    let req = OAuthRequest::get("")
        .with_header("authorization", &format!("Bearer {}", str_of(&body, "access_token")));
    let auth = server.authenticate(&req, None).await.unwrap();
    assert_eq!(auth.user().map(String::as_str), Some("service-account"));
}

// RFC 6749 4.4: "The client credentials grant type MUST only be used by confidential clients."
#[tokio::test]
async fn public_client_using_client_credentials_is_unauthorized_client() {
    let store = store();
    store.add_client(
        Client::public("public-cc").grants([GrantType::ClientCredentials]).scopes("read").unwrap(),
    );
    let server = builder(store).build().unwrap();
    let req = OAuthRequest::post_form("grant_type=client_credentials&client_id=public-cc");
    token_err(&server, &req, StatusCode::BAD_REQUEST, "unauthorized_client").await;
}

#[tokio::test]
async fn client_credentials_scope_beyond_the_client_is_invalid_scope() {
    let server = server();
    token_err(
        &server,
        &app_request("grant_type=client_credentials&scope=read+admin"),
        StatusCode::BAD_REQUEST,
        "invalid_scope",
    )
    .await;
}

// RFC 6749 3.3: malformed scope tokens are invalid_scope (Node 3.x answered 500).
#[tokio::test]
async fn malformed_scope_is_invalid_scope() {
    let server = server();
    token_err(
        &server,
        &app_request("grant_type=client_credentials&scope=%22read%22"),
        StatusCode::BAD_REQUEST,
        "invalid_scope",
    )
    .await;
}

/// The token JSON is allocated at its exact length (so it becomes `Bytes` without a second
/// allocation), with and without a refresh token, for expiries of any number of digits.
#[tokio::test]
async fn token_response_bodies_are_allocated_at_their_exact_length() {
    for lifetime in [1, 9, 10, 3_599, 3_600, 86_400, 31_536_000] {
        let store = store();
        store.add_client(app_client().access_token_lifetime(Duration::from_secs(lifetime)));
        let server = builder(store).build().unwrap();
        for req in
            [app_request("grant_type=client_credentials"), password_request(USERNAME, PASSWORD)]
        {
            let (status, _, body) = server.token_response(&req).await.into_parts();
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body.capacity(), body.len(), "{lifetime} s: {body}");
        }
    }
}
