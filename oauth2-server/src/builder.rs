//! [`ServerBuilder`]: grants are enabled one by one, each bounded by the storage it needs, so a
//! missing capability is a compile error naming the trait and its methods.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::audit::AuditSink;
use crate::client::GrantType;
use crate::config::Config;
use crate::endpoint::revoke::RevokeAccess;
use crate::grant::authorization_code::AuthorizationCodeGrant;
use crate::grant::client_credentials::ClientCredentialsGrant;
use crate::grant::password::PasswordGrant;
use crate::grant::refresh_token::RefreshTokenGrant;
use crate::grant::ExtensionGrant;
use crate::model::{
    AuthorizationCodeStore, ClientCredentialsStore, OAuthModel, PasswordStore, RefreshTokenStore,
    RevocationStore, UserClaims,
};
use crate::profile::{
    AllowsPassword, AllowsProfile, BuilderState, OAuth2, OAuth2WithPassword, ProfileChoice,
};
use crate::rate_limit::RateLimiter;
use crate::server::{CoreModel, Grants, OAuthServer};

/// Why [`ServerBuilder::build`] refused the configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No grant was enabled: the server could not issue anything.
    #[error("no grant is enabled: call at least one of .authorization_code(), .client_credentials(), .password(), .extension_grant()")]
    NoGrant,
    /// `.refresh_token()` alone issues nothing: refresh tokens come from another grant.
    #[error("the refresh_token grant needs a grant that issues refresh tokens: enable .authorization_code(), .password() or an extension grant too")]
    RefreshWithoutIssuer,
    /// An extension grant URI is not an absolute URI (RFC 6749 4.5) or is registered twice.
    #[error("extension grant type {0:?} must be an absolute URI (RFC 6749 4.5), registered once")]
    BadExtensionGrant(String),
    /// An option the chosen profile forbids.
    #[error("the OAuth 2.1 profile forbids {0}")]
    ProfileConflict(&'static str),
    /// A lifetime of zero.
    #[error("{0} must be longer than zero")]
    ZeroLifetime(&'static str),
    /// The issuer is not an `https` URL (or `http` on a loopback address) without query or
    /// fragment (RFC 8414 2).
    #[error("issuer {0:?} must be an https URL without query or fragment (http only on 127.0.0.1, [::1] or localhost)")]
    BadIssuer(String),
}

/// Builds an [`OAuthServer`]. Start with [`OAuthServer::builder`].
///
/// Each grant method compiles only when the model implements the storage the grant needs;
/// otherwise the compiler says which trait and which methods are missing, e.g. "grant
/// `refresh_token` is enabled but `AppModel` does not implement `RefreshTokenStore<AppUser>`"
/// (the trybuild cases under `tests/ui/fail` pin every such message).
#[must_use = "call .build() to get the server"]
pub struct ServerBuilder<M: CoreModel, S: BuilderState = OAuth2> {
    model: M,
    config: Config,
    grants: Grants<M>,
    audit: Option<Box<dyn AuditSink>>,
    rate_limiter: Option<Box<dyn RateLimiter>>,
    state: PhantomData<S>,
}

impl<M: CoreModel> ServerBuilder<M> {
    pub(crate) fn new(model: M) -> Self {
        Self {
            model,
            config: Config::default(),
            grants: Grants::default(),
            audit: None,
            rate_limiter: None,
            state: PhantomData,
        }
    }
}

impl<M: CoreModel, S: BuilderState> ServerBuilder<M, S> {
    fn into_state<T: BuilderState>(self) -> ServerBuilder<M, T> {
        ServerBuilder {
            model: self.model,
            config: self.config,
            grants: self.grants,
            audit: self.audit,
            rate_limiter: self.rate_limiter,
            state: PhantomData,
        }
    }

    /// Follows a profile. `.profile(Profile::OAuth21)`: the password grant cannot be enabled
    /// (a compile error, either order), PKCE with S256 is required from every client, bearer
    /// tokens in the query are refused, refresh tokens of public clients rotate.
    pub fn profile<P: ProfileChoice>(self, profile: P) -> ServerBuilder<M, P::State>
    where
        S: AllowsProfile,
    {
        let _ = profile;
        self.into_state()
    }

    /// Enables the `authorization_code` grant and the authorization endpoint (RFC 6749 4.1).
    pub fn authorization_code(mut self) -> Self
    where
        M: AuthorizationCodeStore<<M as OAuthModel>::User>,
    {
        self.grants.authorization_code =
            Some((Box::new(AuthorizationCodeGrant), Box::new(AuthorizationCodeGrant)));
        self
    }

    /// Enables the `client_credentials` grant (RFC 6749 4.4).
    pub fn client_credentials(mut self) -> Self
    where
        M: ClientCredentialsStore<<M as OAuthModel>::User>,
    {
        self.grants.client_credentials = Some(Box::new(ClientCredentialsGrant));
        self
    }

    /// Enables the `password` grant (RFC 6749 4.3). RFC 9700 2.4: it "MUST NOT be used"; it
    /// is here for migrations, and absent from the OAuth 2.1 profile.
    pub fn password(mut self) -> ServerBuilder<M, OAuth2WithPassword>
    where
        M: PasswordStore<<M as OAuthModel>::User>,
        S: AllowsPassword,
    {
        self.grants.password = Some(Box::new(PasswordGrant));
        self.into_state()
    }

    /// Enables the `refresh_token` grant (RFC 6749 6), and refresh tokens in the responses of
    /// the `authorization_code` and `password` grants for clients allowed this grant.
    pub fn refresh_token(mut self) -> Self
    where
        M: RefreshTokenStore<<M as OAuthModel>::User>,
    {
        self.grants.refresh_token = Some(Box::new(RefreshTokenGrant));
        self.grants.refresh_lookup = Some(Box::new(RefreshTokenGrant));
        self
    }

    /// Enables token revocation (RFC 7009): [`OAuthServer::revoke`].
    pub fn revocation(mut self) -> Self
    where
        M: RevocationStore<<M as OAuthModel>::User>,
    {
        self.grants.revocation = Some(Box::new(RevokeAccess));
        self
    }

    /// Enables token introspection (RFC 7662): [`OAuthServer::introspect`]. Any authenticated
    /// confidential client (typically a resource server) may introspect any token; restrict
    /// that with [`ServerBuilder::introspection_policy`].
    pub fn introspection(mut self) -> Self
    where
        <M as OAuthModel>::User: UserClaims,
    {
        self.grants.introspection = Some(Box::new(|_, _| true));
        self
    }

    /// Enables introspection, allowing a client to introspect a token only when `allow`
    /// returns true (otherwise the answer is `{"active": false}`).
    pub fn introspection_policy(
        mut self,
        allow: impl Fn(&crate::Client, &crate::Token<<M as OAuthModel>::User>) -> bool
            + Send
            + Sync
            + 'static,
    ) -> Self
    where
        <M as OAuthModel>::User: UserClaims,
    {
        self.grants.introspection = Some(Box::new(allow));
        self
    }

    /// Enables an extension grant (RFC 6749 4.5) under an absolute URI, e.g.
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    pub fn extension_grant(mut self, uri: &str, grant: impl ExtensionGrant<M>) -> Self {
        self.grants.extensions.push((Arc::from(uri), Box::new(grant)));
        self
    }

    /// Access token lifetime (default 3600 s). A client may override it.
    pub fn access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.access_token_lifetime = lifetime;
        self
    }

    /// Refresh token lifetime (default 14 days). A client may override it.
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.refresh_token_lifetime = lifetime;
        self
    }

    /// Authorization code lifetime (default 300 s; RFC 6749 4.1.2 recommends at most 10 min).
    pub fn authorization_code_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.authorization_code_lifetime = lifetime;
        self
    }

    /// Accepts PKCE `code_challenge_method=plain` (default: no, S256 only; RFC 9700 2.1.1).
    pub fn allow_plain_pkce(mut self, allow: bool) -> Self {
        self.config.allow_plain_pkce = allow;
        self
    }

    /// Requires PKCE from every client, not only public ones (RFC 9700 2.1.1 recommends it).
    pub fn require_pkce(mut self, require: bool) -> Self {
        self.config.require_pkce = require;
        self
    }

    /// Whether confidential clients must send their secret for `grant` (default: required for
    /// every grant, as in Node's `requireClientAuthentication`). Public clients never do.
    pub fn require_client_authentication(mut self, grant: GrantType, required: bool) -> Self {
        self.config.client_auth_optional.retain(|g| g != &grant);
        if !required {
            self.config.client_auth_optional.push(grant);
        }
        self
    }

    /// Rotates refresh tokens: each use revokes the old one and issues a new one (default:
    /// yes, Node's `alwaysIssueNewRefreshToken`).
    pub fn rotate_refresh_tokens(mut self, rotate: bool) -> Self {
        self.config.rotate_refresh_tokens = rotate;
        self
    }

    /// A grace window for refresh token reuse (default 0: none). A rotated-out refresh token
    /// presented again revokes its whole grant (RFC 9700 4.14.2), except when it is presented
    /// by its own client within `grace` of its rotation: then a new token pair is issued in the
    /// same grant, for clients that lost the previous answer on a flaky network. Within the
    /// window a leaked token is as good as the client's, so keep it to seconds.
    pub fn refresh_token_reuse_grace(mut self, grace: Duration) -> Self {
        self.config.refresh_reuse_grace = grace;
        self
    }

    /// Accepts authorization requests without `state` (default: no, as in Node).
    pub fn allow_empty_state(mut self, allow: bool) -> Self {
        self.config.allow_empty_state = allow;
        self
    }

    /// Accepts bearer tokens in the `access_token` query parameter (default: no; RFC 6750 2.3,
    /// RFC 9700 4.3.2).
    pub fn allow_bearer_tokens_in_query(mut self, allow: bool) -> Self {
        self.config.allow_bearer_in_query = allow;
        self
    }

    /// Adds `X-Accepted-OAuth-Scopes` to scoped authentications (default: yes).
    pub fn accepted_scopes_header(mut self, add: bool) -> Self {
        self.config.accepted_scopes_header = add;
        self
    }

    /// Adds `X-OAuth-Scopes` to scoped authentications (default: yes).
    pub fn authorized_scopes_header(mut self, add: bool) -> Self {
        self.config.authorized_scopes_header = add;
        self
    }

    /// Adds [`TokenGenerator::extended_token_attributes`](crate::TokenGenerator::extended_token_attributes)
    /// to token responses (default: no).
    pub fn extended_token_attributes(mut self, allow: bool) -> Self {
        self.config.extended_token_attributes = allow;
        self
    }

    /// The issuer identifier (RFC 8414 2): sent as `iss` in every authorization response
    /// (RFC 9207). An `https` URL; `http` only on a loopback host.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.config.issuer = Some(issuer.into());
        self
    }

    /// The scopes this server knows, advertised as `scopes_supported` in the metadata.
    pub fn scopes_supported(mut self, scopes: crate::Scope) -> Self {
        self.config.scopes_supported = Some(scopes);
        self
    }

    /// Records audit events (token issued, code replay, refresh family revoked, ...) with
    /// `sink`; a closure `|event: &AuditEvent| ...` will do. See [`AuditEvent`](crate::AuditEvent) for the names.
    pub fn audit(mut self, sink: impl AuditSink) -> Self {
        self.audit = Some(Box::new(sink));
        self
    }

    /// Limits failed client authentications (per `client_id`) and failed password-grant
    /// logins (per username), OAuth 2.1 2.4.1. Over the limit the token endpoint answers 429
    /// with `Retry-After`. [`TokenBucketLimiter::default`](crate::rate_limit::TokenBucketLimiter)
    /// allows 10 failures at once, then 10 a minute. Only failures count.
    pub fn rate_limiter(mut self, limiter: impl RateLimiter) -> Self {
        self.rate_limiter = Some(Box::new(limiter));
        self
    }

    /// The `realm` of `WWW-Authenticate` challenges (default `oauth2-server`).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.config.realm = realm.into();
        self
    }

    /// Checks the configuration and builds the server.
    pub fn build(mut self) -> Result<OAuthServer<M>, BuildError> {
        if S::OAUTH21 {
            // OAuth 2.1 4.1.1: PKCE for every client, S256 only; 5.1: no tokens in the query.
            if self.config.allow_plain_pkce {
                return Err(BuildError::ProfileConflict("allow_plain_pkce(true)"));
            }
            if self.config.allow_bearer_in_query {
                return Err(BuildError::ProfileConflict("allow_bearer_tokens_in_query(true)"));
            }
            self.config.require_pkce = true;
            self.config.oauth21 = true;
        }
        let g = &self.grants;
        if g.authorization_code.is_none()
            && g.client_credentials.is_none()
            && g.password.is_none()
            && g.extensions.is_empty()
        {
            return Err(BuildError::NoGrant);
        }
        if g.refresh_token.is_some()
            && g.authorization_code.is_none()
            && g.password.is_none()
            && g.extensions.is_empty()
        {
            return Err(BuildError::RefreshWithoutIssuer);
        }
        for (i, (uri, _)) in g.extensions.iter().enumerate() {
            let builtin = !matches!(GrantType::parse(uri), GrantType::Extension(_));
            let repeated = g.extensions[..i].iter().any(|(u, _)| u == uri);
            if builtin || repeated || !is_absolute_uri(uri) {
                return Err(BuildError::BadExtensionGrant(uri.to_string()));
            }
        }
        for (name, lifetime) in [
            ("access_token_lifetime", self.config.access_token_lifetime),
            ("refresh_token_lifetime", self.config.refresh_token_lifetime),
            ("authorization_code_lifetime", self.config.authorization_code_lifetime),
        ] {
            if lifetime.is_zero() {
                return Err(BuildError::ZeroLifetime(name));
            }
        }
        if let Some(issuer) = &self.config.issuer {
            if !is_valid_issuer(issuer) {
                return Err(BuildError::BadIssuer(issuer.clone()));
            }
        }
        Ok(OAuthServer {
            model: self.model,
            config: self.config,
            grants: self.grants,
            audit: self.audit,
            rate_limiter: self.rate_limiter,
        })
    }
}

/// RFC 3986 4.3: `scheme ":" hier-part`; scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
fn is_absolute_uri(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !uri.contains(char::is_whitespace)
}

/// RFC 8414 2: the issuer is an `https` URL with no query or fragment. `http` is accepted only
/// for loopback hosts, for development.
pub(crate) fn is_valid_issuer(issuer: &str) -> bool {
    if issuer.contains(['?', '#']) || issuer.contains(char::is_whitespace) {
        return false;
    }
    let host_of = |rest: &str| rest.split(['/', ':']).next().unwrap_or("").to_owned();
    if let Some(rest) = issuer.strip_prefix("https://") {
        return !host_of(rest).is_empty();
    }
    if let Some(rest) = issuer.strip_prefix("http://") {
        if let Some(after) = rest.strip_prefix("[::1]") {
            return after.is_empty() || after.starts_with([':', '/']);
        }
        return matches!(host_of(rest).as_str(), "127.0.0.1" | "localhost");
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uri_check() {
        assert!(is_absolute_uri("urn:ietf:params:oauth:grant-type:device_code"));
        assert!(is_absolute_uri("https://example.com/grant"));
        assert!(!is_absolute_uri("custom"));
        assert!(!is_absolute_uri("1x:y"));
        assert!(!is_absolute_uri("x:"));
    }

    #[test]
    fn issuer_must_be_https_or_loopback_http() {
        assert!(is_valid_issuer("https://as.example"));
        assert!(is_valid_issuer("https://as.example/tenant"));
        assert!(is_valid_issuer("http://127.0.0.1:3000"));
        assert!(is_valid_issuer("http://[::1]:3000"));
        assert!(is_valid_issuer("http://localhost:3000"));
        assert!(!is_valid_issuer("http://as.example"));
        assert!(!is_valid_issuer("http://127.0.0.1.evil.example"));
        assert!(!is_valid_issuer("https://as.example?x=1"));
        assert!(!is_valid_issuer("https://as.example#f"));
        assert!(!is_valid_issuer("ftp://as.example"));
        assert!(!is_valid_issuer("https://"));
    }
}
