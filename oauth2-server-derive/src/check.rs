//! Validation of a parsed [`Model`], so that expansion may assume a consistent one.

use std::collections::HashMap;

use crate::ast::Model;
use crate::capability::Capability;
use crate::ctxt::Ctxt;

/// Records in `cx` every rule the model breaks.
pub(crate) fn check(model: &Model, cx: &Ctxt) {
    check_user(model, cx);
    check_delegations(model, cx);
}

/// `#[oauth(user = ...)]` is required: the library never invents a user type.
fn check_user(model: &Model, cx: &Ctxt) {
    if model.attrs.user.is_none() {
        cx.error(
            model.ident.span(),
            format_args!(
                "missing `#[oauth(user = ...)]`: add `#[oauth(user = YourUser)]` to `{}` to name the type of your users (the `OAuthModel::User` type)",
                model.ident
            ),
        );
    }
}

/// Each capability comes from one place: one field, or a hand-written impl (`custom`).
fn check_delegations(model: &Model, cx: &Ctxt) {
    let mut delegated: HashMap<Capability, usize> = HashMap::new();
    for (index, field) in model.fields.iter().enumerate() {
        for key in &field.keys {
            let name = key.capability.key();
            let trait_name = key.capability.trait_name();
            if let Some(&first) = delegated.get(&key.capability) {
                let where_ = if first == index {
                    "this field".to_owned()
                } else {
                    model.fields[first].describe()
                };
                cx.error(
                    key.span,
                    format_args!(
                        "`{name}` is specified more than once: `{trait_name}` is already delegated to {where_}"
                    ),
                );
                continue;
            }
            delegated.insert(key.capability, index);
            if model.attrs.custom(key.capability).is_some() {
                cx.error(
                    key.span,
                    format_args!(
                        "`{name}` conflicts with `#[oauth(custom({name}))]` on the struct: `{trait_name}` is either implemented by hand or delegated to a field; remove one of them"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use crate::test_support::{assert_one_error, errors};

    #[test]
    fn missing_user_says_to_add_the_attribute() {
        assert_one_error(
            quote! {
                struct AppModel { #[oauth(tokens)] a: A }
            },
            "add `#[oauth(user = YourUser)]` to `AppModel`",
        );
    }

    #[test]
    fn key_repeated_in_one_attribute_is_specified_more_than_once() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth(tokens, tokens)] a: A }
            },
            "`tokens` is specified more than once: `AccessTokenStore` is already delegated to this field",
        );
    }

    #[test]
    fn capability_delegated_by_two_fields_is_specified_more_than_once() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth(codes)] a: A, #[oauth(codes)] b: B }
            },
            "`codes` is specified more than once: `AuthorizationCodeStore` is already delegated to field `a`",
        );
    }

    #[test]
    fn scopes_field_conflicts_with_custom_scopes() {
        assert_one_error(
            quote! {
                #[oauth(user = U, custom(scopes))]
                struct M { #[oauth(scopes)] a: A }
            },
            "`scopes` conflicts with `#[oauth(custom(scopes))]`",
        );
    }

    #[test]
    fn generator_field_conflicts_with_custom_generator() {
        assert_one_error(
            quote! {
                #[oauth(user = U, custom(scopes, generator))]
                struct M { #[oauth(generator)] a: A }
            },
            "`generator` conflicts with `#[oauth(custom(generator))]`",
        );
    }

    #[test]
    fn enum_is_refused() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                enum M { A }
            },
            "`#[derive(OAuthModel)]` is for structs, not an enum",
        );
    }

    #[test]
    fn union_is_refused() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                union M { a: u8 }
            },
            "`#[derive(OAuthModel)]` is for structs, not a union",
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let errors = errors(quote! {
            struct M {
                #[oauth(tokens, tokenz)]
                a: A,
                #[oauth(tokens, user = U)]
                b: B,
            }
        });
        assert_eq!(errors.len(), 4, "{errors:#?}");
    }

    #[test]
    fn model_without_delegations_is_valid() {
        assert!(errors(quote! { #[oauth(user = U)] struct M; }).is_empty());
    }
}
