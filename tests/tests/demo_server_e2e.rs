//! The demo server (`cargo run --example server`) end to end over real HTTP on a random
//! loopback port, driven by the `oauth2` client crate (ramosbugs/oauth2-rs) and, for the
//! negative cases, by raw `reqwest` requests that do not follow redirects.
//!
//! Run: `cargo test -p oauth2-server-tests --test demo_server_e2e`

mod demo_support;

use std::time::Duration;

use demo_support::{demo_config_with_redirect, http_client, param, query_pairs, Demo};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, RedirectUrl,
    RefreshToken, ResourceOwnerPassword, ResourceOwnerUsername, Scope, TokenResponse, TokenUrl,
};
use oauth2_server_examples::server::DemoConfig;
use reqwest::header::{CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use reqwest::StatusCode;
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:9999/cb";

/// The authorization and token endpoints of `demo` for `client_id` (with `secret` when
/// confidential), as an `oauth2` client.
macro_rules! oauth_client {
    ($demo:expr, $id:expr) => {
        BasicClient::new(ClientId::new($id.to_owned()))
            .set_auth_uri(AuthUrl::new($demo.url("/oauth/authorize")).unwrap())
            .set_token_uri(TokenUrl::new($demo.url("/oauth/token")).unwrap())
            .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).unwrap())
    };
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Posts the login form like a browser: the authorization URL's parameters plus the
/// credentials and the decision.
async fn post_login(
    http: &reqwest::Client,
    demo: &Demo,
    auth_url: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let pairs = query_pairs(auth_url);
    let mut fields: Vec<(&str, &str)> =
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.extend_from_slice(extra);
    http.post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(&fields))
        .send()
        .await
        .unwrap()
}

/// Logs alice in on the page for `auth_url` and returns the redirect's query.
async fn approve(http: &reqwest::Client, demo: &Demo, auth_url: &str) -> Vec<(String, String)> {
    // The page first, as a browser would show it.
    let page = http.get(auth_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\" action=\"/oauth/authorize\">"), "{html}");
    let answer = post_login(
        http,
        demo,
        auth_url,
        &[("username", "alice"), ("password", "wonderland"), ("decision", "approve")],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER, "RFC 9700 4.12: 303 after the POST");
    let location = answer.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    query_pairs(&location)
}

async fn get_protected(
    http: &reqwest::Client,
    demo: &Demo,
    path: &str,
    token: &str,
) -> (StatusCode, Value) {
    let r = http.get(demo.url(path)).bearer_auth(token).send().await.unwrap();
    let status = r.status();
    let body = r.text().await.unwrap();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn authorization_code_with_pkce_for_the_confidential_client_then_refresh() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let client = oauth_client!(demo, "demo-client")
        .set_client_secret(ClientSecret::new("demo-secret".to_owned()));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("read".to_owned()))
        .add_scope(Scope::new("write".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let answer = approve(&http, &demo, auth_url.as_str()).await;
    assert_eq!(param(&answer, "state"), Some(csrf.secret().as_str()));
    assert_eq!(param(&answer, "iss"), Some(demo.base.as_str()), "RFC 9207 iss");
    let code = param(&answer, "code").expect("a code").to_owned();

    let token = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange");
    let access = token.access_token().secret().clone();
    let (status, me) = get_protected(&http, &demo, "/protected", &access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me,
        serde_json::json!({"user": "alice", "client_id": "demo-client", "scope": "read write"})
    );
    let (status, _) = get_protected(&http, &demo, "/protected/write", &access).await;
    assert_eq!(status, StatusCode::OK);

    // Refresh; the token rotates, so the old refresh token is spent.
    let refresh = token.refresh_token().expect("a refresh token").clone();
    let refreshed =
        client.exchange_refresh_token(&refresh).request_async(&http).await.expect("refresh");
    let (status, me) =
        get_protected(&http, &demo, "/protected", refreshed.access_token().secret()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"], "alice");
    let again = client.exchange_refresh_token(&refresh).request_async(&http).await;
    assert!(again.is_err(), "a rotated-out refresh token must be refused");

    // The code is single use, and a replay revokes what it issued (RFC 9700 4.5.3.1 ff.).
    let replay = client.exchange_code(AuthorizationCode::new(code)).request_async(&http).await;
    assert!(replay.is_err(), "a replayed code must be refused");
    let (status, _) =
        get_protected(&http, &demo, "/protected", refreshed.access_token().secret()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the replay revoked the grant's tokens");
}

#[tokio::test]
async fn authorization_code_with_pkce_for_the_public_spa_then_refresh() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let client = oauth_client!(demo, "demo-spa");
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("read".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let answer = approve(&http, &demo, auth_url.as_str()).await;
    assert_eq!(param(&answer, "state"), Some(csrf.secret().as_str()));
    let code = param(&answer, "code").expect("a code").to_owned();
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange by a public client (client_id in the body)");
    let access = token.access_token().secret().clone();
    let (status, me) = get_protected(&http, &demo, "/protected", &access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me, serde_json::json!({"user": "alice", "client_id": "demo-spa", "scope": "read"}));
    let (status, body) = get_protected(&http, &demo, "/protected/write", &access).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "insufficient_scope");

    let refresh = token.refresh_token().expect("a refresh token").clone();
    let refreshed =
        client.exchange_refresh_token(&refresh).request_async(&http).await.expect("refresh");
    assert_ne!(refreshed.access_token().secret(), &access);
}

#[tokio::test]
async fn public_client_without_pkce_is_redirected_with_invalid_request() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let (auth_url, _) = oauth_client!(demo, "demo-spa").authorize_url(CsrfToken::new_random).url();
    let r = http.get(auth_url.as_str()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pairs = query_pairs(r.headers()[LOCATION].to_str().unwrap());
    assert_eq!(param(&pairs, "error"), Some("invalid_request"));
}

#[tokio::test]
async fn client_credentials_token_has_no_user() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let client = oauth_client!(demo, "demo-client")
        .set_client_secret(ClientSecret::new("demo-secret".to_owned()));
    let token = client
        .exchange_client_credentials()
        .add_scope(Scope::new("read".to_owned()))
        .request_async(&http)
        .await
        .expect("client_credentials");
    assert!(token.refresh_token().is_none(), "RFC 6749 4.4.3: no refresh token");
    let (status, me) =
        get_protected(&http, &demo, "/protected", token.access_token().secret()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me, serde_json::json!({"user": null, "client_id": "demo-client", "scope": "read"}));
    let (status, me) =
        get_protected(&http, &demo, "/protected/write", token.access_token().secret()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(me["error"], "insufficient_scope");
}

#[tokio::test]
async fn client_credentials_with_a_wrong_secret_is_invalid_client() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let client =
        oauth_client!(demo, "demo-client").set_client_secret(ClientSecret::new("nope".to_owned()));
    let err = client.exchange_client_credentials().request_async(&http).await.unwrap_err();
    assert!(format!("{err:?}").contains("invalid_client"), "{err:?}");
}

#[tokio::test]
async fn password_grant_token_reaches_protected_write() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let client = oauth_client!(demo, "demo-client")
        .set_client_secret(ClientSecret::new("demo-secret".to_owned()));
    let token = client
        .exchange_password(
            &ResourceOwnerUsername::new("alice".to_owned()),
            &ResourceOwnerPassword::new("wonderland".to_owned()),
        )
        .add_scope(Scope::new("read".to_owned()))
        .add_scope(Scope::new("write".to_owned()))
        .request_async(&http)
        .await
        .expect("password grant");
    let (status, me) =
        get_protected(&http, &demo, "/protected/write", token.access_token().secret()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me,
        serde_json::json!({"user": "alice", "client_id": "demo-client", "scope": "read write"})
    );
    let refresh = RefreshToken::new(token.refresh_token().expect("refresh token").secret().clone());
    client.exchange_refresh_token(&refresh).request_async(&http).await.expect("refresh");
}

// ---- raw HTTP: the authorization endpoint ------------------------------------------------

fn authorize_query(client_id: &str, redirect_uri: &str, state: &str) -> String {
    let challenge = oauth2_server::s256_challenge("a-verifier-of-enough-length-0123456789-abcdef");
    form_body(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", "read"),
        ("state", state),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ])
}

fn assert_page_headers(r: &reqwest::Response) {
    let h = r.headers();
    assert_eq!(h[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(h["x-frame-options"], "DENY");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
}

#[tokio::test]
async fn login_page_shows_client_and_scopes_with_security_headers() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let url =
        demo.url(&format!("/oauth/authorize?{}", authorize_query("demo-client", REDIRECT, "s1")));
    let r = http_client().get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_page_headers(&r);
    let html = r.text().await.unwrap();
    assert!(html.contains("demo-client"));
    assert!(html.contains("<code>read</code>"));
    assert!(
        html.contains("name=\"state\" value=\"s1\""),
        "the request rides along as hidden fields"
    );
    assert!(!html.contains("<script"), "no JavaScript");
}

#[tokio::test]
async fn bad_redirect_uri_gets_an_error_page_and_no_redirect() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    for query in [
        authorize_query("demo-client", "http://127.0.0.1:9999/evil", "s1"),
        authorize_query("demo-client", "https://attacker.example/cb", "s1"),
        authorize_query("no-such-client", REDIRECT, "s1"),
    ] {
        let r = http.get(demo.url(&format!("/oauth/authorize?{query}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(r.headers().get(LOCATION).is_none(), "never redirected: {query}");
        assert_page_headers(&r);
        // The same for the form POST.
        let r = http
            .post(demo.url("/oauth/authorize"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("{query}&username=alice&password=wonderland&decision=approve"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(r.headers().get(LOCATION).is_none(), "never redirected: {query}");
    }
}

#[tokio::test]
async fn deny_redirects_with_access_denied_state_and_iss() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let body = format!("{}&decision=deny", authorize_query("demo-client", REDIRECT, "st-42"));
    let r = http_client()
        .post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pairs = query_pairs(r.headers()[LOCATION].to_str().unwrap());
    assert_eq!(param(&pairs, "error"), Some("access_denied"));
    assert_eq!(param(&pairs, "state"), Some("st-42"));
    assert_eq!(param(&pairs, "iss"), Some(demo.base.as_str()));
    assert_eq!(param(&pairs, "code"), None);
}

#[tokio::test]
async fn wrong_password_shows_the_page_again_with_401_and_no_redirect() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let body = format!(
        "{}&username=alice&password=not-it&decision=approve",
        authorize_query("demo-client", REDIRECT, "s1")
    );
    let r = http_client()
        .post(demo.url("/oauth/authorize"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get(LOCATION).is_none());
    assert_page_headers(&r);
    let html = r.text().await.unwrap();
    assert!(html.contains("Wrong username or password"));
    assert!(html.contains("value=\"alice\""), "the username is kept");
    assert!(!html.contains("not-it"), "the password is never echoed");
}

#[tokio::test]
async fn xss_payloads_in_client_id_state_scope_and_redirect_uri_are_escaped() {
    // A client whose id, scopes and redirect URI are all hostile markup: everything the page
    // echoes must come out as text.
    let client_id = "x\"><script>alert(1)</script>";
    let scope = "<svg/onload=alert(3)>";
    let redirect = "http://127.0.0.1:9999/cb?q=<script>alert(2)</script>";
    let mut config = DemoConfig::builtin();
    config.clients[0].id = client_id.to_owned();
    config.clients[0].scopes = vec![scope.to_owned()];
    config.clients[0].redirect_uris = vec![redirect.to_owned()];
    let demo = Demo::start(config).await;
    let state = "'\"><img src=x onerror=alert(4)>";
    let challenge = oauth2_server::s256_challenge("a-verifier-of-enough-length-0123456789-abcdef");
    let query = form_body(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("scope", scope),
        ("state", state),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let http = http_client();
    let r = http.get(demo.url(&format!("/oauth/authorize?{query}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    for raw in ["<script", "<svg", "<img", "onerror=alert(4)>"] {
        assert!(!html.contains(raw), "{raw} appears unescaped in:\n{html}");
    }
    assert!(html.contains("x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;svg/onload=alert(3)&gt;"));
    assert!(html.contains("&#39;&quot;&gt;&lt;img src=x onerror=alert(4)&gt;"));

    // The error page does not reflect an unknown client_id either.
    let query = authorize_query("<script>alert(5)</script>", REDIRECT, "<script>alert(6)</script>");
    let r = http.get(demo.url(&format!("/oauth/authorize?{query}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(!r.text().await.unwrap().contains("<script"));
}

// ---- routing ------------------------------------------------------------------------------

#[tokio::test]
async fn an_unknown_path_is_404() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    for path in ["/", "/oauth", "/oauth/token/", "/protected/", "/protected/read", "/OAUTH/TOKEN"] {
        let r = http.post(demo.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "POST {path}");
        let r = http.get(demo.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_an_allow_header() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let cases = [
        (reqwest::Method::GET, "/oauth/token", "POST"),
        (reqwest::Method::PUT, "/oauth/revoke", "POST"),
        (reqwest::Method::GET, "/oauth/introspect", "POST"),
        (reqwest::Method::POST, "/.well-known/oauth-authorization-server", "GET,HEAD"),
        (reqwest::Method::POST, "/protected", "GET,HEAD"),
        (reqwest::Method::DELETE, "/protected/write", "GET,HEAD"),
        (reqwest::Method::PUT, "/oauth/authorize", "GET,HEAD,POST"),
    ];
    for (method, path, allow) in cases {
        let r = http.request(method.clone(), demo.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(r.headers()[reqwest::header::ALLOW], allow, "{method} {path}");
    }
}

#[tokio::test]
async fn head_is_answered_where_get_is_without_a_body() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let r = http.head(demo.url("/.well-known/oauth-authorization-server")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    assert!(r.bytes().await.unwrap().is_empty());
    // The resource answers HEAD like GET: no token, the bare challenge.
    let r = http.head(demo.url("/protected")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()[WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer "));
}

// ---- raw HTTP: the protected resource ----------------------------------------------------

#[tokio::test]
async fn protected_without_a_token_is_401_with_a_bare_bearer_challenge() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let r = http_client().get(demo.url("/protected")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let challenge = r.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(!challenge.contains("error="), "RFC 6750 3.1: no error without credentials");
}

#[tokio::test]
async fn protected_with_an_unknown_token_is_401_invalid_token() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let r = http_client()
        .get(demo.url("/protected"))
        .bearer_auth("not-a-real-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()[WWW_AUTHENTICATE].to_str().unwrap().contains("error=\"invalid_token\""));
}

#[tokio::test]
async fn protected_with_a_malformed_authorization_header_is_400_invalid_request() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let r = http_client()
        .get(demo.url("/protected"))
        .header("authorization", "Bearer two words")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers()[WWW_AUTHENTICATE].to_str().unwrap().contains("error=\"invalid_request\""));
}

#[tokio::test]
async fn protected_with_a_token_in_the_query_is_refused() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let token = password_token(&http, &demo, "read").await;
    let r = http.get(demo.url(&format!("/protected?access_token={token}"))).send().await.unwrap();
    assert_ne!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn protected_with_an_expired_token_is_401_invalid_token() {
    let mut config = demo_config_with_redirect(REDIRECT);
    config.access_token_lifetime = Some(1);
    let demo = Demo::start(config).await;
    let http = http_client();
    let token = password_token(&http, &demo, "read").await;
    let (status, _) = get_protected(&http, &demo, "/protected", &token).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = http.get(demo.url("/protected")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()[WWW_AUTHENTICATE].to_str().unwrap().contains("error=\"invalid_token\""));
}

#[tokio::test]
async fn protected_write_with_a_read_token_is_403_insufficient_scope() {
    let demo = Demo::start(DemoConfig::builtin()).await;
    let http = http_client();
    let token = password_token(&http, &demo, "read").await;
    let r = http.get(demo.url("/protected/write")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers()[WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .contains("error=\"insufficient_scope\""));
}

async fn password_token(http: &reqwest::Client, demo: &Demo, scope: &str) -> String {
    let r = http
        .post(demo.url("/oauth/token"))
        .basic_auth("demo-client", Some("demo-secret"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "wonderland"),
            ("scope", scope),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}
