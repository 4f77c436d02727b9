//! Code generation for a valid model: the `OAuthModel` impl, one forwarding impl per delegated
//! capability, and default `ScopePolicy` / `TokenGenerator` impls.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::DeriveInput;

use crate::ast::{Field, Model};
use crate::attr::Key;
use crate::bound::{respan, ImplGenerics};
use crate::capability::Capability;
use crate::ctxt::Ctxt;
use crate::{check, fallback};

/// The whole derive: parse, check, then expand, or on error report every error plus stubs.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let model = Model::from_syn(input, &cx);
    check::check(&model, &cx);
    match cx.check() {
        Ok(()) => expand(&model),
        Err(errors) => fallback::expand(&model, &errors),
    }
}

fn expand(model: &Model) -> TokenStream {
    let user = user_type(model);
    let generics = ImplGenerics::new(model.ident, model.generics, &user);
    let mut impls = vec![oauth_model_impl(model, &generics, &user)];
    for capability in Capability::ALL {
        if let Some((field, key)) = model.delegation(capability) {
            impls.push(forward_impl(model, &generics, &user, capability, field, key));
        } else if capability.has_defaults() && model.attrs.custom(capability).is_none() {
            impls.push(default_impl(model, &generics, &user, capability));
        }
    }
    wrap(impls)
}

/// The `User` type; `()` only when it is missing, which is an error reported elsewhere.
pub(crate) fn user_type(model: &Model) -> TokenStream {
    match &model.attrs.user {
        Some(user) => user.to_token_stream(),
        None => quote!(()),
    }
}

/// `impl OAuthModel for S { type User = U; }`.
pub(crate) fn oauth_model_impl(
    model: &Model,
    generics: &ImplGenerics,
    user: &TokenStream,
) -> TokenStream {
    let header = generics.header(&quote!(::oauth2_server::OAuthModel), model.ident, None);
    quote! {
        #[automatically_derived]
        #header {
            type User = #user;
        }
    }
}

/// An empty impl of a trait whose methods all have defaults.
pub(crate) fn default_impl(
    model: &Model,
    generics: &ImplGenerics,
    user: &TokenStream,
    capability: Capability,
) -> TokenStream {
    let header = generics.header(&capability.trait_path(user), model.ident, None);
    quote! {
        #[automatically_derived]
        #header {}
    }
}

/// An impl that forwards every method of `capability` to `field`.
///
/// The bound `FieldType: Trait<U>` is put in the where clause, spanned on the attribute key:
/// when the field's type lacks the capability, the one error (with the trait's
/// `on_unimplemented` message) points at the key, and the method bodies add none.
fn forward_impl(
    model: &Model,
    generics: &ImplGenerics,
    user: &TokenStream,
    capability: Capability,
    field: &Field,
    key: Key,
) -> TokenStream {
    let trait_path = capability.trait_path(user);
    let field_ty = field.ty;
    let assertion = respan(quote!(#field_ty: #trait_path), key.span);
    let header = generics.header(&trait_path, model.ident, Some(assertion));
    let member = &field.member;
    let methods = capability.methods(user).into_iter().map(|method| {
        let signature = method.signature(true);
        let name = &method.name;
        let args = method.params.iter().map(|(param, _)| param);
        // An async method returns the field's future itself: no wrapping future, no box.
        let call = quote!(<#field_ty as #trait_path>::#name(&self.#member, #(#args),*));
        quote!(#[inline] #signature { #call })
    });
    let consts = capability.consts().iter().map(|(name, ty)| {
        let name = Ident::new(name, Span::call_site());
        let ty = Ident::new(ty, Span::call_site());
        quote!(const #name: #ty = <#field_ty as #trait_path>::#name;)
    });
    quote! {
        #[automatically_derived]
        #header {
            #(#consts)*
            #(#methods)*
        }
    }
}

/// Wraps the generated items in `const _: () = { ... };`.
pub(crate) fn wrap(items: Vec<TokenStream>) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications)]
        const _: () = {
            #(#items)*
        };
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::derive;

    fn expand(input: proc_macro2::TokenStream) -> String {
        let input: syn::DeriveInput = syn::parse2(input).expect("valid item");
        derive(&input).to_string()
    }

    #[test]
    fn implements_oauth_model_with_the_user_type() {
        let out = expand(quote! { #[oauth(user = AppUser)] struct M; });
        assert!(out.contains(":: oauth2_server :: OAuthModel for M"), "{out}");
        assert!(out.contains("type User = AppUser"), "{out}");
    }

    #[test]
    fn defaults_scope_policy_and_token_generator() {
        let out = expand(quote! { #[oauth(user = U)] struct M; });
        assert!(out.contains(":: oauth2_server :: ScopePolicy < U > for M where { }"), "{out}");
        assert!(out.contains(":: oauth2_server :: TokenGenerator < U > for M where { }"), "{out}");
    }

    #[test]
    fn custom_capabilities_are_not_generated() {
        let out = expand(quote! { #[oauth(user = U, custom(scopes, generator))] struct M; });
        assert!(!out.contains("ScopePolicy"), "{out}");
        assert!(!out.contains("TokenGenerator"), "{out}");
    }

    #[test]
    fn undelegated_stores_are_not_implemented() {
        let out = expand(quote! { #[oauth(user = U)] struct M { #[oauth(clients)] c: C } });
        assert!(out.contains("ClientStore"), "{out}");
        for missing in ["AccessTokenStore", "AuthorizationCodeStore", "PasswordStore"] {
            assert!(!out.contains(missing), "{missing} in {out}");
        }
    }

    #[test]
    fn delegated_methods_forward_to_the_field() {
        let out = expand(quote! { #[oauth(user = U)] struct M { #[oauth(refresh)] db: Db } });
        assert!(out.contains("impl :: oauth2_server :: RefreshTokenStore < U > for M"), "{out}");
        assert!(out.contains("< Db as :: oauth2_server :: RefreshTokenStore < U > > :: revoke_refresh_token (& self . db , refresh_token) }"), "{out}");
        assert!(!out.contains("await"), "{out}");
        assert!(!out.contains("async_trait"), "{out}");
    }

    #[test]
    fn tuple_fields_forward_to_their_index() {
        let out = expand(quote! { #[oauth(user = U)] struct M(#[oauth(generator)] G); });
        assert!(
            out.contains("generate_access_token (& self . 0 , client , user , scope)"),
            "{out}"
        );
    }

    #[test]
    fn generic_structs_get_bounds_on_field_and_self() {
        let out = expand(quote! {
            #[oauth(user = U)]
            struct M<S: Clone> where S: Default { #[oauth(tokens)] s: S }
        });
        assert!(out.contains("impl < S : Clone > :: oauth2_server :: AccessTokenStore < U > for M < S > where S : Default , M < S > : :: core :: marker :: Send"), "{out}");
        assert!(out.contains("S : :: oauth2_server :: AccessTokenStore < U > ,"), "{out}");
    }

    #[test]
    fn errors_come_with_stub_impls() {
        let out = expand(quote! {
            #[oauth(user = U)]
            struct M { #[oauth(tokens, tokenz)] a: A }
        });
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("type User = U"), "{out}");
        assert!(out.contains("AccessTokenStore < U > for M"), "{out}");
        assert!(out.contains("unreachable"), "{out}");
    }

    #[test]
    fn a_misspelled_key_gets_the_stub_it_most_likely_meant() {
        let out = expand(quote! { #[oauth(user = U)] struct M { #[oauth(token)] a: A } });
        assert!(out.contains("AccessTokenStore < U > for M"), "{out}");
    }

    #[test]
    fn missing_user_stubs_use_the_unit_type() {
        let out = expand(quote! { struct M { #[oauth(clients)] a: A } });
        assert!(out.contains("type User = ()"), "{out}");
    }

    #[test]
    fn generated_items_are_in_an_anonymous_const() {
        let out = expand(quote! { #[oauth(user = U)] struct M; });
        assert!(out.contains("const _ : () ="), "{out}");
        assert!(out.contains("# [automatically_derived]"), "{out}");
    }
}
