#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod client;
mod client_auth;
mod config;
mod endpoint;
mod error;
mod grant;
mod model;
mod pkce;
mod redirect;
mod request;
mod response;
mod scope;
mod secret;
mod server;
pub mod store;
mod token;

pub use builder::{BuildError, ServerBuilder};
pub use client::{Client, GrantType};
pub use config::Config;
pub use endpoint::authenticate::Authenticated;
pub use endpoint::authorize::{AuthorizationRequest, AuthorizeError};
pub use endpoint::token::TokenResponse;
pub use error::{ErrorCode, ModelError, OAuthError};
pub use grant::{ExtensionGrant, ExtensionOutcome, ExtensionRequest};
pub use model::{
    default_validate_scope, AccessTokenStore, AuthorizationCodeStore, ClientCredentialsStore,
    ClientStore, OAuthModel, PasswordStore, RefreshTokenStore, ScopePolicy, TokenGenerator,
};
pub use pkce::{s256_challenge, CodeChallenge, PkceMethod};
pub use redirect::{resolve_redirect_uri, RedirectUriProblem};
pub use request::{OAuthRequest, Params};
pub use response::OAuthResponse;
pub use scope::Scope;
pub use secret::{ct_eq_str, ClientSecret, Secret, TokenHash};
pub use server::{CoreModel, OAuthServer};
pub use store::memory::MemoryStore;
pub use token::{AuthorizationCode, CodeRedemption, GrantId, Issued, NewTokens, Token};

/// `#[derive(OAuthModel)]`: implements [`OAuthModel`] and delegates capabilities to fields.
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use oauth2_server_derive::OAuthModel;

/// Re-exported so that implementations of the capability traits can use the same macro.
pub use async_trait::async_trait;
