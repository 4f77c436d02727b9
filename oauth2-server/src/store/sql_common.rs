//! What the SQLite and PostgreSQL stores share: the queries (one text for both dialects:
//! `$N` placeholders, `RETURNING`, `ON CONFLICT`) and the capability impls, written once as a
//! macro over the sqlx database type.
//!
//! Tables (see `migrations/`):
//! - `clients (id, data)`: the client as JSON, its secret only as a SHA-256 digest;
//! - `tokens (hash, kind, grant_id, expires_at, retired_at, data)`: access, refresh and retired
//!   refresh tokens keyed by the SHA-256 of their value; `kind` is `access`, `refresh` or
//!   `retired`;
//! - `codes (hash, client_id, grant_id, expires_at, consumed_at, data)`: codes keyed by the
//!   SHA-256 of their value; a consumed code stays as a replay tombstone until it expires;
//! - `grants (grant_id, revoked_until)`: one row per grant, locked by `save_token` and
//!   `revoke_grant` so they are ordered, remembering a revocation for 10 minutes;
//! - `users (username, salt, digest, data)` and `client_users (client_id, data)`.

/// The statements, with every table name qualified by a prefix (a PostgreSQL schema, or
/// nothing for SQLite, whose isolation unit is the file).
pub(crate) struct Queries {
    pub(crate) upsert_client: String,
    pub(crate) delete_client: String,
    pub(crate) get_client: String,
    pub(crate) insert_token: String,
    pub(crate) get_token: String,
    pub(crate) revoke_grant: String,
    pub(crate) lock_grant: String,
    pub(crate) mark_grant_revoked: String,
    pub(crate) purge_grants: String,
    pub(crate) insert_code: String,
    pub(crate) consume_code: String,
    pub(crate) code_tombstone: String,
    pub(crate) retire_refresh: String,
    pub(crate) get_retired: String,
    pub(crate) delete_access: String,
    pub(crate) upsert_user: String,
    pub(crate) get_user: String,
    pub(crate) upsert_client_user: String,
    pub(crate) get_client_user: String,
    pub(crate) purge_tokens: String,
    pub(crate) purge_codes: String,
}

impl Queries {
    /// `t` is prepended to every table name (e.g. `"my_schema".`).
    pub(crate) fn new(t: &str) -> Self {
        Self {
            upsert_client: format!(
                "INSERT INTO {t}clients (id, data) VALUES ($1, $2) \
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data"
            ),
            delete_client: format!("DELETE FROM {t}clients WHERE id = $1"),
            get_client: format!("SELECT data FROM {t}clients WHERE id = $1"),
            insert_token: format!(
                "INSERT INTO {t}tokens (hash, kind, grant_id, expires_at, data) \
                 VALUES ($1, $2, $3, $4, $5)"
            ),
            get_token: format!(
                "SELECT data FROM {t}tokens WHERE hash = $1 AND kind = $2 AND expires_at > $3"
            ),
            revoke_grant: format!("DELETE FROM {t}tokens WHERE grant_id = $1"),
            // An upsert that changes nothing but locks the grant's row until the transaction
            // ends, and tells whether the grant was revoked: `save_token` and `revoke_grant`
            // of one grant are thereby serialised (see `AccessTokenStore::revoke_grant`).
            lock_grant: format!(
                "INSERT INTO {t}grants (grant_id, revoked_until) VALUES ($1, NULL) \
                 ON CONFLICT (grant_id) DO UPDATE SET grant_id = excluded.grant_id \
                 RETURNING revoked_until"
            ),
            mark_grant_revoked: format!(
                "INSERT INTO {t}grants (grant_id, revoked_until) VALUES ($1, $2) \
                 ON CONFLICT (grant_id) DO UPDATE SET revoked_until = excluded.revoked_until"
            ),
            purge_grants: format!(
                "DELETE FROM {t}grants WHERE revoked_until <= $1 OR (revoked_until IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM {t}tokens k WHERE k.grant_id = {t}grants.grant_id))"
            ),
            insert_code: format!(
                "INSERT INTO {t}codes (hash, client_id, grant_id, expires_at, data) \
                 VALUES ($1, $2, $3, $4, $5)"
            ),
            // Atomic: the `consumed_at IS NULL` condition is re-checked under the row's write
            // lock, so of many racing statements exactly one matches the row (RFC 6749 4.1.2:
            // a code is used once).
            consume_code: format!(
                "UPDATE {t}codes SET consumed_at = $2 \
                 WHERE hash = $1 AND consumed_at IS NULL AND expires_at > $2 RETURNING data"
            ),
            code_tombstone: format!(
                "SELECT client_id, grant_id FROM {t}codes \
                 WHERE hash = $1 AND consumed_at IS NOT NULL AND expires_at > $2"
            ),
            // Atomic for the same reason: only one rotation can move a row from `refresh` to
            // `retired`, so two concurrent refreshes cannot both succeed.
            retire_refresh: format!(
                "UPDATE {t}tokens SET kind = 'retired', retired_at = $2 \
                 WHERE hash = $1 AND kind = 'refresh'"
            ),
            get_retired: format!(
                "SELECT data, retired_at FROM {t}tokens \
                 WHERE hash = $1 AND kind = 'retired' AND expires_at > $2"
            ),
            delete_access: format!("DELETE FROM {t}tokens WHERE hash = $1 AND kind = 'access'"),
            upsert_user: format!(
                "INSERT INTO {t}users (username, salt, digest, data) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (username) DO UPDATE \
                 SET salt = excluded.salt, digest = excluded.digest, data = excluded.data"
            ),
            get_user: format!("SELECT salt, digest, data FROM {t}users WHERE username = $1"),
            upsert_client_user: format!(
                "INSERT INTO {t}client_users (client_id, data) VALUES ($1, $2) \
                 ON CONFLICT (client_id) DO UPDATE SET data = excluded.data"
            ),
            get_client_user: format!("SELECT data FROM {t}client_users WHERE client_id = $1"),
            purge_tokens: format!("DELETE FROM {t}tokens WHERE expires_at <= $1"),
            purge_codes: format!("DELETE FROM {t}codes WHERE expires_at <= $1"),
        }
    }
}

pub(crate) fn db_err(err: sqlx::Error) -> crate::error::ModelError {
    crate::error::ModelError::new(err)
}

/// Implements the helpers and every capability trait for a store struct with fields
/// `pool: sqlx::Pool<$db>` and `queries: Arc<Queries>`.
macro_rules! sql_store_impls {
    ($store:ident) => {
        impl<U: $crate::store::codec::StoredUser> $store<U> {
            /// Registers (or replaces) a client. A plain secret is stored as its SHA-256
            /// digest: no client secret is kept in the clear.
            pub async fn add_client(
                &self,
                client: $crate::Client,
            ) -> Result<(), $crate::ModelError> {
                let data = $crate::store::codec::StoredClient::encode(&client)?;
                sqlx::query(&self.queries.upsert_client)
                    .bind(client.id())
                    .bind(data)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                Ok(())
            }

            /// Removes a client; `true` when it existed. Its tokens stay valid until they
            /// expire or are revoked.
            pub async fn remove_client(&self, client_id: &str) -> Result<bool, $crate::ModelError> {
                let done = sqlx::query(&self.queries.delete_client)
                    .bind(client_id)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                Ok(done.rows_affected() > 0)
            }

            /// Registers (or replaces) a password-grant user, kept with a salted SHA-256 of the
            /// password (see the type's docs).
            pub async fn add_user(
                &self,
                username: &str,
                password: &str,
                user: U,
            ) -> Result<(), $crate::ModelError> {
                let digest = $crate::secret::PasswordDigest::new(password);
                let data = serde_json::to_string(&user).map_err($crate::store::codec::json_err)?;
                sqlx::query(&self.queries.upsert_user)
                    .bind(username)
                    .bind(&digest.salt[..])
                    .bind(&digest.digest[..])
                    .bind(data)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                Ok(())
            }

            /// Makes client_credentials tokens of `client_id` carry `user` (by default they
            /// carry none).
            pub async fn set_client_user(
                &self,
                client_id: &str,
                user: U,
            ) -> Result<(), $crate::ModelError> {
                let data = serde_json::to_string(&user).map_err($crate::store::codec::json_err)?;
                sqlx::query(&self.queries.upsert_client_user)
                    .bind(client_id)
                    .bind(data)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                Ok(())
            }

            /// Deletes every expired token (live, revoked-by-rotation or not) and every
            /// expired code or code tombstone; returns how many rows went. Expired rows are
            /// never returned anyway: this only reclaims space. Run it periodically.
            pub async fn purge_expired(&self) -> Result<u64, $crate::ModelError> {
                let now = $crate::store::codec::millis(std::time::SystemTime::now());
                let mut removed = 0;
                for q in [
                    &self.queries.purge_tokens,
                    &self.queries.purge_codes,
                    &self.queries.purge_grants,
                ] {
                    let done = sqlx::query(q)
                        .bind(now)
                        .execute(&self.pool)
                        .await
                        .map_err($crate::store::sql_common::db_err)?;
                    removed += done.rows_affected();
                }
                Ok(removed)
            }

            async fn find_token(
                &self,
                value: &str,
                kind: &str,
            ) -> Result<Option<$crate::Token<U>>, $crate::ModelError> {
                use sqlx::Row as _;
                let hash = $crate::TokenHash::of(value);
                let now = $crate::store::codec::millis(std::time::SystemTime::now());
                let row = sqlx::query(&self.queries.get_token)
                    .bind(&hash.as_bytes()[..])
                    .bind(kind)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let data: String = row.try_get(0).map_err($crate::store::sql_common::db_err)?;
                $crate::store::codec::StoredToken::decode(&data).map(Some)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::ClientStore for $store<U> {
            async fn get_client(
                &self,
                client_id: &str,
            ) -> Result<Option<std::sync::Arc<$crate::Client>>, $crate::ModelError> {
                use sqlx::Row as _;
                let row = sqlx::query(&self.queries.get_client)
                    .bind(client_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let data: String = row.try_get(0).map_err($crate::store::sql_common::db_err)?;
                let client = $crate::store::codec::StoredClient::decode(client_id, &data)?;
                Ok(Some(std::sync::Arc::new(client)))
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::AccessTokenStore<U> for $store<U> {
            async fn save_token(
                &self,
                tokens: &$crate::NewTokens<U>,
            ) -> Result<(), $crate::ModelError> {
                use $crate::store::codec::{millis, StoredToken};
                // One transaction: the access token and its refresh token exist together or
                // not at all.
                let mut tx = self.pool.begin().await.map_err($crate::store::sql_common::db_err)?;
                if let Some(grant) = tokens.access.data.grant_id {
                    // First statement of the transaction: lock the grant's row. A concurrent
                    // `revoke_grant` either committed before (then we see `revoked_until` and
                    // save nothing) or waits for our commit (and then deletes these tokens).
                    let revoked_until: Option<i64> = sqlx::query_scalar(&self.queries.lock_grant)
                        .bind(grant.to_string())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err($crate::store::sql_common::db_err)?;
                    if revoked_until.is_some_and(|t| t > millis(std::time::SystemTime::now())) {
                        return Ok(());
                    }
                }
                let pairs = std::iter::once(("access", &tokens.access))
                    .chain(tokens.refresh.as_ref().map(|r| ("refresh", r)));
                for (kind, issued) in pairs {
                    sqlx::query(&self.queries.insert_token)
                        .bind(&issued.value.hash().as_bytes()[..])
                        .bind(kind)
                        .bind(issued.data.grant_id.map(|g| g.to_string()))
                        .bind(millis(issued.data.expires_at))
                        .bind(StoredToken::encode(&issued.data)?)
                        .execute(&mut *tx)
                        .await
                        .map_err($crate::store::sql_common::db_err)?;
                }
                tx.commit().await.map_err($crate::store::sql_common::db_err)
            }

            async fn get_access_token(
                &self,
                access_token: &str,
            ) -> Result<Option<$crate::Token<U>>, $crate::ModelError> {
                self.find_token(access_token, "access").await
            }

            async fn revoke_grant(
                &self,
                grant_id: $crate::GrantId,
            ) -> Result<(), $crate::ModelError> {
                // Mark the grant revoked (locking its row, see `Queries::lock_grant`) and delete
                // its access, refresh and retired rows, in one transaction.
                let until =
                    std::time::SystemTime::now() + $crate::store::codec::REVOKED_GRANT_MEMORY;
                let mut tx = self.pool.begin().await.map_err($crate::store::sql_common::db_err)?;
                sqlx::query(&self.queries.mark_grant_revoked)
                    .bind(grant_id.to_string())
                    .bind($crate::store::codec::millis(until))
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                sqlx::query(&self.queries.revoke_grant)
                    .bind(grant_id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                tx.commit().await.map_err($crate::store::sql_common::db_err)?;
                Ok(())
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::AuthorizationCodeStore<U> for $store<U> {
            async fn save_authorization_code(
                &self,
                code: $crate::Issued<$crate::AuthorizationCode<U>>,
            ) -> Result<(), $crate::ModelError> {
                use $crate::store::codec::{millis, StoredCode};
                sqlx::query(&self.queries.insert_code)
                    .bind(&code.value.hash().as_bytes()[..])
                    .bind(&*code.data.client_id)
                    .bind(code.data.grant_id.to_string())
                    .bind(millis(code.data.expires_at))
                    .bind(StoredCode::encode(&code.data)?)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                Ok(())
            }

            async fn take_authorization_code(
                &self,
                code: &str,
            ) -> Result<$crate::CodeRedemption<U>, $crate::ModelError> {
                use sqlx::Row as _;
                use $crate::store::codec::{millis, parse_grant_id, StoredCode};
                let hash = $crate::TokenHash::of(code);
                let now = millis(std::time::SystemTime::now());
                // One conditional UPDATE decides the race (see `Queries::consume_code`).
                let won = sqlx::query(&self.queries.consume_code)
                    .bind(&hash.as_bytes()[..])
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                if let Some(row) = won {
                    let data: String = row.try_get(0).map_err($crate::store::sql_common::db_err)?;
                    return StoredCode::decode(&data).map($crate::CodeRedemption::Redeemed);
                }
                // Lost, or no live code: a consumed, unexpired row is a replay tombstone.
                let tombstone = sqlx::query(&self.queries.code_tombstone)
                    .bind(&hash.as_bytes()[..])
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                let Some(row) = tombstone else { return Ok($crate::CodeRedemption::Unknown) };
                let client_id: String =
                    row.try_get(0).map_err($crate::store::sql_common::db_err)?;
                let grant_id: String = row.try_get(1).map_err($crate::store::sql_common::db_err)?;
                Ok($crate::CodeRedemption::Replayed {
                    client_id: std::sync::Arc::from(client_id),
                    grant_id: parse_grant_id(&grant_id)?,
                })
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::RefreshTokenStore<U> for $store<U> {
            async fn get_refresh_token(
                &self,
                refresh_token: &str,
            ) -> Result<Option<$crate::Token<U>>, $crate::ModelError> {
                self.find_token(refresh_token, "refresh").await
            }

            async fn revoke_refresh_token(
                &self,
                refresh_token: &str,
            ) -> Result<bool, $crate::ModelError> {
                let hash = $crate::TokenHash::of(refresh_token);
                let now = $crate::store::codec::millis(std::time::SystemTime::now());
                // One conditional UPDATE: the row changes kind once, so `true` is seen once.
                let done = sqlx::query(&self.queries.retire_refresh)
                    .bind(&hash.as_bytes()[..])
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn get_retired_refresh_token(
                &self,
                refresh_token: &str,
            ) -> Result<Option<$crate::RetiredToken<U>>, $crate::ModelError> {
                use sqlx::Row as _;
                use $crate::store::codec::{from_millis, millis, StoredToken};
                let hash = $crate::TokenHash::of(refresh_token);
                let row = sqlx::query(&self.queries.get_retired)
                    .bind(&hash.as_bytes()[..])
                    .bind(millis(std::time::SystemTime::now()))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let data: String = row.try_get(0).map_err($crate::store::sql_common::db_err)?;
                let retired_at: Option<i64> =
                    row.try_get(1).map_err($crate::store::sql_common::db_err)?;
                Ok(Some($crate::RetiredToken {
                    token: StoredToken::decode(&data)?,
                    retired_at: from_millis(retired_at.unwrap_or(0)),
                }))
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::RevocationStore<U> for $store<U> {
            async fn revoke_access_token(
                &self,
                access_token: &str,
            ) -> Result<bool, $crate::ModelError> {
                let hash = $crate::TokenHash::of(access_token);
                let done = sqlx::query(&self.queries.delete_access)
                    .bind(&hash.as_bytes()[..])
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                Ok(done.rows_affected() > 0)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::PasswordStore<U> for $store<U> {
            async fn get_user(
                &self,
                username: &str,
                password: &str,
                _client: &$crate::Client,
            ) -> Result<Option<U>, $crate::ModelError> {
                use sqlx::Row as _;
                use $crate::secret::PasswordDigest;
                use $crate::store::codec::json_err;
                let row = sqlx::query(&self.queries.get_user)
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                let Some(row) = row else {
                    PasswordDigest::burn(password);
                    return Ok(None);
                };
                let salt: Vec<u8> = row.try_get(0).map_err($crate::store::sql_common::db_err)?;
                let digest: Vec<u8> = row.try_get(1).map_err($crate::store::sql_common::db_err)?;
                if !PasswordDigest::verify(&salt, &digest, password) {
                    return Ok(None);
                }
                let data: String = row.try_get(2).map_err($crate::store::sql_common::db_err)?;
                serde_json::from_str(&data).map(Some).map_err(json_err)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::ClientCredentialsStore<U> for $store<U> {
            async fn get_user_from_client(
                &self,
                client: &$crate::Client,
            ) -> Result<Option<U>, $crate::ModelError> {
                use sqlx::Row as _;
                let row = sqlx::query(&self.queries.get_client_user)
                    .bind(client.id())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql_common::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let data: String = row.try_get(0).map_err($crate::store::sql_common::db_err)?;
                serde_json::from_str(&data).map(Some).map_err($crate::store::codec::json_err)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::ScopePolicy<U> for $store<U> {}
        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::TokenGenerator<U> for $store<U> {}
        #[diagnostic::do_not_recommend]
        impl<U: $crate::store::codec::StoredUser> $crate::OAuthModel for $store<U> {
            type User = U;
        }
    };
}

pub(crate) use sql_store_impls;
