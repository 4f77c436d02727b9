//! The authorization endpoint (RFC 6749 4.1.1-4.1.2.1, RFC 9207, RFC 9700 4.11-4.12).

mod common;

use common::*;
use http::StatusCode;
use oauth2_server::{AuthorizeError, Client, ClientSecret, GrantType, OAuthRequest};

async fn refused(server: &Server, query: &str) -> AuthorizeError {
    server.authorize(&OAuthRequest::get(query.to_owned())).await.expect_err("request accepted")
}

/// Asserts the request is refused without a redirect (RFC 6749 4.1.2.1: "MUST NOT
/// automatically redirect the user-agent to the invalid redirection URI").
async fn assert_no_redirect(server: &Server, query: &str) {
    let err = refused(server, query).await;
    assert!(matches!(err, AuthorizeError::NoRedirect(_)), "{err:?}");
    let resp = err.into_response();
    assert!(resp.location().is_none());
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

/// Asserts the request is refused by a 303 to `redirect` with `error`; returns the Location.
async fn assert_error_redirect(
    server: &Server,
    query: &str,
    redirect: &str,
    error: &str,
) -> String {
    let err = refused(server, query).await;
    assert!(matches!(err, AuthorizeError::Redirect { .. }), "{err:?}");
    assert_eq!(err.error().code().as_str(), error);
    let resp = err.into_response();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.location().unwrap().to_owned();
    assert!(location.starts_with(redirect), "{location}");
    assert_eq!(query_param(&location, "error").as_deref(), Some(error));
    location
}

fn multi_uri_server() -> Server {
    let store = store();
    store.add_client(
        Client::confidential("multi", ClientSecret::plain("s"))
            .redirect_uris(["https://multi.example/a", "https://multi.example/b"])
            .grants([GrantType::AuthorizationCode])
            .scopes("read")
            .unwrap(),
    );
    builder(store).build().unwrap()
}

// RFC 6749 4.1.2.1: an invalid client_id is never redirected to.
#[tokio::test]
async fn unknown_client_id_is_not_redirected() {
    assert_no_redirect(&server(), "response_type=code&client_id=nobody&state=s").await;
}

#[tokio::test]
async fn missing_client_id_is_not_redirected() {
    assert_no_redirect(
        &server(),
        "response_type=code&state=s&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
    )
    .await;
}

// RFC 6749 4.1.2.1 / RFC 9700 4.1.3: exact match; an unregistered URI is never redirected to.
#[tokio::test]
async fn unregistered_redirect_uri_is_not_redirected() {
    assert_no_redirect(
        &server(),
        "response_type=code&client_id=app&state=s&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
    )
    .await;
}

// RFC 9700 4.1.3: no prefix or sub-path matching.
#[tokio::test]
async fn redirect_uri_with_extra_path_is_not_redirected() {
    assert_no_redirect(
        &server(),
        "response_type=code&client_id=app&state=s&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%2Fx",
    )
    .await;
}

// RFC 6749 3.1.2.3: with several registered URIs, redirect_uri is required.
#[tokio::test]
async fn omitted_redirect_uri_with_several_registered_is_not_redirected() {
    assert_no_redirect(&multi_uri_server(), "response_type=code&client_id=multi&state=s").await;
}

#[tokio::test]
async fn client_without_registered_redirect_uri_is_not_redirected() {
    let store = store();
    store.add_client(
        Client::confidential("nouri", ClientSecret::plain("s"))
            .grants([GrantType::AuthorizationCode])
            .scopes("read")
            .unwrap(),
    );
    let server = builder(store).build().unwrap();
    assert_no_redirect(&server, "response_type=code&client_id=nouri&state=s").await;
}

#[tokio::test]
async fn one_of_several_registered_redirect_uris_is_used_when_named() {
    let location = approve_location(
        &multi_uri_server(),
        "response_type=code&client_id=multi&state=s&redirect_uri=https%3A%2F%2Fmulti.example%2Fb",
    )
    .await;
    assert!(location.starts_with("https://multi.example/b?"), "{location}");
}

// RFC 6749 3.1: a repeated parameter is invalid_request, and not redirected when it is the
// client_id that is ambiguous.
#[tokio::test]
async fn repeated_client_id_is_not_redirected() {
    assert_no_redirect(&server(), "response_type=code&client_id=app&client_id=other&state=s").await;
}

// RFC 8252 7.3 / RFC 9700 2.1: loopback IP redirect URIs may use any port.
#[tokio::test]
async fn loopback_ip_redirect_uri_may_use_another_port() {
    let store = store();
    store.add_client(
        Client::public("native")
            .redirect_uri("http://127.0.0.1:9999/cb")
            .grants([GrantType::AuthorizationCode])
            .scopes("read")
            .unwrap(),
    );
    let server = builder(store).build().unwrap();
    let location = approve_location(
        &server,
        &format!(
            "response_type=code&client_id=native&state=s&redirect_uri=http%3A%2F%2F127.0.0.1%3A51234%2Fcb&code_challenge={CHALLENGE}&code_challenge_method=S256"
        ),
    )
    .await;
    assert!(location.starts_with("http://127.0.0.1:51234/cb?"), "{location}");
}

// RFC 8252 7.3: the exception is the port only.
#[tokio::test]
async fn loopback_ip_redirect_uri_with_another_path_is_not_redirected() {
    let store = store();
    store.add_client(
        Client::public("native")
            .redirect_uri("http://127.0.0.1:9999/cb")
            .grants([GrantType::AuthorizationCode])
            .scopes("read")
            .unwrap(),
    );
    let server = builder(store).build().unwrap();
    assert_no_redirect(
        &server,
        &format!(
            "response_type=code&client_id=native&state=s&redirect_uri=http%3A%2F%2F127.0.0.1%3A51234%2Fother&code_challenge={CHALLENGE}&code_challenge_method=S256"
        ),
    )
    .await;
}

// RFC 6749 4.1.2: "retaining any existing query component" of the redirect URI.
#[tokio::test]
async fn registered_redirect_uri_query_is_kept_and_code_state_iss_appended() {
    let store = store();
    store.add_client(app_client().redirect_uri("https://app.example/cb?x=1"));
    let store_server = builder(store).build().unwrap();
    let location = approve_location(
        &store_server,
        "response_type=code&client_id=app&state=st&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1",
    )
    .await;
    assert!(location.starts_with("https://app.example/cb?x=1&code="), "{location}");
    let names: Vec<_> = query_pairs(&location).into_iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["x", "code", "state", "iss"]);
}

// RFC 9207 2: iss in the authorization response.
#[tokio::test]
async fn success_redirect_carries_iss_when_issuer_is_set() {
    let location = approve_location(&server(), "response_type=code&client_id=app&state=st").await;
    assert_eq!(query_param(&location, "iss").as_deref(), Some(ISSUER));
}

// RFC 9207 2: "... in authorization error responses as well".
#[tokio::test]
async fn error_redirect_carries_iss_when_issuer_is_set() {
    let location = assert_error_redirect(
        &server(),
        "response_type=code&client_id=app&state=st&scope=admin",
        APP_REDIRECT,
        "invalid_scope",
    )
    .await;
    assert_eq!(query_param(&location, "iss").as_deref(), Some(ISSUER));
}

#[tokio::test]
async fn redirect_has_no_iss_without_issuer() {
    let server = oauth2_server::OAuthServer::builder(store()).authorization_code().build().unwrap();
    let location = approve_location(&server, "response_type=code&client_id=app&state=st").await;
    assert_eq!(query_param(&location, "iss"), None);
}

// RFC 6749 4.1.2: state is returned exactly as received.
#[tokio::test]
async fn state_is_returned_unchanged() {
    let location =
        approve_location(&server(), "response_type=code&client_id=app&state=a%20b%26c%3Dd").await;
    assert_eq!(query_param(&location, "state").as_deref(), Some("a b&c=d"));
}

// RFC 6749 4.1.2.1 access_denied, with state.
#[tokio::test]
async fn deny_redirects_access_denied_with_state() {
    let server = server();
    let pending = server
        .authorize(&OAuthRequest::get("response_type=code&client_id=app&state=st"))
        .await
        .unwrap();
    let resp = server.deny(pending);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.location().unwrap();
    assert!(location.starts_with(APP_REDIRECT));
    assert_eq!(query_param(location, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(location, "state").as_deref(), Some("st"));
    assert_eq!(query_param(location, "iss").as_deref(), Some(ISSUER));
    assert_eq!(query_param(location, "code"), None);
}

// RFC 6749 4.1.2.1 unauthorized_client: the client and its redirect URI are known, so the
// error is redirected.
#[tokio::test]
async fn client_without_authorization_code_grant_is_redirected_unauthorized_client() {
    let store = store();
    store.add_client(
        Client::confidential("svc", ClientSecret::plain("s"))
            .redirect_uri("https://svc.example/cb")
            .grants([GrantType::ClientCredentials])
            .scopes("read")
            .unwrap(),
    );
    let server = builder(store).build().unwrap();
    let location = assert_error_redirect(
        &server,
        "response_type=code&client_id=svc&state=st",
        "https://svc.example/cb",
        "unauthorized_client",
    )
    .await;
    assert_eq!(query_param(&location, "state").as_deref(), Some("st"));
}

// RFC 6749 4.1.2.1 invalid_scope: "unknown, or malformed".
#[tokio::test]
async fn unknown_scope_is_redirected_invalid_scope() {
    assert_error_redirect(
        &server(),
        "response_type=code&client_id=app&state=st&scope=read+admin",
        APP_REDIRECT,
        "invalid_scope",
    )
    .await;
}

// Scopes beyond the client's are refused, never silently narrowed.
#[tokio::test]
async fn scope_beyond_the_clients_is_redirected_invalid_scope() {
    // spa may only have `read`; `write` is a scope the server knows (app has it).
    assert_error_redirect(
        &server(),
        &format!(
            "response_type=code&client_id=spa&state=st&scope=read+write&code_challenge={CHALLENGE}&code_challenge_method=S256"
        ),
        SPA_REDIRECT,
        "invalid_scope",
    )
    .await;
}

// RFC 6749 3.3: malformed scope tokens are invalid_scope.
#[tokio::test]
async fn malformed_scope_is_redirected_invalid_scope() {
    assert_error_redirect(
        &server(),
        "response_type=code&client_id=app&state=st&scope=%22read%22",
        APP_REDIRECT,
        "invalid_scope",
    )
    .await;
}

// RFC 6749 3.3: an omitted scope gets the default, here the client's scopes.
#[tokio::test]
async fn omitted_scope_gets_the_clients_scopes() {
    let server = server();
    let pending = server
        .authorize(&OAuthRequest::get("response_type=code&client_id=app&state=st"))
        .await
        .unwrap();
    assert_eq!(pending.scope().as_str(), "read write");
}

// Node's default: state is required (RFC 6749 10.12 CSRF defence).
#[tokio::test]
async fn missing_state_is_redirected_invalid_request() {
    let location = assert_error_redirect(
        &server(),
        "response_type=code&client_id=app",
        APP_REDIRECT,
        "invalid_request",
    )
    .await;
    assert_eq!(query_param(&location, "state"), None);
}

// RFC 6749 3.1: an empty state counts as omitted.
#[tokio::test]
async fn empty_state_is_redirected_invalid_request() {
    assert_error_redirect(
        &server(),
        "response_type=code&client_id=app&state=",
        APP_REDIRECT,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn missing_state_is_accepted_when_allow_empty_state() {
    let server = builder(store()).allow_empty_state(true).build().unwrap();
    let location = approve_location(&server, "response_type=code&client_id=app").await;
    assert!(query_param(&location, "code").is_some());
    assert_eq!(query_param(&location, "state"), None);
}

// RFC 6749 4.1.2.1 unsupported_response_type.
#[tokio::test]
async fn token_response_type_is_redirected_unsupported_response_type() {
    assert_error_redirect(
        &server(),
        "response_type=token&client_id=app&state=st",
        APP_REDIRECT,
        "unsupported_response_type",
    )
    .await;
}

#[tokio::test]
async fn missing_response_type_is_redirected_invalid_request() {
    assert_error_redirect(&server(), "client_id=app&state=st", APP_REDIRECT, "invalid_request")
        .await;
}

// RFC 9700 4.12: 303, never 307, after a credential POST.
#[tokio::test]
async fn success_response_is_303_see_other() {
    let server = server();
    let pending = server
        .authorize(&OAuthRequest::post_form("response_type=code&client_id=app&state=st"))
        .await
        .unwrap();
    let resp = server.approve(pending, USERNAME.to_owned()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn error_response_is_303_see_other() {
    let err = refused(&server(), "response_type=code&client_id=app&state=st&scope=admin").await;
    assert_eq!(err.into_response().status(), StatusCode::SEE_OTHER);
}

// RFC 6749 3.1: the endpoint accepts POST with a form too.
#[tokio::test]
async fn post_form_authorization_request_is_accepted() {
    let server = server();
    let pending = server
        .authorize(&OAuthRequest::post_form("response_type=code&client_id=app&state=st"))
        .await
        .unwrap();
    assert_eq!(pending.client().id(), APP);
    assert_eq!(pending.redirect_uri(), APP_REDIRECT);
    assert_eq!(pending.state(), Some("st"));
}

// RFC 6749 3.1: the same parameter in the query and in the body is repeated.
#[tokio::test]
async fn parameter_in_both_query_and_body_is_refused() {
    let server = server();
    let req = OAuthRequest::post_form("response_type=code&client_id=app&state=st")
        .with_query("state=other");
    assert!(server.authorize(&req).await.is_err());
}

#[tokio::test]
async fn authorization_response_is_not_cacheable() {
    let server = server();
    let pending = server
        .authorize(&OAuthRequest::get("response_type=code&client_id=app&state=st"))
        .await
        .unwrap();
    let resp = server.approve(pending, USERNAME.to_owned()).await.unwrap();
    assert_eq!(resp.headers()["cache-control"], "no-store");
}
