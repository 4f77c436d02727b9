//! RFC 7662 token introspection.

mod common;

use std::time::Duration;

use common::*;
use http::StatusCode;
use oauth2_server::{Client, ClientSecret, GrantType, OAuthRequest};
use serde_json::json;

/// A resource server: confidential, no grants of its own.
const RS: &str = "resource-server";
const RS_SECRET: &str = "rs-secret";

fn store_with_rs() -> Store {
    let store = store();
    store.add_client(Client::confidential(RS, ClientSecret::sha256(RS_SECRET)));
    store
}

fn server() -> Server {
    builder(store_with_rs()).introspection().revocation().build().unwrap()
}

fn introspect_as_rs(body: &str) -> OAuthRequest {
    OAuthRequest::post_form(body.to_owned()).with_header("authorization", &basic(RS, RS_SECRET))
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
async fn active_access_token_is_described() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let resp = server.introspect_response(&introspect_as_rs(&format!("token={access}"))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body = json(&resp);
    assert_eq!(body["active"], true);
    assert_eq!(body["scope"], "read");
    // The token's real client, not the introspecting one.
    assert_eq!(body["client_id"], APP);
    assert_eq!(body["username"], USERNAME);
    assert_eq!(body["sub"], USERNAME);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["iss"], ISSUER);
    let (exp, iat) = (body["exp"].as_u64().unwrap(), body["iat"].as_u64().unwrap());
    assert_eq!(exp - iat, 3600);
}

#[tokio::test]
async fn client_credentials_token_has_no_username() {
    let server = server();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    let access = str_of(&body, "access_token");
    let resp = server.introspect_response(&introspect_as_rs(&format!("token={access}"))).await;
    let body = json(&resp);
    assert_eq!(body["active"], true);
    assert!(body.get("username").is_none());
}

#[tokio::test]
async fn refresh_token_is_described_with_the_hint_or_without() {
    let server = server();
    let (_, refresh) = password_tokens(&server).await;
    for req in [format!("token={refresh}"), format!("token={refresh}&token_type_hint=access_token")]
    {
        let body = json(&server.introspect_response(&introspect_as_rs(&req)).await);
        assert_eq!(body["active"], true, "{req}");
        assert_eq!(body["token_type"], "refresh_token");
    }
}

async fn assert_inactive(server: &Server, token: &str) {
    let resp = server.introspect_response(&introspect_as_rs(&format!("token={token}"))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    // RFC 7662 2.2: nothing but `active: false`, so no reason leaks.
    assert_eq!(json(&resp), json!({ "active": false }));
}

#[tokio::test]
async fn unknown_token_is_exactly_inactive() {
    assert_inactive(&server(), "never-issued").await;
}

#[tokio::test]
async fn revoked_token_is_exactly_inactive() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let revoke = app_request(&format!("token={access}"));
    assert_eq!(server.revoke_response(&revoke).await.status(), StatusCode::OK);
    assert_inactive(&server, &access).await;
}

#[tokio::test]
async fn expired_token_is_exactly_inactive() {
    let store = store_with_rs();
    store.add_client(
        Client::confidential("short", ClientSecret::plain("s"))
            .grants([GrantType::ClientCredentials])
            .access_token_lifetime(Duration::from_secs(1)),
    );
    let server = builder(store).introspection().build().unwrap();
    let body = token_ok(
        &server,
        &OAuthRequest::post_form("grant_type=client_credentials&client_id=short&client_secret=s"),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_inactive(&server, str_of(&body, "access_token")).await;
}

#[tokio::test]
async fn rotated_out_refresh_token_is_exactly_inactive() {
    let server = server();
    let (_, refresh) = password_tokens(&server).await;
    token_ok(&server, &app_refresh_request(&refresh)).await;
    assert_inactive(&server, &refresh).await;
}

#[tokio::test]
async fn public_client_may_not_introspect() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let req = OAuthRequest::post_form(format!("token={access}&client_id=spa"));
    let resp = server.introspect_response(&req).await;
    assert_eq!(json(&resp)["error"], "invalid_client");
}

#[tokio::test]
async fn introspection_requires_client_authentication() {
    let server = server();
    let (access, _) = password_tokens(&server).await;
    let resp =
        server.introspect_response(&OAuthRequest::post_form(format!("token={access}"))).await;
    assert_eq!(json(&resp)["error"], "invalid_client");
    let wrong = OAuthRequest::post_form(format!("token={access}"))
        .with_header("authorization", &basic(RS, "wrong"));
    assert_eq!(server.introspect_response(&wrong).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn introspection_policy_can_hide_tokens_from_a_client() {
    let server = builder(store_with_rs())
        .introspection_policy(|client, token| client.id() == RS || *token.client_id == *client.id())
        .build()
        .unwrap();
    let (access, _) = password_tokens(&server).await;
    let as_other = OAuthRequest::post_form(format!("token={access}"))
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    assert_eq!(json(&server.introspect_response(&as_other).await), json!({ "active": false }));
    let as_rs = introspect_as_rs(&format!("token={access}"));
    assert_eq!(json(&server.introspect_response(&as_rs).await)["active"], true);
}
