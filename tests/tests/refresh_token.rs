//! The refresh_token grant with rotation (RFC 6749 6, RFC 9700 4.14.2).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use http::StatusCode;
use oauth2_server::OAuthRequest;

/// Tokens for `app` from the password grant (scope `read write`).
async fn tokens(server: &Server) -> serde_json::Value {
    token_ok(
        server,
        &app_request(&format!("grant_type=password&username={USERNAME}&password={PASSWORD}")),
    )
    .await
}

#[tokio::test]
async fn refresh_issues_a_working_access_token() {
    let server = server();
    let first = tokens(&server).await;
    let second = token_ok(&server, &app_refresh_request(str_of(&first, "refresh_token"))).await;
    assert_ne!(first["access_token"], second["access_token"]);
    assert!(access_works(&server, str_of(&second, "access_token")).await);
    assert_eq!(second["scope"], "read write");
}

// RFC 9700 4.14.2: refresh token rotation; the old one is invalidated.
#[tokio::test]
async fn rotated_refresh_token_no_longer_works() {
    let server = server();
    let first = tokens(&server).await;
    let old = str_of(&first, "refresh_token");
    token_ok(&server, &app_refresh_request(old)).await;
    token_err(&server, &app_refresh_request(old), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 9700 4.14.2: the new refresh token works.
#[tokio::test]
async fn new_refresh_token_works() {
    let server = server();
    let first = tokens(&server).await;
    let second = token_ok(&server, &app_refresh_request(str_of(&first, "refresh_token"))).await;
    let new = str_of(&second, "refresh_token");
    assert_ne!(new, str_of(&first, "refresh_token"));
    token_ok(&server, &app_refresh_request(new)).await;
}

// RFC 6749 6: the scope "MUST NOT include any scope not originally granted"; narrower is fine.
#[tokio::test]
async fn narrower_scope_is_granted() {
    let server = server();
    let first = tokens(&server).await;
    let req = app_request(&format!(
        "grant_type=refresh_token&refresh_token={}&scope=read",
        str_of(&first, "refresh_token")
    ));
    let body = token_ok(&server, &req).await;
    assert_eq!(body["scope"], "read");
}

// RFC 6749 6: wider scope is invalid_scope (RFC 6749 5.2 "exceeds the scope granted").
#[tokio::test]
async fn wider_scope_is_invalid_scope() {
    let server = server();
    let first = tokens(&server).await;
    let req = app_request(&format!(
        "grant_type=refresh_token&refresh_token={}&scope=read+admin",
        str_of(&first, "refresh_token")
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_scope").await;
}

// Node issue #757: a refused scope must not burn the refresh token.
#[tokio::test]
async fn refresh_token_still_works_after_invalid_scope() {
    let server = server();
    let first = tokens(&server).await;
    let refresh = str_of(&first, "refresh_token");
    let req =
        app_request(&format!("grant_type=refresh_token&refresh_token={refresh}&scope=read+admin"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_scope").await;
    token_ok(&server, &app_refresh_request(refresh)).await;
}

// RFC 6749 6: "the refresh token is bound to the client to which it was issued".
#[tokio::test]
async fn refresh_token_of_another_client_is_invalid_grant() {
    let server = server();
    let first = tokens(&server).await;
    let req = OAuthRequest::post_form(format!(
        "grant_type=refresh_token&refresh_token={}",
        str_of(&first, "refresh_token")
    ))
    .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// A refused attempt by another client does not burn the owner's refresh token.
#[tokio::test]
async fn refresh_attempt_by_another_client_leaves_the_token_usable() {
    let server = server();
    let first = tokens(&server).await;
    let refresh = str_of(&first, "refresh_token");
    let req = OAuthRequest::post_form(format!("grant_type=refresh_token&refresh_token={refresh}"))
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
    token_ok(&server, &app_refresh_request(refresh)).await;
}

#[tokio::test]
async fn unknown_refresh_token_is_invalid_grant() {
    let server = server();
    token_err(&server, &app_refresh_request("nope"), StatusCode::BAD_REQUEST, "invalid_grant")
        .await;
}

#[tokio::test]
async fn missing_refresh_token_is_invalid_request() {
    let server = server();
    token_err(
        &server,
        &app_request("grant_type=refresh_token"),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn expired_refresh_token_is_invalid_grant() {
    let server =
        builder(store()).refresh_token_lifetime(Duration::from_millis(30)).build().unwrap();
    let first = tokens(&server).await;
    tokio::time::sleep(Duration::from_millis(60)).await;
    let req = app_refresh_request(str_of(&first, "refresh_token"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 9700 4.14.2: rotation must be race-free; exactly one of concurrent uses succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rotations_of_one_refresh_token_yield_exactly_one_success() {
    let server = Arc::new(server());
    let first = tokens(&server).await;
    let refresh = str_of(&first, "refresh_token").to_owned();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let server = server.clone();
            let refresh = refresh.clone();
            tokio::spawn(async move { server.token(&app_refresh_request(&refresh)).await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(err) => assert_eq!(err.code().as_str(), "invalid_grant"),
        }
    }
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn without_rotation_no_new_refresh_token_is_issued() {
    let server = builder(store()).rotate_refresh_tokens(false).build().unwrap();
    let first = tokens(&server).await;
    let second = token_ok(&server, &app_refresh_request(str_of(&first, "refresh_token"))).await;
    assert!(second.get("refresh_token").is_none(), "{second}");
}

#[tokio::test]
async fn without_rotation_the_refresh_token_stays_valid() {
    let server = builder(store()).rotate_refresh_tokens(false).build().unwrap();
    let first = tokens(&server).await;
    let refresh = str_of(&first, "refresh_token");
    token_ok(&server, &app_refresh_request(refresh)).await;
    token_ok(&server, &app_refresh_request(refresh)).await;
}

// Public clients refresh with their client_id (RFC 6749 6: authenticate if confidential).
#[tokio::test]
async fn public_client_refreshes_with_client_id() {
    let server = server();
    let code = spa_code(&server).await;
    let first = token_ok(&server, &spa_code_request(&code)).await;
    let req = OAuthRequest::post_form(format!(
        "grant_type=refresh_token&client_id={SPA}&refresh_token={}",
        str_of(&first, "refresh_token")
    ));
    token_ok(&server, &req).await;
}

// RFC 6749 4.4.3: "A refresh token SHOULD NOT be included" for client_credentials.
#[tokio::test]
async fn client_credentials_issues_no_refresh_token() {
    let server = server();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    assert!(body.get("refresh_token").is_none(), "{body}");
}

// RFC 9700 4.14.2: a rotated-out refresh token presented again revokes the active refresh
// token of the grant.
#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_new_refresh_token() {
    let server = server();
    let first = tokens(&server).await;
    let old = str_of(&first, "refresh_token");
    let second = token_ok(&server, &app_refresh_request(old)).await;
    token_err(&server, &app_refresh_request(old), StatusCode::BAD_REQUEST, "invalid_grant").await;
    let new = app_refresh_request(str_of(&second, "refresh_token"));
    token_err(&server, &new, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 9700 4.14.2, as above, for the access tokens of the grant.
#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_new_access_token() {
    let server = server();
    let first = tokens(&server).await;
    let old = str_of(&first, "refresh_token");
    let second = token_ok(&server, &app_refresh_request(old)).await;
    token_err(&server, &app_refresh_request(old), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(!access_works(&server, str_of(&second, "access_token")).await);
}
