//! [`Client`]: a registered OAuth client as the server needs to know it.

use std::sync::Arc;
use std::time::Duration;

use crate::scope::Scope;
use crate::secret::ClientSecret;

/// The grant types of RFC 6749, plus extension grants named by absolute URI (RFC 6749 4.5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GrantType {
    /// `authorization_code` (RFC 6749 4.1).
    AuthorizationCode,
    /// `client_credentials` (RFC 6749 4.4).
    ClientCredentials,
    /// `password` (RFC 6749 4.3; RFC 9700 2.4 says not to use it).
    Password,
    /// `refresh_token` (RFC 6749 6).
    RefreshToken,
    /// An extension grant, named by its absolute URI.
    Extension(Arc<str>),
}

impl GrantType {
    /// Parses the value of `grant_type`.
    pub fn parse(value: &str) -> Self {
        match value {
            "authorization_code" => Self::AuthorizationCode,
            "client_credentials" => Self::ClientCredentials,
            "password" => Self::Password,
            "refresh_token" => Self::RefreshToken,
            other => Self::Extension(Arc::from(other)),
        }
    }

    /// The `grant_type` value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::ClientCredentials => "client_credentials",
            Self::Password => "password",
            Self::RefreshToken => "refresh_token",
            Self::Extension(uri) => uri,
        }
    }
}

/// A registered client. Build one with [`Client::confidential`] or [`Client::public`].
///
/// ```
/// use oauth2_server::{Client, ClientSecret, GrantType};
///
/// let client = Client::confidential("billing", ClientSecret::sha256("generated-secret"))
///     .redirect_uri("https://billing.example/cb")
///     .grants([GrantType::AuthorizationCode, GrantType::RefreshToken])
///     .scopes("read write")
///     .unwrap();
/// assert!(client.is_confidential());
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    id: Arc<str>,
    secret: Option<ClientSecret>,
    redirect_uris: Vec<String>,
    grants: Vec<GrantType>,
    scopes: Option<Scope>,
    access_token_lifetime: Option<Duration>,
    refresh_token_lifetime: Option<Duration>,
    authorization_code_lifetime: Option<Duration>,
}

impl Client {
    /// A confidential client, which authenticates with its secret (RFC 6749 2.1).
    pub fn confidential(id: impl Into<Arc<str>>, secret: ClientSecret) -> Self {
        Self::with_secret(id.into(), Some(secret))
    }

    /// A public client (native app, SPA): no secret; PKCE is required for it.
    pub fn public(id: impl Into<Arc<str>>) -> Self {
        Self::with_secret(id.into(), None)
    }

    fn with_secret(id: Arc<str>, secret: Option<ClientSecret>) -> Self {
        Self {
            id,
            secret,
            redirect_uris: Vec::new(),
            grants: Vec::new(),
            scopes: None,
            access_token_lifetime: None,
            refresh_token_lifetime: None,
            authorization_code_lifetime: None,
        }
    }

    /// Registers a redirect URI (compared by exact string match, RFC 9700 4.1.3).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// Registers several redirect URIs.
    pub fn redirect_uris<I: IntoIterator<Item = S>, S: Into<String>>(mut self, uris: I) -> Self {
        self.redirect_uris.extend(uris.into_iter().map(Into::into));
        self
    }

    /// The grants the client may use.
    pub fn grants<I: IntoIterator<Item = GrantType>>(mut self, grants: I) -> Self {
        self.grants.extend(grants);
        self
    }

    /// The scopes the client may be granted. Without it, the default scope policy refuses any
    /// non-empty scope; write your own [`ScopePolicy`](crate::ScopePolicy) for other rules.
    pub fn scopes(mut self, scopes: &str) -> Result<Self, crate::OAuthError> {
        self.scopes = Some(Scope::parse(scopes)?);
        Ok(self)
    }

    /// Sets the allowed scopes from a parsed [`Scope`].
    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scopes = Some(scope);
        self
    }

    /// Overrides the server's access token lifetime for this client.
    pub fn access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.access_token_lifetime = Some(lifetime);
        self
    }

    /// Overrides the server's refresh token lifetime for this client.
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.refresh_token_lifetime = Some(lifetime);
        self
    }

    /// Overrides the server's authorization code lifetime for this client.
    pub fn authorization_code_lifetime(mut self, lifetime: Duration) -> Self {
        self.authorization_code_lifetime = Some(lifetime);
        self
    }

    /// The `client_id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `client_id`, shared.
    pub fn id_arc(&self) -> &Arc<str> {
        &self.id
    }

    /// The secret; `None` for a public client.
    pub fn secret(&self) -> Option<&ClientSecret> {
        self.secret.as_ref()
    }

    /// True for a confidential client (it has a secret).
    pub fn is_confidential(&self) -> bool {
        self.secret.is_some()
    }

    /// The registered redirect URIs.
    pub fn registered_redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    /// The grants the client may use.
    pub fn allowed_grants(&self) -> &[GrantType] {
        &self.grants
    }

    /// True when the client may use `grant`.
    pub fn has_grant(&self, grant: &GrantType) -> bool {
        self.grants.contains(grant)
    }

    /// The scopes the client may be granted, if restricted.
    pub fn allowed_scope(&self) -> Option<&Scope> {
        self.scopes.as_ref()
    }

    /// The client's access token lifetime override.
    pub fn access_token_lifetime_override(&self) -> Option<Duration> {
        self.access_token_lifetime
    }

    /// The client's refresh token lifetime override.
    pub fn refresh_token_lifetime_override(&self) -> Option<Duration> {
        self.refresh_token_lifetime
    }

    /// The client's authorization code lifetime override.
    pub fn authorization_code_lifetime_override(&self) -> Option<Duration> {
        self.authorization_code_lifetime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_type_round_trips() {
        for g in
            ["authorization_code", "client_credentials", "password", "refresh_token", "urn:x:y"]
        {
            assert_eq!(GrantType::parse(g).as_str(), g);
        }
    }

    #[test]
    fn debug_of_client_does_not_print_secret() {
        let c = Client::confidential("c", ClientSecret::plain("hunter2"));
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
