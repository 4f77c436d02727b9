//! Generics of the generated impls: the struct's own, plus the bounds a generic struct needs.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::{GenericParam, Generics, Ident};

/// The parts of an impl header: `impl #params Trait for Name #args where #predicates`.
pub(crate) struct ImplGenerics {
    pub(crate) params: TokenStream,
    pub(crate) args: TokenStream,
    pub(crate) predicates: Vec<TokenStream>,
}

impl ImplGenerics {
    /// The struct's generics and where clause, plus, when the struct has type parameters, the
    /// bounds `OAuthModel` and the capability traits put on `Self` and on the user type.
    pub(crate) fn new(ident: &Ident, generics: &Generics, user: &TokenStream) -> Self {
        let (params, args, where_clause) = generics.split_for_impl();
        let mut predicates: Vec<TokenStream> = where_clause
            .map(|w| w.predicates.iter().map(ToTokens::to_token_stream).collect())
            .unwrap_or_default();
        if generics.type_params().next().is_some() {
            predicates
                .push(quote!(#ident #args: ::core::marker::Send + ::core::marker::Sync + 'static));
            if mentions_type_param(user.clone(), generics) {
                predicates.push(quote!(
                    #user: ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync + 'static
                ));
            }
        }
        ImplGenerics { params: params.to_token_stream(), args: args.to_token_stream(), predicates }
    }

    /// `impl<..> #trait_path for #ident<..> where ..`, with `extra` predicates.
    pub(crate) fn header(
        &self,
        trait_path: &TokenStream,
        ident: &Ident,
        extra: Option<TokenStream>,
    ) -> TokenStream {
        let ImplGenerics { params, args, predicates } = self;
        let extra = extra.into_iter();
        quote!(impl #params #trait_path for #ident #args where #(#predicates,)* #(#extra,)*)
    }
}

/// Whether `tokens` name one of the type parameters of `generics`.
pub(crate) fn mentions_type_param(tokens: TokenStream, generics: &Generics) -> bool {
    let params: Vec<&Ident> = generics
        .params
        .iter()
        .filter_map(|p| match p {
            GenericParam::Type(t) => Some(&t.ident),
            _ => None,
        })
        .collect();
    fn walk(tokens: TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(ident) => params.iter().any(|p| **p == ident),
            TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    walk(tokens, &params)
}

/// `tokens` with every token spanned at `span`, so that an error about them is reported there.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(group) => {
                let mut new = Group::new(group.delimiter(), respan(group.stream(), span));
                new.set_span(span);
                TokenTree::Group(new)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}
