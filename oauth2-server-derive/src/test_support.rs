//! Helpers for the unit tests: run the parse and check passes on a struct written with
//! `quote!`.

use proc_macro2::TokenStream;

use crate::ast::Model;
use crate::check;
use crate::ctxt::Ctxt;

/// The messages of every error the derive reports for `input`, in order.
pub(crate) fn errors(input: TokenStream) -> Vec<String> {
    let input: syn::DeriveInput = syn::parse2(input).expect("test input is a valid item");
    let cx = Ctxt::new();
    let model = Model::from_syn(&input, &cx);
    check::check(&model, &cx);
    match cx.check() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// Asserts that `input` is reported with exactly one error, containing `expected`.
#[track_caller]
pub(crate) fn assert_one_error(input: TokenStream, expected: &str) {
    let errors = errors(input);
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    assert!(errors[0].contains(expected), "{:?} does not contain {expected:?}", errors[0]);
}

/// The delegations of a valid `input`: `(capability key, field)` in declaration order.
pub(crate) fn delegations(input: TokenStream) -> Vec<(&'static str, String)> {
    let input: syn::DeriveInput = syn::parse2(input).expect("test input is a valid item");
    let cx = Ctxt::new();
    let model = Model::from_syn(&input, &cx);
    let out = model
        .fields
        .iter()
        .flat_map(|f| f.keys.iter().map(move |k| (k.capability.key(), f.describe())))
        .collect();
    assert!(cx.check().is_ok(), "input has errors");
    out
}
