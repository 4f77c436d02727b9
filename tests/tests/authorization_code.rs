//! The authorization_code grant with PKCE (RFC 6749 4.1, RFC 7636, RFC 9700 2.1.1).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use http::StatusCode;
use oauth2_server::{s256_challenge, OAuthRequest, OAuthServer};

#[tokio::test]
async fn full_flow_authorize_approve_token_authenticate() {
    let server = server();
    let location = approve_location(
        &server,
        &format!(
            "response_type=code&client_id={SPA}&redirect_uri=https%3A%2F%2Fspa.example%2Fcb&state=xyz&scope=read&code_challenge={CHALLENGE}&code_challenge_method=S256"
        ),
    )
    .await;
    assert!(location.starts_with(SPA_REDIRECT), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz"));
    let code = query_param(&location, "code").unwrap();
    let req = OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id={SPA}&code={code}&redirect_uri=https%3A%2F%2Fspa.example%2Fcb&code_verifier={VERIFIER}"
    ));
    let body = token_ok(&server, &req).await;
    assert_eq!(body["scope"], "read");
    assert!(body["refresh_token"].is_string());
    let access = str_of(&body, "access_token");
    let req = OAuthRequest::get("").with_header("authorization", &format!("Bearer {access}"));
    let auth = server.authenticate(&req, None).await.unwrap();
    assert_eq!(auth.user().map(String::as_str), Some(USERNAME));
    assert_eq!(auth.client_id(), SPA);
}

// RFC 6749 10.10 / OAuth 2.1 7.7: codes are 256-bit random values.
#[tokio::test]
async fn codes_are_distinct_high_entropy_values() {
    let server = server();
    let a = app_code(&server).await;
    let b = app_code(&server).await;
    assert_ne!(a, b);
    assert!(a.len() >= 43, "{a}");
}

// RFC 6749 4.1.2: "The client MUST NOT use the authorization code more than once."
#[tokio::test]
async fn code_is_single_use() {
    let server = server();
    let code = app_code(&server).await;
    token_ok(&server, &app_code_request(&code)).await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_redemptions_of_one_code_yield_exactly_one_token() {
    let server = Arc::new(server());
    let code = app_code(&server).await;
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let server = server.clone();
            let code = code.clone();
            tokio::spawn(async move { server.token(&app_code_request(&code)).await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(err) => assert_eq!(err.code().as_str(), "invalid_grant"),
        }
    }
    assert_eq!(ok, 1);
}

// RFC 6749 4.1.2: "If an authorization code is used more than once, the authorization server
// MUST deny the request and SHOULD revoke (when possible) all tokens previously issued based
// on that authorization code."
#[tokio::test]
async fn replayed_code_revokes_the_access_token_it_issued() {
    let server = server();
    let code = app_code(&server).await;
    let body = token_ok(&server, &app_code_request(&code)).await;
    let access = str_of(&body, "access_token");
    assert!(access_works(&server, access).await);
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(!access_works(&server, access).await);
}

// RFC 6749 4.1.2, as above, for the refresh token.
#[tokio::test]
async fn replayed_code_revokes_the_refresh_token_it_issued() {
    let server = server();
    let code = app_code(&server).await;
    let body = token_ok(&server, &app_code_request(&code)).await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
    let refresh = app_refresh_request(str_of(&body, "refresh_token"));
    token_err(&server, &refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 6749 4.1.2 + rotation: tokens obtained by refreshing belong to the same grant.
#[tokio::test]
async fn replayed_code_revokes_tokens_obtained_by_refreshing() {
    let server = server();
    let code = app_code(&server).await;
    let first = token_ok(&server, &app_code_request(&code)).await;
    let second = token_ok(&server, &app_refresh_request(str_of(&first, "refresh_token"))).await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(!access_works(&server, str_of(&second, "access_token")).await);
    let refresh = app_refresh_request(str_of(&second, "refresh_token"));
    token_err(&server, &refresh, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// OAuth 2.1 4.1.3 / 7.5.2: only a replay by the code's own client revokes, or anyone who
// learned a used code could revoke a victim's tokens.
#[tokio::test]
async fn replay_by_another_client_does_not_revoke_the_tokens() {
    let server = server();
    let code = app_code(&server).await;
    let body = token_ok(&server, &app_code_request(&code)).await;
    let replay = OAuthRequest::post_form(format!("grant_type=authorization_code&code={code}"))
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    token_err(&server, &replay, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert!(access_works(&server, str_of(&body, "access_token")).await);
}

// RFC 6749 4.1.3: "ensure that the authorization code was issued to the authenticated
// confidential client".
#[tokio::test]
async fn code_of_another_client_is_invalid_grant() {
    let server = server();
    let code = app_code(&server).await;
    let req = OAuthRequest::post_form(format!("grant_type=authorization_code&code={code}"))
        .with_header("authorization", &basic(OTHER, OTHER_SECRET));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 6749 4.1.3: for a public client, the code must have been issued to the client_id sent.
#[tokio::test]
async fn public_client_cannot_redeem_a_code_issued_to_another_client() {
    let server = server();
    let location = approve_location(
        &server,
        &format!(
            "response_type=code&client_id={APP}&state=s&code_challenge={CHALLENGE}&code_challenge_method=S256"
        ),
    )
    .await;
    let code = query_param(&location, "code").unwrap();
    token_err(&server, &spa_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn unknown_code_is_invalid_grant() {
    let server = server();
    token_err(&server, &app_code_request("no-such-code"), StatusCode::BAD_REQUEST, "invalid_grant")
        .await;
}

#[tokio::test]
async fn missing_code_is_invalid_request() {
    let server = server();
    let req = app_request("grant_type=authorization_code");
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_request").await;
}

/// A code for `app` obtained with `redirect_uri` sent explicitly.
async fn app_code_with_redirect_uri(server: &Server) -> String {
    let location = approve_location(
        server,
        "response_type=code&client_id=app&state=s&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
    )
    .await;
    query_param(&location, "code").unwrap()
}

// RFC 6749 4.1.3: redirect_uri is "REQUIRED, if the redirect_uri parameter was included in the
// authorization request ... and their values MUST be identical."
#[tokio::test]
async fn code_redeemed_with_the_same_redirect_uri_succeeds() {
    let server = server();
    let code = app_code_with_redirect_uri(&server).await;
    let req = app_request(&format!(
        "grant_type=authorization_code&code={code}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"
    ));
    token_ok(&server, &req).await;
}

// RFC 6749 4.1.3, as above.
#[tokio::test]
async fn mismatched_redirect_uri_is_invalid_grant() {
    let server = server();
    let code = app_code_with_redirect_uri(&server).await;
    let req = app_request(&format!(
        "grant_type=authorization_code&code={code}&redirect_uri=https%3A%2F%2Fapp.example%2Fother"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 6749 4.1.3, as above: REQUIRED when the authorization request carried it.
#[tokio::test]
async fn omitted_redirect_uri_is_invalid_grant_when_the_authorization_request_sent_one() {
    let server = server();
    let code = app_code_with_redirect_uri(&server).await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 6749 4.1.3: not required when the authorization request did not include it.
#[tokio::test]
async fn code_obtained_without_redirect_uri_is_redeemed_without_it() {
    let server = server();
    let code = app_code(&server).await;
    token_ok(&server, &app_code_request(&code)).await;
}

// RFC 7636 4.6: the verifier must match the challenge.
#[tokio::test]
async fn pkce_with_the_right_verifier_succeeds() {
    let server = server();
    let code = spa_code(&server).await;
    token_ok(&server, &spa_code_request(&code)).await;
}

// RFC 7636 4.6: "If the values are not equal, an error response indicating "invalid_grant"".
#[tokio::test]
async fn wrong_code_verifier_is_invalid_grant() {
    let server = server();
    let code = spa_code(&server).await;
    let wrong = "a".repeat(43);
    let req = OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id={SPA}&code={code}&code_verifier={wrong}"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// A failed verifier burns the code, so a stolen code cannot be used to guess verifiers.
#[tokio::test]
async fn failed_pkce_attempt_burns_the_code() {
    let server = server();
    let code = spa_code(&server).await;
    let wrong = "a".repeat(43);
    let req = OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id={SPA}&code={code}&code_verifier={wrong}"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
    token_err(&server, &spa_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 7636 4.6: a code issued with a challenge needs a verifier.
#[tokio::test]
async fn missing_code_verifier_is_invalid_grant() {
    let server = server();
    let code = spa_code(&server).await;
    let req = OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id={SPA}&code={code}"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 9700 2.1.1 / 4.8.2 (PKCE downgrade): a code_verifier for a code issued without a
// challenge is refused.
#[tokio::test]
async fn code_verifier_without_stored_challenge_is_invalid_grant() {
    let server = server();
    let code = app_code(&server).await;
    let req =
        app_request(&format!("grant_type=authorization_code&code={code}&code_verifier={VERIFIER}"));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 7636 4.1: code-verifier = 43*128unreserved.
#[tokio::test]
async fn code_verifier_shorter_than_43_characters_is_refused() {
    let server = server();
    let short = "a".repeat(42);
    let location = approve_location(
        &server,
        &format!(
            "response_type=code&client_id={SPA}&state=s&code_challenge={}&code_challenge_method=S256",
            s256_challenge(&short)
        ),
    )
    .await;
    let code = query_param(&location, "code").unwrap();
    let req = OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id={SPA}&code={code}&code_verifier={short}"
    ));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// RFC 7636 Appendix B: the S256 challenge of the example verifier.
#[tokio::test]
async fn s256_matches_rfc7636_appendix_b() {
    assert_eq!(s256_challenge(VERIFIER), CHALLENGE);
}

// RFC 7636 4.3 / RFC 9700 2.1.1: the challenge method the server stores is the one sent.
#[tokio::test]
async fn s256_challenge_is_stored_with_the_code_request() {
    let server = server();
    let pending = server
        .authorize(&OAuthRequest::get(format!(
            "response_type=code&client_id={SPA}&state=s&code_challenge={CHALLENGE}&code_challenge_method=S256"
        )))
        .await
        .unwrap();
    let challenge = pending.code_challenge().unwrap();
    assert_eq!(challenge.challenge, CHALLENGE);
    assert_eq!(challenge.method.as_str(), "S256");
}

fn plain_query(method: Option<&str>) -> String {
    let verifier = "p".repeat(50);
    let mut q = format!("response_type=code&client_id={SPA}&state=s&code_challenge={verifier}");
    if let Some(m) = method {
        q.push_str(&format!("&code_challenge_method={m}"));
    }
    q
}

// RFC 9700 2.1.1: plain is not accepted unless enabled.
#[tokio::test]
async fn plain_pkce_is_refused_by_default() {
    let server = server();
    let err = server.authorize(&OAuthRequest::get(plain_query(Some("plain")))).await.unwrap_err();
    assert_eq!(err.error().code().as_str(), "invalid_request");
    let location = err.into_response().location().unwrap().to_owned();
    assert_eq!(query_param(&location, "error").as_deref(), Some("invalid_request"));
}

// RFC 7636 4.3: an absent method means plain, which is refused by default too.
#[tokio::test]
async fn challenge_without_method_is_refused_by_default() {
    let server = server();
    let err = server.authorize(&OAuthRequest::get(plain_query(None))).await.unwrap_err();
    assert_eq!(err.error().code().as_str(), "invalid_request");
}

#[tokio::test]
async fn plain_pkce_is_accepted_when_enabled() {
    let server = builder(store()).allow_plain_pkce(true).build().unwrap();
    let location = approve_location(&server, &plain_query(Some("plain"))).await;
    let code = query_param(&location, "code").unwrap();
    let req = OAuthRequest::post_form(format!(
        "grant_type=authorization_code&client_id={SPA}&code={code}&code_verifier={}",
        "p".repeat(50)
    ));
    token_ok(&server, &req).await;
}

// RFC 7636 4.3: method names are case-sensitive; anything else is invalid_request.
#[tokio::test]
async fn unknown_challenge_method_is_invalid_request() {
    let server = server();
    let query = format!(
        "response_type=code&client_id={SPA}&state=s&code_challenge={CHALLENGE}&code_challenge_method=s256"
    );
    let err = server.authorize(&OAuthRequest::get(query)).await.unwrap_err();
    assert_eq!(err.error().code().as_str(), "invalid_request");
}

// RFC 9700 2.1.1: "public clients MUST use PKCE"; the error goes to the verified redirect URI.
#[tokio::test]
async fn public_client_without_code_challenge_is_redirected_with_invalid_request() {
    let server = server();
    let err = server
        .authorize(&OAuthRequest::get(format!("response_type=code&client_id={SPA}&state=st")))
        .await
        .unwrap_err();
    let resp = err.into_response();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.location().unwrap();
    assert!(location.starts_with(SPA_REDIRECT), "{location}");
    assert_eq!(query_param(location, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query_param(location, "state").as_deref(), Some("st"));
}

#[tokio::test]
async fn require_pkce_applies_to_confidential_clients_too() {
    let server = builder(store()).require_pkce(true).build().unwrap();
    let err = server
        .authorize(&OAuthRequest::get(format!("response_type=code&client_id={APP}&state=st")))
        .await
        .unwrap_err();
    assert_eq!(err.error().code().as_str(), "invalid_request");
}

// RFC 6749 4.1.2: codes are short-lived; an expired code is invalid_grant.
#[tokio::test]
async fn expired_code_is_invalid_grant() {
    let server =
        builder(store()).authorization_code_lifetime(Duration::from_millis(30)).build().unwrap();
    let code = app_code(&server).await;
    tokio::time::sleep(Duration::from_millis(60)).await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn client_code_lifetime_override_applies() {
    let store = store();
    store.add_client(app_client().authorization_code_lifetime(Duration::from_millis(30)));
    let server = builder(store).build().unwrap();
    let code = app_code(&server).await;
    tokio::time::sleep(Duration::from_millis(60)).await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
}

#[tokio::test]
async fn code_grant_issues_a_refresh_token_only_with_the_refresh_grant_enabled() {
    let server = OAuthServer::builder(store()).authorization_code().build().unwrap();
    let code = app_code(&server).await;
    let body = token_ok(&server, &app_code_request(&code)).await;
    assert!(body.get("refresh_token").is_none(), "{body}");
}

// RFC 6749 4.1.3 / Node 3.2: the token request's scope is ignored; the code's scope is granted.
#[tokio::test]
async fn code_grants_the_approved_scope() {
    let server = server();
    let location =
        approve_location(&server, "response_type=code&client_id=app&state=s&scope=read").await;
    let code = query_param(&location, "code").unwrap();
    let body = token_ok(&server, &app_code_request(&code)).await;
    assert_eq!(body["scope"], "read");
}

/// A `MemoryStore` whose `save_token` waits for a permit, to order a race deterministically.
struct GatedModel {
    inner: Store,
    entered: tokio::sync::Notify,
    gate: tokio::sync::Semaphore,
}

mod gated {
    use super::*;
    use oauth2_server::{
        AccessTokenStore, AuthorizationCode, AuthorizationCodeStore, Client, ClientStore,
        CodeRedemption, GrantId, Issued, ModelError, NewTokens, OAuthModel, ScopePolicy, Token,
        TokenGenerator,
    };

    impl OAuthModel for GatedModel {
        type User = User;
    }

    impl ClientStore for GatedModel {
        async fn get_client(&self, id: &str) -> Result<Option<Arc<Client>>, ModelError> {
            self.inner.get_client(id).await
        }
    }

    impl AccessTokenStore<User> for GatedModel {
        async fn save_token(&self, tokens: &NewTokens<User>) -> Result<(), ModelError> {
            self.entered.notify_one();
            self.gate.acquire().await.expect("gate open").forget();
            self.inner.save_token(tokens).await
        }
        async fn get_access_token(&self, value: &str) -> Result<Option<Token<User>>, ModelError> {
            self.inner.get_access_token(value).await
        }
        async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), ModelError> {
            self.inner.revoke_grant(grant_id).await
        }
    }

    impl AuthorizationCodeStore<User> for GatedModel {
        async fn save_authorization_code(
            &self,
            code: Issued<AuthorizationCode<User>>,
        ) -> Result<(), ModelError> {
            self.inner.save_authorization_code(code).await
        }
        async fn take_authorization_code(
            &self,
            code: &str,
        ) -> Result<CodeRedemption<User>, ModelError> {
            self.inner.take_authorization_code(code).await
        }
    }

    impl ScopePolicy<User> for GatedModel {}
    impl TokenGenerator<User> for GatedModel {}
}

// RFC 6749 4.1.2: a replay must revoke the tokens issued from the code, also when it arrives
// while the first redemption is still saving them. Today the replay's revoke_grant runs before
// the first request's save_token, finds nothing, and the tokens saved afterwards stay valid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_racing_the_first_redemption_still_revokes_its_tokens() {
    let model = GatedModel {
        inner: store(),
        entered: tokio::sync::Notify::new(),
        gate: tokio::sync::Semaphore::new(0),
    };
    let server = Arc::new(OAuthServer::builder(model).authorization_code().build().unwrap());
    let code = app_code(&server).await;
    let (s, c) = (server.clone(), code.clone());
    let first = tokio::spawn(async move { s.token(&app_code_request(&c)).await });
    server.model().entered.notified().await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
    server.model().gate.add_permits(1);
    let issued = first.await.unwrap().expect("the first redemption succeeds");
    assert!(!access_works(&server, issued.tokens().access.value.expose()).await);
}
