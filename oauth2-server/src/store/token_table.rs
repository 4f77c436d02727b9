//! The compact token table behind [`MemoryStore`](super::memory::MemoryStore)'s access and
//! refresh tokens.
//!
//! A public [`Token<U>`] is 128 bytes (two `SystemTime`s of 16, an `Option<GrantId>` of 32
//! because `u128` is 16-aligned); kept as is in a hash table whose load swings between 44 % and
//! 87.5 %, with its 32-byte key, it cost 240-340 bytes per live token. Here a token is
//!
//! - an index entry: the first 128 bits of the token's SHA-256 -> a slot number (20 bytes in
//!   the table, so 23-46 bytes per token whatever the load), and
//! - a [`Record`] in a dense slot vector (88 bytes for `U = String`): times as nanoseconds
//!   since the UNIX epoch, the grant id as two `u64`, the client id and scope as the shared
//!   `Arc<str>` of the request.
//!
//! Freed slots are reused (a free list), so the vector does not grow under churn. 128 bits of
//! SHA-256 are plenty for a key: finding another value whose digest starts like a live
//! token's is a 2^128 search.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::scope::Scope;
use crate::secret::TokenHash;
use crate::token::{GrantId, Token};

/// The first 128 bits of a [`TokenHash`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Key([u32; 4]);

impl Key {
    pub(super) fn of(hash: &TokenHash) -> Self {
        let b = hash.as_bytes();
        let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Self([word(0), word(4), word(8), word(12)])
    }

    /// Bytes 8.. of the digest pick the shard (the map hashes bytes ..8).
    pub(super) fn shard(&self, shards: usize) -> usize {
        self.0[2] as usize % shards
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The digest's first bytes are uniform already: they are the hash.
        state.write_u64(u64::from(self.0[0]) | (u64::from(self.0[1]) << 32));
    }
}

/// A hasher for keys that are already uniform (digests, random ids): it passes a `u64` through,
/// and takes the first 8 bytes of anything else.
#[derive(Default)]
pub(super) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The top bit of [`Record::issued`]: set when the token belongs to a grant.
const HAS_GRANT: u64 = 1 << 63;

/// Nanoseconds since the UNIX epoch, exact from 1970 to 2262; earlier times read as the
/// epoch, later ones as 2262 (both far from any token's lifetime).
fn to_nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).min(HAS_GRANT - 1))
}

fn from_nanos(n: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(n & !HAS_GRANT)
}

/// One token, compactly.
struct Record<U> {
    client_id: Arc<str>,
    scope: Scope,
    user: Option<U>,
    grant: [u64; 2],
    /// Issue time in nanoseconds; the top bit is [`HAS_GRANT`].
    issued: u64,
    /// Expiry in nanoseconds.
    expires: u64,
}

impl<U: Clone> Record<U> {
    fn new(token: &Token<U>) -> Self {
        let (grant, flag) = match token.grant_id {
            Some(GrantId(id)) => ([id as u64, (id >> 64) as u64], HAS_GRANT),
            None => ([0, 0], 0),
        };
        Self {
            client_id: token.client_id.clone(),
            scope: token.scope.clone(),
            user: token.user.clone(),
            grant,
            issued: to_nanos(token.issued_at) | flag,
            expires: to_nanos(token.expires_at),
        }
    }

    fn token(&self) -> Token<U> {
        Token {
            client_id: self.client_id.clone(),
            user: self.user.clone(),
            scope: self.scope.clone(),
            grant_id: self.grant_id(),
            issued_at: from_nanos(self.issued),
            expires_at: from_nanos(self.expires),
        }
    }
}

impl<U> Record<U> {
    fn grant_id(&self) -> Option<GrantId> {
        (self.issued & HAS_GRANT != 0)
            .then(|| GrantId(u128::from(self.grant[0]) | (u128::from(self.grant[1]) << 64)))
    }

    fn into_token(self) -> Token<U> {
        let grant_id = self.grant_id();
        Token {
            client_id: self.client_id,
            user: self.user,
            scope: self.scope,
            grant_id,
            issued_at: from_nanos(self.issued),
            expires_at: from_nanos(self.expires),
        }
    }

    /// `Token::is_expired_at`: at or past the expiry.
    fn expired_at(&self, now: u64) -> bool {
        now >= self.expires
    }
}

/// One shard's tokens: the index and the slots.
pub(super) struct TokenTable<U> {
    index: HashMap<Key, u32, BuildHasherDefault<PassThrough>>,
    slots: Vec<Option<Record<U>>>,
    free: Vec<u32>,
}

impl<U> Default for TokenTable<U> {
    fn default() -> Self {
        Self { index: HashMap::default(), slots: Vec::new(), free: Vec::new() }
    }
}

impl<U> TokenTable<U> {
    pub(super) fn len(&self) -> usize {
        self.index.len()
    }

    #[cfg(test)]
    pub(super) fn contains(&self, key: Key) -> bool {
        self.index.contains_key(&key)
    }

    /// Removes and returns the token under `key`, expired or not.
    pub(super) fn remove(&mut self, key: Key) -> Option<Token<U>> {
        let slot = self.index.remove(&key)?;
        let record = self.slots[slot as usize].take()?;
        self.release(slot);
        Some(record.into_token())
    }

    fn release(&mut self, slot: u32) {
        if self.index.is_empty() {
            // Empty again (after a burst, say): give the slots back.
            self.slots = Vec::new();
            self.free = Vec::new();
        } else {
            self.free.push(slot);
        }
    }

    /// Removes every token expired at `now`; returns how many.
    pub(super) fn remove_expired(&mut self, now: SystemTime) -> usize {
        self.remove_dead(now, |_| false)
    }

    /// Removes every token expired at `now` or whose grant `revoked` names; returns how many.
    pub(super) fn remove_dead(
        &mut self,
        now: SystemTime,
        revoked: impl Fn(GrantId) -> bool,
    ) -> usize {
        let now = to_nanos(now);
        let before = self.index.len();
        let Self { index, slots, free } = self;
        index.retain(|_, slot| {
            let live = slots[*slot as usize]
                .as_ref()
                .is_some_and(|r| !r.expired_at(now) && !r.grant_id().is_some_and(&revoked));
            if !live {
                slots[*slot as usize] = None;
                free.push(*slot);
            }
            live
        });
        let removed = before - self.index.len();
        if self.index.is_empty() {
            self.slots = Vec::new();
            self.free = Vec::new();
        }
        removed
    }
}

impl<U: Clone> TokenTable<U> {
    /// Stores `token` under `key`, replacing what was there.
    pub(super) fn insert(&mut self, key: Key, token: &Token<U>) {
        let record = Some(Record::new(token));
        // One probe of the index: the slot of a replaced token is reused in place.
        let vacant = match self.index.entry(key) {
            Entry::Occupied(taken) => {
                self.slots[*taken.get() as usize] = record;
                return;
            }
            Entry::Vacant(vacant) => vacant,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = record;
                slot
            }
            None => {
                // More than 2^32 tokens in one shard would need 350 GiB: not a case to handle.
                let slot = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                self.slots.push(record);
                slot
            }
        };
        vacant.insert(slot);
    }

    /// The token under `key` if it is live at `now`; an expired one is removed.
    pub(super) fn get_live(&mut self, key: Key, now: SystemTime) -> Option<Token<U>> {
        let slot = *self.index.get(&key)?;
        let record = self.slots[slot as usize].as_ref()?;
        if record.expired_at(to_nanos(now)) {
            self.remove(key);
            return None;
        }
        Some(record.token())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(grant: Option<GrantId>, issued: SystemTime, lifetime: Duration) -> Token<String> {
        Token {
            client_id: Arc::from("c"),
            user: Some("alice".to_owned()),
            scope: Scope::parse("read write").unwrap(),
            grant_id: grant,
            issued_at: issued,
            expires_at: issued + lifetime,
        }
    }

    #[test]
    fn record_round_trips_every_field_exactly() {
        let now = SystemTime::now();
        for grant in [None, Some(GrantId(0)), Some(GrantId(u128::MAX)), Some(GrantId::generate())] {
            let t = token(grant, now, Duration::from_nanos(3_600_000_000_123));
            assert_eq!(Record::new(&t).token(), t);
            assert_eq!(Record::new(&t).into_token(), t);
        }
    }

    #[test]
    fn expired_tokens_are_not_returned_and_are_removed() {
        let mut table = TokenTable::default();
        let now = SystemTime::now();
        let key = Key::of(&TokenHash::of("a"));
        table.insert(key, &token(None, now, Duration::from_secs(10)));
        assert!(table.get_live(key, now + Duration::from_secs(9)).is_some());
        // RFC 6749 5.1 expires_in: at the expiry instant the token is no longer valid.
        assert!(table.get_live(key, now + Duration::from_secs(10)).is_none());
        assert_eq!(table.len(), 0);
    }

    #[test]
    fn slots_are_reused_after_removal() {
        let mut table = TokenTable::default();
        let now = SystemTime::now();
        let keys: Vec<Key> = (0..100).map(|i| Key::of(&TokenHash::of(&i.to_string()))).collect();
        for (i, key) in keys.iter().enumerate() {
            let lifetime = Duration::from_secs(if i % 2 == 0 { 1 } else { 100 });
            table.insert(*key, &token(None, now, lifetime));
        }
        assert_eq!(table.remove_expired(now + Duration::from_secs(2)), 50);
        assert_eq!(table.len(), 50);
        for i in 100..150 {
            table.insert(
                Key::of(&TokenHash::of(&i.to_string())),
                &token(None, now, Duration::from_secs(1000)),
            );
        }
        assert_eq!(table.slots.len(), 100, "freed slots are reused before the vector grows");
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(table.contains(*key), i % 2 == 1);
        }
    }

    #[test]
    fn replacing_a_key_keeps_one_entry() {
        let mut table = TokenTable::default();
        let now = SystemTime::now();
        let key = Key::of(&TokenHash::of("a"));
        table.insert(key, &token(None, now, Duration::from_secs(1)));
        table.insert(key, &token(None, now, Duration::from_secs(5)));
        assert_eq!(table.len(), 1);
        let t = table.remove(key).unwrap();
        assert_eq!(t.expires_at, now + Duration::from_secs(5));
        assert!(table.remove(key).is_none());
    }
}
