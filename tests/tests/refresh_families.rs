//! Refresh-token families: rotation, reuse detection (RFC 9700 4.14.2) and the grace window.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use http::StatusCode;
use oauth2_server::{AuditEvent, OAuthRequest};

async fn code_tokens(server: &Server) -> (String, String) {
    let code = app_code(server).await;
    let body = token_ok(server, &app_code_request(&code)).await;
    (str_of(&body, "access_token").to_owned(), str_of(&body, "refresh_token").to_owned())
}

async fn refresh(server: &Server, token: &str) -> (String, String) {
    let body = token_ok(server, &app_refresh_request(token)).await;
    (str_of(&body, "access_token").to_owned(), str_of(&body, "refresh_token").to_owned())
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_whole_family() {
    let server = server();
    let (a0, r0) = code_tokens(&server).await;
    let (a1, r1) = refresh(&server, &r0).await;
    // r0 was rotated out; presenting it again means it leaked.
    token_err(&server, &app_refresh_request(&r0), StatusCode::BAD_REQUEST, "invalid_grant").await;
    // The family's live refresh token and its access tokens are revoked.
    token_err(&server, &app_refresh_request(&r1), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(!access_works(&server, &a1).await);
    assert!(!access_works(&server, &a0).await);
}

#[tokio::test]
async fn reuse_detection_spares_other_families() {
    let server = server();
    let (_, r0) = code_tokens(&server).await;
    let (other_access, other_refresh) = code_tokens(&server).await;
    refresh(&server, &r0).await;
    token_err(&server, &app_refresh_request(&r0), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(access_works(&server, &other_access).await);
    refresh(&server, &other_refresh).await;
}

#[tokio::test]
async fn rotated_tokens_stay_in_the_family_of_the_first_exchange() {
    let server = server();
    let (_, r0) = code_tokens(&server).await;
    let (_, r1) = refresh(&server, &r0).await;
    let (a2, r2) = refresh(&server, &r1).await;
    // Reusing r0 (two rotations back) still revokes the newest tokens.
    token_err(&server, &app_refresh_request(&r0), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(!access_works(&server, &a2).await);
    token_err(&server, &app_refresh_request(&r2), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn retired_token_within_grace_window_gets_new_tokens_without_revoking() {
    let server =
        builder(store()).refresh_token_reuse_grace(Duration::from_secs(30)).build().unwrap();
    let (_, r0) = code_tokens(&server).await;
    let (a1, _lost) = refresh(&server, &r0).await;
    // The client lost the answer and presents r0 again within the window.
    let (a1b, r1b) = refresh(&server, &r0).await;
    assert!(access_works(&server, &a1b).await);
    assert!(access_works(&server, &a1).await, "the alarm did not trip");
    refresh(&server, &r1b).await;
}

#[tokio::test]
async fn retired_token_after_grace_window_revokes_the_family() {
    let server =
        builder(store()).refresh_token_reuse_grace(Duration::from_millis(200)).build().unwrap();
    let (_, r0) = code_tokens(&server).await;
    let (a1, r1) = refresh(&server, &r0).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    token_err(&server, &app_refresh_request(&r0), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(!access_works(&server, &a1).await);
    token_err(&server, &app_refresh_request(&r1), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn reuse_by_another_client_does_not_revoke_the_family() {
    let server = server();
    let (_, r0) = code_tokens(&server).await;
    let (a1, _) = refresh(&server, &r0).await;
    let as_other = OAuthRequest::post_form(format!("grant_type=refresh_token&refresh_token={r0}"))
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    token_err(&server, &as_other, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(access_works(&server, &a1).await);
}

#[tokio::test]
async fn public_client_refresh_tokens_rotate_even_when_rotation_is_off() {
    // RFC 9700 4.14.2: public clients' refresh tokens must be rotated (or sender-constrained).
    let server = builder(store()).rotate_refresh_tokens(false).build().unwrap();
    let code = spa_code(&server).await;
    let body = token_ok(&server, &spa_code_request(&code)).await;
    let r0 = str_of(&body, "refresh_token");
    let req = OAuthRequest::post_form(format!(
        "grant_type=refresh_token&client_id=spa&refresh_token={r0}"
    ));
    let body = token_ok(&server, &req).await;
    assert!(body.get("refresh_token").is_some(), "a new refresh token: {body}");
    assert_ne!(str_of(&body, "refresh_token"), r0);
}

#[tokio::test]
async fn family_revocation_is_audited() {
    let events: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = events.clone();
    let server = builder(store())
        .audit(move |e: &AuditEvent<'_>| sink.lock().unwrap().push(e.name().to_owned()))
        .build()
        .unwrap();
    let (_, r0) = code_tokens(&server).await;
    refresh(&server, &r0).await;
    token_err(&server, &app_refresh_request(&r0), StatusCode::BAD_REQUEST, "invalid_grant").await;
    let seen = events.lock().unwrap().clone();
    assert_eq!(
        seen,
        ["code.consumed", "token.issued", "token.issued", "refresh.family_revoked"],
        "{seen:?}"
    );
}
