//! [`RedisStore`]: every capability under a Redis key prefix (feature `redis`).

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::SystemTime;

use ::redis::aio::ConnectionManager;
use ::redis::{AsyncCommands as _, Script};

use super::codec::{
    from_millis, json_err, millis, parse_grant_id, StoredClient, StoredCode, StoredToken,
    StoredUser,
};
use crate::client::Client;
use crate::error::ModelError;
use crate::model::{
    AccessTokenStore, AuthorizationCodeStore, ClientCredentialsStore, ClientStore, OAuthModel,
    PasswordStore, RefreshTokenStore, RevocationStore, ScopePolicy, TokenGenerator,
};
use crate::secret::{PasswordDigest, TokenHash};
use crate::token::{
    AuthorizationCode, CodeRedemption, GrantId, Issued, NewTokens, RetiredToken, Token,
};

/// The layout version [`RedisStore::migrate`] records under `<prefix>:schema`.
const SCHEMA_VERSION: i64 = 1;

/// Consumes a code. Atomic because a script runs alone on the server: the check of `state` and
/// its change to `consumed` cannot interleave with another redemption (RFC 6749 4.1.2: a code is
/// used once). The tombstone keeps only the client and grant, and the key's TTL.
const TAKE_CODE: &str = r"
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return false end
if state == 'live' then
  local data = redis.call('HGET', KEYS[1], 'data')
  redis.call('HSET', KEYS[1], 'state', 'consumed')
  redis.call('HDEL', KEYS[1], 'data')
  return {'redeemed', data}
end
return {'replayed', redis.call('HGET', KEYS[1], 'client_id'), redis.call('HGET', KEYS[1], 'grant_id')}
";

/// Retires a refresh token: moves `rt:<hash>` to `rx:<hash>` with the remaining TTL. Atomic for
/// the same reason, so that of two concurrent rotations exactly one sees `1`.
const RETIRE_REFRESH: &str = r"
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
if ttl > 0 then redis.call('SET', KEYS[2], ARGV[1] .. '|' .. value, 'PX', ttl) end
return 1
";

/// Saves the tokens of a grant unless the grant was revoked. One script, so that a revocation
/// cannot run between the check and the writes: a replayed code racing the first redemption
/// cannot leave usable tokens behind (RFC 6749 4.1.2).
/// KEYS: revoked, grant, at[, rt]; ARGV: at hash, at json, at PXAT, grant PXAT[, rt hash,
/// rt json, rt PXAT].
const SAVE_GRANT_TOKENS: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[3], ARGV[2], 'PXAT', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
if KEYS[4] then
  redis.call('SET', KEYS[4], ARGV[6], 'PXAT', ARGV[7])
  redis.call('SADD', KEYS[2], ARGV[5])
end
redis.call('PEXPIREAT', KEYS[2], ARGV[4], 'NX')
redis.call('PEXPIREAT', KEYS[2], ARGV[4], 'GT')
return 1
";

/// Revokes a grant: remembers the revocation for a while (`revoked:<id>`, ARGV[2] ms), then
/// deletes every token listed in `grant:<id>`, then the list. One script, so
/// a rotation cannot slip a token in between the read of the list and the deletions. (The token
/// keys are derived in the script: fine on one server, not for Redis Cluster.)
const REVOKE_GRANT: &str = r"
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
local members = redis.call('SMEMBERS', KEYS[1])
for _, h in ipairs(members) do
  redis.call('DEL', ARGV[1] .. 'at:' .. h, ARGV[1] .. 'rt:' .. h, ARGV[1] .. 'rx:' .. h)
end
redis.call('DEL', KEYS[1])
return #members
";

fn redis_err(err: ::redis::RedisError) -> ModelError {
    ModelError::new(err)
}

/// Every capability under one Redis key prefix: the shared, in-memory store for a fleet of
/// stateless servers.
///
/// Keys (`P` is the prefix):
///
/// | key | value | TTL |
/// |---|---|---|
/// | `P:at:<sha256>` / `P:rt:<sha256>` | access / refresh token data (JSON) | until the token expires |
/// | `P:rx:<sha256>` | a refresh token retired by rotation (reuse detection) | until it would have expired |
/// | `P:code:<sha256>` | hash: `state` (`live`/`consumed`), `client_id`, `grant_id`, `data` | until the code expires |
/// | `P:grant:<id>` | set of the token hashes of a grant | until its last token expires |
/// | `P:revoked:<id>` | a revoked grant: later saves of its tokens are dropped | 10 minutes |
/// | `P:client:<id>`, `P:user:<name>`, `P:client_user:<id>` | clients, password users, client users | none (configuration) |
///
/// - **Hashed at rest**: token and code values appear only as their SHA-256; client secrets
///   only as SHA-256 digests.
/// - **Atomic**: code consumption, refresh retirement, grant revocation and the saving of a
///   grant's tokens are Lua scripts, which Redis runs one at a time.
/// - **Expiry**: every token and code key carries a TTL, so Redis drops dead entries itself;
///   [`purge_expired`](Self::purge_expired) has nothing to do.
/// - **Users** (`U`) are JSON (see [`StoredUser`]); password users
///   are kept with a salted SHA-256, as [`MemoryStore`](crate::MemoryStore) does (use your own
///   `PasswordStore` over Argon2 for human passwords).
///
/// Needs Redis 7.0 or later (`PEXPIREAT ... NX|GT`). Connections go through a
/// [`ConnectionManager`], which reconnects by itself; the store is cheap to clone.
pub struct RedisStore<U> {
    conn: ConnectionManager,
    /// `"<prefix>:"`.
    prefix: Arc<str>,
    scripts: Arc<Scripts>,
    _user: PhantomData<fn() -> U>,
}

struct Scripts {
    take_code: Script,
    save_grant_tokens: Script,
    retire_refresh: Script,
    revoke_grant: Script,
}

impl<U> Clone for RedisStore<U> {
    fn clone(&self) -> Self {
        Self {
            conn: self.conn.clone(),
            prefix: self.prefix.clone(),
            scripts: self.scripts.clone(),
            _user: PhantomData,
        }
    }
}

impl<U> std::fmt::Debug for RedisStore<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

/// The prefix used when none is given.
pub const DEFAULT_PREFIX: &str = "oauth2";

impl<U: StoredUser> RedisStore<U> {
    /// Connects to `url` (`redis://host:port/db`) with a connection manager; every key starts
    /// with `prefix` and `:`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, ModelError> {
        let client = ::redis::Client::open(url).map_err(redis_err)?;
        let conn = ConnectionManager::new(client).await.map_err(redis_err)?;
        Self::from_manager(conn, prefix)
    }

    /// A store over an existing connection manager. The prefix may not be empty nor contain
    /// glob characters (`*?[]\`), so that [`delete_all`](Self::delete_all) matches only this
    /// store's keys.
    pub fn from_manager(conn: ConnectionManager, prefix: &str) -> Result<Self, ModelError> {
        if prefix.is_empty() || prefix.contains(['*', '?', '[', ']', '\\']) {
            return Err(ModelError::msg(format!(
                "invalid Redis key prefix {prefix:?}: non-empty, without '*', '?', '[', ']', '\\'"
            )));
        }
        Ok(Self {
            conn,
            prefix: Arc::from(format!("{prefix}:")),
            scripts: Arc::new(Scripts {
                take_code: Script::new(TAKE_CODE),
                save_grant_tokens: Script::new(SAVE_GRANT_TOKENS),
                retire_refresh: Script::new(RETIRE_REFRESH),
                revoke_grant: Script::new(REVOKE_GRANT),
            }),
            _user: PhantomData,
        })
    }

    /// The key prefix, with its trailing `:`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, kind: &str, id: &str) -> String {
        format!("{}{kind}:{id}", self.prefix)
    }

    /// Records the key layout version (`<prefix>:schema`), and refuses a prefix written by a
    /// newer layout. Redis needs no tables; this keeps the API the same as the SQL stores'.
    pub async fn migrate(&self) -> Result<(), ModelError> {
        let mut conn = self.conn.clone();
        let key = format!("{}schema", self.prefix);
        let found: Option<i64> = conn.get(&key).await.map_err(redis_err)?;
        match found {
            Some(v) if v > SCHEMA_VERSION => Err(ModelError::msg(format!(
                "Redis prefix {:?} has layout version {v}; this build knows {SCHEMA_VERSION}",
                self.prefix
            ))),
            Some(_) => Ok(()),
            None => conn.set(&key, SCHEMA_VERSION).await.map_err(redis_err),
        }
    }

    /// Every token and code key has a TTL, so Redis removes dead entries itself: this returns
    /// 0. It exists so that code written for the SQL stores works unchanged.
    pub async fn purge_expired(&self) -> Result<u64, ModelError> {
        Ok(0)
    }

    /// Deletes every key under the prefix (clients, users, tokens, codes). For tests and
    /// uninstalling; uses `SCAN`, so it does not block the server.
    pub async fn delete_all(&self) -> Result<u64, ModelError> {
        let mut conn = self.conn.clone();
        let pattern = format!("{}*", self.prefix);
        let mut cursor: u64 = 0;
        let mut deleted = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = ::redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await
                .map_err(redis_err)?;
            if !keys.is_empty() {
                let n: u64 = conn.del(&keys).await.map_err(redis_err)?;
                deleted += n;
            }
            if next == 0 {
                return Ok(deleted);
            }
            cursor = next;
        }
    }

    /// Registers (or replaces) a client. A plain secret is stored as its SHA-256 digest.
    pub async fn add_client(&self, client: Client) -> Result<(), ModelError> {
        let data = StoredClient::encode(&client)?;
        let mut conn = self.conn.clone();
        conn.set(self.key("client", client.id()), data).await.map_err(redis_err)
    }

    /// Removes a client; `true` when it existed.
    pub async fn remove_client(&self, client_id: &str) -> Result<bool, ModelError> {
        let mut conn = self.conn.clone();
        let n: u64 = conn.del(self.key("client", client_id)).await.map_err(redis_err)?;
        Ok(n > 0)
    }

    /// Registers (or replaces) a password-grant user, kept with a salted SHA-256 of the
    /// password.
    pub async fn add_user(
        &self,
        username: &str,
        password: &str,
        user: U,
    ) -> Result<(), ModelError> {
        let digest = PasswordDigest::new(password);
        let data = serde_json::to_string(&user).map_err(json_err)?;
        let mut conn = self.conn.clone();
        ::redis::pipe()
            .atomic()
            .del(self.key("user", username))
            .ignore()
            .hset_multiple(
                self.key("user", username),
                &[
                    ("salt", &digest.salt[..]),
                    ("digest", &digest.digest[..]),
                    ("data", data.as_bytes()),
                ],
            )
            .ignore()
            .query_async(&mut conn)
            .await
            .map_err(redis_err)
    }

    /// Makes client_credentials tokens of `client_id` carry `user` (by default they carry none).
    pub async fn set_client_user(&self, client_id: &str, user: U) -> Result<(), ModelError> {
        let data = serde_json::to_string(&user).map_err(json_err)?;
        let mut conn = self.conn.clone();
        conn.set(self.key("client_user", client_id), data).await.map_err(redis_err)
    }

    async fn find_token(&self, kind: &str, value: &str) -> Result<Option<Token<U>>, ModelError> {
        let mut conn = self.conn.clone();
        let key = self.key(kind, &TokenHash::of(value).to_hex());
        let data: Option<String> = conn.get(key).await.map_err(redis_err)?;
        let Some(data) = data else { return Ok(None) };
        let token = StoredToken::decode(&data)?;
        // The TTL has millisecond precision; check again so an expired token is never returned.
        Ok((!token.is_expired_at(SystemTime::now())).then_some(token))
    }
}

/// `PXAT` must be positive; a past instant makes Redis drop the key at once.
fn pxat(t: SystemTime) -> i64 {
    millis(t).max(1)
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> ClientStore for RedisStore<U> {
    async fn get_client(&self, client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        let mut conn = self.conn.clone();
        let data: Option<String> =
            conn.get(self.key("client", client_id)).await.map_err(redis_err)?;
        data.map(|d| StoredClient::decode(client_id, &d).map(Arc::new)).transpose()
    }
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> AccessTokenStore<U> for RedisStore<U> {
    async fn save_token(&self, tokens: &NewTokens<U>) -> Result<(), ModelError> {
        let mut conn = self.conn.clone();
        let access = &tokens.access;
        let access_hash = access.value.hash().to_hex();
        let access_json = StoredToken::encode(&access.data)?;
        let Some(grant) = access.data.grant_id else {
            // No grant (client_credentials): nothing can revoke it but its own revocation.
            return ::redis::cmd("SET")
                .arg(self.key("at", &access_hash))
                .arg(access_json)
                .arg("PXAT")
                .arg(pxat(access.data.expires_at))
                .query_async::<()>(&mut conn)
                .await
                .map_err(redis_err);
        };
        let grant = grant.to_string();
        let last_expiry = tokens
            .refresh
            .as_ref()
            .map_or(access.data.expires_at, |r| r.data.expires_at.max(access.data.expires_at));
        // One script checks the grant's revocation and writes (see `SAVE_GRANT_TOKENS`); the
        // grant's index lives as long as its longest-lived token (NX sets, GT extends).
        let mut invocation = self.scripts.save_grant_tokens.prepare_invoke();
        invocation
            .key(self.key("revoked", &grant))
            .key(self.key("grant", &grant))
            .key(self.key("at", &access_hash))
            .arg(&access_hash)
            .arg(access_json)
            .arg(pxat(access.data.expires_at))
            .arg(pxat(last_expiry));
        if let Some(refresh) = &tokens.refresh {
            let hash = refresh.value.hash().to_hex();
            invocation
                .key(self.key("rt", &hash))
                .arg(&hash)
                .arg(StoredToken::encode(&refresh.data)?)
                .arg(pxat(refresh.data.expires_at));
        }
        let _: i64 = invocation.invoke_async(&mut conn).await.map_err(redis_err)?;
        Ok(())
    }

    async fn get_access_token(&self, access_token: &str) -> Result<Option<Token<U>>, ModelError> {
        self.find_token("at", access_token).await
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), ModelError> {
        let mut conn = self.conn.clone();
        let _: i64 = self
            .scripts
            .revoke_grant
            .key(self.key("grant", &grant_id.to_string()))
            .key(self.key("revoked", &grant_id.to_string()))
            .arg(&*self.prefix)
            .arg(super::codec::REVOKED_GRANT_MEMORY.as_millis() as u64)
            .invoke_async(&mut conn)
            .await
            .map_err(redis_err)?;
        Ok(())
    }
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> AuthorizationCodeStore<U> for RedisStore<U> {
    async fn save_authorization_code(
        &self,
        code: Issued<AuthorizationCode<U>>,
    ) -> Result<(), ModelError> {
        let key = self.key("code", &code.value.hash().to_hex());
        let data = StoredCode::encode(&code.data)?;
        let grant = code.data.grant_id.to_string();
        let mut conn = self.conn.clone();
        ::redis::pipe()
            .atomic()
            .hset_multiple(
                &key,
                &[
                    ("state", "live"),
                    ("client_id", &*code.data.client_id),
                    ("grant_id", &grant),
                    ("data", &data),
                ],
            )
            .ignore()
            .cmd("PEXPIREAT")
            .arg(&key)
            .arg(pxat(code.data.expires_at))
            .ignore()
            .query_async::<()>(&mut conn)
            .await
            .map_err(redis_err)
    }

    async fn take_authorization_code(&self, code: &str) -> Result<CodeRedemption<U>, ModelError> {
        let mut conn = self.conn.clone();
        // One script decides the race (see `TAKE_CODE`).
        let found: Option<Vec<String>> = self
            .scripts
            .take_code
            .key(self.key("code", &TokenHash::of(code).to_hex()))
            .invoke_async(&mut conn)
            .await
            .map_err(redis_err)?;
        match found.as_deref() {
            Some([outcome, data]) if outcome == "redeemed" => {
                let code = StoredCode::decode(data)?;
                if code.expires_at <= SystemTime::now() {
                    return Ok(CodeRedemption::Unknown);
                }
                Ok(CodeRedemption::Redeemed(code))
            }
            Some([outcome, client_id, grant_id]) if outcome == "replayed" => {
                Ok(CodeRedemption::Replayed {
                    client_id: Arc::from(client_id.as_str()),
                    grant_id: parse_grant_id(grant_id)?,
                })
            }
            None => Ok(CodeRedemption::Unknown),
            Some(_) => Err(ModelError::msg("unexpected answer of the code script")),
        }
    }
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> RefreshTokenStore<U> for RedisStore<U> {
    async fn get_refresh_token(&self, refresh_token: &str) -> Result<Option<Token<U>>, ModelError> {
        self.find_token("rt", refresh_token).await
    }

    async fn revoke_refresh_token(&self, refresh_token: &str) -> Result<bool, ModelError> {
        let hash = TokenHash::of(refresh_token).to_hex();
        let mut conn = self.conn.clone();
        // One script decides the race (see `RETIRE_REFRESH`).
        let retired: i64 = self
            .scripts
            .retire_refresh
            .key(self.key("rt", &hash))
            .key(self.key("rx", &hash))
            .arg(millis(SystemTime::now()))
            .invoke_async(&mut conn)
            .await
            .map_err(redis_err)?;
        Ok(retired == 1)
    }

    async fn get_retired_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<RetiredToken<U>>, ModelError> {
        let mut conn = self.conn.clone();
        let key = self.key("rx", &TokenHash::of(refresh_token).to_hex());
        let value: Option<String> = conn.get(key).await.map_err(redis_err)?;
        let Some(value) = value else { return Ok(None) };
        let (retired_at, data) = value
            .split_once('|')
            .and_then(|(at, data)| Some((at.parse::<i64>().ok()?, data)))
            .ok_or_else(|| ModelError::msg("stored record is corrupt: retired token"))?;
        let token = StoredToken::decode(data)?;
        if token.is_expired_at(SystemTime::now()) {
            return Ok(None);
        }
        Ok(Some(RetiredToken { token, retired_at: from_millis(retired_at) }))
    }
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> RevocationStore<U> for RedisStore<U> {
    async fn revoke_access_token(&self, access_token: &str) -> Result<bool, ModelError> {
        let mut conn = self.conn.clone();
        let key = self.key("at", &TokenHash::of(access_token).to_hex());
        let n: u64 = conn.del(key).await.map_err(redis_err)?;
        Ok(n > 0)
    }
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> PasswordStore<U> for RedisStore<U> {
    async fn get_user(
        &self,
        username: &str,
        password: &str,
        _client: &Client,
    ) -> Result<Option<U>, ModelError> {
        let mut conn = self.conn.clone();
        let (salt, digest, data): (Option<Vec<u8>>, Option<Vec<u8>>, Option<String>) = conn
            .hget(self.key("user", username), &["salt", "digest", "data"])
            .await
            .map_err(redis_err)?;
        let (Some(salt), Some(digest), Some(data)) = (salt, digest, data) else {
            PasswordDigest::burn(password);
            return Ok(None);
        };
        if !PasswordDigest::verify(&salt, &digest, password) {
            return Ok(None);
        }
        serde_json::from_str(&data).map(Some).map_err(json_err)
    }
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> ClientCredentialsStore<U> for RedisStore<U> {
    async fn get_user_from_client(&self, client: &Client) -> Result<Option<U>, ModelError> {
        let mut conn = self.conn.clone();
        let data: Option<String> =
            conn.get(self.key("client_user", client.id())).await.map_err(redis_err)?;
        data.map(|d| serde_json::from_str(&d).map_err(json_err)).transpose()
    }
}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> ScopePolicy<U> for RedisStore<U> {}
#[diagnostic::do_not_recommend]
impl<U: StoredUser> TokenGenerator<U> for RedisStore<U> {}

#[diagnostic::do_not_recommend]
impl<U: StoredUser> OAuthModel for RedisStore<U> {
    type User = U;
}

/// Compile-time check: the inherent futures are `Send` (servers spawn them on tokio).
#[allow(dead_code)]
fn futures_are_send(store: &RedisStore<String>) {
    fn is_send<T: Send>(_: T) {}
    is_send(RedisStore::<String>::connect("", ""));
    is_send(store.migrate());
    is_send(store.delete_all());
    is_send(store.add_user("", "", String::new()));
}
