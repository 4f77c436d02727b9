//! The `axum` feature of oauth2-server against a real `axum::Router`, driven with
//! `tower::ServiceExt::oneshot` (no sockets).
//!
//! Run: `cargo test -p oauth2-server-tests --test axum_integration`

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use oauth2_server::axum::OAuthRequestRejection;
use oauth2_server::{
    AuthorizeError, Client, ClientSecret, GrantType, MemoryStore, OAuthError, OAuthRequest,
    OAuthResponse, OAuthServer, TokenResponse,
};
use serde_json::Value;
use tower::ServiceExt as _;

type Server = Arc<OAuthServer<MemoryStore<String>>>;

const BASIC_SVC: &str = "Basic c3ZjOnMzY3JldA=="; // svc:s3cret

fn server() -> Server {
    let store = MemoryStore::new();
    store.add_client(
        Client::confidential("svc", ClientSecret::sha256("s3cret"))
            .redirect_uri("https://app.example/cb")
            .grants([GrantType::ClientCredentials, GrantType::AuthorizationCode])
            .scopes("read")
            .unwrap(),
    );
    Arc::new(
        OAuthServer::builder(store)
            .client_credentials()
            .authorization_code()
            .issuer("https://as.example")
            .build()
            .unwrap(),
    )
}

// The router of the `oauth2_server::axum` module docs, verbatim.
async fn token(State(server): State<Server>, req: OAuthRequest) -> OAuthResponse {
    server.token_response(&req).await
}

async fn me(State(server): State<Server>, req: OAuthRequest) -> Result<Json<String>, OAuthError> {
    let auth = server.authenticate(&req, None).await?;
    Ok(Json(auth.client_id().to_owned()))
}

fn doc_router(server: Server) -> Router {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/me", get(me))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .with_state(server)
}

async fn token_typed(
    State(server): State<Server>,
    req: OAuthRequest,
) -> Result<TokenResponse<String>, OAuthError> {
    server.token(&req).await
}

async fn authorize(
    State(server): State<Server>,
    req: OAuthRequest,
) -> Result<String, AuthorizeError> {
    let auth = server.authorize(&req).await?;
    Ok(auth.client().id().to_owned())
}

/// Echoes what the extractor saw.
async fn echo(req: OAuthRequest) -> Json<Value> {
    Json(serde_json::json!({
        "method": req.method().as_str(),
        "query": req.query(),
        "body": String::from_utf8_lossy(req.body()),
        "x-test": req.headers().get("x-test").and_then(|v| v.to_str().ok()),
        "is_form": req.is_form(),
    }))
}

async fn json_of(response: Response) -> Value {
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The extractor's rejection: `status`, `no-store`, and an `invalid_request` JSON error whose
/// description mentions `says`.
async fn assert_rejection(response: Response, status: StatusCode, says: &str) {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let body = json_of(response).await;
    assert_eq!(body["error"], "invalid_request");
    assert!(body["error_description"].as_str().unwrap().contains(says), "{body}");
}

fn cc_request(body: &str) -> Request<Body> {
    form_post("/oauth/token", Body::from(body.to_owned()))
}

/// A form POST to `path` with the `svc` client's Basic credentials.
fn form_post(path: &str, body: Body) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, BASIC_SVC)
        .body(body)
        .unwrap()
}

/// The token endpoint alone, with its bodies limited to `bytes` (`DefaultBodyLimit`).
fn token_app_limited_to(bytes: usize) -> Router {
    Router::new()
        .route("/oauth/token", post(token))
        .layer(DefaultBodyLimit::max(bytes))
        .with_state(server())
}

#[tokio::test]
async fn token_endpoint_answers_json_with_no_store() {
    let app = doc_router(server());
    let response = app.oneshot(cc_request("grant_type=client_credentials")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(response.headers()[header::PRAGMA], "no-cache");
    let body = json_of(response).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read");
}

#[tokio::test]
async fn token_response_and_oauth_error_work_as_handler_results() {
    let app = Router::new().route("/oauth/token", post(token_typed)).with_state(server());
    let ok = app.clone().oneshot(cc_request("grant_type=client_credentials")).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(json_of(ok).await["access_token"].is_string());
    let err = app.oneshot(cc_request("grant_type=password")).await.unwrap();
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(err).await["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn oauth_error_becomes_401_with_bearer_challenge() {
    let app = doc_router(server());
    let response = app.oneshot(Request::get("/me").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()[header::WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
}

#[tokio::test]
async fn a_token_from_the_router_authenticates_at_the_router() {
    let app = doc_router(server());
    let token =
        json_of(app.clone().oneshot(cc_request("grant_type=client_credentials")).await.unwrap())
            .await;
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let response = app
        .oneshot(
            Request::get("/me").header(header::AUTHORIZATION, bearer).body(Body::empty()).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await, "svc");
}

#[tokio::test]
async fn body_over_the_limit_is_413_with_a_json_error() {
    let app = token_app_limited_to(1024);
    let big = format!("grant_type=client_credentials&pad={}", "x".repeat(4096));
    let response = app.oneshot(cc_request(&big)).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_rejection(response, StatusCode::PAYLOAD_TOO_LARGE, "larger").await;
}

#[tokio::test]
async fn body_within_the_limit_is_accepted() {
    let app = token_app_limited_to(1024);
    let response = app.oneshot(cc_request("grant_type=client_credentials")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn extractor_keeps_method_query_headers_and_body() {
    let app = Router::new().route("/echo", post(echo).get(echo));
    let request = Request::post("/echo?a=1&b=two")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8")
        .header("x-test", "yes")
        .body(Body::from("grant_type=password"))
        .unwrap();
    let seen = json_of(app.clone().oneshot(request).await.unwrap()).await;
    assert_eq!(
        seen,
        serde_json::json!({"method": "POST", "query": "a=1&b=two", "body": "grant_type=password", "x-test": "yes", "is_form": true})
    );
    let seen = json_of(
        app.clone().oneshot(Request::get("/echo").body(Body::empty()).unwrap()).await.unwrap(),
    )
    .await;
    assert_eq!(seen["method"], "GET");
    assert_eq!(seen["query"], "");
    assert_eq!(seen["body"], "");
    // Only a body known to be empty is skipped: a GET that carries one still has it read.
    let with_body = Request::get("/echo").body(Body::from("x=1")).unwrap();
    let seen = json_of(app.oneshot(with_body).await.unwrap()).await;
    assert_eq!(seen["body"], "x=1");
}

/// A request body that arrives as the given frames (data, or a failure), then ends, with
/// trailers after the data when `trailers` is set.
struct Frames {
    frames: std::collections::VecDeque<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>,
}

impl Frames {
    fn body(parts: &[&str], fail: bool, trailers: bool) -> Body {
        let mut frames: std::collections::VecDeque<_> = parts
            .iter()
            .map(|p| Ok(http_body::Frame::data(bytes::Bytes::copy_from_slice(p.as_bytes()))))
            .collect();
        if trailers {
            let mut map = http::HeaderMap::new();
            map.insert("x-trailer", http::HeaderValue::from_static("t"));
            frames.push_back(Ok(http_body::Frame::trailers(map)));
        }
        if fail {
            frames.push_back(Err(std::io::Error::other("connection reset")));
        }
        Body::new(Self { frames })
    }
}

impl http_body::Body for Frames {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(self.frames.pop_front())
    }
}

#[tokio::test]
async fn a_body_in_several_frames_is_read_whole() {
    let app = Router::new().route("/echo", post(echo));
    for (parts, trailers) in [
        (&["grant_type=", "client_credentials"][..], false),
        (&["", "grant_type", "", "=client_", "credentials", ""][..], true),
        (&["grant_type=client_credentials"][..], true),
        (&[][..], false),
    ] {
        let request = form_post("/echo", Frames::body(parts, false, trailers));
        let seen = json_of(app.clone().oneshot(request).await.unwrap()).await;
        assert_eq!(seen["body"], parts.concat(), "{parts:?}");
    }
    // And the token endpoint answers a body that came in pieces.
    let app = Router::new().route("/oauth/token", post(token)).with_state(server());
    let pieces = Frames::body(&["grant_type=client", "_credentials&scope=", "read"], false, false);
    let response = app.oneshot(form_post("/oauth/token", pieces)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_body_that_breaks_off_is_400_with_a_json_error() {
    let app = Router::new().route("/oauth/token", post(token)).with_state(server());
    for parts in [&["grant_type=client_credentials"][..], &[][..]] {
        let body = Frames::body(parts, true, false);
        let response = app.clone().oneshot(form_post("/oauth/token", body)).await.unwrap();
        assert_rejection(response, StatusCode::BAD_REQUEST, "could not be read").await;
    }
}

#[tokio::test]
async fn a_body_over_the_limit_in_several_frames_is_413() {
    let app = token_app_limited_to(1024);
    let pad = "x".repeat(600);
    let body = Frames::body(&["grant_type=client_credentials&pad=", &pad, &pad], false, false);
    let response = app.oneshot(form_post("/oauth/token", body)).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// The application's own limited body (as the demo server's `serve` makes) inside the
/// extractor's: its `LengthLimitError` comes wrapped twice, and is still a 413.
#[tokio::test]
async fn a_body_over_an_inner_limit_is_413_too() {
    let app = Router::new().route("/oauth/token", post(token)).with_state(server());
    let inner = http_body_util::Limited::new(
        Frames::body(&["grant_type=client_credentials", "&pad=xxxxxxxx"], false, false),
        32,
    );
    let response = app.oneshot(form_post("/oauth/token", Body::new(inner))).await.unwrap();
    assert_rejection(response, StatusCode::PAYLOAD_TOO_LARGE, "larger").await;
}

#[tokio::test]
async fn authorize_error_redirects_to_a_verified_client_with_303() {
    let app = Router::new().route("/authorize", get(authorize)).with_state(server());
    // A known client and its registered URI, but no PKCE / bad response_type: redirected.
    let uri = "/authorize?response_type=token&client_id=svc&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s1";
    let response = app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("https://app.example/cb?error=unsupported_response_type"),
        "{location}"
    );
    assert!(
        location.contains("state=s1") && location.contains("iss=https%3A%2F%2Fas.example"),
        "{location}"
    );
}

#[tokio::test]
async fn authorize_error_without_a_verified_redirect_is_400_json_and_no_location() {
    let app = Router::new().route("/authorize", get(authorize)).with_state(server());
    let uri = "/authorize?response_type=code&client_id=svc&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&state=s1";
    let response = app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(header::LOCATION).is_none());
    assert_eq!(json_of(response).await["error"], "invalid_request");
}

#[test]
fn rejection_reports_its_status() {
    fn assert_into_response<T: axum::response::IntoResponse>() {}
    assert_into_response::<OAuthRequestRejection>();
    assert_into_response::<OAuthResponse>();
    assert_into_response::<OAuthError>();
    assert_into_response::<AuthorizeError>();
}
