//! The authorization codes of [`MemoryStore`](super::memory::MemoryStore): a [`Table`] of
//! [`CodeRow`]s, the same slot table as the tokens'.
//!
//! A code is saved once, redeemed at most once, and then remembered until it would have
//! expired, so that a replay can be told from an unknown code (RFC 6749 4.1.2). In a
//! `HashMap<TokenHash, _>` each of those steps moved a 200-byte bucket, and a map that kept
//! growing under a burst of codes rehashed and faulted in fresh pages; here a code is a row in a
//! reused slot and an 8-byte index entry, and redeeming it only takes the live part out of its
//! row.

use std::sync::Arc;
use std::time::SystemTime;

use super::token_table::{from_nanos, to_nanos, Key, Row, Table};
use crate::pkce::CodeChallenge;
use crate::scope::Scope;
use crate::token::{AuthorizationCode, CodeRedemption, GrantId};

/// One code.
pub(super) struct CodeRow<U> {
    key: Key,
    /// Expiry in nanoseconds since the epoch.
    expires: u64,
    /// The grant id, as two words (a `u128` would align the row to 16 bytes).
    grant: [u64; 2],
    client_id: Arc<str>,
    /// What a redemption hands over; `None` once the code is redeemed, when the row only
    /// remains to recognise a replay.
    live: Option<LiveCode<U>>,
}

/// The part of a code that only its redemption needs.
struct LiveCode<U> {
    user: U,
    scope: Scope,
    redirect_uri: Option<String>,
    challenge: Option<CodeChallenge>,
    issued: u64,
}

impl<U> CodeRow<U> {
    fn new(key: Key, code: AuthorizationCode<U>) -> Self {
        let GrantId(grant) = code.grant_id;
        Self {
            key,
            expires: to_nanos(code.expires_at),
            grant: [grant as u64, (grant >> 64) as u64],
            client_id: code.client_id,
            live: Some(LiveCode {
                user: code.user,
                scope: code.scope,
                redirect_uri: code.redirect_uri,
                challenge: code.challenge,
                issued: to_nanos(code.issued_at),
            }),
        }
    }

    fn grant_id(&self) -> GrantId {
        GrantId(u128::from(self.grant[0]) | (u128::from(self.grant[1]) << 64))
    }
}

impl<U> Row for CodeRow<U> {
    fn key(&self) -> Key {
        self.key
    }

    /// Codes die of age only: a grant has one code, and once consumed it must stay until it
    /// expires to flag a replay, whatever became of the grant.
    fn dead_at(&self, now: u64, _revoked: &impl Fn(GrantId) -> bool) -> bool {
        now >= self.expires
    }
}

/// One shard's codes.
pub(super) type CodeTable<U> = Table<CodeRow<U>>;

impl<U> CodeTable<U> {
    /// Stores a new code under `key`.
    pub(super) fn insert_code(&mut self, key: Key, code: AuthorizationCode<U>) {
        self.insert_row(CodeRow::new(key, code));
    }

    /// Redeems the code under `key` at `now`: the first call for a live code gets it and
    /// leaves the row consumed; later calls see a replay until the code would have expired
    /// (RFC 6749 4.1.2). An expired code is removed and reads as unknown.
    pub(super) fn redeem(&mut self, key: Key, now: SystemTime) -> CodeRedemption<U> {
        let Some(pos) = self.find(key) else { return CodeRedemption::Unknown };
        let Some(row) = self.row_mut(pos) else { return CodeRedemption::Unknown };
        if to_nanos(now) >= row.expires {
            self.take_at(pos);
            return CodeRedemption::Unknown;
        }
        let grant_id = row.grant_id();
        match row.live.take() {
            Some(live) => CodeRedemption::Redeemed(AuthorizationCode {
                client_id: row.client_id.clone(),
                user: live.user,
                scope: live.scope,
                redirect_uri: live.redirect_uri,
                challenge: live.challenge,
                grant_id,
                issued_at: from_nanos(live.issued),
                expires_at: from_nanos(row.expires),
            }),
            None => CodeRedemption::Replayed { client_id: row.client_id.clone(), grant_id },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::pkce::PkceMethod;
    use crate::secret::TokenHash;

    fn code(issued: SystemTime, lifetime: Duration, grant: GrantId) -> AuthorizationCode<String> {
        AuthorizationCode {
            client_id: Arc::from("c"),
            user: "alice".to_owned(),
            scope: Scope::parse("read write").unwrap(),
            redirect_uri: Some("https://c.example/cb".to_owned()),
            challenge: Some(
                CodeChallenge::new(PkceMethod::S256, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
                    .unwrap(),
            ),
            grant_id: grant,
            issued_at: issued,
            expires_at: issued + lifetime,
        }
    }

    fn key(name: &str) -> Key {
        Key::of(&TokenHash::of(name))
    }

    #[test]
    fn a_redeemed_code_comes_back_with_every_field_exactly() {
        let now = SystemTime::now();
        for grant in [GrantId(0), GrantId(u128::MAX), GrantId::generate()] {
            let mut table = CodeTable::default();
            let saved = code(now, Duration::from_nanos(600_000_000_007), grant);
            table.insert_code(key("k"), saved.clone());
            assert_eq!(table.redeem(key("k"), now), CodeRedemption::Redeemed(saved));
        }
    }

    #[test]
    fn a_code_is_redeemed_once_then_reads_as_replayed_until_it_expires() {
        // RFC 6749 4.1.2: "The client MUST NOT use the authorization code more than once";
        // the server must recognise the second use to revoke the grant's tokens.
        let mut table = CodeTable::default();
        let now = SystemTime::now();
        let grant = GrantId::generate();
        table.insert_code(key("k"), code(now, Duration::from_secs(60), grant));
        assert!(matches!(table.redeem(key("k"), now), CodeRedemption::Redeemed(_)));
        for later in [0, 30, 59] {
            let at = now + Duration::from_secs(later);
            match table.redeem(key("k"), at) {
                CodeRedemption::Replayed { client_id, grant_id } => {
                    assert_eq!((&*client_id, grant_id), ("c", grant));
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(table.len(), 1, "the consumed code is remembered");
        assert_eq!(table.redeem(key("k"), now + Duration::from_secs(60)), CodeRedemption::Unknown);
        assert_eq!(table.len(), 0, "an expired code met by a redemption is removed");
    }

    #[test]
    fn an_expired_code_is_unknown_and_removed() {
        let mut table = CodeTable::default();
        let now = SystemTime::now();
        table.insert_code(key("k"), code(now, Duration::from_secs(10), GrantId(1)));
        // At the expiry instant the code is no longer valid.
        assert_eq!(table.redeem(key("k"), now + Duration::from_secs(10)), CodeRedemption::Unknown);
        assert_eq!(table.len(), 0);
        assert_eq!(table.redeem(key("other"), now), CodeRedemption::Unknown);
    }

    #[test]
    fn sweeps_drop_expired_codes_live_or_consumed_and_keep_the_rest() {
        let mut table = CodeTable::default();
        let now = SystemTime::now();
        for i in 0..100 {
            let lifetime = Duration::from_secs(if i % 2 == 0 { 1 } else { 100 });
            table.insert_code(key(&i.to_string()), code(now, lifetime, GrantId(i)));
        }
        for i in 0..50 {
            table.redeem(key(&i.to_string()), now);
        }
        // Revocations do not touch codes: a consumed code must stay to flag a replay.
        assert_eq!(table.remove_dead(now + Duration::from_secs(2), |_| true), 50);
        for i in 0..100u128 {
            let got = table.redeem(key(&i.to_string()), now + Duration::from_secs(2));
            match (i % 2, i < 50) {
                (0, _) => assert_eq!(got, CodeRedemption::Unknown, "{i}"),
                (_, true) => assert!(matches!(got, CodeRedemption::Replayed { .. }), "{i}"),
                (_, false) => assert!(matches!(got, CodeRedemption::Redeemed(_)), "{i}"),
            }
        }
    }
}
