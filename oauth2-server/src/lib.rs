//! A framework-agnostic OAuth 2.0 authorization server library.
//!
//! RFC 6749 (grants `authorization_code`, `client_credentials`, `refresh_token`, `password`,
//! extension grants, scopes), RFC 6750 (bearer tokens) and RFC 7636 (PKCE), with the OAuth 2.0
//! Security BCP (RFC 9700) as defaults. You bring the storage by implementing small async
//! traits, or use [`MemoryStore`]; the library never does I/O besides calling your model.
//!
//! # The model wiring is checked at compile time
//!
//! Each storage concern is its own trait ([`ClientStore`], [`AccessTokenStore`],
//! [`AuthorizationCodeStore`], [`RefreshTokenStore`], [`PasswordStore`],
//! [`ClientCredentialsStore`], plus [`ScopePolicy`] and [`TokenGenerator`] with defaults).
//! `#[derive(OAuthModel)]` names your user type and delegates capabilities to fields, so a
//! model can be composed from parts. Each grant method of the [`ServerBuilder`] is bounded by
//! the traits that grant needs: enabling `.refresh_token()` on a model without a
//! [`RefreshTokenStore`] does not compile, and the error says which trait and which methods to
//! write.
//!
//! The storage traits are async fn in traits: implement them with plain `async fn` (no
//! `#[async_trait]`). Their futures must be `Send`; they are not boxed, so calling a store adds
//! no heap allocation of its own.
//!
//! # Quickstart
//!
//! ```
//! use oauth2_server::{Client, ClientSecret, GrantType, MemoryStore, OAuthModel, OAuthRequest, OAuthServer};
//!
//! #[derive(Clone, Debug)]
//! struct User { name: String }
//!
//! #[derive(OAuthModel)]
//! #[oauth(user = User)]
//! struct Model {
//!     #[oauth(clients, tokens, client_credentials)]
//!     store: MemoryStore<User>,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = MemoryStore::new();
//! store.add_client(
//!     Client::confidential("svc", ClientSecret::sha256("generated-secret"))
//!         .grants([GrantType::ClientCredentials])
//!         .scopes("read")?,
//! );
//! let server = OAuthServer::builder(Model { store }).client_credentials().build()?;
//!
//! let request = OAuthRequest::post_form("grant_type=client_credentials&client_id=svc&client_secret=generated-secret");
//! let response = server.token_response(&request).await;
//! assert_eq!(response.status(), 200);
//! assert!(response.body_str().contains("\"token_type\":\"Bearer\""));
//! # Ok(())
//! # }
//! ```
//!
//! # Endpoints
//!
//! | endpoint | method | returns |
//! |---|---|---|
//! | token (RFC 6749 3.2) | [`OAuthServer::token`] | [`TokenResponse`] or [`OAuthError`] |
//! | authorization (RFC 6749 3.1) | [`OAuthServer::authorize`], then [`OAuthServer::approve`] / [`OAuthServer::deny`] | a validated [`AuthorizationRequest`]; login and consent stay yours |
//! | resource (RFC 6750) | [`OAuthServer::authenticate`] | [`Authenticated`] (the token's data) or an error with its `WWW-Authenticate` challenge |
//! | revocation (RFC 7009) | [`OAuthServer::revoke`] (enable with [`ServerBuilder::revocation`]) | 200, or an error |
//! | introspection (RFC 7662) | [`OAuthServer::introspect`] (enable with [`ServerBuilder::introspection`]) | `{"active": ...}` |
//! | metadata (RFC 8414) | [`OAuthServer::metadata`] | [`Metadata`], never advertising what is not enabled |
//!
//! Requests come in as an owned [`OAuthRequest`] (built by hand or from any `http::Request`
//! whose body is bytes) and go out as an [`OAuthResponse`] (into an `http::Response`).
//!
//! # Security defaults
//!
//! - Redirect URIs match exactly; only the port of loopback IP literals may differ. A bad
//!   `client_id` or `redirect_uri` is never redirected to.
//! - Codes and tokens are 256-bit CSPRNG values; codes are single-use (consumed atomically
//!   before any other check), bound to client, redirect URI and PKCE challenge; a replayed
//!   code revokes the tokens issued from it.
//! - PKCE: S256 always, `plain` only when enabled; required for public clients; a
//!   `code_verifier` for a code without a challenge is refused.
//! - Client secrets and PKCE verifiers are compared in constant time; `Debug` never prints
//!   a secret or a token; stores key tokens by their SHA-256.
//! - Repeated parameters are `invalid_request`; bearer tokens in the query are refused
//!   unless enabled; token responses carry `Cache-Control: no-store`.
//! - Refresh tokens rotate; a rotated-out refresh token presented again revokes its whole
//!   grant (RFC 9700 4.14.2), with an optional grace window
//!   ([`ServerBuilder::refresh_token_reuse_grace`]).
//! - `iss` (RFC 9207) on every authorization response when an issuer is configured.
//! - [`ServerBuilder::profile`]`(`[`Profile::OAuth21`]`)`: no password grant (a compile
//!   error), PKCE with S256 for every client.
//! - Optional brute-force limits ([`ServerBuilder::rate_limiter`]) and audit events
//!   ([`ServerBuilder::audit`]).
//!
//! # Feature flags
//!
//! | feature | default | what |
//! |---|---|---|
//! | `derive` | yes | `#[derive(OAuthModel)]` |
//! | `axum` | no | [`axum`]: `FromRequest` for [`OAuthRequest`], `IntoResponse` for [`OAuthResponse`] and [`OAuthError`] (axum-core 0.5) |
//! | `sqlite` | no | [`store::sqlite::SqliteStore`]: every capability in one SQLite file (sqlx) |
//! | `postgres` | no | [`store::postgres::PostgresStore`]: every capability in a PostgreSQL schema (sqlx) |
//! | `redis` | no | [`store::redis::RedisStore`]: every capability under a Redis key prefix (connection manager, Lua scripts) |
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod audit;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod builder;
mod client;
mod client_auth;
mod config;
mod endpoint;
mod error;
mod grant;
mod local;
mod model;
mod pkce;
pub mod profile;
pub mod rate_limit;
mod redirect;
mod request;
mod response;
mod scope;
mod secret;
mod server;
pub mod store;
mod token;

pub use audit::{AuditEvent, AuditSink};
pub use builder::{BuildError, ServerBuilder};
pub use client::{Client, GrantType};
pub use config::Config;
pub use endpoint::authenticate::Authenticated;
pub use endpoint::authorize::{AuthorizationRequest, AuthorizeError};
pub use endpoint::metadata::Metadata;
pub use endpoint::token::TokenResponse;
pub use error::{ErrorCode, ModelError, OAuthError};
pub use grant::{ExtensionGrant, ExtensionOutcome, ExtensionRequest};
pub use model::{
    default_validate_scope, AccessTokenStore, AuthorizationCodeStore, ClientCredentialsStore,
    ClientStore, OAuthModel, PasswordStore, RefreshTokenStore, RevocationStore, ScopePolicy,
    TokenGenerator, UserClaims,
};
pub use pkce::{s256_challenge, CodeChallenge, PkceMethod};
pub use profile::Profile;
pub use redirect::{resolve_redirect_uri, RedirectUriProblem};
pub use request::{OAuthRequest, Params};
pub use response::OAuthResponse;
pub use scope::Scope;
pub use secret::{ct_eq_str, ClientSecret, Secret, TokenHash};
pub use server::{CoreModel, OAuthServer};
pub use store::memory::MemoryStore;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use store::postgres::PostgresStore;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use store::redis::RedisStore;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use store::sqlite::SqliteStore;
pub use token::{
    AuthorizationCode, CodeRedemption, GrantId, Issued, NewTokens, RetiredToken, Token,
};

/// `#[derive(OAuthModel)]`: implements [`OAuthModel`] and delegates capabilities to fields.
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use oauth2_server_derive::OAuthModel;

/// Re-exported for implementations of [`ExtensionGrant`], which is used as `dyn` (boxed
/// futures). The storage traits need no attribute: implement them with plain `async fn`.
pub use async_trait::async_trait;

#[doc(hidden)]
// for `#[derive(OAuthModel)]`: `TokenGenerator::extended_token_attributes` names it
pub use serde_json as __private_serde_json;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
