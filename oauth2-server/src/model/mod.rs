//! The model: storage capabilities as small async traits, one per concern.
//!
//! A grant's needs are trait bounds on the [`ServerBuilder`](crate::ServerBuilder) method that
//! enables it, so a missing capability is a compile error that names the trait and its methods.
//!
//! | capability | methods | needed by |
//! |---|---|---|
//! | [`ClientStore`] | `get_client` | every endpoint |
//! | [`AccessTokenStore`] | `save_token`, `get_access_token`, `revoke_grant` | every grant; authenticate |
//! | [`AuthorizationCodeStore`] | `save_authorization_code`, `take_authorization_code` (atomic) | `authorization_code` |
//! | [`RefreshTokenStore`] | `get_refresh_token`, `revoke_refresh_token` (atomic) | `refresh_token` |
//! | [`PasswordStore`] | `get_user` | `password` |
//! | [`ClientCredentialsStore`] | `get_user_from_client` | `client_credentials` |
//! | [`ScopePolicy`] | `validate_scope`, `verify_scope` (defaults provided) | every grant; authenticate |
//! | [`TokenGenerator`] | `generate_*` (defaults provided) | every grant; authorize |
//!
//! [`OAuthModel`] ties them together and names the `User` type; `#[derive(OAuthModel)]`
//! implements it and delegates capabilities to fields.
//!
//! # Implementing a store
//!
//! The store methods are declared `fn ..(..) -> impl Future<Output = ..> + Send` (async fn in
//! traits, no `#[async_trait]`): implement them with plain `async fn`, without any attribute.
//! Nothing is boxed: each call's future is a concrete type the server awaits in place, with no
//! heap allocation per store call.
//!
//! ```
//! use std::sync::Arc;
//! use oauth2_server::{Client, ClientStore, ModelError};
//!
//! struct StaticClients(Vec<Arc<Client>>);
//!
//! impl ClientStore for StaticClients {
//!     async fn get_client(&self, client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
//!         Ok(self.0.iter().find(|c| c.id() == client_id).cloned())
//!     }
//! }
//! ```
//!
//! The futures must be `Send`, so that the server's futures are (tokio and axum spawn them on
//! any worker thread): do not hold a non-`Send` value (an `Rc`, a `std::sync::MutexGuard`, a
//! `RefCell` borrow) across an `.await`. When the compiler cannot prove an `async fn` `Send`
//! (with some generic database clients), write the method as
//! `fn ..(..) -> impl Future<Output = ..> + Send { async move { .. } }`.
//!
//! An impl written for an earlier version, with `#[async_trait]` on it: remove the attribute.
//! Left in place, it fails with "lifetime parameters or bounds on method .. do not match the
//! trait declaration" (E0195).

use std::future::Future;
use std::sync::Arc;

use crate::client::Client;
use crate::error::ModelError;
use crate::scope::Scope;
use crate::secret::Secret;
use crate::token::{
    AuthorizationCode, CodeRedemption, GrantId, Issued, NewTokens, RetiredToken, Token,
};

/// The model: your storage, with the type of your users.
///
/// Usually derived: `#[derive(OAuthModel)] #[oauth(user = MyUser)]`. The library never
/// invents a user type: tokens and codes carry yours.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an OAuth model",
    label = "this type does not implement `OAuthModel`",
    note = "add `#[derive(OAuthModel)]` and `#[oauth(user = YourUser)]` to `{Self}`, or implement `OAuthModel` (it only names `type User`)"
)]
pub trait OAuthModel: Send + Sync + 'static {
    /// The resource owner type that tokens and codes carry.
    type User: Clone + Send + Sync + 'static;
}

/// Looks up registered clients. Every endpoint needs it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `ClientStore`, which every OAuth endpoint needs",
    label = "this model cannot look up clients",
    note = "implement `ClientStore` for `{Self}` (needs `async fn get_client(&self, client_id: &str) -> Result<Option<Arc<Client>>, ModelError>`), or delegate it to a field with `#[oauth(clients)]`"
)]
pub trait ClientStore: Send + Sync {
    /// The client with this `client_id`, or `None`. The server verifies the secret itself (in
    /// constant time), so do not compare secrets here.
    fn get_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<Option<Arc<Client>>, ModelError>> + Send;
}

/// Saves and finds access tokens (and saves the refresh tokens issued with them). Every grant,
/// and `authenticate`, need it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `AccessTokenStore<{U}>`, which every grant and `authenticate` need",
    label = "this model cannot store access tokens",
    note = "implement `AccessTokenStore<{U}>` for `{Self}` (needs `save_token`, `get_access_token`, `revoke_grant`), or delegate it to a field with `#[oauth(tokens)]`"
)]
pub trait AccessTokenStore<U>: Send + Sync {
    /// Saves the tokens of one token request: the access token and, if issued, the refresh
    /// token. Key them by [`Secret::hash`] so a leak of the store yields no usable token.
    fn save_token(
        &self,
        tokens: &NewTokens<U>,
    ) -> impl Future<Output = Result<(), ModelError>> + Send;

    /// Whether [`get_access_token`](Self::get_access_token) never returns an expired token:
    /// it compares the expiry with the current time itself. When `true`,
    /// [`OAuthServer::authenticate`](crate::OAuthServer::authenticate) trusts that and skips
    /// its own expiry check (one clock read less per resource request); when `false`, the
    /// default, the server checks every token it is given, so a store that forgets to filter
    /// cannot let an expired token through. `MemoryStore` sets it; set it on your own store
    /// only if the store conformance tests' `expired_tokens_are_not_returned` holds for it.
    /// `#[derive(OAuthModel)]` forwards the field's value.
    const FILTERS_EXPIRED: bool = false;

    /// The live access token with this value, or `None` (unknown, revoked or expired).
    fn get_access_token(
        &self,
        access_token: &str,
    ) -> impl Future<Output = Result<Option<Token<U>>, ModelError>> + Send;

    /// Revokes every access and refresh token of a grant. Called when an authorization code is
    /// replayed (RFC 6749 4.1.2) or a rotated-out refresh token comes back (RFC 9700 4.14.2).
    ///
    /// A `save_token` for the same grant that completes *after* this call must not make its
    /// tokens usable (remember revoked grants for a few minutes): a replay can race the first
    /// redemption while it is still saving.
    fn revoke_grant(
        &self,
        grant_id: GrantId,
    ) -> impl Future<Output = Result<(), ModelError>> + Send;
}

/// Saves and atomically consumes authorization codes. The `authorization_code` grant needs it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `AuthorizationCodeStore<{U}>`, which grant `authorization_code` needs",
    label = "this model cannot store authorization codes",
    note = "implement `AuthorizationCodeStore<{U}>` for `{Self}` (needs `save_authorization_code` and `take_authorization_code`), or delegate it to a field with `#[oauth(codes)]`"
)]
pub trait AuthorizationCodeStore<U>: Send + Sync {
    /// Saves a new code. It comes by value: a store that keeps it as it is (in memory) takes
    /// it without a copy; one that serializes it borrows what it needs.
    fn save_authorization_code(
        &self,
        code: Issued<AuthorizationCode<U>>,
    ) -> impl Future<Output = Result<(), ModelError>> + Send;

    /// Consumes a code, **atomically**: when many requests race with the same code, exactly
    /// one gets [`CodeRedemption::Redeemed`]. Later attempts get
    /// [`CodeRedemption::Replayed`] for as long as the code would have lived, so the server
    /// can revoke the tokens issued from it (RFC 6749 4.1.2).
    fn take_authorization_code(
        &self,
        code: &str,
    ) -> impl Future<Output = Result<CodeRedemption<U>, ModelError>> + Send;
}

/// Finds and revokes refresh tokens. The `refresh_token` grant needs it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `RefreshTokenStore<{U}>`, which grant `refresh_token` needs",
    label = "this model cannot look up refresh tokens",
    note = "implement `RefreshTokenStore<{U}>` for `{Self}` (needs `get_refresh_token`, `revoke_refresh_token`, and `get_retired_refresh_token` for reuse detection), or delegate it to a field with `#[oauth(refresh)]`"
)]
pub trait RefreshTokenStore<U>: Send + Sync {
    /// The live refresh token with this value, or `None`.
    fn get_refresh_token(
        &self,
        refresh_token: &str,
    ) -> impl Future<Output = Result<Option<Token<U>>, ModelError>> + Send;

    /// Revokes (retires) a refresh token; `true` only for the one call that actually removed
    /// it, so that two concurrent rotations of the same token cannot both succeed.
    ///
    /// A store that supports reuse detection remembers the retired token (with the time) until
    /// it would have expired, and answers [`get_retired_refresh_token`](Self::get_retired_refresh_token)
    /// for it; [`AccessTokenStore::revoke_grant`] forgets it.
    fn revoke_refresh_token(
        &self,
        refresh_token: &str,
    ) -> impl Future<Output = Result<bool, ModelError>> + Send;

    /// A refresh token that was retired by rotation, if the store remembers it. Presenting one
    /// revokes its whole grant (RFC 9700 4.14.2: refresh token reuse detection). The default
    /// remembers nothing, which turns reuse detection off: stores should implement it.
    fn get_retired_refresh_token(
        &self,
        refresh_token: &str,
    ) -> impl Future<Output = Result<Option<RetiredToken<U>>, ModelError>> + Send {
        let _ = refresh_token;
        async { Ok(None) }
    }
}

/// Checks resource-owner credentials. The `password` grant needs it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `PasswordStore<{U}>`, which grant `password` needs",
    label = "this model cannot check user passwords",
    note = "implement `PasswordStore<{U}>` for `{Self}` (needs `get_user(username, password, client)`), or delegate it to a field with `#[oauth(password)]`"
)]
pub trait PasswordStore<U>: Send + Sync {
    /// The user with these credentials, or `None`. Human passwords belong under a slow hash
    /// (Argon2); compare in constant time.
    fn get_user(
        &self,
        username: &str,
        password: &str,
        client: &Client,
    ) -> impl Future<Output = Result<Option<U>, ModelError>> + Send;
}

/// Names the user a client acts for in the `client_credentials` grant.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `ClientCredentialsStore<{U}>`, which grant `client_credentials` needs",
    label = "this model cannot map a client to its user",
    note = "implement `ClientCredentialsStore<{U}>` for `{Self}` (needs `get_user_from_client(client)`; return `Ok(None)` for a token without a user), or delegate it to a field with `#[oauth(client_credentials)]`"
)]
pub trait ClientCredentialsStore<U>: Send + Sync {
    /// The user the client acts for; `None` for a token that carries no user (the usual case).
    fn get_user_from_client(
        &self,
        client: &Client,
    ) -> impl Future<Output = Result<Option<U>, ModelError>> + Send;
}

/// Revokes access tokens. The revocation endpoint (RFC 7009) needs it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `RevocationStore<{U}>`, which token revocation (RFC 7009) needs",
    label = "this model cannot revoke access tokens",
    note = "implement `RevocationStore<{U}>` for `{Self}` (needs `revoke_access_token`), or delegate it to a field with `#[oauth(revocation)]`"
)]
pub trait RevocationStore<U>: Send + Sync {
    /// Revokes an access token; `true` when it existed.
    fn revoke_access_token(
        &self,
        access_token: &str,
    ) -> impl Future<Output = Result<bool, ModelError>> + Send;
}

/// What introspection (RFC 7662 2.2) may say about a user: implement it on your user type.
/// Both methods default to `None` (the member is then left out).
#[diagnostic::on_unimplemented(
    message = "introspection is enabled but the user type `{Self}` does not implement `UserClaims`",
    label = "introspection needs `{Self}: UserClaims`",
    note = "implement `UserClaims` for `{Self}` (optional `username()` and `subject()`; an empty impl block says nothing about users)"
)]
pub trait UserClaims {
    /// The `username` member: "a human-readable identifier for the resource owner".
    fn username(&self) -> Option<&str> {
        None
    }

    /// The `sub` member: a machine-readable identifier of the resource owner.
    fn subject(&self) -> Option<String> {
        None
    }
}

#[diagnostic::do_not_recommend]
impl UserClaims for String {
    fn username(&self) -> Option<&str> {
        Some(self)
    }
    fn subject(&self) -> Option<String> {
        Some(self.clone())
    }
}

/// The same claims as `String`'s: the user type `MemoryStore`'s docs recommend.
#[diagnostic::do_not_recommend]
impl UserClaims for std::sync::Arc<str> {
    fn username(&self) -> Option<&str> {
        Some(self)
    }
    fn subject(&self) -> Option<String> {
        Some(self.to_string())
    }
}

#[diagnostic::do_not_recommend]
impl UserClaims for () {}

/// Decides what scope to grant and whether a token covers a required scope. Both methods have
/// defaults; `#[derive(OAuthModel)]` implements the defaults unless told otherwise.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `ScopePolicy<{U}>`",
    label = "this model has no scope policy",
    note = "`#[derive(OAuthModel)]` implements the default policy; by hand, an empty `impl ScopePolicy<{U}> for {Self}` block uses the defaults"
)]
pub trait ScopePolicy<U: Sync>: Send + Sync {
    /// The scope to grant `client` (and `user`) for a request asking for `requested`.
    /// `Ok(None)` refuses with `invalid_scope`.
    ///
    /// The default ([`default_validate_scope`]): an omitted scope gets the client's allowed
    /// scopes; a requested scope must be a subset of them, never silently narrowed.
    fn validate_scope(
        &self,
        user: Option<&U>,
        client: &Client,
        requested: Option<&Scope>,
    ) -> impl Future<Output = Result<Option<Scope>, ModelError>> + Send {
        let _ = user;
        async move { Ok(default_validate_scope(client, requested)) }
    }

    /// True when `token` covers `required`. The default: every required scope token is in the
    /// token's scope.
    fn verify_scope(&self, token: &Token<U>, required: &Scope) -> bool {
        required.is_subset_of(&token.scope)
    }
}

/// The default scope rule (see [`ScopePolicy::validate_scope`]).
pub fn default_validate_scope(client: &Client, requested: Option<&Scope>) -> Option<Scope> {
    let allowed = client.allowed_scope();
    match (requested, allowed) {
        (None, Some(allowed)) => Some(allowed.clone()),
        (None, None) => Some(Scope::empty()),
        (Some(req), Some(allowed)) if req.is_subset_of(allowed) => Some(req.clone()),
        (Some(req), None) if req.is_empty() => Some(Scope::empty()),
        _ => None,
    }
}

/// Generates token and code values. The defaults are 256-bit CSPRNG values in base64url; override
/// to issue structured tokens (e.g. JWTs). Generators receive the *validated* scope.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `TokenGenerator<{U}>`",
    label = "this model has no token generator",
    note = "`#[derive(OAuthModel)]` implements the default generator; by hand, an empty `impl TokenGenerator<{U}> for {Self}` block uses the defaults"
)]
pub trait TokenGenerator<U>: Send + Sync {
    /// A new access token value.
    fn generate_access_token(&self, client: &Client, user: Option<&U>, scope: &Scope) -> Secret {
        let _ = (client, user, scope);
        Secret::generate()
    }

    /// A new refresh token value.
    fn generate_refresh_token(&self, client: &Client, user: Option<&U>, scope: &Scope) -> Secret {
        let _ = (client, user, scope);
        Secret::generate()
    }

    /// A new authorization code value.
    fn generate_authorization_code(&self, client: &Client, user: &U, scope: &Scope) -> Secret {
        let _ = (client, user, scope);
        Secret::generate()
    }

    /// Extra members of the token response, included when the server enables
    /// `extended_token_attributes` (Node's `allowExtendedTokenAttributes`). Members named like
    /// the standard ones are ignored.
    fn extended_token_attributes(
        &self,
        client: &Client,
        tokens: &NewTokens<U>,
    ) -> serde_json::Map<String, serde_json::Value> {
        let _ = (client, tokens);
        serde_json::Map::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ClientSecret;

    fn client(scopes: Option<&str>) -> Client {
        let c = Client::confidential("c", ClientSecret::plain("s"));
        match scopes {
            Some(s) => c.scopes(s).unwrap(),
            None => c,
        }
    }

    /// RFC 7662 2.2 `username` and `sub`: an `Arc<str>` user says what a `String` one does.
    #[test]
    fn arc_str_users_claim_what_string_users_claim() {
        let (s, a) = ("alice".to_owned(), std::sync::Arc::<str>::from("alice"));
        assert_eq!(a.username(), s.username());
        assert_eq!(a.subject(), s.subject());
        assert_eq!(a.subject().as_deref(), Some("alice"));
    }

    #[test]
    fn omitted_scope_gets_the_clients_scopes() {
        let granted = default_validate_scope(&client(Some("read write")), None).unwrap();
        assert_eq!(granted.as_str(), "read write");
    }

    #[test]
    fn scope_beyond_the_clients_is_refused_not_narrowed() {
        let req = Scope::parse("read admin").unwrap();
        assert_eq!(default_validate_scope(&client(Some("read write")), Some(&req)), None);
    }

    #[test]
    fn unrestricted_client_may_not_ask_for_scopes() {
        let req = Scope::parse("read").unwrap();
        assert_eq!(default_validate_scope(&client(None), Some(&req)), None);
        assert_eq!(default_validate_scope(&client(None), None), Some(Scope::empty()));
    }
}
