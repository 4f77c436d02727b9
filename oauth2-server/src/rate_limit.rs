//! Brute-force limits (OAuth 2.1 2.4.1: "the authorization server MUST protect ... against
//! brute force attacks"): failed attempts are counted per key in a token bucket, and a key
//! whose bucket is empty is refused with 429 and `Retry-After` until it refills.
//!
//! Only *failures* spend tokens, so a client that authenticates correctly is never slowed down,
//! however fast it goes.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateKey<'a> {
    /// Client authentication attempts for a `client_id`.
    Client(&'a str),
    /// Password attempts for a username (password grant, login forms).
    User(&'a str),
    /// Attempts from an IP address (when the application knows it).
    Ip(IpAddr),
}

/// Counts failed attempts and says when a key must wait.
pub trait RateLimiter: Send + Sync + 'static {
    /// `Some(wait)` when `key` is over its limit now.
    fn blocked(&self, key: RateKey<'_>) -> Option<Duration>;
    /// Records one failed attempt for `key`.
    fn record_failure(&self, key: RateKey<'_>);
}

#[derive(Debug, Clone)]
enum OwnedKey {
    Client(Box<str>),
    User(Box<str>),
    Ip(IpAddr),
}

impl From<RateKey<'_>> for OwnedKey {
    fn from(key: RateKey<'_>) -> Self {
        match key {
            RateKey::Client(c) => Self::Client(c.into()),
            RateKey::User(u) => Self::User(u.into()),
            RateKey::Ip(ip) => Self::Ip(ip),
        }
    }
}

impl OwnedKey {
    /// True when this is `key` (compared without allocating an owned copy of it).
    fn is(&self, key: RateKey<'_>) -> bool {
        match (self, key) {
            (Self::Client(a), RateKey::Client(b)) | (Self::User(a), RateKey::User(b)) => **a == *b,
            (Self::Ip(a), RateKey::Ip(b)) => *a == b,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

const SHARDS: usize = 16;
/// One shard of the limiter: buckets by the keyed hash of their key (`RandomState`, so that
/// nobody outside can aim keys at one slot). The full key is kept beside its bucket and
/// compared, so keys whose hashes collide still have buckets of their own; a lookup hashes the
/// borrowed key once and allocates nothing.
#[derive(Default)]
struct Shard {
    by_hash: HashMap<u64, Vec<(OwnedKey, Bucket)>, BuildHasherDefault<Prehashed>>,
    /// Buckets in the shard (`by_hash.len()` counts hashes).
    len: usize,
}

/// The hasher of `Shard::by_hash`, whose keys are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are `u64`); this is here for completeness.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// How the limiter hashes keys: `RandomState`, or (in tests) with collisions made certain.
enum KeyHasher {
    Random(RandomState),
    /// One hash for every key.
    #[cfg(test)]
    Colliding,
    /// 256 hashes, all in the first shard.
    #[cfg(test)]
    Narrow(RandomState),
}

/// Above this many keys in a shard, full buckets (keys that have not failed lately) are dropped.
const SHARD_SOFT_CAP: usize = 4096;

/// The in-memory default: a token bucket per key, `burst` failures at once, refilled at
/// `per_minute` failures a minute.
///
/// ```
/// use oauth2_server::rate_limit::{RateKey, RateLimiter, TokenBucketLimiter};
///
/// let limiter = TokenBucketLimiter::new(3, 6);
/// for _ in 0..3 {
///     assert!(limiter.blocked(RateKey::Client("c")).is_none());
///     limiter.record_failure(RateKey::Client("c"));
/// }
/// assert!(limiter.blocked(RateKey::Client("c")).is_some());
/// assert!(limiter.blocked(RateKey::Client("other")).is_none());
/// ```
pub struct TokenBucketLimiter {
    burst: f64,
    per_second: f64,
    shards: Box<[Mutex<Shard>]>,
    hasher: KeyHasher,
}

impl std::fmt::Debug for TokenBucketLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenBucketLimiter")
            .field("burst", &self.burst)
            .field("per_minute", &(self.per_second * 60.0))
            .finish_non_exhaustive()
    }
}

impl Default for TokenBucketLimiter {
    /// 10 failures at once, then 10 a minute.
    fn default() -> Self {
        Self::new(10, 10)
    }
}

impl TokenBucketLimiter {
    /// A limiter allowing `burst` failures at once and `per_minute` afterwards. Both at least 1.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute.max(1)) / 60.0,
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: KeyHasher::Random(RandomState::new()),
        }
    }

    /// The shard of `key`, locked, and the key's hash.
    fn shard(&self, key: RateKey<'_>) -> (MutexGuard<'_, Shard>, u64) {
        let hash = match &self.hasher {
            KeyHasher::Random(state) => state.hash_one(key),
            #[cfg(test)]
            KeyHasher::Colliding => 0,
            #[cfg(test)]
            KeyHasher::Narrow(state) => state.hash_one(key) & 0xff,
        };
        // Bits 32-35 pick the shard: the map in it indexes by the low bits and tags by the top
        // seven, which then still vary within a shard.
        let shard = &self.shards[(hash >> 32) as usize % SHARDS];
        (shard.lock().unwrap_or_else(|p| p.into_inner()), hash)
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.per_second).min(self.burst)
    }
}

impl RateLimiter for TokenBucketLimiter {
    fn blocked(&self, key: RateKey<'_>) -> Option<Duration> {
        let (shard, hash) = self.shard(key);
        let (_, bucket) = shard.by_hash.get(&hash)?.iter().find(|(k, _)| k.is(key))?;
        let tokens = self.refilled(*bucket, Instant::now());
        if tokens >= 1.0 {
            None
        } else {
            Some(
                Duration::from_secs_f64((1.0 - tokens) / self.per_second)
                    .max(Duration::from_secs(1)),
            )
        }
    }

    fn record_failure(&self, key: RateKey<'_>) {
        let now = Instant::now();
        let (mut guard, hash) = self.shard(key);
        let shard = &mut *guard;
        if shard.len >= SHARD_SOFT_CAP {
            let burst = self.burst;
            shard.by_hash.retain(|_, buckets| {
                buckets.retain(|(_, b)| self.refilled(*b, now) < burst);
                !buckets.is_empty()
            });
            shard.len = shard.by_hash.values().map(Vec::len).sum();
        }
        let buckets = shard.by_hash.entry(hash).or_default();
        let at = match buckets.iter().position(|(k, _)| k.is(key)) {
            Some(at) => at,
            None => {
                buckets.push((OwnedKey::from(key), Bucket { tokens: self.burst, at: now }));
                shard.len += 1;
                buckets.len() - 1
            }
        };
        let bucket = &mut buckets[at].1;
        let tokens = self.refilled(*bucket, now);
        *bucket = Bucket { tokens: (tokens - 1.0).max(0.0), at: now };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_blocks_after_burst_failures_and_says_how_long() {
        let l = TokenBucketLimiter::new(2, 60);
        l.record_failure(RateKey::User("bob"));
        assert!(l.blocked(RateKey::User("bob")).is_none());
        l.record_failure(RateKey::User("bob"));
        let wait = l.blocked(RateKey::User("bob")).unwrap();
        assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(2), "{wait:?}");
    }

    #[test]
    fn bucket_refills_over_time() {
        let l = TokenBucketLimiter::new(1, 6000); // 100 a second
        l.record_failure(RateKey::Client("c"));
        assert!(l.blocked(RateKey::Client("c")).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(l.blocked(RateKey::Client("c")).is_none());
    }

    /// Keys whose hashes collide (here all of them) keep buckets of their own.
    #[test]
    fn keys_whose_hashes_collide_keep_their_own_buckets() {
        let l =
            TokenBucketLimiter { hasher: KeyHasher::Colliding, ..TokenBucketLimiter::new(1, 1) };
        let ip = RateKey::Ip(IpAddr::from([127, 0, 0, 1]));
        for key in [RateKey::Client("x"), RateKey::User("x"), RateKey::Client("y"), ip] {
            assert!(l.blocked(key).is_none(), "{key:?}");
            l.record_failure(key);
            assert!(l.blocked(key).is_some(), "{key:?}");
        }
        assert!(l.blocked(RateKey::User("y")).is_none());
        assert!(l.blocked(RateKey::Ip(IpAddr::from([127, 0, 0, 2]))).is_none());
    }

    /// A full shard drops the buckets that refilled and keeps the ones still spent. It counts
    /// buckets, not hashes: here 4,097 keys share 256 hashes.
    #[test]
    fn a_full_shard_drops_refilled_buckets_only() {
        let l = TokenBucketLimiter {
            hasher: KeyHasher::Narrow(RandomState::new()),
            ..TokenBucketLimiter::new(2, 600) // a token back every 100 ms
        };
        let len = || l.shards[0].lock().unwrap().len;
        for i in 0..SHARD_SOFT_CAP {
            l.record_failure(RateKey::User(&format!("a{i}")));
        }
        assert_eq!(len(), SHARD_SOFT_CAP);
        std::thread::sleep(Duration::from_millis(150)); // every bucket full again
        l.record_failure(RateKey::User("spent"));
        l.record_failure(RateKey::User("spent"));
        assert_eq!(len(), 1, "the refilled buckets were dropped");
        assert!(l.blocked(RateKey::User("spent")).is_some());
        for i in 1..SHARD_SOFT_CAP {
            l.record_failure(RateKey::User(&format!("b{i}")));
        }
        l.record_failure(RateKey::User("last"));
        assert_eq!(len(), SHARD_SOFT_CAP + 1, "no bucket had refilled: all kept");
        assert!(l.blocked(RateKey::User("spent")).is_some());
    }

    #[test]
    fn keys_of_different_kinds_are_separate() {
        let l = TokenBucketLimiter::new(1, 1);
        l.record_failure(RateKey::Client("x"));
        assert!(l.blocked(RateKey::Client("x")).is_some());
        assert!(l.blocked(RateKey::User("x")).is_none());
    }
}
