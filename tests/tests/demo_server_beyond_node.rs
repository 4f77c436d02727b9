//! The demo server's revocation (RFC 7009), introspection (RFC 7662), metadata (RFC 8414),
//! `iss` (RFC 9207) and OAuth 2.1 profile, over real HTTP with the `oauth2` client crate.

mod demo_support;

use demo_support::{http_client, param, query_pairs, Demo};
use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, ClientSecret, IntrospectionUrl, Scope, TokenIntrospectionResponse, TokenResponse,
    TokenUrl,
};
use oauth2_server_examples::server::{DemoConfig, Profile};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::Value;

fn client(demo: &Demo) -> BasicClientFull {
    BasicClient::new(ClientId::new("demo-client".to_owned()))
        .set_client_secret(ClientSecret::new("demo-secret".to_owned()))
        .set_token_uri(TokenUrl::new(demo.url("/oauth/token")).unwrap())
        .set_introspection_url(IntrospectionUrl::new(demo.url("/oauth/introspect")).unwrap())
}

/// Token and introspection endpoints set.
type BasicClientFull = BasicClient<
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

/// Revokes as demo-client. Raw HTTP: the `oauth2` crate refuses a revocation URL without TLS
/// (RFC 7009 2 requires it), and these tests run on plain loopback.
async fn revoke(http: &reqwest::Client, demo: &Demo, token: &str, hint: Option<&str>) {
    let mut body = format!("token={token}");
    if let Some(hint) = hint {
        body.push_str(&format!("&token_type_hint={hint}"));
    }
    let r = http
        .post(demo.url("/oauth/revoke"))
        .basic_auth("demo-client", Some("demo-secret"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn status_of_protected(http: &reqwest::Client, demo: &Demo, token: &str) -> StatusCode {
    http.get(demo.url("/protected")).bearer_auth(token).send().await.unwrap().status()
}

#[tokio::test]
async fn revoked_token_is_refused_at_protected_and_introspects_inactive() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let client = client(&demo);
    let token = client
        .exchange_password(
            &oauth2::ResourceOwnerUsername::new("alice".to_owned()),
            &oauth2::ResourceOwnerPassword::new("wonderland".to_owned()),
        )
        .add_scope(Scope::new("read".to_owned()))
        .request_async(&http)
        .await
        .expect("password grant");
    let access = token.access_token();

    let info = client.introspect(access).request_async(&http).await.expect("introspect");
    assert!(info.active());
    assert_eq!(info.client_id().map(|c| c.as_str()), Some("demo-client"));
    assert_eq!(info.username(), Some("alice"));
    assert_eq!(info.scopes().map(|s| s.len()), Some(1));
    assert_eq!(status_of_protected(&http, &demo, access.secret()).await, StatusCode::OK);

    revoke(&http, &demo, access.secret(), None).await;
    assert_eq!(status_of_protected(&http, &demo, access.secret()).await, StatusCode::UNAUTHORIZED);
    let info = client.introspect(access).request_async(&http).await.expect("introspect");
    assert!(!info.active());
}

#[tokio::test]
async fn revoking_the_refresh_token_revokes_its_access_token() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let client = client(&demo);
    let token = client
        .exchange_password(
            &oauth2::ResourceOwnerUsername::new("alice".to_owned()),
            &oauth2::ResourceOwnerPassword::new("wonderland".to_owned()),
        )
        .request_async(&http)
        .await
        .expect("password grant");
    let refresh = token.refresh_token().expect("a refresh token").clone();
    revoke(&http, &demo, refresh.secret(), Some("refresh_token")).await;
    let status = status_of_protected(&http, &demo, token.access_token().secret()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn revoking_another_clients_token_is_refused_and_it_stays_valid() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let token = client(&demo)
        .exchange_client_credentials()
        .request_async(&http)
        .await
        .expect("client_credentials");
    // demo-spa is public: it revokes with its client_id, but the token is demo-client's.
    let r = http
        .post(demo.url("/oauth/revoke"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("token={}&client_id=demo-spa", token.access_token().secret()))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "unauthorized_client");
    let status = status_of_protected(&http, &demo, token.access_token().secret()).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_token_and_unknown_hint_revoke_with_200() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let r = http_client()
        .post(demo.url("/oauth/revoke"))
        .basic_auth("demo-client", Some("demo-secret"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("token=never-issued&token_type_hint=something_else")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn public_client_may_not_introspect() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let r = http_client()
        .post(demo.url("/oauth/introspect"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("token=whatever&client_id=demo-spa")
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_client");
}

async fn metadata(demo: &Demo) -> Value {
    let r = http_client()
        .get(demo.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn metadata_lists_the_demo_endpoints_on_the_issuer() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let m = metadata(&demo).await;
    assert_eq!(m["issuer"], demo.base);
    for (field, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        ("revocation_endpoint", "/oauth/revoke"),
        ("introspection_endpoint", "/oauth/introspect"),
    ] {
        assert_eq!(m[field], demo.url(path), "{field}");
    }
    assert_eq!(m["response_types_supported"], serde_json::json!(["code"]));
    assert!(m["grant_types_supported"].as_array().unwrap().contains(&"password".into()));
    assert_eq!(m["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(
        m["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
}

#[tokio::test]
async fn iss_on_the_redirect_equals_the_metadata_issuer() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let issuer = metadata(&demo).await["issuer"].as_str().unwrap().to_owned();
    let r = http_client()
        .get(demo.url(
            "/oauth/authorize?response_type=code&client_id=demo-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcb&state=s",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the login page");
    // Deny: an error redirect carries iss too (RFC 9207 2).
    let r = http_client()
        .post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("response_type=code&client_id=demo-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcb&state=s&decision=deny")
        .send()
        .await
        .unwrap();
    let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let pairs = query_pairs(&location);
    assert_eq!(param(&pairs, "error"), Some("access_denied"));
    assert_eq!(param(&pairs, "iss"), Some(issuer.as_str()));
}

fn oauth21_config() -> DemoConfig {
    let mut config = DemoConfig::builtin();
    config.profile = Profile::OAuth21;
    config
}

#[tokio::test]
async fn oauth21_profile_refuses_the_password_grant_even_for_a_client_that_lists_it() {
    let demo = Demo::start(oauth21_config()).await;
    let r = http_client()
        .post(demo.url("/oauth/token"))
        .basic_auth("demo-client", Some("demo-secret"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=password&username=alice&password=wonderland")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn oauth21_profile_metadata_has_no_password_grant() {
    let demo = Demo::start(oauth21_config()).await;
    let m = metadata(&demo).await;
    assert!(!m["grant_types_supported"].as_array().unwrap().contains(&"password".into()));
    assert_eq!(m["code_challenge_methods_supported"], serde_json::json!(["S256"]));
}

#[tokio::test]
async fn oauth21_profile_requires_pkce_from_the_confidential_client() {
    let demo = Demo::start(oauth21_config()).await;
    let r = http_client()
        .get(demo.url(
            "/oauth/authorize?response_type=code&client_id=demo-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A9999%2Fcb&state=s",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pairs = query_pairs(r.headers()[LOCATION].to_str().unwrap());
    assert_eq!(param(&pairs, "error"), Some("invalid_request"));
}
