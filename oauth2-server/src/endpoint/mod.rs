//! The endpoints, as methods of [`OAuthServer`](crate::OAuthServer).

pub(crate) mod authenticate;
pub(crate) mod authorize;
pub(crate) mod introspect;
pub(crate) mod metadata;
pub(crate) mod revoke;
pub(crate) mod token;
