//! Brute-force limits at the token endpoint (OAuth 2.1 2.4.1).

mod common;

use common::*;
use http::StatusCode;
use oauth2_server::rate_limit::TokenBucketLimiter;
use oauth2_server::OAuthRequest;

fn limited_server() -> Server {
    builder(store()).rate_limiter(TokenBucketLimiter::new(3, 1)).build().unwrap()
}

fn wrong_secret() -> OAuthRequest {
    OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &basic(APP, "wrong"))
}

#[tokio::test]
async fn failed_client_authentications_over_the_limit_get_429_with_retry_after() {
    let server = limited_server();
    for _ in 0..3 {
        token_err(&server, &wrong_secret(), StatusCode::UNAUTHORIZED, "invalid_client").await;
    }
    let resp = server.token_response(&wrong_secret()).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1, "{retry}");
    // The right secret is refused too while the client is blocked: the attacker cannot tell.
    let right = app_request("grant_type=client_credentials");
    assert_eq!(server.token_response(&right).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn successful_authentications_are_never_limited() {
    let server = limited_server();
    for _ in 0..50 {
        token_ok(&server, &app_request("grant_type=client_credentials")).await;
    }
}

#[tokio::test]
async fn blocking_one_client_does_not_block_another() {
    let server = limited_server();
    for _ in 0..4 {
        server.token_response(&wrong_secret()).await;
    }
    let other = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    token_ok(&server, &other).await;
}

#[tokio::test]
async fn failed_password_logins_over_the_limit_get_429() {
    let server = limited_server();
    let wrong = || app_request("grant_type=password&username=alice&password=guess");
    for _ in 0..3 {
        token_err(&server, &wrong(), StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
    let resp = server.token_response(&wrong()).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    assert_eq!(json(&resp)["error"], "temporarily_unavailable");
}

#[tokio::test]
async fn without_a_limiter_failures_are_not_limited() {
    let server = server();
    for _ in 0..20 {
        token_err(&server, &wrong_secret(), StatusCode::UNAUTHORIZED, "invalid_client").await;
    }
}
