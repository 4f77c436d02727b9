//! The demo server's JSON configuration (the "Demo server contract" in docs/ARCHITECTURE.md).

use std::time::Duration;

use serde::Deserialize;

/// The whole configuration file.
///
/// `issuer`, `profile` and the lifetimes are optional; a `null` or absent client `secret` makes
/// a public client.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    /// The issuer identifier; default `http://ADDR` (the address the server listens on).
    #[serde(default)]
    pub issuer: Option<String>,
    /// `"oauth2"` (default) or `"oauth2.1"`.
    #[serde(default)]
    pub profile: Profile,
    /// Access token lifetime in seconds (default 3600).
    #[serde(default)]
    pub access_token_lifetime: Option<u64>,
    /// Refresh token lifetime in seconds (default 14 days).
    #[serde(default)]
    pub refresh_token_lifetime: Option<u64>,
    /// Authorization code lifetime in seconds (default 300).
    #[serde(default)]
    pub authorization_code_lifetime: Option<u64>,
    /// The registered clients.
    pub clients: Vec<ClientConfig>,
    /// The resource owners who can log in (and use the password grant).
    #[serde(default)]
    pub users: Vec<UserConfig>,
}

/// Which rule set the server follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Profile {
    /// OAuth 2.0 (RFC 6749) with the Security BCP defaults.
    #[default]
    #[serde(rename = "oauth2")]
    OAuth2,
    /// OAuth 2.1: no password grant, PKCE (S256) for every client.
    #[serde(rename = "oauth2.1")]
    OAuth21,
}

/// One registered client.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The `client_id`.
    pub id: String,
    /// The secret of a confidential client; `null` or absent for a public client. Kept only as
    /// its SHA-256 once the server is built.
    #[serde(default)]
    pub secret: Option<String>,
    /// Registered redirect URIs (exact match).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Grant type names: `authorization_code`, `refresh_token`, `client_credentials`, `password`.
    #[serde(default)]
    pub grants: Vec<String>,
    /// Scopes the client may be granted; an omitted scope in a request gets all of them.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A resource owner.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// The login name (also what `/protected` reports as `user`).
    pub username: String,
    /// The password.
    pub password: String,
}

/// The configuration used when no `--config` is given.
pub const BUILTIN_CONFIG: &str = r#"{
  "profile": "oauth2",
  "access_token_lifetime": 3600,
  "refresh_token_lifetime": 1209600,
  "authorization_code_lifetime": 300,
  "clients": [
    { "id": "demo-client", "secret": "demo-secret",
      "redirect_uris": ["http://127.0.0.1:9999/cb"],
      "grants": ["authorization_code", "refresh_token", "client_credentials", "password"],
      "scopes": ["read", "write"] },
    { "id": "demo-spa", "secret": null, "redirect_uris": ["http://127.0.0.1:9999/cb"],
      "grants": ["authorization_code", "refresh_token"], "scopes": ["read"] }
  ],
  "users": [ { "username": "alice", "password": "wonderland" } ]
}"#;

impl DemoConfig {
    /// The built-in demo configuration ([`BUILTIN_CONFIG`]).
    pub fn builtin() -> Self {
        Self::from_json(BUILTIN_CONFIG).expect("the built-in config is valid")
    }

    /// Parses a configuration file's text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub(crate) fn lifetime(seconds: Option<u64>) -> Option<Duration> {
        seconds.map(Duration::from_secs)
    }
}
