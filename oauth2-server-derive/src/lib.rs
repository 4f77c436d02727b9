//! `#[derive(OAuthModel)]` for [`oauth2-server`](https://docs.rs/oauth2-server): wires a
//! storage struct into an OAuth model, at compile time.
//!
//! Use it through the facade crate, `oauth2_server::OAuthModel` (default feature `derive`); the
//! generated code refers to `::oauth2_server` only.
//!
//! # What it generates
//!
//! - `impl OAuthModel for YourModel { type User = YourUser; }`;
//! - for every capability delegated to a field, an impl of its trait on the struct that forwards
//!   each method to that field (an async method returns the field's future as it is: no extra
//!   future, no box);
//! - `impl ScopePolicy<YourUser>` and `impl TokenGenerator<YourUser>` with the library's
//!   defaults, unless a field provides them or you write them yourself (`custom(...)`).
//!
//! A capability that is neither delegated nor defaulted is not implemented: implement it by
//! hand on the struct, or leave it out. The server builder enables a grant only when the model
//! has the stores it needs, and the compiler names what is missing.
//!
//! # Attributes
//!
//! On the struct:
//!
//! | attribute | meaning |
//! |---|---|
//! | `#[oauth(user = YourUser)]` | **required**: the `OAuthModel::User` type that tokens and codes carry |
//! | `#[oauth(custom(scopes))]` | you implement `ScopePolicy<YourUser>` by hand: no default impl |
//! | `#[oauth(custom(generator))]` | you implement `TokenGenerator<YourUser>` by hand: no default impl |
//! | `#[oauth(custom(scopes, generator))]` | both |
//!
//! On a field, one or more keys: `#[oauth(codes, tokens)]`. The field's type must implement
//! the trait for your user type.
//!
//! | key | capability the field provides | needed by |
//! |---|---|---|
//! | `clients` | `ClientStore` | every endpoint |
//! | `tokens` | `AccessTokenStore<U>` | every grant; `authenticate` |
//! | `codes` | `AuthorizationCodeStore<U>` | `authorization_code` |
//! | `refresh` | `RefreshTokenStore<U>` | `refresh_token` |
//! | `password` | `PasswordStore<U>` | `password` |
//! | `client_credentials` | `ClientCredentialsStore<U>` | `client_credentials` |
//! | `revocation` | `RevocationStore<U>` | `.revocation()` (RFC 7009) |
//! | `scopes` | `ScopePolicy<U>` (default otherwise) | every grant; `authenticate` |
//! | `generator` | `TokenGenerator<U>` (default otherwise) | every grant; authorization |
//!
//! Each capability comes from one place: one field, or a hand-written impl. Tuple structs work
//! the same (`struct Model(#[oauth(clients, tokens)] MemoryStore<User>);`), and so do generic
//! structs: the derive adds the bounds the delegated field types need.
//!
//! # Example
//!
//! Clients from a static list, everything else in the in-memory store:
//!
//! ```
//! use std::sync::Arc;
//! use oauth2_server::{
//!     Client, ClientSecret, ClientStore, MemoryStore, ModelError, OAuthModel, OAuthServer,
//! };
//!
//! #[derive(Clone)]
//! struct AppUser {
//!     name: String,
//! }
//!
//! /// Clients known at compile time.
//! struct StaticClients(Vec<Arc<Client>>);
//!
//! // A hand-written capability: plain `async fn`, no `#[async_trait]`.
//! impl ClientStore for StaticClients {
//!     async fn get_client(&self, client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
//!         Ok(self.0.iter().find(|c| c.id() == client_id).cloned())
//!     }
//! }
//!
//! #[derive(OAuthModel)]
//! #[oauth(user = AppUser)]
//! struct AppModel {
//!     #[oauth(clients)]
//!     clients: StaticClients,
//!     #[oauth(tokens, codes, refresh)]
//!     store: MemoryStore<AppUser>,
//! }
//!
//! let clients = StaticClients(vec![Arc::new(Client::confidential(
//!     "web",
//!     ClientSecret::sha256("a-long-generated-secret"),
//! ))]);
//! let model = AppModel { clients, store: MemoryStore::new() };
//! // Compiles because AppModel has AuthorizationCodeStore and RefreshTokenStore; without
//! // `codes` the compiler says "grant `authorization_code` is enabled but `AppModel` does not
//! // implement `AuthorizationCodeStore<AppUser>`".
//! let server = OAuthServer::builder(model).authorization_code().refresh_token().build();
//! assert!(server.is_ok());
//! ```
//!
//! # Errors
//!
//! Mistakes in the attributes are reported together, each at the token to fix: an unknown key
//! (with the list of accepted ones), a key given twice or a capability delegated by two fields
//! ("specified more than once"), a missing `user`, a key in the wrong place, `custom(scopes)`
//! together with a `scopes` field, a derive on an enum. When a field's type lacks the capability
//! its key delegates, the error points at the key and carries the trait's explanation.

mod ast;
mod attr;
mod bound;
mod capability;
mod check;
mod ctxt;
mod expand;
mod fallback;

use proc_macro::TokenStream;

/// Implements `OAuthModel` and delegates storage capabilities to fields.
///
/// See the [crate documentation](crate) for the attribute language.
#[proc_macro_derive(OAuthModel, attributes(oauth))]
pub fn derive_oauth_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}

#[cfg(test)]
mod test_support;
