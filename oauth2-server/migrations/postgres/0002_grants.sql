-- oauth2-server PostgresStore, schema version 2: one row per grant, the lock that orders
-- `save_token` against `revoke_grant`, and the memory of a revocation (`revoked_until`), so
-- that tokens saved after their grant was revoked never become live (RFC 6749 4.1.2).

CREATE TABLE grants (
    grant_id      TEXT PRIMARY KEY NOT NULL,
    revoked_until BIGINT
);
