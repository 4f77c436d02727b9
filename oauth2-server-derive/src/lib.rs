//! `#[derive(OAuthModel)]` (placeholder until the derive lands).
use proc_macro::TokenStream;

/// Derives `OAuthModel`.
#[proc_macro_derive(OAuthModel, attributes(oauth))]
pub fn derive_oauth_model(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
