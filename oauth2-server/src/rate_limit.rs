//! Brute-force limits (OAuth 2.1 2.4.1: "the authorization server MUST protect ... against
//! brute force attacks"): failed attempts are counted per key in a token bucket, and a key
//! whose bucket is empty is refused with 429 and `Retry-After` until it refills.
//!
//! Only *failures* spend tokens, so a client that authenticates correctly is never slowed down,
//! however fast it goes.

use std::collections::HashMap;
use std::hash::BuildHasher;
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

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

const SHARDS: usize = 16;
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
    shards: Box<[Mutex<HashMap<OwnedKey, Bucket>>]>,
    hasher: std::collections::hash_map::RandomState,
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
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    fn shard(&self, key: &OwnedKey) -> MutexGuard<'_, HashMap<OwnedKey, Bucket>> {
        let shard = &self.shards[self.hasher.hash_one(key) as usize % SHARDS];
        shard.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.per_second).min(self.burst)
    }
}

impl RateLimiter for TokenBucketLimiter {
    fn blocked(&self, key: RateKey<'_>) -> Option<Duration> {
        let key = OwnedKey::from(key);
        let shard = self.shard(&key);
        let bucket = *shard.get(&key)?;
        let tokens = self.refilled(bucket, Instant::now());
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
        let key = OwnedKey::from(key);
        let mut shard = self.shard(&key);
        if shard.len() >= SHARD_SOFT_CAP {
            let burst = self.burst;
            shard.retain(|_, b| self.refilled(*b, now) < burst);
        }
        let bucket = shard.entry(key).or_insert(Bucket { tokens: self.burst, at: now });
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

    #[test]
    fn keys_of_different_kinds_are_separate() {
        let l = TokenBucketLimiter::new(1, 1);
        l.record_failure(RateKey::Client("x"));
        assert!(l.blocked(RateKey::Client("x")).is_some());
        assert!(l.blocked(RateKey::User("x")).is_none());
    }
}
