//! What the persistent stores keep, and how: JSON documents for tokens, codes, clients and
//! users, millisecond timestamps, and the salted password digest. Shared by the SQLite,
//! PostgreSQL and Redis stores so that they agree on one format.
//!
//! Only hashes of token and code values ever reach storage: the records below carry what a
//! token *stands for*, never the value; the value's [`TokenHash`](crate::TokenHash) is the key.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::{Client, GrantType};
use crate::error::ModelError;
use crate::pkce::{CodeChallenge, PkceMethod};
use crate::scope::Scope;
use crate::secret::{hex, ClientSecret};
use crate::token::{AuthorizationCode, GrantId, Token};

/// A user type the persistent stores can keep: it is stored as JSON (with `serde_json`), in the
/// token and code records and in the users table.
///
/// Storing the user itself, rather than a user id plus a lookup hook, keeps every store
/// self-contained (a token lookup is one read) and keeps the user type yours: any
/// `Serialize + DeserializeOwned` type works, from `String` to a struct with claims. Keep it
/// small (an id, a name, a few claims): it is copied into every token. Implemented for every
/// type with the listed bounds.
pub trait StoredUser: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {}

impl<U: Serialize + DeserializeOwned + Clone + Send + Sync + 'static> StoredUser for U {}

/// How long a revoked grant is remembered (as `MemoryStore` does), so that a token save racing
/// the revocation (a code replay arriving while the first redemption is still saving) cannot
/// make tokens live.
pub(crate) const REVOKED_GRANT_MEMORY: Duration = Duration::from_secs(600);

/// Milliseconds since the Unix epoch (timestamps before it are clamped to 0).
pub(crate) fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The inverse of [`millis`].
pub(crate) fn from_millis(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

pub(crate) fn json_err(err: serde_json::Error) -> ModelError {
    ModelError::new(err)
}

fn corrupt(what: &str) -> ModelError {
    ModelError::msg(format!("stored record is corrupt: {what}"))
}

fn parse_grant(s: &str) -> Result<GrantId, ModelError> {
    GrantId::from_hex(s).ok_or_else(|| corrupt("grant id"))
}

fn parse_scope(s: &str) -> Result<Scope, ModelError> {
    Scope::parse(s).map_err(|_| corrupt("scope"))
}

/// An access or refresh token's data.
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredToken<U> {
    client_id: String,
    user: Option<U>,
    scope: String,
    grant_id: Option<String>,
    issued_at: i64,
    expires_at: i64,
}

impl<U: StoredUser> StoredToken<U> {
    pub(crate) fn encode(token: &Token<U>) -> Result<String, ModelError> {
        serde_json::to_string(&StoredToken {
            client_id: token.client_id.to_string(),
            user: token.user.clone(),
            scope: token.scope.as_str().to_owned(),
            grant_id: token.grant_id.map(|g| g.to_string()),
            issued_at: millis(token.issued_at),
            expires_at: millis(token.expires_at),
        })
        .map_err(json_err)
    }

    pub(crate) fn decode(json: &str) -> Result<Token<U>, ModelError> {
        let t: StoredToken<U> = serde_json::from_str(json).map_err(json_err)?;
        Ok(Token {
            client_id: Arc::from(t.client_id),
            user: t.user,
            scope: parse_scope(&t.scope)?,
            grant_id: t.grant_id.as_deref().map(parse_grant).transpose()?,
            issued_at: from_millis(t.issued_at),
            expires_at: from_millis(t.expires_at),
        })
    }
}

/// An authorization code's data.
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredCode<U> {
    client_id: String,
    user: U,
    scope: String,
    redirect_uri: Option<String>,
    challenge_method: Option<String>,
    challenge: Option<String>,
    grant_id: String,
    issued_at: i64,
    expires_at: i64,
}

impl<U: StoredUser> StoredCode<U> {
    pub(crate) fn encode(code: &AuthorizationCode<U>) -> Result<String, ModelError> {
        serde_json::to_string(&StoredCode {
            client_id: code.client_id.to_string(),
            user: code.user.clone(),
            scope: code.scope.as_str().to_owned(),
            redirect_uri: code.redirect_uri.clone(),
            challenge_method: code.challenge.as_ref().map(|c| c.method.as_str().to_owned()),
            challenge: code.challenge.as_ref().map(|c| c.challenge.clone()),
            grant_id: code.grant_id.to_string(),
            issued_at: millis(code.issued_at),
            expires_at: millis(code.expires_at),
        })
        .map_err(json_err)
    }

    pub(crate) fn decode(json: &str) -> Result<AuthorizationCode<U>, ModelError> {
        let c: StoredCode<U> = serde_json::from_str(json).map_err(json_err)?;
        let challenge = match (c.challenge_method, c.challenge) {
            (Some(method), Some(challenge)) => Some(CodeChallenge {
                method: PkceMethod::parse(&method).ok_or_else(|| corrupt("PKCE method"))?,
                challenge,
            }),
            _ => None,
        };
        Ok(AuthorizationCode {
            client_id: Arc::from(c.client_id),
            user: c.user,
            scope: parse_scope(&c.scope)?,
            redirect_uri: c.redirect_uri,
            challenge,
            grant_id: parse_grant(&c.grant_id)?,
            issued_at: from_millis(c.issued_at),
            expires_at: from_millis(c.expires_at),
        })
    }
}

/// The client and grant of a consumed code: all a replay tombstone needs.
pub(crate) fn parse_grant_id(s: &str) -> Result<GrantId, ModelError> {
    parse_grant(s)
}

/// A registered client. A plain secret is hashed before it is stored: only SHA-256 digests of
/// client secrets are kept at rest (verification is the same for both forms).
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredClient {
    secret_sha256: Option<String>,
    redirect_uris: Vec<String>,
    grants: Vec<String>,
    scope: Option<String>,
    access_token_lifetime_ms: Option<u64>,
    refresh_token_lifetime_ms: Option<u64>,
    authorization_code_lifetime_ms: Option<u64>,
}

impl StoredClient {
    pub(crate) fn encode(client: &Client) -> Result<String, ModelError> {
        let secret_sha256 = client.secret().map(|s| match s {
            ClientSecret::Sha256(digest) => hex(digest),
            ClientSecret::Plain(plain) => hex(&crate::secret::sha256(plain.as_bytes())),
        });
        let ms = |d: Option<Duration>| d.map(|d| d.as_millis() as u64);
        serde_json::to_string(&StoredClient {
            secret_sha256,
            redirect_uris: client.registered_redirect_uris().to_vec(),
            grants: client.allowed_grants().iter().map(|g| g.as_str().to_owned()).collect(),
            scope: client.allowed_scope().map(|s| s.as_str().to_owned()),
            access_token_lifetime_ms: ms(client.access_token_lifetime_override()),
            refresh_token_lifetime_ms: ms(client.refresh_token_lifetime_override()),
            authorization_code_lifetime_ms: ms(client.authorization_code_lifetime_override()),
        })
        .map_err(json_err)
    }

    pub(crate) fn decode(id: &str, json: &str) -> Result<Client, ModelError> {
        let c: StoredClient = serde_json::from_str(json).map_err(json_err)?;
        let mut client = match c.secret_sha256 {
            Some(digest) => Client::confidential(
                id,
                ClientSecret::from_sha256_hex(&digest).ok_or_else(|| corrupt("client secret"))?,
            ),
            None => Client::public(id),
        };
        client = client
            .redirect_uris(c.redirect_uris)
            .grants(c.grants.iter().map(|g| GrantType::parse(g)));
        if let Some(scope) = c.scope {
            client = client.with_scope(parse_scope(&scope)?);
        }
        if let Some(ms) = c.access_token_lifetime_ms {
            client = client.access_token_lifetime(Duration::from_millis(ms));
        }
        if let Some(ms) = c.refresh_token_lifetime_ms {
            client = client.refresh_token_lifetime(Duration::from_millis(ms));
        }
        if let Some(ms) = c.authorization_code_lifetime_ms {
            client = client.authorization_code_lifetime(Duration::from_millis(ms));
        }
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_round_trips_and_plain_secret_is_hashed() {
        let client = Client::confidential("c", ClientSecret::plain("hunter2"))
            .redirect_uri("https://c.example/cb")
            .grants([GrantType::AuthorizationCode, GrantType::Extension(Arc::from("urn:x"))])
            .scopes("read write")
            .unwrap()
            .access_token_lifetime(Duration::from_secs(60));
        let json = StoredClient::encode(&client).unwrap();
        assert!(!json.contains("hunter2"));
        let back = StoredClient::decode("c", &json).unwrap();
        assert!(back.secret().unwrap().verify("hunter2"));
        assert!(!back.secret().unwrap().verify("hunter3"));
        assert_eq!(back.registered_redirect_uris(), client.registered_redirect_uris());
        assert_eq!(back.allowed_grants(), client.allowed_grants());
        assert_eq!(back.allowed_scope(), client.allowed_scope());
        assert_eq!(back.access_token_lifetime_override(), Some(Duration::from_secs(60)));
    }
}
