//! [`MemoryStore`]: every capability in memory, thread-safe and expiry-aware.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime};

use rand::RngCore as _;
use sha2::{Digest, Sha256};
use smallvec::SmallVec;
use subtle::ConstantTimeEq as _;

use crate::client::Client;
use crate::error::ModelError;
use crate::model::{
    AccessTokenStore, AuthorizationCodeStore, ClientCredentialsStore, ClientStore, PasswordStore,
    RefreshTokenStore, RevocationStore,
};
use crate::secret::TokenHash;
use crate::token::{
    AuthorizationCode, CodeRedemption, GrantId, Issued, NewTokens, RetiredToken, Token,
};

use super::token_table::{Key, PassThrough, TokenTable};

const SHARDS: usize = 32;
/// At least this many writes between two sweeps of one shard.
const SWEEP_EVERY: u64 = 1024;
/// Sweeps come every `entries / SWEEP_DIVISOR` writes (and at least every [`SWEEP_EVERY`]):
/// a sweep of one shard visits `entries / SHARDS` entries, so each write pays for
/// `SWEEP_DIVISOR / SHARDS` = 4 visits whatever the store's size, and a full round of the
/// shards takes `entries / 4` writes, which bounds how many expired entries wait for it.
const SWEEP_DIVISOR: u64 = 4 * SHARDS as u64;

/// The keys are SHA-256 digests or random ids: their first bytes are already uniform, so the
/// map needs no further hashing ([`PassThrough`]).
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<PassThrough>>;

trait ShardKey: Hash + Eq {
    fn shard(&self) -> usize;
}

impl ShardKey for TokenHash {
    fn shard(&self) -> usize {
        // Bytes 8.. pick the shard; bytes ..8 feed the map's hasher.
        self.as_bytes()[8] as usize % SHARDS
    }
}

impl ShardKey for GrantId {
    fn shard(&self) -> usize {
        (self.0 >> 64) as usize % SHARDS
    }
}

/// A map split in independently locked shards, so that concurrent requests rarely contend.
struct Sharded<K, V> {
    shards: Box<[Mutex<FastMap<K, V>>]>,
}

impl<K: ShardKey, V> Sharded<K, V> {
    fn new() -> Self {
        Self { shards: (0..SHARDS).map(|_| Mutex::new(FastMap::default())).collect() }
    }

    fn shard(&self, key: &K) -> MutexGuard<'_, FastMap<K, V>> {
        lock(&self.shards[key.shard()])
    }

    fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }
}

/// Access or refresh tokens: compact [`TokenTable`]s in independently locked shards.
struct TokenShards<U> {
    shards: Box<[Mutex<TokenTable<U>>]>,
}

impl<U> TokenShards<U> {
    fn new() -> Self {
        Self { shards: (0..SHARDS).map(|_| Mutex::new(TokenTable::default())).collect() }
    }

    /// The shard of `hash`, and the table key within it.
    fn shard(&self, hash: &TokenHash) -> (MutexGuard<'_, TokenTable<U>>, Key) {
        let key = Key::of(hash);
        (lock(&self.shards[key.shard(SHARDS)]), key)
    }

    fn contains(&self, hash: &TokenHash) -> bool {
        let (table, key) = self.shard(hash);
        table.contains(key)
    }

    fn remove(&self, hash: &TokenHash) -> Option<Token<U>> {
        let (mut table, key) = self.shard(hash);
        table.remove(key)
    }

    fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }
}

/// A poisoned lock only means another thread panicked mid-operation; every operation here
/// leaves the map consistent, so carry on.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

enum CodeEntry<U> {
    Live(AuthorizationCode<U>),
    /// Kept until the code would have expired, to recognise a replay (RFC 6749 4.1.2).
    Consumed {
        client_id: Arc<str>,
        grant_id: GrantId,
        expires_at: SystemTime,
    },
}

impl<U> CodeEntry<U> {
    fn expires_at(&self) -> SystemTime {
        match self {
            Self::Live(code) => code.expires_at,
            Self::Consumed { expires_at, .. } => *expires_at,
        }
    }
}

/// How long a revoked grant is remembered, so that a token save racing the revocation (a code
/// replay arriving while the first redemption is still saving) cannot make tokens live.
const REVOKED_GRANT_MEMORY: Duration = Duration::from_secs(600);

#[derive(Default)]
struct GrantEntry {
    /// The family's tokens (access, refresh, and refresh tokens since retired), for
    /// `revoke_grant`. Entries of tokens already gone are pruned as the list doubles. The
    /// first two (a grant's first access and refresh token) are held inline: most families
    /// never rotate, and a heap block per grant would cost an allocation on every save.
    tokens: SmallVec<[TokenHash; 2]>,
    /// Prune `tokens` when it grows past this (at least [`GRANT_PRUNE_MIN`]).
    prune_at: usize,
    /// The latest expiry among the family's tokens: after it none of them can be live, and
    /// the entry can go (unless the grant was revoked: see `revoked_until`).
    expires_at: Option<SystemTime>,
    revoked_until: Option<SystemTime>,
}

/// A family's token list is first pruned when it holds more than this many hashes.
const GRANT_PRUNE_MIN: usize = 16;

struct UserEntry<U> {
    salt: [u8; 16],
    digest: [u8; 32],
    user: U,
}

fn password_digest(salt: &[u8; 16], password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(password.as_bytes());
    h.finalize().into()
}

/// Everything in memory: clients, tokens, codes, users. The embedded default of every example,
/// and the reference for what each capability must do.
///
/// - Thread-safe: token, code and grant maps are split in 32 independently locked shards.
/// - Hashed at rest: tokens and codes are keyed by [`TokenHash`] (SHA-256), never kept as values.
/// - Expiry-aware: expired entries are never returned; they are removed when met, by a sweep
///   of one shard every 1024 writes (or every `entries / 128` writes in a larger store: each
///   write pays for a constant amount of sweeping), and by [`MemoryStore::purge_expired`].
/// - Atomic: [`take_authorization_code`](AuthorizationCodeStore::take_authorization_code) and
///   [`revoke_refresh_token`](RefreshTokenStore::revoke_refresh_token) decide under one lock.
///
/// Users for the password grant are kept with a salted SHA-256 of their password: fine for
/// demos and tests. For real human passwords implement [`PasswordStore`] over a slow hash
/// (Argon2).
///
/// ```
/// use oauth2_server::{Client, ClientSecret, GrantType, MemoryStore};
///
/// let store: MemoryStore<String> = MemoryStore::new();
/// store.add_client(
///     Client::confidential("svc", ClientSecret::sha256("s3cret"))
///         .grants([GrantType::ClientCredentials]),
/// );
/// store.add_user("alice", "wonderland", "alice".to_owned());
/// ```
pub struct MemoryStore<U> {
    clients: RwLock<HashMap<String, Arc<Client>>>,
    access: TokenShards<U>,
    refresh: TokenShards<U>,
    /// Refresh tokens rotated out, kept until they would have expired (reuse detection).
    retired: Sharded<TokenHash, RetiredToken<U>>,
    codes: Sharded<TokenHash, CodeEntry<U>>,
    /// grant id -> the tokens issued in that grant, and whether it was revoked.
    grants: Sharded<GrantId, GrantEntry>,
    users: RwLock<HashMap<String, UserEntry<U>>>,
    client_users: RwLock<HashMap<String, U>>,
    /// Writes since the last sweep, and how many trigger the next one.
    writes: AtomicU64,
    sweep_interval: AtomicU64,
    next_sweep: AtomicUsize,
}

impl<U> std::fmt::Debug for MemoryStore<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("clients", &self.clients.read().map(|c| c.len()).unwrap_or(0))
            .field("access_tokens", &self.access.len())
            .field("refresh_tokens", &self.refresh.len())
            .field("codes", &self.codes.len())
            .finish_non_exhaustive()
    }
}

impl<U> Default for MemoryStore<U> {
    fn default() -> Self {
        Self {
            clients: RwLock::default(),
            access: TokenShards::new(),
            refresh: TokenShards::new(),
            retired: Sharded::new(),
            codes: Sharded::new(),
            grants: Sharded::new(),
            users: RwLock::default(),
            client_users: RwLock::default(),
            writes: AtomicU64::new(0),
            sweep_interval: AtomicU64::new(SWEEP_EVERY),
            next_sweep: AtomicUsize::new(0),
        }
    }
}

impl<U: Clone + Send + Sync + 'static> MemoryStore<U> {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) a client.
    pub fn add_client(&self, client: Client) {
        let mut clients = self.clients.write().unwrap_or_else(|p| p.into_inner());
        clients.insert(client.id().to_owned(), Arc::new(client));
    }

    /// Registers (or replaces) a password-grant user.
    pub fn add_user(&self, username: &str, password: &str, user: U) {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        let entry = UserEntry { salt, digest: password_digest(&salt, password), user };
        let mut users = self.users.write().unwrap_or_else(|p| p.into_inner());
        users.insert(username.to_owned(), entry);
    }

    /// Makes client_credentials tokens of `client_id` carry `user` (by default they carry none).
    pub fn set_client_user(&self, client_id: &str, user: U) {
        let mut map = self.client_users.write().unwrap_or_else(|p| p.into_inner());
        map.insert(client_id.to_owned(), user);
    }

    /// Live (unexpired, unrevoked) access tokens; expired ones not yet purged are counted.
    pub fn access_token_count(&self) -> usize {
        self.access.len()
    }

    /// Refresh tokens held, as [`MemoryStore::access_token_count`].
    pub fn refresh_token_count(&self) -> usize {
        self.refresh.len()
    }

    /// Removes every expired token and code; returns how many entries were removed.
    pub fn purge_expired(&self) -> usize {
        let now = SystemTime::now();
        (0..SHARDS).map(|i| self.sweep_shard(i, now)).sum()
    }

    fn sweep_shard(&self, i: usize, now: SystemTime) -> usize {
        let mut removed = 0;
        for map in [&self.access, &self.refresh] {
            removed += lock(&map.shards[i]).remove_expired(now);
        }
        let mut retired = lock(&self.retired.shards[i]);
        let before = retired.len();
        retired.retain(|_, r| !r.token.is_expired_at(now));
        removed += before - retired.len();
        drop(retired);
        let mut codes = lock(&self.codes.shards[i]);
        let before = codes.len();
        codes.retain(|_, c| c.expires_at() > now);
        removed += before - codes.len();
        drop(codes);
        // Forget grants whose tokens have all expired and that are not remembered as revoked.
        let mut grants = lock(&self.grants.shards[i]);
        grants.retain(|_, entry| {
            entry.expires_at.is_some_and(|t| t > now)
                || entry.revoked_until.is_some_and(|t| t > now)
        });
        removed
    }

    /// True while the token with this hash is held as an access, refresh or retired token.
    fn holds(&self, h: &TokenHash) -> bool {
        self.access.contains(h) || self.refresh.contains(h) || self.retired.shard(h).contains_key(h)
    }

    fn note_write(&self) {
        let writes = self.writes.fetch_add(1, Ordering::Relaxed) + 1;
        if writes < self.sweep_interval.load(Ordering::Relaxed) {
            return;
        }
        // Two threads may both get here and sweep two shards: harmless.
        self.writes.store(0, Ordering::Relaxed);
        let i = self.next_sweep.fetch_add(1, Ordering::Relaxed) % SHARDS;
        self.sweep_shard(i, SystemTime::now());
        let left = lock(&self.access.shards[i]).len()
            + lock(&self.refresh.shards[i]).len()
            + lock(&self.codes.shards[i]).len()
            + lock(&self.retired.shards[i]).len();
        let entries = left as u64 * SHARDS as u64;
        self.sweep_interval.store((entries / SWEEP_DIVISOR).max(SWEEP_EVERY), Ordering::Relaxed);
    }

    /// Looks a token up in `map`, removing it if expired.
    fn live_token(map: &TokenShards<U>, value: &str) -> Option<Token<U>> {
        let (mut table, key) = map.shard(&TokenHash::of(value));
        table.get_live(key, SystemTime::now())
    }
}

#[diagnostic::do_not_recommend] // keeps compile errors about other models short
impl<U: Clone + Send + Sync + 'static> ClientStore for MemoryStore<U> {
    async fn get_client(&self, client_id: &str) -> Result<Option<Arc<Client>>, ModelError> {
        let clients = self.clients.read().unwrap_or_else(|p| p.into_inner());
        Ok(clients.get(client_id).cloned())
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> AccessTokenStore<U> for MemoryStore<U> {
    /// `get_access_token` checks the expiry against the clock (`TokenTable::get_live`).
    const FILTERS_EXPIRED: bool = true;

    async fn save_token(&self, tokens: &NewTokens<U>) -> Result<(), ModelError> {
        let insert = || {
            let access = tokens.access.value.hash();
            let (mut table, key) = self.access.shard(&access);
            table.insert(key, &tokens.access.data);
            drop(table);
            let refresh = tokens.refresh.as_ref().map(|refresh| {
                let hash = refresh.value.hash();
                let (mut table, key) = self.refresh.shard(&hash);
                table.insert(key, &refresh.data);
                hash
            });
            [Some(access), refresh]
        };
        match tokens.access.data.grant_id {
            None => {
                insert();
            }
            Some(grant) => {
                // Under the grant's lock: either this save happens before a revocation of the
                // grant (which then removes the tokens), or after it (and the tokens never
                // become live). A replayed code racing the first redemption cannot leave
                // usable tokens behind (RFC 6749 4.1.2).
                let mut grants = self.grants.shard(&grant);
                let entry = grants.entry(grant).or_default();
                if entry.revoked_until.is_some_and(|t| t > SystemTime::now()) {
                    return Ok(());
                }
                let keys = insert();
                entry.tokens.extend(keys.into_iter().flatten());
                let latest = tokens.refresh.as_ref().map_or(tokens.access.data.expires_at, |r| {
                    r.data.expires_at.max(tokens.access.data.expires_at)
                });
                entry.expires_at = Some(entry.expires_at.map_or(latest, |t| t.max(latest)));
                if entry.tokens.len() > entry.prune_at.max(GRANT_PRUNE_MIN) {
                    // A long-lived family rotating its refresh token: drop the hashes of
                    // tokens that expired or were revoked, so the list stays bounded.
                    entry.tokens.retain(|h| self.holds(h));
                    entry.prune_at = entry.tokens.len() * 2;
                }
            }
        }
        self.note_write();
        Ok(())
    }

    async fn get_access_token(&self, access_token: &str) -> Result<Option<Token<U>>, ModelError> {
        Ok(Self::live_token(&self.access, access_token))
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), ModelError> {
        let mut grants = self.grants.shard(&grant_id);
        let entry = grants.entry(grant_id).or_default();
        entry.revoked_until = Some(SystemTime::now() + REVOKED_GRANT_MEMORY);
        // Its tokens go now: only the revocation memory keeps the entry.
        entry.expires_at = None;
        for h in std::mem::take(&mut entry.tokens) {
            self.access.remove(&h);
            self.refresh.remove(&h);
            self.retired.shard(&h).remove(&h);
        }
        Ok(())
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> AuthorizationCodeStore<U> for MemoryStore<U> {
    async fn save_authorization_code(
        &self,
        code: &Issued<AuthorizationCode<U>>,
    ) -> Result<(), ModelError> {
        let key = code.value.hash();
        self.codes.shard(&key).insert(key, CodeEntry::Live(code.data.clone()));
        self.note_write();
        Ok(())
    }

    async fn take_authorization_code(&self, code: &str) -> Result<CodeRedemption<U>, ModelError> {
        let key = TokenHash::of(code);
        let now = SystemTime::now();
        // One lock decides: exactly one caller turns a live code into a consumed one.
        let mut shard = self.codes.shard(&key);
        let Some(entry) = shard.get_mut(&key) else { return Ok(CodeRedemption::Unknown) };
        if entry.expires_at() <= now {
            shard.remove(&key);
            return Ok(CodeRedemption::Unknown);
        }
        let consumed = match entry {
            CodeEntry::Live(code) => CodeEntry::Consumed {
                client_id: code.client_id.clone(),
                grant_id: code.grant_id,
                expires_at: code.expires_at,
            },
            CodeEntry::Consumed { client_id, grant_id, .. } => {
                return Ok(CodeRedemption::Replayed {
                    client_id: client_id.clone(),
                    grant_id: *grant_id,
                })
            }
        };
        match std::mem::replace(entry, consumed) {
            CodeEntry::Live(code) => Ok(CodeRedemption::Redeemed(code)),
            CodeEntry::Consumed { .. } => Ok(CodeRedemption::Unknown),
        }
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> RefreshTokenStore<U> for MemoryStore<U> {
    async fn get_refresh_token(&self, refresh_token: &str) -> Result<Option<Token<U>>, ModelError> {
        Ok(Self::live_token(&self.refresh, refresh_token))
    }

    async fn revoke_refresh_token(&self, refresh_token: &str) -> Result<bool, ModelError> {
        let key = TokenHash::of(refresh_token);
        // The removal decides who wins a race; only the winner records the retirement.
        let Some(token) = self.refresh.remove(&key) else { return Ok(false) };
        let retired = RetiredToken { token, retired_at: SystemTime::now() };
        self.retired.shard(&key).insert(key, retired);
        Ok(true)
    }

    async fn get_retired_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<RetiredToken<U>>, ModelError> {
        let key = TokenHash::of(refresh_token);
        let shard = self.retired.shard(&key);
        Ok(shard.get(&key).filter(|r| !r.token.is_expired_at(SystemTime::now())).cloned())
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> RevocationStore<U> for MemoryStore<U> {
    async fn revoke_access_token(&self, access_token: &str) -> Result<bool, ModelError> {
        let key = TokenHash::of(access_token);
        Ok(self.access.remove(&key).is_some())
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> PasswordStore<U> for MemoryStore<U> {
    async fn get_user(
        &self,
        username: &str,
        password: &str,
        _client: &Client,
    ) -> Result<Option<U>, ModelError> {
        let users = self.users.read().unwrap_or_else(|p| p.into_inner());
        let Some(entry) = users.get(username) else {
            // Spend the same hashing work for unknown users as for known ones.
            let _ = password_digest(&[0; 16], password);
            return Ok(None);
        };
        let digest = password_digest(&entry.salt, password);
        Ok(bool::from(digest.ct_eq(&entry.digest)).then(|| entry.user.clone()))
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> ClientCredentialsStore<U> for MemoryStore<U> {
    async fn get_user_from_client(&self, client: &Client) -> Result<Option<U>, ModelError> {
        let map = self.client_users.read().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(client.id()).cloned())
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> crate::model::ScopePolicy<U> for MemoryStore<U> {}
#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> crate::model::TokenGenerator<U> for MemoryStore<U> {}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> crate::model::OAuthModel for MemoryStore<U> {
    type User = U;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Scope;
    use crate::secret::Secret;

    struct NoopWake;

    impl std::task::Wake for NoopWake {
        fn wake(self: Arc<Self>) {}
    }

    /// `MemoryStore` never waits: its futures finish on their first poll.
    fn block_on<F: std::future::Future>(fut: F) -> F::Output {
        let waker = std::task::Waker::from(Arc::new(NoopWake));
        let mut cx = std::task::Context::from_waker(&waker);
        let mut fut = std::pin::pin!(fut);
        loop {
            if let std::task::Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    fn issued(grant: GrantId, now: SystemTime, lifetime: Duration) -> Issued<Token<String>> {
        Issued {
            value: Secret::generate(),
            data: Token {
                client_id: Arc::from("c"),
                user: Some("alice".to_owned()),
                scope: Scope::parse("read").unwrap(),
                grant_id: Some(grant),
                issued_at: now,
                expires_at: now + lifetime,
            },
        }
    }

    /// A family rotating its refresh token many times (RFC 6749 6 / RFC 9700 4.14.2) keeps a
    /// bounded token list, and revoking the grant still reaches its live tokens.
    #[test]
    fn rotating_family_keeps_a_bounded_token_list_and_stays_revocable() {
        let store: MemoryStore<String> = MemoryStore::new();
        let grant = GrantId::generate();
        let now = SystemTime::now();
        let mut last = None;
        for _ in 0..1000 {
            let tokens = NewTokens {
                access: issued(grant, now, Duration::from_secs(60)),
                refresh: Some(issued(grant, now, Duration::from_secs(600))),
            };
            block_on(store.save_token(&tokens)).unwrap();
            if let Some(NewTokens { access, refresh: Some(refresh) }) = last.replace(tokens) {
                // Rotation: the old refresh token is retired, the old access token revoked.
                assert!(block_on(store.revoke_refresh_token(refresh.value.expose())).unwrap());
                assert!(block_on(store.revoke_access_token(access.value.expose())).unwrap());
            }
        }
        let held = lock(&store.grants.shards[grant.shard()]).get(&grant).unwrap().tokens.len();
        // 2 live tokens + 999 retired refresh tokens must be listed (reuse detection needs
        // the retired ones); the 999 revoked access tokens need not: at most 2x what is held.
        assert!((1001..2000).contains(&held), "{held} hashes listed");
        block_on(store.revoke_grant(grant)).unwrap();
        let last = last.unwrap();
        assert!(block_on(store.get_access_token(last.access.value.expose())).unwrap().is_none());
        let refresh = last.refresh.unwrap();
        assert!(block_on(store.get_refresh_token(refresh.value.expose())).unwrap().is_none());
    }

    #[test]
    fn family_token_list_drops_revoked_tokens() {
        let store: MemoryStore<String> = MemoryStore::new();
        let grant = GrantId::generate();
        let now = SystemTime::now();
        let mut previous: Option<Issued<Token<String>>> = None;
        for _ in 0..1000 {
            let access = issued(grant, now, Duration::from_secs(60));
            let tokens = NewTokens { access: access.clone(), refresh: None };
            block_on(store.save_token(&tokens)).unwrap();
            if let Some(old) = previous.replace(access) {
                assert!(block_on(store.revoke_access_token(old.value.expose())).unwrap());
            }
        }
        let held = lock(&store.grants.shards[grant.shard()]).get(&grant).unwrap().tokens.len();
        assert!(held <= GRANT_PRUNE_MIN + 1, "{held} hashes listed for 1 live token");
    }

    #[test]
    fn revoked_grant_is_remembered_for_the_revocation_memory_not_its_token_lifetime() {
        let store: MemoryStore<String> = MemoryStore::new();
        let grant = GrantId::generate();
        let now = SystemTime::now();
        let tokens = NewTokens {
            access: issued(grant, now, Duration::from_secs(60)),
            refresh: Some(issued(grant, now, Duration::from_secs(14 * 24 * 3600))),
        };
        block_on(store.save_token(&tokens)).unwrap();
        block_on(store.revoke_grant(grant)).unwrap();
        let i = grant.shard();
        let later = SystemTime::now() + REVOKED_GRANT_MEMORY;
        store.sweep_shard(i, later - Duration::from_secs(1));
        assert!(lock(&store.grants.shards[i]).contains_key(&grant), "still remembered");
        store.sweep_shard(i, later + Duration::from_secs(1));
        assert!(!lock(&store.grants.shards[i]).contains_key(&grant), "kept for the token lifetime");
    }

    #[test]
    fn grant_is_forgotten_once_all_its_tokens_expired() {
        let store: MemoryStore<String> = MemoryStore::new();
        let grant = GrantId::generate();
        let now = SystemTime::now();
        let tokens = NewTokens {
            access: issued(grant, now, Duration::from_secs(1)),
            refresh: Some(issued(grant, now, Duration::from_secs(5))),
        };
        block_on(store.save_token(&tokens)).unwrap();
        let i = grant.shard();
        store.sweep_shard(i, now + Duration::from_secs(4));
        assert!(lock(&store.grants.shards[i]).contains_key(&grant), "refresh token still live");
        store.sweep_shard(i, now + Duration::from_secs(5));
        assert!(!lock(&store.grants.shards[i]).contains_key(&grant));
    }
}
