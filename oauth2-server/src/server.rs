//! [`OAuthServer`]: the endpoints, over a model whose wiring the builder checked.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;

use crate::audit::{AuditEvent, AuditSink};
use crate::builder::ServerBuilder;
use crate::client::{Client, GrantType};
use crate::config::Config;
use crate::error::{ModelError, OAuthError};
use crate::grant::ExtensionGrant;
use crate::model::{AccessTokenStore, ClientStore, OAuthModel, ScopePolicy, TokenGenerator};
use crate::rate_limit::RateLimiter;
use crate::request::Params;
use crate::scope::Scope;
use crate::token::{AuthorizationCode, GrantId, Issued, NewTokens, Token};

/// What every server needs of its model: clients, access tokens, a scope policy and a token
/// generator. Implemented automatically; the [`ServerBuilder`] names each missing trait on its
/// own.
pub trait CoreModel:
    OAuthModel
    + ClientStore
    + AccessTokenStore<<Self as OAuthModel>::User>
    + ScopePolicy<<Self as OAuthModel>::User>
    + TokenGenerator<<Self as OAuthModel>::User>
{
}

impl<M> CoreModel for M where
    M: OAuthModel
        + ClientStore
        + AccessTokenStore<<M as OAuthModel>::User>
        + ScopePolicy<<M as OAuthModel>::User>
        + TokenGenerator<<M as OAuthModel>::User>
{
}

/// What a grant decided: who the token is for, with which scope, in which grant family.
pub(crate) struct Outcome<U> {
    pub(crate) user: Option<U>,
    pub(crate) scope: Scope,
    pub(crate) grant_id: Option<GrantId>,
    pub(crate) issue_refresh_token: bool,
    /// The time the grant checked an expiry against, if it read the clock: the tokens are
    /// issued at that time, so that a request reads the clock once.
    pub(crate) checked_at: Option<SystemTime>,
}

/// A grant type's token-endpoint logic, type-erased once the builder checked its bounds.
#[async_trait]
pub(crate) trait GrantHandler<M: CoreModel>: Send + Sync {
    async fn exchange(
        &self,
        server: &OAuthServer<M>,
        params: &Params<'_>,
        client: &Client,
    ) -> Result<Outcome<M::User>, OAuthError>;
}

/// The authorization endpoint's storage step, type-erased likewise.
#[async_trait]
pub(crate) trait CodeSaver<M: CoreModel>: Send + Sync {
    async fn save(
        &self,
        model: &M,
        code: Issued<AuthorizationCode<M::User>>,
    ) -> Result<(), crate::ModelError>;
}

/// Refresh token lookup and revocation, for the revocation and introspection endpoints.
#[async_trait]
pub(crate) trait RefreshLookup<M: CoreModel>: Send + Sync {
    async fn get(&self, model: &M, token: &str) -> Result<Option<Token<M::User>>, ModelError>;
    async fn revoke(&self, model: &M, token: &str) -> Result<bool, ModelError>;
}

/// Access token revocation (RFC 7009), type-erased once `.revocation()` checked its bound.
#[async_trait]
pub(crate) trait AccessRevoker<M: CoreModel>: Send + Sync {
    async fn revoke(&self, model: &M, token: &str) -> Result<bool, ModelError>;
}

/// Which clients may introspect which tokens (RFC 7662 2.1 leaves it to the server).
pub(crate) type IntrospectionPolicy<U> = Box<dyn Fn(&Client, &Token<U>) -> bool + Send + Sync>;

/// The authorization_code grant's two halves: the token exchange and the code storage.
pub(crate) type CodeFlow<M> = (Box<dyn GrantHandler<M>>, Box<dyn CodeSaver<M>>);

pub(crate) struct Grants<M: CoreModel> {
    pub(crate) authorization_code: Option<CodeFlow<M>>,
    pub(crate) client_credentials: Option<Box<dyn GrantHandler<M>>>,
    pub(crate) password: Option<Box<dyn GrantHandler<M>>>,
    pub(crate) refresh_token: Option<Box<dyn GrantHandler<M>>>,
    pub(crate) refresh_lookup: Option<Box<dyn RefreshLookup<M>>>,
    pub(crate) revocation: Option<Box<dyn AccessRevoker<M>>>,
    pub(crate) introspection: Option<IntrospectionPolicy<M::User>>,
    pub(crate) extensions: Vec<(Arc<str>, Box<dyn ExtensionGrant<M>>)>,
}

impl<M: CoreModel> Default for Grants<M> {
    fn default() -> Self {
        Self {
            authorization_code: None,
            client_credentials: None,
            password: None,
            refresh_token: None,
            refresh_lookup: None,
            revocation: None,
            introspection: None,
            extensions: Vec::new(),
        }
    }
}

/// An OAuth 2.0 authorization server over your model `M`.
///
/// Build it with [`OAuthServer::builder`]; share it (it is `Send + Sync`) behind an `Arc`.
/// Endpoints: [`token`](OAuthServer::token), [`authorize`](OAuthServer::authorize) +
/// [`approve`](OAuthServer::approve) / [`deny`](OAuthServer::deny), and
/// [`authenticate`](OAuthServer::authenticate).
pub struct OAuthServer<M: CoreModel> {
    pub(crate) model: M,
    pub(crate) config: Config,
    pub(crate) grants: Grants<M>,
    pub(crate) audit: Option<Box<dyn AuditSink>>,
    pub(crate) rate_limiter: Option<Box<dyn RateLimiter>>,
}

impl<M: CoreModel> std::fmt::Debug for OAuthServer<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthServer")
            .field("config", &self.config)
            .field("grants", &self.grant_types())
            .finish_non_exhaustive()
    }
}

impl<M: CoreModel> OAuthServer<M> {
    /// Starts a builder. The bounds here are what every endpoint needs; each grant method of
    /// the builder adds its own.
    pub fn builder(model: M) -> ServerBuilder<M>
    where
        M: OAuthModel
            + ClientStore
            + AccessTokenStore<M::User>
            + ScopePolicy<M::User>
            + TokenGenerator<M::User>,
    {
        ServerBuilder::new(model)
    }

    /// Records an audit event, if a sink is registered.
    pub(crate) fn audit(&self, event: AuditEvent<'_>) {
        if let Some(sink) = &self.audit {
            sink.record(&event);
        }
    }

    /// The brute-force limiter, if one is configured (for the application's own login form).
    pub fn rate_limiter(&self) -> Option<&dyn RateLimiter> {
        self.rate_limiter.as_deref()
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The options.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The grant types enabled, in a fixed order (extensions last).
    pub fn grant_types(&self) -> Vec<GrantType> {
        let g = &self.grants;
        let mut out = Vec::new();
        if g.authorization_code.is_some() {
            out.push(GrantType::AuthorizationCode);
        }
        if g.client_credentials.is_some() {
            out.push(GrantType::ClientCredentials);
        }
        if g.password.is_some() {
            out.push(GrantType::Password);
        }
        if g.refresh_token.is_some() {
            out.push(GrantType::RefreshToken);
        }
        out.extend(g.extensions.iter().map(|(uri, _)| GrantType::Extension(uri.clone())));
        out
    }

    /// Validates the requested scope with the model's [`ScopePolicy`]: `invalid_scope` when it
    /// refuses.
    pub(crate) async fn validate_scope(
        &self,
        user: Option<&M::User>,
        client: &Client,
        requested: Option<&Scope>,
    ) -> Result<Scope, OAuthError> {
        self.model.validate_scope(user, client, requested).await?.ok_or_else(|| {
            OAuthError::invalid_scope(
                "the requested scope is invalid, unknown, or more than the client may have",
            )
        })
    }

    /// Generates, saves and returns the tokens for a grant's outcome.
    pub(crate) async fn issue_tokens(
        &self,
        client: &Client,
        outcome: Outcome<M::User>,
    ) -> Result<NewTokens<M::User>, OAuthError> {
        let Outcome { user, scope, grant_id, issue_refresh_token, checked_at } = outcome;
        let now = checked_at.unwrap_or_else(SystemTime::now);
        let access_lifetime =
            client.access_token_lifetime_override().unwrap_or(self.config.access_token_lifetime);
        let grant_id = match (grant_id, issue_refresh_token) {
            (Some(id), _) => Some(id),
            (None, true) => Some(GrantId::generate()),
            (None, false) => None,
        };
        let refresh = if issue_refresh_token {
            let lifetime = client
                .refresh_token_lifetime_override()
                .unwrap_or(self.config.refresh_token_lifetime);
            Some(Issued {
                value: self.model.generate_refresh_token(client, user.as_ref(), &scope),
                data: Token {
                    client_id: client.id_arc().clone(),
                    user: user.clone(),
                    scope: scope.clone(),
                    grant_id,
                    issued_at: now,
                    expires_at: now + lifetime,
                },
            })
        } else {
            None
        };
        let access = Issued {
            value: self.model.generate_access_token(client, user.as_ref(), &scope),
            data: Token {
                client_id: client.id_arc().clone(),
                user,
                scope,
                grant_id,
                issued_at: now,
                expires_at: now + access_lifetime,
            },
        };
        let tokens = NewTokens { access, refresh };
        self.model.save_token(&tokens).await?;
        Ok(tokens)
    }
}
