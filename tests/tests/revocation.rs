//! RFC 7009 token revocation.

mod common;

use common::*;
use http::StatusCode;
use oauth2_server::OAuthRequest;

fn server() -> Server {
    builder(store()).revocation().build().unwrap()
}

fn revoke_as_app(body: &str) -> OAuthRequest {
    app_request(body)
}

async fn password_tokens(server: &Server) -> (String, String) {
    let body = token_ok(
        server,
        &app_request("grant_type=password&username=alice&password=wonderland&scope=read"),
    )
    .await;
    (str_of(&body, "access_token").to_owned(), str_of(&body, "refresh_token").to_owned())
}

#[tokio::test]
async fn revoked_access_token_no_longer_authenticates() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let resp = server.revoke_response(&revoke_as_app(&format!("token={access}"))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(!access_works(&server, &access).await);
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_the_access_tokens_of_its_grant() {
    // RFC 7009 2.1: "If the token passed to the request is a refresh token and the
    // authorization server supports the revocation of access tokens, then the authorization
    // server SHOULD also invalidate all access tokens based on the same authorization grant".
    let server = server();
    let (access, refresh) = password_tokens(&server).await;
    let req = revoke_as_app(&format!("token={refresh}&token_type_hint=refresh_token"));
    assert_eq!(server.revoke_response(&req).await.status(), StatusCode::OK);
    assert!(!access_works(&server, &access).await);
    token_err(&server, &app_refresh_request(&refresh), StatusCode::BAD_REQUEST, "invalid_grant")
        .await;
}

#[tokio::test]
async fn wrong_token_type_hint_still_finds_the_token() {
    // RFC 7009 2.1: the hint is not trusted; the other type is searched too.
    let server = server();
    let (access, refresh) = password_tokens(&server).await;
    let req = revoke_as_app(&format!("token={refresh}&token_type_hint=access_token"));
    assert_eq!(server.revoke_response(&req).await.status(), StatusCode::OK);
    assert!(!access_works(&server, &access).await, "the grant's access token was revoked");
}

#[tokio::test]
async fn unknown_token_answers_200() {
    // RFC 7009 2.2: invalid tokens do not cause an error response.
    let server = server();
    let resp = server.revoke_response(&revoke_as_app("token=never-issued")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.body_str(), "");
}

#[tokio::test]
async fn already_revoked_token_answers_200() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let req = revoke_as_app(&format!("token={access}"));
    assert_eq!(server.revoke_response(&req).await.status(), StatusCode::OK);
    assert_eq!(server.revoke_response(&req).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_token_type_hint_is_ignored() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let req = revoke_as_app(&format!("token={access}&token_type_hint=id_token"));
    assert_eq!(server.revoke_response(&req).await.status(), StatusCode::OK);
    assert!(!access_works(&server, &access).await);
}

#[tokio::test]
async fn revoking_another_clients_token_is_refused_and_the_token_stays_valid() {
    // RFC 7009 2.1: the server verifies that the token was issued to the requesting client.
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let req = OAuthRequest::post_form(format!("token={access}"))
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    let resp = server.revoke_response(&req).await;
    assert!(resp.status().is_client_error(), "{}", resp.status());
    assert_eq!(json(&resp)["error"], "unauthorized_client");
    assert!(access_works(&server, &access).await);
}

#[tokio::test]
async fn revocation_requires_client_authentication() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let no_auth = OAuthRequest::post_form(format!("token={access}"));
    let resp = server.revoke_response(&no_auth).await;
    assert_eq!(json(&resp)["error"], "invalid_client");
    let wrong = OAuthRequest::post_form(format!("token={access}"))
        .with_header("authorization", &basic(APP, "wrong"));
    let resp = server.revoke_response(&wrong).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(access_works(&server, &access).await);
}

#[tokio::test]
async fn public_client_revokes_with_its_client_id() {
    let server = server();
    let code = spa_code(&server).await;
    let body = token_ok(&server, &spa_code_request(&code)).await;
    let refresh = str_of(&body, "refresh_token");
    let req = OAuthRequest::post_form(format!("token={refresh}&client_id=spa"));
    assert_eq!(server.revoke_response(&req).await.status(), StatusCode::OK);
    assert!(!access_works(&server, str_of(&body, "access_token")).await);
}

#[tokio::test]
async fn revocation_without_token_is_invalid_request() {
    let resp = server().revoke_response(&revoke_as_app("token_type_hint=access_token")).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(&resp)["error"], "invalid_request");
}

#[tokio::test]
async fn revocation_is_refused_when_not_enabled() {
    let server: Server = builder(store()).build().unwrap();
    let resp = server.revoke_response(&revoke_as_app("token=x")).await;
    assert_eq!(json(&resp)["error"], "unsupported_token_type");
}

#[tokio::test]
async fn revocation_accepts_only_post_forms() {
    let server = server();
    let get = OAuthRequest::get("token=x").with_header("authorization", &basic(APP, APP_SECRET));
    assert_eq!(json(&server.revoke_response(&get).await)["error"], "invalid_request");
}
