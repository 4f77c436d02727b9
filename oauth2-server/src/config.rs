//! Server options, with the Node library's defaults.

use std::time::Duration;

use crate::client::GrantType;

/// The options of an [`OAuthServer`](crate::OAuthServer), set through the
/// [`ServerBuilder`](crate::ServerBuilder). Defaults follow the Node `oauth2-server` where it is
/// right, and the OAuth 2.0 Security BCP (RFC 9700) where it is not.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) access_token_lifetime: Duration,
    pub(crate) refresh_token_lifetime: Duration,
    pub(crate) authorization_code_lifetime: Duration,
    pub(crate) allow_plain_pkce: bool,
    pub(crate) require_pkce: bool,
    pub(crate) client_auth_optional: Vec<GrantType>,
    pub(crate) rotate_refresh_tokens: bool,
    pub(crate) oauth21: bool,
    pub(crate) refresh_reuse_grace: Duration,
    pub(crate) allow_empty_state: bool,
    pub(crate) allow_bearer_in_query: bool,
    pub(crate) accepted_scopes_header: bool,
    pub(crate) authorized_scopes_header: bool,
    pub(crate) extended_token_attributes: bool,
    pub(crate) issuer: Option<String>,
    pub(crate) realm: String,
    pub(crate) scopes_supported: Option<crate::Scope>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            access_token_lifetime: Duration::from_secs(3600),
            refresh_token_lifetime: Duration::from_secs(1_209_600),
            authorization_code_lifetime: Duration::from_secs(300),
            allow_plain_pkce: false,
            require_pkce: false,
            client_auth_optional: Vec::new(),
            rotate_refresh_tokens: true,
            oauth21: false,
            refresh_reuse_grace: Duration::ZERO,
            allow_empty_state: false,
            allow_bearer_in_query: false,
            accepted_scopes_header: true,
            authorized_scopes_header: true,
            extended_token_attributes: false,
            issuer: None,
            realm: "oauth2-server".to_owned(),
            scopes_supported: None,
        }
    }
}

impl Config {
    /// Access token lifetime (default 3600 s).
    pub fn access_token_lifetime(&self) -> Duration {
        self.access_token_lifetime
    }
    /// Refresh token lifetime (default 14 days).
    pub fn refresh_token_lifetime(&self) -> Duration {
        self.refresh_token_lifetime
    }
    /// Authorization code lifetime (default 300 s).
    pub fn authorization_code_lifetime(&self) -> Duration {
        self.authorization_code_lifetime
    }
    /// Whether PKCE `plain` is accepted (default no).
    pub fn allows_plain_pkce(&self) -> bool {
        self.allow_plain_pkce
    }
    /// Whether every client must use PKCE (public clients always must).
    pub fn requires_pkce(&self) -> bool {
        self.require_pkce
    }
    /// True when the server follows the OAuth 2.1 profile.
    pub fn is_oauth21(&self) -> bool {
        self.oauth21
    }
    /// The issuer identifier, if configured (RFC 9207 `iss`).
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }
    /// Whether confidential clients must authenticate for `grant` (default: yes for all).
    pub fn requires_client_authentication(&self, grant: &GrantType) -> bool {
        !self.client_auth_optional.contains(grant)
    }
}
