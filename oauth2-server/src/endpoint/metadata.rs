//! Authorization server metadata (RFC 8414).

use serde::Serialize;

use crate::client::GrantType;
use crate::scope::Scope;
use crate::server::{CoreModel, OAuthServer};

/// RFC 8414 2 metadata, built from what the builder enabled. Fields are public so an
/// application serving its endpoints under other paths can adjust them before serializing.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Metadata {
    /// The issuer identifier.
    pub issuer: String,
    /// Present when the authorization_code grant is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    /// The token endpoint.
    pub token_endpoint: String,
    /// Present when revocation is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// Present when introspection is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    /// `["code"]` with the authorization_code grant, else empty.
    pub response_types_supported: Vec<String>,
    /// The enabled grants.
    pub grant_types_supported: Vec<String>,
    /// `S256`, and `plain` only when enabled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<String>,
    /// `client_secret_basic`, `client_secret_post`, `none`.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// As for the token endpoint, when revocation is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// Confidential methods only, when introspection is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// The scopes, when the application states them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes_supported: Option<Vec<String>>,
    /// RFC 9207 3: `iss` is in every authorization response.
    pub authorization_response_iss_parameter_supported: bool,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl<M: CoreModel> OAuthServer<M> {
    /// The metadata (RFC 8414), with endpoints at the demo paths under the issuer
    /// (`/oauth/authorize`, `/oauth/token`, `/oauth/revoke`, `/oauth/introspect`). `None` when
    /// no issuer is configured. It never advertises what is not enabled.
    pub fn metadata(&self) -> Option<Metadata> {
        let issuer = self.config.issuer.clone()?;
        let base = issuer.trim_end_matches('/');
        let url = |path: &str| format!("{base}{path}");
        let code = self.grants.authorization_code.is_some();
        let auth_methods = strings(&["client_secret_basic", "client_secret_post", "none"]);
        let mut pkce = Vec::new();
        if code {
            pkce.push("S256".to_owned());
            if self.config.allow_plain_pkce {
                pkce.push("plain".to_owned());
            }
        }
        Some(Metadata {
            authorization_endpoint: code.then(|| url("/oauth/authorize")),
            token_endpoint: url("/oauth/token"),
            revocation_endpoint: self.grants.revocation.is_some().then(|| url("/oauth/revoke")),
            introspection_endpoint: self
                .grants
                .introspection
                .is_some()
                .then(|| url("/oauth/introspect")),
            response_types_supported: if code { strings(&["code"]) } else { Vec::new() },
            grant_types_supported: self
                .grant_types()
                .iter()
                .map(|g| GrantType::as_str(g).to_owned())
                .collect(),
            code_challenge_methods_supported: pkce,
            revocation_endpoint_auth_methods_supported: self
                .grants
                .revocation
                .is_some()
                .then(|| auth_methods.clone()),
            introspection_endpoint_auth_methods_supported: self
                .grants
                .introspection
                .is_some()
                .then(|| strings(&["client_secret_basic", "client_secret_post"])),
            token_endpoint_auth_methods_supported: auth_methods,
            scopes_supported: self
                .config
                .scopes_supported
                .as_ref()
                .map(|s: &Scope| s.iter().map(str::to_owned).collect()),
            authorization_response_iss_parameter_supported: true,
            issuer,
        })
    }
}
