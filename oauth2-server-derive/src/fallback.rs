//! What the derive emits when the attributes are wrong: every error, plus stub impls of what
//! the attributes asked for, so that the user sees the real mistakes and not dozens of "trait
//! not implemented" errors where the model is used (thiserror's `fallback.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Model;
use crate::bound::ImplGenerics;
use crate::capability::Capability;
use crate::expand::{default_impl, oauth_model_impl, user_type, wrap};

/// The `compile_error!`s of `errors`, and stubs whose bodies are never run (the crate does not
/// compile): the `OAuthModel` impl, the capabilities the keys delegate or most likely meant,
/// and the defaulted ones.
pub(crate) fn expand(model: &Model, errors: &[syn::Error]) -> TokenStream {
    let errors = errors.iter().map(syn::Error::to_compile_error);
    let user = user_type(model);
    let generics = ImplGenerics::new(model.ident, model.generics, &user);
    let mut impls = vec![oauth_model_impl(model, &generics, &user)];
    for capability in Capability::ALL {
        if model.attrs.custom(capability).is_some() {
            continue; // written by hand: a stub would conflict with it
        }
        if model.delegation(capability).is_some() || model.guessed(capability) {
            impls.push(stub_impl(model, &generics, &user, capability));
        } else if capability.has_defaults() {
            impls.push(default_impl(model, &generics, &user, capability));
        }
    }
    let stubs = wrap(impls);
    quote! {
        #(#errors)*
        #stubs
    }
}

/// An impl of `capability` whose methods are `unreachable!()`.
fn stub_impl(
    model: &Model,
    generics: &ImplGenerics,
    user: &TokenStream,
    capability: Capability,
) -> TokenStream {
    let header = generics.header(&capability.trait_path(user), model.ident, None);
    let methods = capability.methods(user).into_iter().map(|method| {
        let signature = method.signature(false);
        if method.is_async {
            quote!(#signature { async { ::core::unreachable!() } })
        } else {
            quote!(#signature { ::core::unreachable!() })
        }
    });
    quote! {
        #[automatically_derived]
        #header {
            #(#methods)*
        }
    }
}
