//! Profiles: the typestate that makes `.password()` and the OAuth 2.1 profile exclude each
//! other at compile time.
//!
//! Users never name these types; they write `.profile(Profile::OAuth21)`.

/// The profiles a server can follow. Pass one to
/// [`ServerBuilder::profile`](crate::ServerBuilder::profile).
#[derive(Debug, Clone, Copy)]
pub struct Profile;

#[allow(non_upper_case_globals)]
impl Profile {
    /// OAuth 2.1 (draft): no password grant (a compile error), PKCE with S256 for every
    /// client, no bearer tokens in the query, refresh tokens of public clients rotated.
    pub const OAuth21: OAuth21 = OAuth21;
}

/// Builder state: OAuth 2.0 with the RFC 9700 defaults (the initial state).
#[derive(Debug, Clone, Copy, Default)]
pub struct OAuth2;

/// Builder state: OAuth 2.0 with the password grant enabled.
#[derive(Debug, Clone, Copy, Default)]
pub struct OAuth2WithPassword;

/// Builder state and profile choice: OAuth 2.1.
#[derive(Debug, Clone, Copy, Default)]
pub struct OAuth21;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::OAuth2 {}
    impl Sealed for super::OAuth2WithPassword {}
    impl Sealed for super::OAuth21 {}
}

/// A state of the [`ServerBuilder`](crate::ServerBuilder). Sealed.
pub trait BuilderState: sealed::Sealed + Send + Sync + 'static {
    /// True for the OAuth 2.1 profile.
    const OAUTH21: bool;
}

impl BuilderState for OAuth2 {
    const OAUTH21: bool = false;
}
impl BuilderState for OAuth2WithPassword {
    const OAUTH21: bool = false;
}
impl BuilderState for OAuth21 {
    const OAUTH21: bool = true;
}

/// States in which the password grant may be enabled.
#[diagnostic::on_unimplemented(
    message = "the OAuth 2.1 profile has no password grant",
    label = "`.password()` is not available after `.profile(Profile::OAuth21)`",
    note = "RFC 9700 2.4: the resource owner password credentials grant MUST NOT be used, and OAuth 2.1 removed it; use `.authorization_code()` with PKCE, or drop `.profile(Profile::OAuth21)`"
)]
pub trait AllowsPassword: BuilderState {}

#[diagnostic::do_not_recommend]
impl AllowsPassword for OAuth2 {}
#[diagnostic::do_not_recommend]
impl AllowsPassword for OAuth2WithPassword {}

/// States from which a profile may be chosen.
#[diagnostic::on_unimplemented(
    message = "the OAuth 2.1 profile cannot be chosen after `.password()`",
    label = "the password grant is already enabled on this builder",
    note = "OAuth 2.1 has no password grant (RFC 9700 2.4): remove `.password()`"
)]
pub trait AllowsProfile: BuilderState {}

#[diagnostic::do_not_recommend]
impl AllowsProfile for OAuth2 {}
#[diagnostic::do_not_recommend]
impl AllowsProfile for OAuth21 {}

/// A profile to pass to [`ServerBuilder::profile`](crate::ServerBuilder::profile).
pub trait ProfileChoice {
    /// The builder state it leads to.
    type State: BuilderState;
}

impl ProfileChoice for OAuth21 {
    type State = OAuth21;
}
