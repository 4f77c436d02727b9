//! The derive input as the rest of the crate sees it: the struct, its `#[oauth]` attributes,
//! and its fields with the capabilities they provide.

use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Index, Member, Type};

use crate::attr::{self, Key, StructAttrs};
use crate::capability::Capability;
use crate::ctxt::Ctxt;

/// The struct the derive is on.
pub(crate) struct Model<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: StructAttrs,
    /// Every field, with or without keys. Empty for an enum or union (already an error).
    pub(crate) fields: Vec<Field<'a>>,
}

/// One field of the struct.
pub(crate) struct Field<'a> {
    /// `self.name` or `self.0`.
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    /// The capability keys of its `#[oauth(...)]` attributes, in the order written.
    pub(crate) keys: Vec<Key>,
    /// What its unknown keys most likely meant (see [`attr::FieldAttrs::guessed`]).
    pub(crate) guessed: Vec<Key>,
}

impl Field<'_> {
    /// How messages name the field: "field `store`" or "field `0`".
    pub(crate) fn describe(&self) -> String {
        match &self.member {
            Member::Named(ident) => format!("field `{ident}`"),
            Member::Unnamed(index) => format!("field `{}`", index.index),
        }
    }
}

impl<'a> Model<'a> {
    /// Reads the derive input, recording every attribute mistake in `cx`.
    pub(crate) fn from_syn(input: &'a DeriveInput, cx: &Ctxt) -> Self {
        let attrs = attr::parse_struct_attrs(&input.attrs, cx);
        let fields = match &input.data {
            Data::Struct(data) => fields(&data.fields, cx),
            Data::Enum(data) => {
                cx.error(data.enum_token.span(), not_a_struct("an enum"));
                Vec::new()
            }
            Data::Union(data) => {
                cx.error(data.union_token.span(), not_a_struct("a union"));
                Vec::new()
            }
        };
        Model { ident: &input.ident, generics: &input.generics, attrs, fields }
    }

    /// Whether an unknown key most likely meant `capability` (already an error).
    pub(crate) fn guessed(&self, capability: Capability) -> bool {
        self.fields.iter().flat_map(|f| &f.guessed).any(|key| key.capability == capability)
    }

    /// The field `capability` is delegated to, with its key (the first, if repeated).
    pub(crate) fn delegation(&self, capability: Capability) -> Option<(&Field<'a>, Key)> {
        self.fields.iter().find_map(|field| {
            let key = field.keys.iter().find(|key| key.capability == capability)?;
            Some((field, *key))
        })
    }
}

fn not_a_struct(what: &str) -> String {
    format!(
        "`#[derive(OAuthModel)]` is for structs, not {what}: put your stores in the fields of a struct and delegate to them with `#[oauth(clients)]`, `#[oauth(tokens)]`, ..."
    )
}

fn fields<'a>(fields: &'a Fields, cx: &Ctxt) -> Vec<Field<'a>> {
    fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let attrs = attr::parse_field_attrs(&field.attrs, cx);
            Field {
                member: match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(Index { index: i as u32, span: field.ty.span() }),
                },
                ty: &field.ty,
                keys: attrs.keys,
                guessed: attrs.guessed,
            }
        })
        .collect()
}
