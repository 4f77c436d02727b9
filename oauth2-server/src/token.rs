//! The records the server hands to storage: tokens, authorization codes, grant ids.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use rand::RngCore as _;

use crate::pkce::CodeChallenge;
use crate::scope::Scope;
use crate::secret::Secret;

/// Identifies one authorization grant: the code exchange or password login that started it,
/// and every access and refresh token issued from it since (its "family"). Replaying a code
/// revokes the whole grant (RFC 6749 4.1.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GrantId(pub u128);

impl GrantId {
    /// A new random id.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(u128::from_le_bytes(bytes))
    }

    /// Parses the 32-character hex form.
    pub fn from_hex(s: &str) -> Option<Self> {
        if s.len() != 32 {
            return None;
        }
        u128::from_str_radix(s, 16).ok().map(Self)
    }
}

impl fmt::Display for GrantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Debug for GrantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GrantId({self})")
    }
}

/// What an access or refresh token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<U> {
    /// The client it was issued to.
    pub client_id: Arc<str>,
    /// The resource owner; `None` for a client acting on its own behalf (client_credentials).
    pub user: Option<U>,
    /// The scope granted.
    pub scope: Scope,
    /// The grant the token belongs to; `None` for client_credentials tokens, which have no
    /// refresh token and no code.
    pub grant_id: Option<GrantId>,
    /// When it was issued.
    pub issued_at: SystemTime,
    /// When it expires. Stores must not return expired tokens; the server checks again.
    pub expires_at: SystemTime,
}

impl<U> Token<U> {
    /// True when `now` is at or past the expiry.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        now >= self.expires_at
    }
}

/// A refresh token retired by rotation, remembered for reuse detection (RFC 9700 4.14.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredToken<U> {
    /// What the token stood for.
    pub token: Token<U>,
    /// When it was rotated out.
    pub retired_at: SystemTime,
}

/// A freshly generated secret value and what it stands for.
#[derive(Debug, Clone)]
pub struct Issued<T> {
    /// The value handed to the client. Stores should key by [`Secret::hash`], not keep it.
    pub value: Secret,
    /// What the value stands for.
    pub data: T,
}

/// What one token request issues: an access token, and maybe a refresh token. Both are saved
/// together by [`AccessTokenStore::save_token`](crate::AccessTokenStore::save_token).
#[derive(Debug, Clone)]
pub struct NewTokens<U> {
    /// The access token.
    pub access: Issued<Token<U>>,
    /// The refresh token, when the grant issues one.
    pub refresh: Option<Issued<Token<U>>>,
}

/// An authorization code's data (RFC 6749 4.1.2): bound to the client, the redirect URI sent at
/// the authorization endpoint, and the PKCE challenge (RFC 7636 4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode<U> {
    /// The client the code was issued to.
    pub client_id: Arc<str>,
    /// The user who approved.
    pub user: U,
    /// The scope approved.
    pub scope: Scope,
    /// The `redirect_uri` of the authorization request, if it carried one (RFC 6749 4.1.3:
    /// the token request must then repeat it).
    pub redirect_uri: Option<String>,
    /// The PKCE challenge, if any.
    pub challenge: Option<CodeChallenge>,
    /// The grant that tokens issued from this code will belong to.
    pub grant_id: GrantId,
    /// When it was issued.
    pub issued_at: SystemTime,
    /// When it expires (5 minutes by default; RFC 6749 4.1.2 says at most 10).
    pub expires_at: SystemTime,
}

/// What [`AuthorizationCodeStore::take_authorization_code`](crate::AuthorizationCodeStore::take_authorization_code)
/// found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRedemption<U> {
    /// The code was live; the store has consumed it. Exactly one caller may see this for a
    /// given code, however many race.
    Redeemed(AuthorizationCode<U>),
    /// The code was already consumed. The store remembers consumed codes until they would have
    /// expired, so that a replay can revoke the tokens of the grant (RFC 6749 4.1.2).
    Replayed {
        /// The client the code was issued to.
        client_id: Arc<str>,
        /// The grant to revoke.
        grant_id: GrantId,
    },
    /// No such code (or it expired).
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_id_hex_round_trips() {
        let g = GrantId::generate();
        assert_eq!(GrantId::from_hex(&g.to_string()), Some(g));
        assert_eq!(GrantId::from_hex("xyz"), None);
    }
}
