//! RFC 8414 authorization server metadata: it advertises exactly what the builder enabled.

mod common;

use common::*;
use oauth2_server::{OAuthServer, Scope};

#[test]
fn metadata_lists_every_enabled_endpoint_and_grant() {
    let server = builder(store()).revocation().introspection().build().unwrap();
    let m = serde_json::to_value(server.metadata().unwrap()).unwrap();
    assert_eq!(m["issuer"], ISSUER);
    assert_eq!(m["authorization_endpoint"], format!("{ISSUER}/oauth/authorize"));
    assert_eq!(m["token_endpoint"], format!("{ISSUER}/oauth/token"));
    assert_eq!(m["revocation_endpoint"], format!("{ISSUER}/oauth/revoke"));
    assert_eq!(m["introspection_endpoint"], format!("{ISSUER}/oauth/introspect"));
    assert_eq!(m["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        m["grant_types_supported"],
        serde_json::json!([
            "authorization_code",
            "client_credentials",
            "password",
            "refresh_token"
        ])
    );
    assert_eq!(m["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(
        m["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
}

#[test]
fn metadata_never_advertises_what_is_not_enabled() {
    let server = OAuthServer::builder(store()).client_credentials().issuer(ISSUER).build().unwrap();
    let m = serde_json::to_value(server.metadata().unwrap()).unwrap();
    assert!(m.get("authorization_endpoint").is_none());
    assert!(m.get("revocation_endpoint").is_none());
    assert!(m.get("introspection_endpoint").is_none());
    assert!(m.get("code_challenge_methods_supported").is_none());
    assert_eq!(m["response_types_supported"], serde_json::json!([]));
    assert_eq!(m["grant_types_supported"], serde_json::json!(["client_credentials"]));
}

#[test]
fn metadata_grant_types_agree_with_the_server() {
    let server = builder(store()).build().unwrap();
    let advertised = server.metadata().unwrap().grant_types_supported;
    let enabled: Vec<String> = server.grant_types().iter().map(|g| g.as_str().to_owned()).collect();
    assert_eq!(advertised, enabled);
}

#[test]
fn plain_pkce_is_advertised_only_when_allowed() {
    let server = builder(store()).allow_plain_pkce(true).build().unwrap();
    let methods = server.metadata().unwrap().code_challenge_methods_supported;
    assert_eq!(methods, ["S256", "plain"]);
}

#[test]
fn scopes_supported_when_stated() {
    let server = builder(store()).scopes_supported(Scope::parse("read write").unwrap()).build();
    let m = server.unwrap().metadata().unwrap();
    assert_eq!(m.scopes_supported, Some(vec!["read".to_owned(), "write".to_owned()]));
}

#[test]
fn no_metadata_without_issuer() {
    let server = OAuthServer::builder(store()).client_credentials().build().unwrap();
    assert!(server.metadata().is_none());
}
