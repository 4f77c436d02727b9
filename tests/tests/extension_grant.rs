//! Extension grants by absolute URI (RFC 6749 4.5).

mod common;

use std::sync::Arc;

use common::*;
use http::StatusCode;
use oauth2_server::{
    async_trait, Client, ClientSecret, ExtensionGrant, ExtensionOutcome, ExtensionRequest,
    GrantType, OAuthError, OAuthModel, OAuthRequest, OAuthServer,
};

const URI: &str = "urn:example:params:oauth:grant-type:api-key";

struct ApiKey {
    refresh: bool,
}

#[async_trait]
impl<M: OAuthModel<User = User>> ExtensionGrant<M> for ApiKey {
    async fn exchange(
        &self,
        req: ExtensionRequest<'_, M>,
    ) -> Result<ExtensionOutcome<User>, OAuthError> {
        let key = req.param("api_key").ok_or_else(|| OAuthError::invalid_request("api_key"))?;
        if key != "k-123" {
            return Err(OAuthError::invalid_grant("unknown api_key"));
        }
        let outcome = ExtensionOutcome::for_user(USERNAME.to_owned()).with_requested_scope(&req)?;
        Ok(if self.refresh { outcome.with_refresh_token() } else { outcome })
    }
}

fn ext_client() -> Client {
    Client::confidential("ext", ClientSecret::plain("ext-secret"))
        .grants([GrantType::Extension(Arc::from(URI)), GrantType::RefreshToken])
        .scopes("read write")
        .unwrap()
}

fn ext_server(refresh: bool) -> Server {
    let store = store();
    store.add_client(ext_client());
    builder(store).extension_grant(URI, ApiKey { refresh }).build().unwrap()
}

fn ext_request(body: &str) -> OAuthRequest {
    OAuthRequest::post_form(body.to_owned())
        .with_header("authorization", &basic("ext", "ext-secret"))
}

fn grant_type() -> String {
    format!("grant_type={}", URI.replace(':', "%3A"))
}

#[tokio::test]
async fn extension_grant_issues_a_token_for_its_uri() {
    let server = ext_server(false);
    let body = token_ok(&server, &ext_request(&format!("{}&api_key=k-123", grant_type()))).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read write");
    let req = OAuthRequest::get("")
        .with_header("authorization", &format!("Bearer {}", str_of(&body, "access_token")));
    let auth = server.authenticate(&req, None).await.unwrap();
    assert_eq!(auth.user().map(String::as_str), Some(USERNAME));
}

#[tokio::test]
async fn extension_grant_errors_are_answered_as_returned() {
    let server = ext_server(false);
    let req = ext_request(&format!("{}&api_key=wrong", grant_type()));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_grant").await;
}

// The scope policy still applies to what the extension asks for.
#[tokio::test]
async fn extension_grant_scope_goes_through_the_scope_policy() {
    let server = ext_server(false);
    let req = ext_request(&format!("{}&api_key=k-123&scope=admin", grant_type()));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "invalid_scope").await;
}

// RFC 6749 5.2 unauthorized_client.
#[tokio::test]
async fn client_without_the_extension_grant_is_unauthorized_client() {
    let server = ext_server(false);
    let req = app_request(&format!("{}&api_key=k-123", grant_type()));
    token_err(&server, &req, StatusCode::BAD_REQUEST, "unauthorized_client").await;
}

// RFC 6749 5.2 unsupported_grant_type: a URI nobody registered.
#[tokio::test]
async fn unregistered_extension_uri_is_unsupported_grant_type() {
    let server = ext_server(false);
    let req = ext_request("grant_type=urn%3Aexample%3Aother&api_key=k-123");
    token_err(&server, &req, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
}

#[tokio::test]
async fn extension_grant_issues_no_refresh_token_unless_asked() {
    let server = ext_server(false);
    let body = token_ok(&server, &ext_request(&format!("{}&api_key=k-123", grant_type()))).await;
    assert!(body.get("refresh_token").is_none(), "{body}");
}

#[tokio::test]
async fn extension_grant_may_issue_a_refresh_token_that_refreshes() {
    let server = ext_server(true);
    let body = token_ok(&server, &ext_request(&format!("{}&api_key=k-123", grant_type()))).await;
    let refresh = str_of(&body, "refresh_token");
    token_ok(&server, &ext_request(&format!("grant_type=refresh_token&refresh_token={refresh}")))
        .await;
}

#[tokio::test]
async fn extension_grant_alone_builds_a_server() {
    let server = OAuthServer::builder(store())
        .extension_grant(URI, ApiKey { refresh: false })
        .build()
        .unwrap();
    assert_eq!(server.grant_types(), [GrantType::Extension(Arc::from(URI))]);
}

// An extension that issues refresh tokens is a refresh token issuer: the refresh_token grant
// makes sense next to it alone (e.g. a device-code-only server).
#[tokio::test]
async fn extension_grant_with_refresh_token_grant_builds_a_server() {
    let server = OAuthServer::builder(store())
        .extension_grant(URI, ApiKey { refresh: true })
        .refresh_token()
        .build();
    assert!(server.is_ok(), "{:?}", server.err());
}
