//! The compact tables behind [`MemoryStore`](super::memory::MemoryStore)'s access and
//! refresh tokens ([`TokenTable`]) and authorization codes
//! ([`CodeTable`](super::code_table::CodeTable)): one [`Table`], generic over the [`Row`] it
//! holds.
//!
//! A public [`Token<U>`] is 128 bytes (two `SystemTime`s of 16, an `Option<GrantId>` of 32
//! because `u128` is 16-aligned); kept as is in a hash table whose load swings between 44 % and
//! 87.5 %, with its 32-byte key, it cost 240-340 bytes per live token. Here a token is
//!
//! - a [`Record`] in a dense slot vector (104 bytes for `U = String`): its 128-bit key, times
//!   as nanoseconds since the UNIX epoch, the grant id as two `u64`, the client id and scope as
//!   the shared `Arc<str>` of the request, and
//! - an 8-byte index entry: the key's first 32 bits and the slot number, in an open-addressing
//!   table between 3/8 and 3/4 full (11-21 bytes per token).
//!
//! The key is the first 128 bits of the token's SHA-256: plenty, since finding another value
//! whose digest starts like a live token's is a 2^128 search. Freed slots are reused (a free
//! list), so the vector does not grow under churn.
//!
//! What it costs in memory accesses, the figure that matters in a table of millions: an insert
//! touches one index cache line (and appends or reuses a slot); a lookup touches the index line
//! and the record; a sweep reads the records in slot order and looks up only the dead ones'
//! entries. (A `HashMap<Key, u32>` touched a control byte line and a bucket line on every probe,
//! and its sweep read the records in random order.)

use std::hash::Hasher;
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

    /// Bytes 8.. of the digest pick the shard (the index position comes from bytes ..4).
    pub(super) fn shard(&self, shards: usize) -> usize {
        self.0[2] as usize % shards
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
pub(super) fn to_nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).min(HAS_GRANT - 1))
}

pub(super) fn from_nanos(n: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(n & !HAS_GRANT)
}

/// What a [`Table`] holds: a record found by its key and swept by its expiry and grant.
pub(super) trait Row {
    /// The full key (the index holds only its first word).
    fn key(&self) -> Key;
    /// True when the row is dead at `now` (nanoseconds since the epoch): expired, or of a
    /// grant that `revoked` names.
    fn dead_at(&self, now: u64, revoked: &impl Fn(GrantId) -> bool) -> bool;
}

/// One token, compactly.
pub(super) struct Record<U> {
    /// The full key: the index holds only its first word.
    key: Key,
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
    fn new(key: Key, token: &Token<U>) -> Self {
        let (grant, flag) = match token.grant_id {
            Some(GrantId(id)) => ([id as u64, (id >> 64) as u64], HAS_GRANT),
            None => ([0, 0], 0),
        };
        Self {
            key,
            client_id: token.client_id.clone(),
            scope: token.scope.clone(),
            user: token.user.clone(),
            grant,
            issued: to_nanos(token.issued_at) | flag,
            expires: to_nanos(token.expires_at),
        }
    }

    /// The token, with this thread's copies of the client id and scope that many records share
    /// (`crate::local`): lookups on several cores do not all count the same references.
    fn token(&self) -> Token<U> {
        Token {
            client_id: crate::local::clone_for_thread(&self.client_id),
            user: self.user.clone(),
            scope: self.scope.clone_for_thread(),
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

impl<U> Row for Record<U> {
    fn key(&self) -> Key {
        self.key
    }

    fn dead_at(&self, now: u64, revoked: &impl Fn(GrantId) -> bool) -> bool {
        self.expired_at(now) || self.grant_id().is_some_and(revoked)
    }
}

/// Access or refresh tokens.
pub(super) type TokenTable<U> = Table<Record<U>>;

/// A free index entry. No entry of a token can be equal: that would need slot `u32::MAX`,
/// the 4,294,967,296th token of one shard (450 GB of records).
const EMPTY: u64 = u64::MAX;

/// How many dead rows a sweep looks up in the index at once (see [`Table::remove_dead`]).
const SWEEP_BATCH: usize = 16;

/// The index entry of a token whose key starts with `word`, in `slot`.
fn entry(word: u32, slot: u32) -> u64 {
    (u64::from(word) << 32) | u64::from(slot)
}

fn entry_word(entry: u64) -> u32 {
    (entry >> 32) as u32
}

fn entry_slot(entry: u64) -> usize {
    entry as u32 as usize
}

/// Where the probe for a key starting with `word` begins.
fn home(word: u32, mask: usize) -> usize {
    word as usize & mask
}

/// One shard's rows (tokens or codes): the index and the slots.
///
/// The index is open addressing with linear probing, at most 3/4 full: a token's entry is
/// found from the position its key's first word names, in the same cache line most of the time,
/// and deletion shifts the entries that follow back (no tombstones, so probes stay short under
/// churn). An entry whose word matches is confirmed against the full key in the record.
pub(super) struct Table<R> {
    /// A power of two long, or empty.
    index: Vec<u64>,
    len: usize,
    slots: Vec<Option<R>>,
    free: Vec<u32>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Self { index: Vec::new(), len: 0, slots: Vec::new(), free: Vec::new() }
    }
}

impl<R: Row> Table<R> {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[cfg(test)]
    pub(super) fn contains(&self, key: Key) -> bool {
        self.find(key).is_some()
    }

    /// The index position of `key`'s entry.
    pub(super) fn find(&self, key: Key) -> Option<usize> {
        if self.index.is_empty() {
            return None;
        }
        self.probe(key).ok()
    }

    /// Walks `key`'s probe sequence: `Ok` with the position of its entry, or `Err` with the
    /// free position where it would go. The index must not be empty.
    fn probe(&self, key: Key) -> Result<usize, usize> {
        let mask = self.index.len() - 1;
        let mut pos = home(key.0[0], mask);
        loop {
            let e = self.index[pos];
            if e == EMPTY {
                return Err(pos);
            }
            if entry_word(e) == key.0[0]
                && self.slots[entry_slot(e)].as_ref().is_some_and(|r| r.key() == key)
            {
                return Ok(pos);
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Empties the entry at `pos`, moving back the entries after it that may take its place
    /// (those whose home position is not between it and them); returns the slot it named.
    fn remove_at(&mut self, pos: usize) -> usize {
        let mask = self.index.len() - 1;
        let slot = entry_slot(self.index[pos]);
        let mut hole = pos;
        let mut next = pos;
        loop {
            next = (next + 1) & mask;
            let e = self.index[next];
            if e == EMPTY {
                break;
            }
            let home = home(entry_word(e), mask);
            if next.wrapping_sub(home) & mask >= next.wrapping_sub(hole) & mask {
                self.index[hole] = e;
                hole = next;
            }
        }
        self.index[hole] = EMPTY;
        self.len -= 1;
        slot
    }

    /// Doubles the index (16 entries at first) and places every entry again.
    fn grow(&mut self) {
        let size = (self.index.len() * 2).max(16);
        let old = std::mem::replace(&mut self.index, vec![EMPTY; size]);
        let mask = size - 1;
        for e in old.into_iter().filter(|&e| e != EMPTY) {
            let mut pos = home(entry_word(e), mask);
            while self.index[pos] != EMPTY {
                pos = (pos + 1) & mask;
            }
            self.index[pos] = e;
        }
    }

    /// The row of the entry at index position `pos` (from [`Table::find`]).
    pub(super) fn row_mut(&mut self, pos: usize) -> Option<&mut R> {
        self.slots[entry_slot(self.index[pos])].as_mut()
    }

    /// Removes the entry at index position `pos` and its row.
    pub(super) fn take_at(&mut self, pos: usize) -> Option<R> {
        let slot = self.remove_at(pos);
        let record = self.slots[slot].take();
        self.free.push(slot as u32);
        self.shrink_if_empty();
        record
    }

    /// Empty again (after a burst, say): give the memory back.
    fn shrink_if_empty(&mut self) {
        if self.len == 0 {
            *self = Self::default();
        }
    }

    /// Removes every row expired at `now`; returns how many.
    pub(super) fn remove_expired(&mut self, now: SystemTime) -> usize {
        self.remove_dead(now, |_| false)
    }

    /// Removes every row expired at `now` or whose grant `revoked` names; returns how many.
    /// The rows are visited in slot order (sequential reads); only a dead one's entry is
    /// looked up in the index.
    ///
    /// In a table of millions, each dead row's index entry is a cache miss. They are taken in
    /// batches of [`SWEEP_BATCH`]: the batch's index lines are all loaded first, so that their
    /// misses overlap instead of following one another.
    pub(super) fn remove_dead(
        &mut self,
        now: SystemTime,
        revoked: impl Fn(GrantId) -> bool,
    ) -> usize {
        let now = to_nanos(now);
        let mut removed = 0;
        let mut batch = [(0u32, Key([0; 4])); SWEEP_BATCH];
        let mut queued = 0;
        for slot in 0..self.slots.len() {
            match &self.slots[slot] {
                Some(r) if r.dead_at(now, &revoked) => {
                    batch[queued] = (slot as u32, r.key());
                    queued += 1;
                }
                _ => continue,
            }
            if queued == SWEEP_BATCH {
                removed += self.remove_batch(&batch);
                queued = 0;
            }
        }
        removed += self.remove_batch(&batch[..queued]);
        self.shrink_if_empty();
        removed
    }

    /// Removes the rows `batch` names (slot and key), after loading their index lines.
    fn remove_batch(&mut self, batch: &[(u32, Key)]) -> usize {
        if batch.is_empty() {
            return 0;
        }
        for &(_, key) in batch {
            self.touch(key);
        }
        for &(slot, key) in batch {
            if let Some(pos) = self.find(key) {
                self.remove_at(pos);
            }
            self.slots[slot as usize] = None;
            self.free.push(slot);
        }
        batch.len()
    }

    /// Loads the index line where `key`'s probe starts, and nothing else: a read whose result
    /// is not waited for, so that the cache misses of several keys overlap (safe Rust has no
    /// prefetch instruction; this is the next best thing).
    fn touch(&self, key: Key) {
        if !self.index.is_empty() {
            std::hint::black_box(self.index[home(key.0[0], self.index.len() - 1)]);
        }
    }

    /// [`touch`](Table::touch), and the free slot an insert would take (freed by a sweep long
    /// before, so just as cold).
    pub(super) fn touch_for_insert(&self, key: Key) {
        self.touch(key);
        if let Some(&slot) = self.free.last() {
            std::hint::black_box(self.slots[slot as usize].is_some());
        }
    }

    /// Stores `row` under its key, replacing what was there.
    pub(super) fn insert_row(&mut self, row: R) {
        let key = row.key();
        let record = Some(row);
        if (self.len + 1) * 4 > self.index.len() * 3 {
            self.grow();
        }
        // One probe: it meets either the key (replaced in its slot) or the free entry to take.
        let pos = match self.probe(key) {
            Ok(found) => {
                self.slots[entry_slot(self.index[found])] = record;
                return;
            }
            Err(free) => free,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = record;
                slot
            }
            None => {
                // Below u32::MAX: see `EMPTY`.
                let slot = u32::try_from(self.slots.len()).unwrap_or(u32::MAX - 1);
                self.slots.push(record);
                slot
            }
        };
        self.index[pos] = entry(key.0[0], slot);
        self.len += 1;
    }
}

impl<U> TokenTable<U> {
    /// Removes and returns the token under `key`, expired or not.
    pub(super) fn remove(&mut self, key: Key) -> Option<Token<U>> {
        let pos = self.find(key)?;
        self.take_at(pos).map(Record::into_token)
    }
}

impl<U: Clone> TokenTable<U> {
    /// Stores `token` under `key`, replacing what was there.
    pub(super) fn insert(&mut self, key: Key, token: &Token<U>) {
        self.insert_row(Record::new(key, token));
    }

    /// The token under `key` if it is live at `now`; an expired one is removed.
    pub(super) fn get_live(&mut self, key: Key, now: SystemTime) -> Option<Token<U>> {
        let pos = self.find(key)?;
        let record = self.slots[entry_slot(self.index[pos])].as_ref()?;
        if record.expired_at(to_nanos(now)) {
            self.take_at(pos);
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
            let key = Key::of(&TokenHash::of("k"));
            assert_eq!(Record::new(key, &t).token(), t);
            assert_eq!(Record::new(key, &t).into_token(), t);
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

    /// The table against a `HashMap` model, with keys crafted so that their index positions
    /// collide, cluster and wrap around the end of the index: inserts, replacements, removals,
    /// lookups at a moving clock and sweeps in random order.
    #[test]
    fn behaves_like_a_map_under_colliding_keys_and_churn() {
        use rand::{Rng as _, SeedableRng as _};
        use std::collections::HashMap;
        let mut rng = rand::rngs::StdRng::seed_from_u64(6750);
        let start = SystemTime::now();
        for round in 0..20 {
            let mut table = TokenTable::default();
            // key id -> expiry in seconds after `start`
            let mut model: HashMap<u32, u64> = HashMap::new();
            // First words among a few values, low and high: long runs, and runs that wrap.
            let word0 = |id: u32| if id % 3 == 0 { u32::MAX - id % 7 } else { id % (5 + round) };
            let key = |id: u32| Key([word0(id), id, id.wrapping_mul(31), 7]);
            let mut clock = 0u64;
            for _ in 0..3_000 {
                let id = rng.gen_range(0..400u32);
                let now = start + Duration::from_secs(clock);
                match rng.gen_range(0..10) {
                    0..=4 => {
                        let life = rng.gen_range(1..50);
                        let t = token(None, now, Duration::from_secs(life));
                        table.insert(key(id), &t);
                        model.insert(id, clock + life);
                    }
                    5 | 6 => {
                        let got = table.remove(key(id)).map(|t| t.expires_at);
                        let want = model.remove(&id).map(|e| start + Duration::from_secs(e));
                        assert_eq!(got, want);
                    }
                    7 | 8 => {
                        let got = table.get_live(key(id), now).map(|t| t.expires_at);
                        let want = match model.get(&id) {
                            Some(&e) if e > clock => Some(start + Duration::from_secs(e)),
                            Some(_) => {
                                model.remove(&id);
                                None
                            }
                            None => None,
                        };
                        assert_eq!(got, want);
                    }
                    _ => {
                        clock += rng.gen_range(0..5);
                        let now = start + Duration::from_secs(clock);
                        let before = model.len();
                        model.retain(|_, e| *e > clock);
                        assert_eq!(table.remove_expired(now), before - model.len());
                    }
                }
                assert_eq!(table.len(), model.len());
            }
            for id in 0..400 {
                assert_eq!(table.contains(key(id)), model.contains_key(&id), "key {id}");
            }
            assert!(table.len() * 4 <= table.index.len() * 3, "at most 3/4 full");
        }
    }

    #[test]
    fn an_emptied_table_gives_its_memory_back() {
        let mut table = TokenTable::default();
        let now = SystemTime::now();
        let keys: Vec<Key> = (0..1000).map(|i| Key::of(&TokenHash::of(&i.to_string()))).collect();
        for key in &keys {
            table.insert(*key, &token(None, now, Duration::from_secs(1)));
        }
        assert!(table.index.len() >= 1024);
        assert_eq!(table.remove_expired(now + Duration::from_secs(1)), 1000);
        assert_eq!((table.index.len(), table.slots.len(), table.free.len()), (0, 0, 0));
        assert!(table.get_live(keys[0], now).is_none());
        table.insert(keys[0], &token(None, now, Duration::from_secs(1)));
        assert!(table.contains(keys[0]));
    }
}
