//! Shared fixtures for the integration tests: a `MemoryStore` with a few clients and a user,
//! servers built over it, and helpers to drive the endpoints and read their answers.
#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::{HeaderMap, StatusCode};
use oauth2_server::profile::OAuth2WithPassword;
use oauth2_server::{
    Client, ClientSecret, CoreModel, GrantType, MemoryStore, OAuthRequest, OAuthResponse,
    OAuthServer, ServerBuilder,
};
use serde_json::Value;

pub type User = String;
pub type Store = MemoryStore<User>;
pub type Server = OAuthServer<Store>;

pub const ISSUER: &str = "https://as.example";
/// Confidential client with every grant and scopes `read write`.
pub const APP: &str = "app";
pub const APP_SECRET: &str = "app-secret";
pub const APP_REDIRECT: &str = "https://app.example/cb";
/// Second confidential client, same grants, to test bindings to the client.
pub const OTHER: &str = "other";
pub const OTHER_SECRET: &str = "other-secret";
pub const OTHER_REDIRECT: &str = "https://other.example/cb";
/// Public client (SPA): authorization_code + refresh_token, scope `read`.
pub const SPA: &str = "spa";
pub const SPA_REDIRECT: &str = "https://spa.example/cb";
pub const USERNAME: &str = "alice";
pub const PASSWORD: &str = "wonderland";

/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub fn all_grants() -> [GrantType; 4] {
    [
        GrantType::AuthorizationCode,
        GrantType::ClientCredentials,
        GrantType::Password,
        GrantType::RefreshToken,
    ]
}

pub fn app_client() -> Client {
    Client::confidential(APP, ClientSecret::sha256(APP_SECRET))
        .redirect_uri(APP_REDIRECT)
        .grants(all_grants())
        .scopes("read write")
        .unwrap()
}

pub fn other_client() -> Client {
    Client::confidential(OTHER, ClientSecret::plain(OTHER_SECRET))
        .redirect_uri(OTHER_REDIRECT)
        .grants(all_grants())
        .scopes("read write")
        .unwrap()
}

pub fn spa_client() -> Client {
    Client::public(SPA)
        .redirect_uri(SPA_REDIRECT)
        .grants([GrantType::AuthorizationCode, GrantType::RefreshToken])
        .scopes("read")
        .unwrap()
}

/// A store with `app`, `other`, `spa` and the user alice.
pub fn store() -> Store {
    let store = Store::new();
    store.add_client(app_client());
    store.add_client(other_client());
    store.add_client(spa_client());
    store.add_user(USERNAME, PASSWORD, USERNAME.to_owned());
    store
}

/// Every built-in grant, with an issuer.
pub fn builder(store: Store) -> ServerBuilder<Store, OAuth2WithPassword> {
    OAuthServer::builder(store)
        .authorization_code()
        .client_credentials()
        .password()
        .refresh_token()
        .issuer(ISSUER)
}

pub fn server() -> Server {
    builder(store()).build().unwrap()
}

/// `Basic base64(id:secret)`, without form-encoding (fine for the fixtures' plain ids).
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// A token request authenticated as `app` with HTTP Basic.
pub fn app_request(body: &str) -> OAuthRequest {
    OAuthRequest::post_form(body.to_owned()).with_header("authorization", &basic(APP, APP_SECRET))
}

/// The JSON body of an answer (`Null` when it has none).
pub fn json(resp: &OAuthResponse) -> Value {
    if resp.body_str().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(resp.body_str()).expect("the body is JSON")
    }
}

/// Status, headers and JSON body of a token request.
pub async fn token<M: CoreModel>(
    server: &OAuthServer<M>,
    req: &OAuthRequest,
) -> (StatusCode, HeaderMap, Value) {
    let resp = server.token_response(req).await;
    let body = json(&resp);
    let (status, headers, _) = resp.into_parts();
    (status, headers, body)
}

/// A token request that must succeed; its JSON body.
pub async fn token_ok<M: CoreModel>(server: &OAuthServer<M>, req: &OAuthRequest) -> Value {
    let (status, _, body) = token(server, req).await;
    assert_eq!(status, StatusCode::OK, "token request failed: {body}");
    body
}

/// A token request that must fail with `error` and `status`.
pub async fn token_err<M: CoreModel>(
    server: &OAuthServer<M>,
    req: &OAuthRequest,
    status: StatusCode,
    error: &str,
) -> HeaderMap {
    let (got_status, headers, body) = token(server, req).await;
    assert_eq!(body["error"], error, "body: {body}");
    assert_eq!(got_status, status, "body: {body}");
    assert!(body.get("access_token").is_none());
    headers
}

pub fn str_of<'a>(body: &'a Value, field: &str) -> &'a str {
    body[field].as_str().unwrap_or_else(|| panic!("no string {field:?} in {body}"))
}

/// Decodes one form-urlencoded component.
pub fn form_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The decoded query parameters of a URL.
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else { return Vec::new() };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// One decoded query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    query_pairs(url).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Runs the authorization endpoint with `query`, approves for alice, and returns the
/// `Location` of the 303.
pub async fn approve_location<M: CoreModel<User = User>>(
    server: &OAuthServer<M>,
    query: &str,
) -> String {
    let pending =
        server.authorize(&OAuthRequest::get(query.to_owned())).await.unwrap_or_else(|e| {
            panic!("authorization request refused: {e}");
        });
    let resp = server.approve(pending, USERNAME.to_owned()).await.expect("approve");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    resp.location().expect("a Location").to_owned()
}

/// An authorization code for `app` (no PKCE, no redirect_uri sent).
pub async fn app_code<M: CoreModel<User = User>>(server: &OAuthServer<M>) -> String {
    let location =
        approve_location(server, "response_type=code&client_id=app&state=s1&scope=read+write")
            .await;
    query_param(&location, "code").expect("a code")
}

/// An authorization code for the public `spa` client with the RFC 7636 Appendix B challenge.
pub async fn spa_code<M: CoreModel<User = User>>(server: &OAuthServer<M>) -> String {
    let location = approve_location(
        server,
        &format!(
            "response_type=code&client_id=spa&state=s1&code_challenge={CHALLENGE}&code_challenge_method=S256"
        ),
    )
    .await;
    query_param(&location, "code").expect("a code")
}

/// Redeems an `app` code (no redirect_uri, no verifier).
pub fn app_code_request(code: &str) -> OAuthRequest {
    app_request(&format!("grant_type=authorization_code&code={code}"))
}

/// Redeems a `spa` code with the Appendix B verifier.
pub fn spa_code_request(code: &str) -> OAuthRequest {
    OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id=spa&code={code}&code_verifier={VERIFIER}"
    ))
}

/// A refresh request by `app`.
pub fn app_refresh_request(refresh_token: &str) -> OAuthRequest {
    app_request(&format!("grant_type=refresh_token&refresh_token={refresh_token}"))
}

/// True when `access_token` authenticates a resource request.
pub async fn access_works<M: CoreModel>(server: &OAuthServer<M>, access_token: &str) -> bool {
    let req = OAuthRequest::get("").with_header("authorization", &format!("Bearer {access_token}"));
    server.authenticate(&req, None).await.is_ok()
}
