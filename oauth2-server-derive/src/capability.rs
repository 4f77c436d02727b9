//! The capability traits a field can provide, with the signatures of their methods.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// One storage capability of the model: a trait of `oauth2_server`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Capability {
    /// `#[oauth(clients)]`: `ClientStore`.
    Clients,
    /// `#[oauth(tokens)]`: `AccessTokenStore<U>`.
    Tokens,
    /// `#[oauth(codes)]`: `AuthorizationCodeStore<U>`.
    Codes,
    /// `#[oauth(refresh)]`: `RefreshTokenStore<U>`.
    Refresh,
    /// `#[oauth(password)]`: `PasswordStore<U>`.
    Password,
    /// `#[oauth(client_credentials)]`: `ClientCredentialsStore<U>`.
    ClientCredentials,
    /// `#[oauth(revocation)]`: `RevocationStore<U>`.
    Revocation,
    /// `#[oauth(scopes)]`: `ScopePolicy<U>` (defaulted when not delegated).
    Scopes,
    /// `#[oauth(generator)]`: `TokenGenerator<U>` (defaulted when not delegated).
    Generator,
}

/// One trait method, as the forwarding and stub impls need it.
pub(crate) struct Method {
    pub(crate) name: Ident,
    /// Whether the trait declares it `fn .. -> impl Future<Output = #output> + Send` (async fn
    /// in traits, no boxing).
    pub(crate) is_async: bool,
    /// The parameters after `&self`: name and type.
    pub(crate) params: Vec<(Ident, TokenStream)>,
    pub(crate) output: TokenStream,
}

impl Method {
    /// The signature; with `named == false` every parameter is `_` (for bodies that ignore
    /// them). An async method is spelled as the trait declares it, `fn .. -> impl Future<..> +
    /// Send`, so that a forwarding body can return the field's future as it is.
    pub(crate) fn signature(&self, named: bool) -> TokenStream {
        let name = &self.name;
        let params =
            self.params.iter().map(
                |(param, ty)| {
                    if named {
                        quote!(#param: #ty)
                    } else {
                        quote!(_: #ty)
                    }
                },
            );
        let output = &self.output;
        let output = if self.is_async {
            quote!(impl ::core::future::Future<Output = #output> + ::core::marker::Send)
        } else {
            output.clone()
        };
        quote!(fn #name(&self, #(#params),*) -> #output)
    }
}

impl Capability {
    /// Every capability, in the order impls are generated.
    pub(crate) const ALL: [Capability; 9] = [
        Capability::Clients,
        Capability::Tokens,
        Capability::Codes,
        Capability::Refresh,
        Capability::Password,
        Capability::ClientCredentials,
        Capability::Revocation,
        Capability::Scopes,
        Capability::Generator,
    ];

    /// The attribute key that delegates this capability.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Capability::Clients => "clients",
            Capability::Tokens => "tokens",
            Capability::Codes => "codes",
            Capability::Refresh => "refresh",
            Capability::Password => "password",
            Capability::ClientCredentials => "client_credentials",
            Capability::Revocation => "revocation",
            Capability::Scopes => "scopes",
            Capability::Generator => "generator",
        }
    }

    /// The trait's name, for messages.
    pub(crate) fn trait_name(self) -> &'static str {
        match self {
            Capability::Clients => "ClientStore",
            Capability::Tokens => "AccessTokenStore",
            Capability::Codes => "AuthorizationCodeStore",
            Capability::Refresh => "RefreshTokenStore",
            Capability::Password => "PasswordStore",
            Capability::ClientCredentials => "ClientCredentialsStore",
            Capability::Revocation => "RevocationStore",
            Capability::Scopes => "ScopePolicy",
            Capability::Generator => "TokenGenerator",
        }
    }

    /// Whether the trait has defaults for every method, so the derive implements it unless a
    /// field or `custom(...)` provides it.
    pub(crate) fn has_defaults(self) -> bool {
        matches!(self, Capability::Scopes | Capability::Generator)
    }

    /// The trait's associated constants a forwarding impl passes on from the field's impl
    /// (defaults would silently replace the field's values).
    pub(crate) fn consts(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Capability::Tokens => &[("FILTERS_EXPIRED", "bool")],
            _ => &[],
        }
    }

    /// The trait, by absolute path, for the user type `user`.
    pub(crate) fn trait_path(self, user: &TokenStream) -> TokenStream {
        let name = Ident::new(self.trait_name(), Span::call_site());
        match self {
            Capability::Clients => quote!(::oauth2_server::#name),
            _ => quote!(::oauth2_server::#name<#user>),
        }
    }

    /// The trait's methods, for the user type `user`.
    pub(crate) fn methods(self, user: &TokenStream) -> Vec<Method> {
        let result =
            |ok: TokenStream| quote!(::core::result::Result<#ok, ::oauth2_server::ModelError>);
        let method =
            |name: &str, is_async: bool, params: Vec<(&str, TokenStream)>, output| Method {
                name: format_ident!("{}", name),
                is_async,
                params: params.into_iter().map(|(p, ty)| (format_ident!("{}", p), ty)).collect(),
                output,
            };
        let client = quote!(&::oauth2_server::Client);
        let scope = quote!(&::oauth2_server::Scope);
        let secret = quote!(::oauth2_server::Secret);
        match self {
            Capability::Clients => vec![method(
                "get_client",
                true,
                vec![("client_id", quote!(&str))],
                result(quote!(::core::option::Option<::std::sync::Arc<::oauth2_server::Client>>)),
            )],
            Capability::Tokens => vec![
                method(
                    "save_token",
                    true,
                    vec![("tokens", quote!(&::oauth2_server::NewTokens<#user>))],
                    result(quote!(())),
                ),
                method(
                    "get_access_token",
                    true,
                    vec![("access_token", quote!(&str))],
                    result(quote!(::core::option::Option<::oauth2_server::Token<#user>>)),
                ),
                method(
                    "revoke_grant",
                    true,
                    vec![("grant_id", quote!(::oauth2_server::GrantId))],
                    result(quote!(())),
                ),
            ],
            Capability::Codes => vec![
                method(
                    "save_authorization_code",
                    true,
                    vec![(
                        "code",
                        quote!(::oauth2_server::Issued<::oauth2_server::AuthorizationCode<#user>>),
                    )],
                    result(quote!(())),
                ),
                method(
                    "take_authorization_code",
                    true,
                    vec![("code", quote!(&str))],
                    result(quote!(::oauth2_server::CodeRedemption<#user>)),
                ),
            ],
            Capability::Refresh => vec![
                method(
                    "get_refresh_token",
                    true,
                    vec![("refresh_token", quote!(&str))],
                    result(quote!(::core::option::Option<::oauth2_server::Token<#user>>)),
                ),
                method(
                    "revoke_refresh_token",
                    true,
                    vec![("refresh_token", quote!(&str))],
                    result(quote!(bool)),
                ),
                method(
                    "get_retired_refresh_token",
                    true,
                    vec![("refresh_token", quote!(&str))],
                    result(quote!(
                        ::core::option::Option<::oauth2_server::RetiredToken<#user>>
                    )),
                ),
            ],
            Capability::Password => vec![method(
                "get_user",
                true,
                vec![("username", quote!(&str)), ("password", quote!(&str)), ("client", client)],
                result(quote!(::core::option::Option<#user>)),
            )],
            Capability::ClientCredentials => vec![method(
                "get_user_from_client",
                true,
                vec![("client", client)],
                result(quote!(::core::option::Option<#user>)),
            )],
            Capability::Revocation => vec![method(
                "revoke_access_token",
                true,
                vec![("access_token", quote!(&str))],
                result(quote!(bool)),
            )],
            Capability::Scopes => vec![
                method(
                    "validate_scope",
                    true,
                    vec![
                        ("user", quote!(::core::option::Option<&#user>)),
                        ("client", client),
                        ("requested", quote!(::core::option::Option<#scope>)),
                    ],
                    result(quote!(::core::option::Option<::oauth2_server::Scope>)),
                ),
                method(
                    "verify_scope",
                    false,
                    vec![("token", quote!(&::oauth2_server::Token<#user>)), ("required", scope)],
                    quote!(bool),
                ),
            ],
            Capability::Generator => vec![
                method(
                    "generate_access_token",
                    false,
                    vec![
                        ("client", client.clone()),
                        ("user", quote!(::core::option::Option<&#user>)),
                        ("scope", scope.clone()),
                    ],
                    secret.clone(),
                ),
                method(
                    "generate_refresh_token",
                    false,
                    vec![
                        ("client", client.clone()),
                        ("user", quote!(::core::option::Option<&#user>)),
                        ("scope", scope.clone()),
                    ],
                    secret.clone(),
                ),
                method(
                    "generate_authorization_code",
                    false,
                    vec![("client", client.clone()), ("user", quote!(&#user)), ("scope", scope)],
                    secret,
                ),
                method(
                    "extended_token_attributes",
                    false,
                    vec![
                        ("client", client),
                        ("tokens", quote!(&::oauth2_server::NewTokens<#user>)),
                    ],
                    quote!(::oauth2_server::__private_serde_json::Map<
                        ::std::string::String,
                        ::oauth2_server::__private_serde_json::Value,
                    >),
                ),
            ],
        }
    }
}
