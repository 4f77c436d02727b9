//! The OAuth 2.1 profile: `.profile(Profile::OAuth21)`.

mod common;

use common::*;
use http::StatusCode;
use oauth2_server::{BuildError, OAuthRequest, OAuthServer, Profile};

fn server() -> Server {
    OAuthServer::builder(store())
        .authorization_code()
        .client_credentials()
        .refresh_token()
        .issuer(ISSUER)
        .profile(Profile::OAuth21)
        .build()
        .unwrap()
}

#[tokio::test]
async fn password_grant_is_unsupported_even_for_a_client_that_lists_it() {
    // OAuth 2.1 removed the password grant; `.password()` does not even compile after the
    // profile (pinned by tests/ui/fail), so the grant type is unknown to the server.
    let req = app_request("grant_type=password&username=alice&password=wonderland");
    token_err(&server(), &req, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
}

#[tokio::test]
async fn confidential_client_must_send_a_code_challenge() {
    // OAuth 2.1 4.1.1: PKCE for every client.
    let err = server()
        .authorize(&OAuthRequest::get("response_type=code&client_id=app&state=s"))
        .await
        .unwrap_err();
    assert_eq!(err.error().code().as_str(), "invalid_request");
    let location = err.into_response().location().unwrap().to_owned();
    assert!(location.starts_with(APP_REDIRECT), "redirected to the client: {location}");
}

#[tokio::test]
async fn challenge_without_method_is_refused() {
    // Absent method means plain (RFC 7636 4.3), and OAuth 2.1 allows only S256.
    let query = format!("response_type=code&client_id=app&state=s&code_challenge={CHALLENGE}");
    let err = server().authorize(&OAuthRequest::get(query)).await.unwrap_err();
    assert_eq!(err.error().code().as_str(), "invalid_request");
}

#[tokio::test]
async fn s256_code_flow_works_for_a_confidential_client() {
    let server = server();
    let query = format!(
        "response_type=code&client_id=app&state=s&code_challenge={CHALLENGE}&code_challenge_method=S256"
    );
    let location = approve_location(&server, &query).await;
    let code = query_param(&location, "code").unwrap();
    let req =
        app_request(&format!("grant_type=authorization_code&code={code}&code_verifier={VERIFIER}"));
    token_ok(&server, &req).await;
}

#[test]
fn plain_pkce_conflicts_with_the_profile() {
    let result = OAuthServer::builder(store())
        .authorization_code()
        .allow_plain_pkce(true)
        .profile(Profile::OAuth21)
        .build();
    assert_eq!(result.unwrap_err(), BuildError::ProfileConflict("allow_plain_pkce(true)"));
}

#[test]
fn bearer_tokens_in_query_conflict_with_the_profile() {
    let result = OAuthServer::builder(store())
        .client_credentials()
        .allow_bearer_tokens_in_query(true)
        .profile(Profile::OAuth21)
        .build();
    assert!(matches!(result, Err(BuildError::ProfileConflict(_))));
}

#[test]
fn metadata_of_the_profile_lists_no_password_and_only_s256() {
    let m = server().metadata().unwrap();
    assert!(!m.grant_types_supported.iter().any(|g| g == "password"));
    assert_eq!(m.code_challenge_methods_supported, ["S256"]);
    assert!(server().config().is_oauth21());
}
