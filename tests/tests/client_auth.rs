//! Client authentication at the token endpoint (RFC 6749 2.3).

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::*;
use http::StatusCode;
use oauth2_server::{Client, ClientSecret, GrantType, OAuthRequest};

fn raw_basic(credentials: &str) -> String {
    format!("Basic {}", STANDARD.encode(credentials))
}

/// A server with a client whose id and secret need form-encoding in HTTP Basic.
fn server_with_odd_client() -> Server {
    let store = store();
    store.add_client(
        Client::confidential("my app", ClientSecret::plain("s:c ret%"))
            .grants([GrantType::ClientCredentials])
            .scopes("read")
            .unwrap(),
    );
    builder(store).build().unwrap()
}

#[tokio::test]
async fn basic_credentials_authenticate() {
    let server = server();
    token_ok(&server, &app_request("grant_type=client_credentials")).await;
}

// RFC 6749 2.3.1: client_id and secret are "encoded using the application/x-www-form-urlencoded
// encoding algorithm" before Basic: "+" is a space.
#[tokio::test]
async fn basic_credentials_decode_plus_as_space() {
    let server = server_with_odd_client();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &raw_basic("my+app:s%3Ac+ret%25"));
    token_ok(&server, &req).await;
}

// RFC 6749 2.3.1: %XX escapes are decoded too.
#[tokio::test]
async fn basic_credentials_decode_percent_escapes() {
    let server = server_with_odd_client();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &raw_basic("my%20app:s%3Ac%20ret%25"));
    token_ok(&server, &req).await;
}

// RFC 6749 2.3.1: a literal "+" in a Basic secret means a space, so the raw secret fails.
#[tokio::test]
async fn basic_credentials_are_not_taken_verbatim() {
    let store = store();
    store.add_client(
        Client::confidential("plus", ClientSecret::plain("a+b"))
            .grants([GrantType::ClientCredentials])
            .scopes("read")
            .unwrap(),
    );
    let server = builder(store).build().unwrap();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &raw_basic("plus:a+b"));
    token_err(&server, &req, StatusCode::UNAUTHORIZED, "invalid_client").await;
}

#[tokio::test]
async fn basic_scheme_name_is_case_insensitive() {
    let server = server();
    let header = basic(APP, APP_SECRET).replacen("Basic", "basic", 1);
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &header);
    token_ok(&server, &req).await;
}

#[tokio::test]
async fn body_credentials_authenticate() {
    let server = server();
    let req = OAuthRequest::post_form(format!(
        "grant_type=client_credentials&client_id={APP}&client_secret={APP_SECRET}"
    ));
    token_ok(&server, &req).await;
}

// RFC 6749 2.3: "The client MUST NOT use more than one authentication method in each request."
#[tokio::test]
async fn basic_together_with_body_secret_is_invalid_request() {
    let server = server();
    let req = app_request(&format!("grant_type=client_credentials&client_secret={APP_SECRET}"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}

// RFC 6749 5.2: invalid_client after an Authorization header attempt is 401 with a challenge
// for the scheme used.
#[tokio::test]
async fn wrong_secret_via_basic_is_401_with_basic_challenge() {
    let server = server();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &basic(APP, "wrong"));
    let headers = token_err(&server, &req, StatusCode::UNAUTHORIZED, "invalid_client").await;
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(challenge.starts_with("Basic "), "{challenge}");
}

#[tokio::test]
async fn unknown_client_via_basic_is_401_with_basic_challenge() {
    let server = server();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &basic("nobody", "x"));
    let headers = token_err(&server, &req, StatusCode::UNAUTHORIZED, "invalid_client").await;
    assert!(headers.contains_key("www-authenticate"));
}

// RFC 6749 5.2: without an Authorization header, invalid_client is 400 and has no challenge.
#[tokio::test]
async fn wrong_secret_via_body_is_400_without_challenge() {
    let server = server();
    let req = OAuthRequest::post_form(format!(
        "grant_type=client_credentials&client_id={APP}&client_secret=wrong"
    ));
    let headers = token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
    assert!(!headers.contains_key("www-authenticate"));
}

// RFC 6749 2.3.1: the client credentials "MUST NOT be included in the request URI".
#[tokio::test]
async fn credentials_in_the_query_do_not_authenticate() {
    let server = server();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_query(format!("client_id={APP}&client_secret={APP_SECRET}"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
}

#[tokio::test]
async fn request_without_any_credentials_is_invalid_client() {
    let server = server();
    let req = OAuthRequest::post_form("grant_type=client_credentials");
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
}

// A public client has no secret; one that sends a secret is not who it says it is.
#[tokio::test]
async fn public_client_sending_a_secret_is_invalid_client() {
    let server = server();
    let code = spa_code(&server).await;
    let req = OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id={SPA}&client_secret=guess&code={code}&code_verifier={VERIFIER}"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
}

// RFC 6749 3.2.1: confidential clients MUST authenticate.
#[tokio::test]
async fn confidential_client_without_secret_is_invalid_client() {
    let server = server();
    let req = OAuthRequest::post_form(format!(
        "grant_type=password&client_id={APP}&username={USERNAME}&password={PASSWORD}"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
}

#[tokio::test]
async fn confidential_client_without_secret_is_accepted_where_authentication_is_optional() {
    let server =
        builder(store()).require_client_authentication(GrantType::Password, false).build().unwrap();
    let req = OAuthRequest::post_form(format!(
        "grant_type=password&client_id={APP}&username={USERNAME}&password={PASSWORD}"
    ));
    token_ok(&server, &req).await;
}

#[tokio::test]
async fn optional_authentication_for_one_grant_keeps_it_required_for_others() {
    let server =
        builder(store()).require_client_authentication(GrantType::Password, false).build().unwrap();
    let req = OAuthRequest::post_form(format!("grant_type=client_credentials&client_id={APP}"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
}

// Optional authentication still checks a secret that is sent.
#[tokio::test]
async fn wrong_secret_is_refused_even_where_authentication_is_optional() {
    let server =
        builder(store()).require_client_authentication(GrantType::Password, false).build().unwrap();
    let req = OAuthRequest::post_form(format!(
        "grant_type=password&client_id={APP}&client_secret=wrong&username={USERNAME}&password={PASSWORD}"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
}

#[tokio::test]
async fn sha256_stored_secret_verifies_the_right_secret_only() {
    let server = server();
    let req = OAuthRequest::post_form(format!(
        "grant_type=client_credentials&client_id={APP}&client_secret={APP_SECRET}x"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_client").await;
}

#[tokio::test]
async fn malformed_basic_header_is_401_invalid_client() {
    let server = server();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", "Basic not-base64!");
    token_err(&server, &req, StatusCode::UNAUTHORIZED, "invalid_client").await;
}

#[tokio::test]
async fn basic_with_different_body_client_id_is_invalid_request() {
    let server = server();
    let req = app_request(&format!("grant_type=client_credentials&client_id={OTHER}"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}
