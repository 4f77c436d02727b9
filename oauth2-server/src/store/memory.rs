//! [`MemoryStore`]: every capability in memory, thread-safe and expiry-aware.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, SystemTime};

use crate::client::Client;
use crate::error::ModelError;
use crate::model::{
    AccessTokenStore, AuthorizationCodeStore, ClientCredentialsStore, ClientStore, PasswordStore,
    RefreshTokenStore, RevocationStore,
};
use crate::secret::{PasswordDigest, TokenHash};
use crate::token::{
    AuthorizationCode, CodeRedemption, GrantId, Issued, NewTokens, RetiredToken, Token,
};

use super::code_table::CodeRow;
use super::token_table::{Key, PassThrough, Record, Row, Table, TokenTable};

const SHARDS: usize = 32;
/// At least this many writes to a shard between two sweeps of it.
const SWEEP_EVERY: u64 = 1024;
/// A shard is swept every `entries / SWEEP_DIVISOR` writes to it (and at least every
/// [`SWEEP_EVERY`]), `entries` being the whole store's: a sweep of one shard visits
/// `entries / SHARDS` entries, so each write pays for `SWEEP_DIVISOR / SHARDS` = 4 visits
/// whatever the store's size, and every shard is swept within `entries / 4` writes (the
/// writes spread evenly: their shard is a hash), which bounds how many expired entries wait.
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

/// A value alone on its cache lines (two, as the adjacent-line prefetcher pairs them): a shard's
/// lock and table header written by one core do not evict its neighbours' from another.
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// One locked shard, alone on its cache lines.
type Shard<T> = Padded<Mutex<T>>;

/// A map split in independently locked shards, so that concurrent requests rarely contend.
struct Sharded<K, V> {
    shards: Box<[Shard<FastMap<K, V>>]>,
}

impl<K: ShardKey, V> Sharded<K, V> {
    fn new() -> Self {
        Self { shards: (0..SHARDS).map(|_| Padded(Mutex::new(FastMap::default()))).collect() }
    }

    fn shard(&self, key: &K) -> MutexGuard<'_, FastMap<K, V>> {
        lock(&self.shards[key.shard()])
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }
}

/// Compact [`Table`]s (of tokens or codes) in independently locked shards.
struct TableShards<R> {
    shards: Box<[Shard<Table<R>>]>,
}

impl<R: Row> TableShards<R> {
    fn new() -> Self {
        Self { shards: (0..SHARDS).map(|_| Padded(Mutex::new(Table::default()))).collect() }
    }

    /// The shard of `hash`, and the table key within it.
    fn shard(&self, hash: &TokenHash) -> (MutexGuard<'_, Table<R>>, Key) {
        let key = Key::of(hash);
        (lock(&self.shards[key.shard(SHARDS)]), key)
    }

    fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }
}

/// Access or refresh tokens.
type TokenShards<U> = TableShards<Record<U>>;

impl<U> TokenShards<U> {
    fn remove(&self, hash: &TokenHash) -> Option<Token<U>> {
        let (mut table, key) = self.shard(hash);
        table.remove(key)
    }
}

/// A poisoned lock only means another thread panicked mid-operation; every operation here
/// leaves the map consistent, so carry on.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How long a revocation is remembered beyond the longest token lifetime seen, so that a token
/// save racing the revocation (a code replay arriving while the first redemption is still
/// saving) cannot make tokens live.
const REVOKED_GRANT_MEMORY: Duration = Duration::from_secs(600);

struct UserEntry<U> {
    password: PasswordDigest,
    user: U,
}

/// Everything in memory: clients, tokens, codes, users. The embedded default of every example,
/// and the reference for what each capability must do.
///
/// - Thread-safe: token, code and revoked-grant maps are split in 32 independently locked
///   shards.
/// - Hashed at rest: tokens and codes are keyed by [`TokenHash`] (SHA-256), never kept as values.
/// - Expiry-aware: expired entries are never returned; they are removed when met, by a sweep
///   of one shard every 1024 writes (or every `entries / 128` writes in a larger store: each
///   write pays for a constant amount of sweeping), and by [`MemoryStore::purge_expired`].
/// - Atomic: [`take_authorization_code`](AuthorizationCodeStore::take_authorization_code) and
///   [`revoke_refresh_token`](RefreshTokenStore::revoke_refresh_token) decide under one lock.
///
/// The user type `U` is cloned into every token and code stored for that user, and dropped
/// when the sweep removes them. Make it cheap to clone: `Arc<str>`, a numeric id or a small
/// `Copy` struct rather than `String`. With `String`, each token owns a heap block that is
/// freed long after, when it is cold in the cache: in a store of a million live tokens the
/// `core` bench's password grant runs ~20 % faster with `U = Arc<str>` than with `String`
/// (docs/PERFORMANCE.md, stop 15).
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
    // The fields written on every request of some kind (a lock word, a counter) are `Padded`,
    // so that they do not share a cache line with what other requests read: `revoked_count`,
    // read by every lookup, is not evicted by every save's `writes` on another core.
    clients: Padded<RwLock<HashMap<String, Arc<Client>>>>,
    access: TokenShards<U>,
    refresh: TokenShards<U>,
    /// Refresh tokens rotated out, kept until they would have expired (reuse detection).
    retired: Sharded<TokenHash, RetiredToken<U>>,
    /// Codes, live or consumed (kept until they would have expired, to recognise a replay).
    codes: TableShards<CodeRow<U>>,
    /// Revoked grants, until when they are remembered. Revocation is lazy: a token carries its
    /// grant id, lookups refuse the tokens of a revoked grant and the sweeps drop them, so a
    /// save writes nothing per grant (RFC 6749 4.1.2, RFC 9700 4.14.2 revoke whole families).
    revoked: Sharded<GrantId, SystemTime>,
    /// Entries in `revoked`: while it is 0 (the common case), lookups skip the check.
    revoked_count: AtomicUsize,
    /// The longest lifetime of any token saved with a grant id, in nanoseconds: a revocation is
    /// remembered at least that long, so that it outlives every token of the family.
    longest_lifetime: Padded<AtomicU64>,
    users: Padded<RwLock<HashMap<String, UserEntry<U>>>>,
    client_users: RwLock<HashMap<String, U>>,
    /// Writes to each shard since its last sweep (one counter per shard, so that threads
    /// writing different shards do not count on one cache line), and how many trigger a sweep.
    writes: Box<[Padded<AtomicU64>]>,
    sweep_interval: AtomicU64,
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
            clients: Padded(RwLock::default()),
            access: TokenShards::new(),
            refresh: TokenShards::new(),
            retired: Sharded::new(),
            codes: TableShards::new(),
            revoked: Sharded::new(),
            revoked_count: AtomicUsize::new(0),
            longest_lifetime: Padded(AtomicU64::new(0)),
            users: Padded(RwLock::default()),
            client_users: RwLock::default(),
            writes: (0..SHARDS).map(|_| Padded(AtomicU64::new(0))).collect(),
            sweep_interval: AtomicU64::new(SWEEP_EVERY),
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
        let entry = UserEntry { password: PasswordDigest::new(password), user };
        let mut users = self.users.write().unwrap_or_else(|p| p.into_inner());
        users.insert(username.to_owned(), entry);
    }

    /// Makes client_credentials tokens of `client_id` carry `user` (by default they carry none).
    pub fn set_client_user(&self, client_id: &str, user: U) {
        let mut map = self.client_users.write().unwrap_or_else(|p| p.into_inner());
        map.insert(client_id.to_owned(), user);
    }

    /// Access tokens held: the live ones, and those expired or of a revoked grant that no
    /// lookup or sweep has removed yet.
    pub fn access_token_count(&self) -> usize {
        self.access.len()
    }

    /// Refresh tokens held, as [`MemoryStore::access_token_count`].
    pub fn refresh_token_count(&self) -> usize {
        self.refresh.len()
    }

    /// Removes every expired token and code, the tokens of revoked grants, and revocations
    /// that all their tokens have outlived; returns how many tokens and codes were removed.
    pub fn purge_expired(&self) -> usize {
        let now = SystemTime::now();
        (0..SHARDS).map(|i| self.sweep_shard(i, now)).sum()
    }

    fn sweep_shard(&self, i: usize, now: SystemTime) -> usize {
        let mut removed = 0;
        let revocations = self.revoked_count.load(Ordering::SeqCst) > 0;
        for map in [&self.access, &self.refresh] {
            let mut table = lock(&map.shards[i]);
            removed += if revocations {
                table.remove_dead(now, |grant| self.is_revoked(Some(grant)))
            } else {
                table.remove_expired(now)
            };
        }
        let mut retired = lock(&self.retired.shards[i]);
        let before = retired.len();
        retired.retain(|_, r| {
            let dead =
                r.token.is_expired_at(now) || (revocations && self.is_revoked(r.token.grant_id));
            !dead
        });
        removed += before - retired.len();
        drop(retired);
        removed += lock(&self.codes.shards[i]).remove_expired(now);
        // Forget revocations that every token of their family has outlived.
        let mut revoked = lock(&self.revoked.shards[i]);
        let before = revoked.len();
        revoked.retain(|_, until| *until > now);
        self.revoked_count.fetch_sub(before - revoked.len(), Ordering::SeqCst);
        removed
    }

    /// True when `grant` was revoked (and is still remembered). Lock order: a token shard may
    /// be held while this takes a revoked-grant shard, never the other way round.
    #[inline]
    fn is_revoked(&self, grant: Option<GrantId>) -> bool {
        // The count first: with no revocation remembered (the common case) this is one load.
        match grant {
            Some(grant) if self.revoked_count.load(Ordering::SeqCst) > 0 => {
                self.revoked.shard(&grant).contains_key(&grant)
            }
            _ => false,
        }
    }

    /// Counts a write to shard `i` (of any of its maps), and sweeps that shard every
    /// `sweep_interval` of them.
    fn note_write(&self, i: usize) {
        let writes = self.writes[i].fetch_add(1, Ordering::Relaxed) + 1;
        if writes < self.sweep_interval.load(Ordering::Relaxed) {
            return;
        }
        // Two threads may both get here and sweep the shard twice: harmless.
        self.writes[i].store(0, Ordering::Relaxed);
        self.sweep_shard(i, SystemTime::now());
        let left = lock(&self.access.shards[i]).len()
            + lock(&self.refresh.shards[i]).len()
            + lock(&self.codes.shards[i]).len()
            + lock(&self.retired.shards[i]).len();
        let entries = left as u64 * SHARDS as u64;
        self.sweep_interval.store((entries / SWEEP_DIVISOR).max(SWEEP_EVERY), Ordering::Relaxed);
    }

    /// Looks a token up in `map`, removing it if expired or if its grant was revoked.
    fn live_token(&self, map: &TokenShards<U>, value: &str) -> Option<Token<U>> {
        let (mut table, key) = map.shard(&TokenHash::of(value));
        let token = table.get_live(key, SystemTime::now())?;
        if self.is_revoked(token.grant_id) {
            drop_revoked(&mut table, key);
            return None;
        }
        Some(token)
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
        let grant = tokens.access.data.grant_id;
        let pairs =
            [(&self.access, Some(&tokens.access)), (&self.refresh, tokens.refresh.as_ref())];
        if grant.is_some() {
            // Published before the tokens are: a revocation that the check below misses comes
            // after it in the SeqCst order, reads this and outlives these tokens.
            let longest = pairs.iter().filter_map(|(_, t)| *t).map(|t| lifetime_nanos(&t.data));
            let longest = longest.max().unwrap_or(0);
            // Usually no longer than what is there: then a load publishes as well (that
            // revocation's load comes after this one in the SeqCst order, so it reads the
            // value seen here or a later, larger one), and the line every saver reads is not
            // taken for writing on every save.
            if self.longest_lifetime.load(Ordering::SeqCst) < longest {
                self.longest_lifetime.fetch_max(longest, Ordering::SeqCst);
            }
        }
        let (mut access, access_key) = self.access.shard(&tokens.access.value.hash());
        let shard = access_key.shard(SHARDS);
        // Lock order: an access shard, then a refresh shard (as in `note_write`).
        let refresh = tokens.refresh.as_ref().map(|token| {
            let (table, key) = self.refresh.shard(&token.value.hash());
            (table, key, token)
        });
        if let Some((table, key, _)) = &refresh {
            // In tables of millions each insert's index line and reused slot are cache misses:
            // all four are loaded before either insert, so that the misses overlap.
            access.touch_for_insert(access_key);
            table.touch_for_insert(*key);
        }
        access.insert(access_key, &tokens.access.data);
        drop(access);
        if let Some((mut table, key, token)) = refresh {
            table.insert(key, &token.data);
        }
        // Nothing is written per grant: the tokens carry their grant id. RFC 6749 4.1.2: a
        // replayed code may revoke the grant while its first redemption is still saving;
        // either that revocation is seen here and the tokens are taken back, or it comes later
        // and hides them for as long as they can live (see `revoke_grant`).
        if self.is_revoked(grant) {
            for (map, token) in pairs {
                if let Some(token) = token {
                    map.remove(&token.value.hash());
                }
            }
        }
        self.note_write(shard);
        Ok(())
    }

    async fn get_access_token(&self, access_token: &str) -> Result<Option<Token<U>>, ModelError> {
        Ok(self.live_token(&self.access, access_token))
    }

    async fn revoke_grant(&self, grant_id: GrantId) -> Result<(), ModelError> {
        // Remembered for the longest token lifetime seen plus the race window, so that every
        // token of the family expires first; lookups refuse them meanwhile and the sweeps drop
        // them. Under the shard's lock: the entry, then the count (a `save_token` that sees
        // the count waits for this lock and finds the entry), then the lifetime (SeqCst: a
        // save that did not see the count published its tokens' lifetime before).
        let now = SystemTime::now();
        let mut revoked = self.revoked.shard(&grant_id);
        let until = match revoked.entry(grant_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => {
                let until = new.insert(now + REVOKED_GRANT_MEMORY);
                self.revoked_count.fetch_add(1, Ordering::SeqCst);
                until
            }
        };
        let longest = Duration::from_nanos(self.longest_lifetime.load(Ordering::SeqCst));
        *until = (*until).max(now + longest + REVOKED_GRANT_MEMORY);
        Ok(())
    }
}

/// Removes a token of a revoked grant met by a lookup (rare: kept out of the lookup's code).
#[cold]
fn drop_revoked<U>(table: &mut TokenTable<U>, key: Key) {
    table.remove(key);
}

/// A token's lifetime in nanoseconds (0 if it expires before it is issued).
fn lifetime_nanos<U>(token: &Token<U>) -> u64 {
    token
        .expires_at
        .duration_since(token.issued_at)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> AuthorizationCodeStore<U> for MemoryStore<U> {
    async fn save_authorization_code(
        &self,
        code: Issued<AuthorizationCode<U>>,
    ) -> Result<(), ModelError> {
        let (mut table, key) = self.codes.shard(&code.value.hash());
        table.insert_code(key, code.data);
        drop(table);
        self.note_write(key.shard(SHARDS));
        Ok(())
    }

    async fn take_authorization_code(&self, code: &str) -> Result<CodeRedemption<U>, ModelError> {
        // One lock decides: exactly one caller turns a live code into a consumed one.
        let (mut table, key) = self.codes.shard(&TokenHash::of(code));
        Ok(table.redeem(key, SystemTime::now()))
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> RefreshTokenStore<U> for MemoryStore<U> {
    async fn get_refresh_token(&self, refresh_token: &str) -> Result<Option<Token<U>>, ModelError> {
        Ok(self.live_token(&self.refresh, refresh_token))
    }

    async fn revoke_refresh_token(&self, refresh_token: &str) -> Result<bool, ModelError> {
        let key = TokenHash::of(refresh_token);
        // The removal decides who wins a race; only the winner records the retirement.
        let Some(token) = self.refresh.remove(&key) else { return Ok(false) };
        if self.is_revoked(token.grant_id) {
            return Ok(false);
        }
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
        let now = SystemTime::now();
        let retired = shard.get(&key).filter(|r| !r.token.is_expired_at(now)).cloned();
        drop(shard);
        Ok(retired.filter(|r| !self.is_revoked(r.token.grant_id)))
    }
}

#[diagnostic::do_not_recommend]
impl<U: Clone + Send + Sync + 'static> RevocationStore<U> for MemoryStore<U> {
    async fn revoke_access_token(&self, access_token: &str) -> Result<bool, ModelError> {
        let key = TokenHash::of(access_token);
        Ok(self.access.remove(&key).is_some_and(|token| !self.is_revoked(token.grant_id)))
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
            PasswordDigest::burn(password);
            return Ok(None);
        };
        let PasswordDigest { salt, digest } = &entry.password;
        Ok(PasswordDigest::verify(salt, digest, password).then(|| entry.user.clone()))
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

    const DAY: Duration = Duration::from_secs(86_400);

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

    fn pair(grant: GrantId, now: SystemTime, refresh_lifetime: Duration) -> NewTokens<String> {
        NewTokens {
            access: issued(grant, now, Duration::from_secs(60)),
            refresh: Some(issued(grant, now, refresh_lifetime)),
        }
    }

    /// `save_token` holds an access shard and a refresh shard at once, and `note_write`
    /// holds a shard of every table: both take access before refresh, so savers of token
    /// pairs and back-to-back sweeps cannot deadlock. Every token here is in shard 0 and every
    /// sweep is of shard 0, so that they contend all the time: with `save_token`'s order
    /// reversed this test hangs (checked), and the watchdog turns the hang into a failure.
    #[test]
    fn pair_saves_and_sweeps_of_one_shard_do_not_deadlock() {
        let in_shard_0 = |mut issued: Issued<Token<String>>| {
            while Key::of(&issued.value.hash()).shard(SHARDS) != 0 {
                issued.value = Secret::generate();
            }
            issued
        };
        let store: Arc<MemoryStore<String>> = Arc::new(MemoryStore::new());
        let (done, finished) = std::sync::mpsc::channel();
        for _ in 0..3 {
            let (store, done) = (store.clone(), done.clone());
            std::thread::spawn(move || {
                for _ in 0..2_000 {
                    let (grant, now) = (GrantId::generate(), SystemTime::now());
                    // Short lifetimes: the sweeps find dead rows and free slots to reuse.
                    let tokens = NewTokens {
                        access: in_shard_0(issued(grant, now, Duration::from_millis(2))),
                        refresh: Some(in_shard_0(issued(grant, now, Duration::from_millis(2)))),
                    };
                    block_on(store.save_token(&tokens)).unwrap();
                }
                done.send(()).unwrap();
            });
        }
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sweeper = {
            let (store, stop) = (store.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    store.sweep_interval.store(1, Ordering::Relaxed);
                    store.note_write(0);
                }
            })
        };
        for _ in 0..3 {
            finished
                .recv_timeout(Duration::from_secs(60))
                .expect("a saver did not finish within 60 s: deadlock?");
        }
        stop.store(true, Ordering::Relaxed);
        sweeper.join().unwrap();
    }

    /// Writes alone keep the store bounded, without `purge_expired`: each shard is swept every
    /// `SWEEP_EVERY` writes to it (counted per shard). After `SHARDS * 1500` saves of tokens
    /// that expire at once, every shard has had its 1024th write (the shards' counts are
    /// ~1500 +- 39) and been swept then, so at most the writes after those sweeps are left.
    #[test]
    fn writes_sweep_the_shards_they_land_in() {
        let store: MemoryStore<String> = MemoryStore::new();
        let saves = SHARDS * 1500;
        let now = SystemTime::now();
        for _ in 0..saves {
            let tokens =
                NewTokens { access: issued(GrantId(1), now, Duration::ZERO), refresh: None };
            block_on(store.save_token(&tokens)).unwrap();
        }
        let left = store.access_token_count();
        assert!(left <= saves - SHARDS * SWEEP_EVERY as usize, "{left} of {saves} tokens left");
    }

    /// Saving a grant's tokens writes nothing per grant: the revoked-grant map stays empty and
    /// lookups skip it.
    #[test]
    fn saving_tokens_writes_no_grant_entry() {
        let store: MemoryStore<String> = MemoryStore::new();
        for _ in 0..100 {
            block_on(store.save_token(&pair(GrantId::generate(), SystemTime::now(), DAY))).unwrap();
        }
        assert_eq!(store.revoked.len(), 0);
        assert_eq!(store.revoked_count.load(Ordering::SeqCst), 0);
        assert_eq!(store.access_token_count(), 100);
    }

    /// RFC 9700 4.14.2: the sweeps drop a revoked family's tokens, rotated out or not, and
    /// leave other families alone (lookups refuse them before that: the store conformance
    /// tests).
    #[test]
    fn revoked_family_is_swept() {
        let store: MemoryStore<String> = MemoryStore::new();
        let grant = GrantId::generate();
        let now = SystemTime::now();
        let first = pair(grant, now, DAY);
        block_on(store.save_token(&first)).unwrap();
        let first_refresh = first.refresh.as_ref().unwrap().value.expose();
        assert!(block_on(store.revoke_refresh_token(first_refresh)).unwrap());
        let second = pair(grant, now, DAY);
        block_on(store.save_token(&second)).unwrap();
        let other = pair(GrantId::generate(), now, DAY);
        block_on(store.save_token(&other)).unwrap();
        assert_eq!((store.access_token_count(), store.refresh_token_count()), (3, 2));

        block_on(store.revoke_grant(grant)).unwrap();
        // Nothing has expired: what the sweeps remove is the revoked family.
        assert_eq!(store.purge_expired(), 4);
        assert_eq!((store.access_token_count(), store.refresh_token_count()), (1, 1));
        assert_eq!(store.retired.len(), 0);
        assert!(block_on(store.get_access_token(other.access.value.expose())).unwrap().is_some());
        let other_refresh = other.refresh.as_ref().unwrap().value.expose();
        assert!(block_on(store.get_refresh_token(other_refresh)).unwrap().is_some());
    }

    /// A revocation is remembered until every token of its family has expired, plus the window
    /// in which a racing save may still arrive (RFC 6749 4.1.2), and then forgotten.
    #[test]
    fn revocation_outlives_the_longest_token_lifetime_then_is_forgotten() {
        let store: MemoryStore<String> = MemoryStore::new();
        let grant = GrantId::generate();
        let now = SystemTime::now();
        block_on(store.save_token(&pair(grant, now, 14 * DAY))).unwrap();
        block_on(store.revoke_grant(grant)).unwrap();
        let i = grant.shard();
        let forget_at = SystemTime::now() + 14 * DAY + REVOKED_GRANT_MEMORY;
        store.sweep_shard(i, now + 14 * DAY);
        assert!(lock(&store.revoked.shards[i]).contains_key(&grant), "refresh token still live");
        store.sweep_shard(i, forget_at - Duration::from_secs(1));
        assert!(lock(&store.revoked.shards[i]).contains_key(&grant), "race window not over");
        store.sweep_shard(i, forget_at + Duration::from_secs(1));
        assert!(!lock(&store.revoked.shards[i]).contains_key(&grant));
        assert_eq!(store.revoked_count.load(Ordering::SeqCst), 0);
    }

    /// The longest lifetime a revocation must outlive grows with a longer-lived save and never
    /// shrinks with a shorter one (the save only writes it when it grows).
    #[test]
    fn the_longest_token_lifetime_only_grows() {
        let store: MemoryStore<String> = MemoryStore::new();
        let now = SystemTime::now();
        let longest = || Duration::from_nanos(store.longest_lifetime.load(Ordering::SeqCst));
        for (refresh_lifetime, expected) in [(DAY, DAY), (2 * DAY, 2 * DAY), (DAY / 2, 2 * DAY)] {
            block_on(store.save_token(&pair(GrantId::generate(), now, refresh_lifetime))).unwrap();
            assert_eq!(longest(), expected);
        }
    }

    /// A save racing the revocation (it completes after `revoke_grant`) takes its tokens back
    /// (RFC 6749 4.1.2: a replayed code racing the first redemption).
    #[test]
    fn tokens_saved_after_the_revocation_are_taken_back() {
        let store: MemoryStore<String> = MemoryStore::new();
        let grant = GrantId::generate();
        block_on(store.revoke_grant(grant)).unwrap();
        let late = pair(grant, SystemTime::now(), DAY);
        block_on(store.save_token(&late)).unwrap();
        assert_eq!((store.access_token_count(), store.refresh_token_count()), (0, 0));
        let late_refresh = late.refresh.as_ref().unwrap().value.expose();
        assert!(!block_on(store.revoke_refresh_token(late_refresh)).unwrap());
        assert!(block_on(store.get_retired_refresh_token(late_refresh)).unwrap().is_none());
        assert!(block_on(store.get_access_token(late.access.value.expose())).unwrap().is_none());
    }
}
