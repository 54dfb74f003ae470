-- The console (docs/console.md): one-time sign-in links and the sessions they open, each bound to
-- the admin client that asked for the link. Only the SHA-256 of a link's or a session's secret is
-- kept, so a copy of the store opens nothing. A link row lives 60 s and is deleted when used; a
-- session row until it expires or its user signs out. Portable SQL, as V1.
CREATE TABLE console_sessions (
    secret_hash VARCHAR(64)  PRIMARY KEY,
    kind        VARCHAR(8)   NOT NULL,
    client_id   VARCHAR(128) NOT NULL,
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL
);
CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);

-- When each client was last issued each scope, per API: the console's "least privilege at a
-- glance" (which granted scopes a client actually uses). Written in batches off the token path.
CREATE TABLE client_scope_usage (
    client_id    VARCHAR(128)  NOT NULL,
    api          VARCHAR(2048) NOT NULL,
    scope        VARCHAR(256)  NOT NULL,
    last_used_at BIGINT        NOT NULL,
    PRIMARY KEY (client_id, api, scope)
);
