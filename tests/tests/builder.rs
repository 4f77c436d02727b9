//! `ServerBuilder::build` refuses configurations that cannot work.

mod common;

use std::time::Duration;

use common::*;
use oauth2_server::{
    async_trait, BuildError, ExtensionGrant, ExtensionOutcome, ExtensionRequest, GrantType,
    OAuthError, OAuthServer,
};

struct Nothing;

#[async_trait]
impl ExtensionGrant<Store> for Nothing {
    async fn exchange(
        &self,
        _req: ExtensionRequest<'_, Store>,
    ) -> Result<ExtensionOutcome<User>, OAuthError> {
        Ok(ExtensionOutcome::for_client())
    }
}

fn build_error(result: Result<Server, BuildError>) -> BuildError {
    result.expect_err("the builder accepted the configuration")
}

#[test]
fn no_grant_is_refused() {
    assert_eq!(build_error(OAuthServer::builder(store()).build()), BuildError::NoGrant);
}

#[test]
fn refresh_token_grant_alone_is_refused() {
    let err = build_error(OAuthServer::builder(store()).refresh_token().build());
    assert!(matches!(err, BuildError::NoGrant | BuildError::RefreshWithoutIssuer), "{err:?}");
}

// client_credentials issues no refresh tokens (RFC 6749 4.4.3), so refresh_token is useless.
#[test]
fn refresh_token_with_client_credentials_only_is_refresh_without_issuer() {
    let err =
        build_error(OAuthServer::builder(store()).client_credentials().refresh_token().build());
    assert_eq!(err, BuildError::RefreshWithoutIssuer);
}

// RFC 6749 4.5: "the client uses an absolute URI".
#[test]
fn relative_extension_grant_name_is_refused() {
    let err =
        build_error(OAuthServer::builder(store()).extension_grant("api_key", Nothing).build());
    assert_eq!(err, BuildError::BadExtensionGrant("api_key".into()));
}

#[test]
fn extension_grant_registered_twice_is_refused() {
    let err = build_error(
        OAuthServer::builder(store())
            .extension_grant("urn:x:grant", Nothing)
            .extension_grant("urn:x:grant", Nothing)
            .build(),
    );
    assert_eq!(err, BuildError::BadExtensionGrant("urn:x:grant".into()));
}

#[test]
fn extension_grant_named_like_a_builtin_is_refused() {
    let err =
        build_error(OAuthServer::builder(store()).extension_grant("password", Nothing).build());
    assert!(matches!(err, BuildError::BadExtensionGrant(_)), "{err:?}");
}

#[test]
fn absolute_uri_extension_grant_is_accepted() {
    let server = OAuthServer::builder(store())
        .extension_grant("https://grants.example/api-key", Nothing)
        .build()
        .unwrap();
    assert_eq!(
        server.grant_types(),
        [GrantType::Extension("https://grants.example/api-key".into())]
    );
}

// RFC 8414 2: the issuer is an https URL without query or fragment.
#[test]
fn http_issuer_on_a_public_host_is_refused() {
    let err = build_error(
        OAuthServer::builder(store()).authorization_code().issuer("http://as.example").build(),
    );
    assert_eq!(err, BuildError::BadIssuer("http://as.example".into()));
}

#[test]
fn issuer_with_query_is_refused() {
    let err = build_error(
        OAuthServer::builder(store()).authorization_code().issuer("https://as.example?x=1").build(),
    );
    assert!(matches!(err, BuildError::BadIssuer(_)), "{err:?}");
}

#[test]
fn issuer_with_fragment_is_refused() {
    let err = build_error(
        OAuthServer::builder(store()).authorization_code().issuer("https://as.example#f").build(),
    );
    assert!(matches!(err, BuildError::BadIssuer(_)), "{err:?}");
}

#[test]
fn loopback_http_issuer_is_accepted() {
    let server = OAuthServer::builder(store())
        .authorization_code()
        .issuer("http://127.0.0.1:3000")
        .build()
        .unwrap();
    assert_eq!(server.config().issuer(), Some("http://127.0.0.1:3000"));
}

#[test]
fn zero_lifetime_is_refused() {
    let err = build_error(
        OAuthServer::builder(store())
            .client_credentials()
            .access_token_lifetime(Duration::ZERO)
            .build(),
    );
    assert!(matches!(err, BuildError::ZeroLifetime(_)), "{err:?}");
}

#[test]
fn grant_types_lists_the_enabled_grants_in_order() {
    let server = builder(store()).build().unwrap();
    assert_eq!(
        server.grant_types(),
        [
            GrantType::AuthorizationCode,
            GrantType::ClientCredentials,
            GrantType::Password,
            GrantType::RefreshToken
        ]
    );
}

#[test]
fn defaults_follow_the_security_bcp() {
    let server = builder(store()).build().unwrap();
    let config = server.config();
    assert_eq!(config.access_token_lifetime(), Duration::from_secs(3600));
    assert_eq!(config.authorization_code_lifetime(), Duration::from_secs(300));
    assert!(!config.allows_plain_pkce());
    assert!(config.requires_client_authentication(&GrantType::Password));
}
