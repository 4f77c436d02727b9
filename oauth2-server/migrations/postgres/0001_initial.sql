-- oauth2-server PostgresStore, schema version 1.
-- Token and code values are never stored: `hash` is the SHA-256 of the value.
-- Timestamps are milliseconds since the Unix epoch. Applied with search_path set to the
-- store's schema, so the names below are unqualified.

CREATE TABLE clients (
    id   TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL -- JSON; the secret only as a SHA-256 digest
);

CREATE TABLE tokens (
    hash       BYTEA PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh', 'retired')),
    grant_id   TEXT,
    expires_at BIGINT NOT NULL,
    retired_at BIGINT,
    data       TEXT NOT NULL -- JSON: client, user, scope, grant, times
);
CREATE INDEX tokens_grant_id ON tokens (grant_id);
CREATE INDEX tokens_expires_at ON tokens (expires_at);

CREATE TABLE codes (
    hash        BYTEA PRIMARY KEY NOT NULL,
    client_id   TEXT NOT NULL,
    grant_id    TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    consumed_at BIGINT, -- set once: a consumed code is a replay tombstone until it expires
    data        TEXT NOT NULL
);
CREATE INDEX codes_expires_at ON codes (expires_at);

CREATE TABLE users (
    username TEXT PRIMARY KEY NOT NULL,
    salt     BYTEA NOT NULL,
    digest   BYTEA NOT NULL, -- SHA-256(salt || password)
    data     TEXT NOT NULL  -- the user, JSON
);

CREATE TABLE client_users (
    client_id TEXT PRIMARY KEY NOT NULL,
    data      TEXT NOT NULL
);
