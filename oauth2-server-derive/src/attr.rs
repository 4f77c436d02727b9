//! Parsing of `#[oauth(...)]` attributes, on the struct and on its fields.
//!
//! Each attribute is parsed item by item: a bad item is recorded in the [`Ctxt`] and skipped up
//! to the next comma, so one typo does not hide the mistakes after it.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Attribute, Ident, Token, Type};

use crate::capability::Capability;
use crate::ctxt::Ctxt;

mod kw {
    syn::custom_keyword!(user);
    syn::custom_keyword!(custom);
    syn::custom_keyword!(clients);
    syn::custom_keyword!(tokens);
    syn::custom_keyword!(codes);
    syn::custom_keyword!(refresh);
    syn::custom_keyword!(password);
    syn::custom_keyword!(client_credentials);
    syn::custom_keyword!(revocation);
    syn::custom_keyword!(scopes);
    syn::custom_keyword!(generator);
}

/// A capability key as written, with the span of the keyword (errors point at it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key {
    pub(crate) capability: Capability,
    pub(crate) span: Span,
}

/// What the struct-level attributes say.
#[derive(Default, Clone)]
pub(crate) struct StructAttrs {
    /// `user = Type`.
    pub(crate) user: Option<Type>,
    /// `custom(scopes, generator)`: capabilities the user implements by hand.
    pub(crate) custom: Vec<Key>,
}

impl StructAttrs {
    /// The `custom(...)` entry for `capability`, if any.
    pub(crate) fn custom(&self, capability: Capability) -> Option<&Key> {
        self.custom.iter().find(|key| key.capability == capability)
    }
}

fn is_oauth(attr: &Attribute) -> bool {
    attr.path().is_ident("oauth")
}

/// Parses the `#[oauth(...)]` attributes of the struct.
pub(crate) fn parse_struct_attrs(attrs: &[Attribute], cx: &Ctxt) -> StructAttrs {
    let mut out = StructAttrs::default();
    for attr in attrs.iter().filter(|a| is_oauth(a)) {
        let parsed = attr.parse_args_with(|input: ParseStream| {
            parse_items(input, cx, |input| parse_struct_item(input, cx, &mut out))
        });
        if let Err(err) = parsed {
            cx.syn_error(err);
        }
    }
    out
}

fn parse_struct_item(input: ParseStream, cx: &Ctxt, out: &mut StructAttrs) -> syn::Result<()> {
    let lookahead = input.lookahead1();
    if lookahead.peek(kw::user) {
        let keyword: kw::user = input.parse()?;
        input.parse::<Token![=]>()?;
        let ty: Type = input.parse()?;
        if out.user.is_some() {
            cx.error(keyword.span, "`user` is specified more than once");
        } else {
            out.user = Some(ty);
        }
        Ok(())
    } else if lookahead.peek(kw::custom) {
        input.parse::<kw::custom>()?;
        let content;
        let parens = syn::parenthesized!(content in input);
        if content.is_empty() {
            cx.error(
                parens.span.join(),
                "expected `custom(scopes)`, `custom(generator)` or `custom(scopes, generator)`",
            );
        }
        parse_items(&content, cx, |input| parse_custom_item(input, cx, &mut out.custom))
    } else if let Some(key) = peek_field_key(input)? {
        let key_name = key.capability.key();
        cx.error(
            key.span,
            format_args!(
                "`{key_name}` delegates a capability to a field: put `#[oauth({key_name})]` on the field that implements `{}`, not on the struct",
                key.capability.trait_name()
            ),
        );
        Ok(())
    } else {
        Err(lookahead.error())
    }
}

fn parse_custom_item(input: ParseStream, cx: &Ctxt, custom: &mut Vec<Key>) -> syn::Result<()> {
    let lookahead = input.lookahead1();
    let key = if lookahead.peek(kw::scopes) {
        Key { capability: Capability::Scopes, span: input.parse::<kw::scopes>()?.span }
    } else if lookahead.peek(kw::generator) {
        Key { capability: Capability::Generator, span: input.parse::<kw::generator>()?.span }
    } else {
        return Err(lookahead.error());
    };
    if custom.iter().any(|k| k.capability == key.capability) {
        cx.error(key.span, format_args!("`{}` is specified more than once", key.capability.key()));
    } else {
        custom.push(key);
    }
    Ok(())
}

/// What the `#[oauth(...)]` attributes of one field say.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// The capability keys in the order written, repeats included (the check pass reports
    /// them).
    pub(crate) keys: Vec<Key>,
    /// Capabilities an unknown key most likely meant (`token` for `tokens`): already an error,
    /// they only tell the fallback which stubs to emit, to spare follow-up errors.
    pub(crate) guessed: Vec<Key>,
}

/// Parses the `#[oauth(...)]` attributes of one field.
pub(crate) fn parse_field_attrs(attrs: &[Attribute], cx: &Ctxt) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| is_oauth(a)) {
        let parsed = attr.parse_args_with(|input: ParseStream| {
            parse_items(input, cx, |input| parse_field_item(input, cx, &mut out))
        });
        if let Err(err) = parsed {
            cx.syn_error(err);
        }
    }
    out
}

fn parse_field_item(input: ParseStream, cx: &Ctxt, out: &mut FieldAttrs) -> syn::Result<()> {
    if input.peek(kw::user) {
        let keyword: kw::user = input.parse()?;
        cx.error(
            keyword.span,
            "`user` belongs on the struct, not on a field: `#[oauth(user = YourUser)]` above the struct",
        );
        return skip_item(input);
    }
    if input.peek(kw::custom) {
        let keyword: kw::custom = input.parse()?;
        cx.error(
            keyword.span,
            "`custom(...)` belongs on the struct, not on a field: `#[oauth(custom(scopes))]` above the struct",
        );
        return skip_item(input);
    }
    if let Some(key) = peek_field_key(input)? {
        out.keys.push(key);
        return Ok(());
    }
    let error = field_key_lookahead(input);
    let Ok(unknown) = input.fork().call(Ident::parse_any) else { return Err(error) };
    match suggest(&unknown.to_string()) {
        Some(capability) => {
            out.guessed.push(Key { capability, span: unknown.span() });
            let message = format!("{error}; did you mean `{}`?", capability.key());
            Err(syn::Error::new(unknown.span(), message))
        }
        None => Err(error),
    }
}

/// The field key an unknown word most likely meant: a prefix either way (`client` for
/// `clients`, `refresh_token` for `refresh`) or at most two edits away.
fn suggest(word: &str) -> Option<Capability> {
    let word = word.to_ascii_lowercase();
    Capability::ALL
        .into_iter()
        .map(|capability| {
            let key = capability.key();
            let prefix = word.len() >= 4 && (key.starts_with(&word) || word.starts_with(key));
            (if prefix { 0 } else { edit_distance(&word, key) }, capability)
        })
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, capability)| capability)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Consumes a field key if one is next.
fn peek_field_key(input: ParseStream) -> syn::Result<Option<Key>> {
    macro_rules! keys {
        ($($kw:ident => $cap:ident),* $(,)?) => {
            $(
                if input.peek(kw::$kw) {
                    let span = input.parse::<kw::$kw>()?.span;
                    return Ok(Some(Key { capability: Capability::$cap, span }));
                }
            )*
        };
    }
    keys!(
        clients => Clients,
        tokens => Tokens,
        codes => Codes,
        refresh => Refresh,
        password => Password,
        client_credentials => ClientCredentials,
        revocation => Revocation,
        scopes => Scopes,
        generator => Generator,
    );
    Ok(None)
}

/// The "expected one of ..." error listing every field key.
fn field_key_lookahead(input: ParseStream) -> syn::Error {
    let lookahead = input.lookahead1();
    // Peeking only records what was expected: none of these match here.
    let _ = lookahead.peek(kw::clients)
        || lookahead.peek(kw::tokens)
        || lookahead.peek(kw::codes)
        || lookahead.peek(kw::refresh)
        || lookahead.peek(kw::password)
        || lookahead.peek(kw::client_credentials)
        || lookahead.peek(kw::revocation)
        || lookahead.peek(kw::scopes)
        || lookahead.peek(kw::generator);
    lookahead.error()
}

/// Parses a comma-separated list with `item`, recording a failed item's error and skipping to
/// the next comma, so every mistake of the list is reported.
fn parse_items(
    input: ParseStream,
    cx: &Ctxt,
    mut item: impl FnMut(ParseStream) -> syn::Result<()>,
) -> syn::Result<()> {
    while !input.is_empty() {
        if let Err(err) = item(input) {
            cx.syn_error(err);
            skip_item(input)?;
        }
        if input.is_empty() {
            break;
        }
        if let Err(err) = input.parse::<Token![,]>() {
            cx.syn_error(err);
            skip_item(input)?;
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
    }
    Ok(())
}

/// Skips tokens up to (not including) the next top-level comma.
fn skip_item(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use crate::test_support::{assert_one_error, delegations, errors};

    #[test]
    fn field_keys_are_read_in_order() {
        let found = delegations(quote! {
            #[oauth(user = U)]
            struct M {
                #[oauth(clients, tokens)]
                a: A,
                #[oauth(codes)]
                #[oauth(refresh, password, client_credentials, scopes, generator)]
                b: B,
            }
        });
        let keys: Vec<_> = found.iter().map(|(k, f)| format!("{k}@{f}")).collect();
        assert_eq!(
            keys,
            [
                "clients@field `a`",
                "tokens@field `a`",
                "codes@field `b`",
                "refresh@field `b`",
                "password@field `b`",
                "client_credentials@field `b`",
                "scopes@field `b`",
                "generator@field `b`",
            ]
        );
    }

    #[test]
    fn tuple_struct_fields_are_named_by_index() {
        let found = delegations(quote! {
            #[oauth(user = U)]
            struct M(A, #[oauth(tokens)] B);
        });
        assert_eq!(found, [("tokens", "field `1`".to_owned())]);
    }

    #[test]
    fn unknown_field_key_lists_the_accepted_keys() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth(token)] a: A }
            },
            "expected one of: `clients`, `tokens`, `codes`, `refresh`, `password`, `client_credentials`, `revocation`, `scopes`, `generator`",
        );
    }

    #[test]
    fn unknown_field_key_close_to_a_key_suggests_it() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth(client_credential)] a: A }
            },
            "; did you mean `client_credentials`?",
        );
    }

    #[test]
    fn unknown_field_key_far_from_every_key_suggests_nothing() {
        let errors = errors(quote! {
            #[oauth(user = U)]
            struct M { #[oauth(database)] a: A }
        });
        assert!(!errors[0].contains("did you mean"), "{errors:#?}");
    }

    #[test]
    fn suggestions_cover_prefixes_and_typos() {
        use super::suggest;
        use crate::capability::Capability;
        assert_eq!(suggest("client"), Some(Capability::Clients));
        assert_eq!(suggest("refresh_token"), Some(Capability::Refresh));
        assert_eq!(suggest("tokenz"), Some(Capability::Tokens));
        assert_eq!(suggest("Codes"), Some(Capability::Codes));
        assert_eq!(suggest("db"), None);
    }

    #[test]
    fn unknown_struct_key_lists_the_accepted_keys() {
        assert_one_error(
            quote! {
                #[oauth(user = U, usr = V)]
                struct M;
            },
            "expected `user` or `custom`",
        );
    }

    #[test]
    fn unknown_custom_key_lists_the_accepted_keys() {
        assert_one_error(
            quote! {
                #[oauth(user = U, custom(clients))]
                struct M;
            },
            "expected `scopes` or `generator`",
        );
    }

    #[test]
    fn empty_custom_is_refused() {
        assert_one_error(
            quote! {
                #[oauth(user = U, custom())]
                struct M;
            },
            "expected `custom(scopes)`",
        );
    }

    #[test]
    fn user_twice_is_specified_more_than_once() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                #[oauth(user = V)]
                struct M;
            },
            "`user` is specified more than once",
        );
    }

    #[test]
    fn custom_key_twice_is_specified_more_than_once() {
        assert_one_error(
            quote! {
                #[oauth(user = U, custom(scopes, scopes))]
                struct M;
            },
            "`scopes` is specified more than once",
        );
    }

    #[test]
    fn user_on_a_field_says_it_belongs_on_the_struct() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth(user = U)] a: A }
            },
            "`user` belongs on the struct",
        );
    }

    #[test]
    fn custom_on_a_field_says_it_belongs_on_the_struct() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth(custom(scopes))] a: A }
            },
            "`custom(...)` belongs on the struct",
        );
    }

    #[test]
    fn field_key_on_the_struct_says_to_put_it_on_a_field() {
        assert_one_error(
            quote! {
                #[oauth(user = U, tokens)]
                struct M;
            },
            "put `#[oauth(tokens)]` on the field that implements `AccessTokenStore`",
        );
    }

    #[test]
    fn missing_comma_is_reported() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth(tokens codes)] a: A }
            },
            "expected `,`",
        );
    }

    #[test]
    fn attribute_without_arguments_is_reported() {
        assert_one_error(
            quote! {
                #[oauth(user = U)]
                struct M { #[oauth] a: A }
            },
            "expected attribute arguments in parentheses",
        );
    }

    #[test]
    fn every_bad_key_of_one_attribute_is_reported() {
        let errors = errors(quote! {
            #[oauth(user = U)]
            struct M { #[oauth(token, clients, code)] a: A }
        });
        assert_eq!(errors.len(), 2, "{errors:#?}");
    }

    #[test]
    fn other_attributes_are_ignored() {
        let errors = errors(quote! {
            #[derive(Debug)]
            #[serde(rename = "x")]
            #[oauth(user = U)]
            struct M { #[serde(skip)] a: A }
        });
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn user_may_be_a_generic_type() {
        let errors = errors(quote! {
            #[oauth(user = Vec<Option<(u8, String)>>, custom(generator))]
            struct M;
        });
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
