-- Keycard's registry. Written once for SQLite and PostgreSQL: portable types only.
-- Instants are epoch milliseconds (BIGINT); absent instants are NULL.

CREATE TABLE apis (
    identifier             VARCHAR(2048) NOT NULL PRIMARY KEY,
    name                   VARCHAR(200)  NOT NULL,
    token_lifetime_seconds BIGINT        NOT NULL,
    signing_alg            VARCHAR(16)   NOT NULL,
    enabled                BOOLEAN       NOT NULL,
    built_in               BOOLEAN       NOT NULL,
    created_at             BIGINT        NOT NULL,
    updated_at             BIGINT        NOT NULL
);

CREATE TABLE api_scopes (
    api   VARCHAR(2048) NOT NULL REFERENCES apis (identifier) ON DELETE CASCADE,
    scope VARCHAR(200)  NOT NULL,
    PRIMARY KEY (api, scope)
);

CREATE TABLE clients (
    client_id    VARCHAR(128)  NOT NULL PRIMARY KEY,
    name         VARCHAR(200)  NOT NULL,
    enabled      BOOLEAN       NOT NULL,
    auth_methods VARCHAR(200)  NOT NULL,
    grant_types  VARCHAR(200)  NOT NULL,
    default_api  VARCHAR(2048) REFERENCES apis (identifier) ON DELETE SET NULL,
    created_at   BIGINT        NOT NULL,
    updated_at   BIGINT        NOT NULL
);

CREATE TABLE client_secrets (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    client_id    VARCHAR(128) NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    digest       VARCHAR(64)  NOT NULL,
    hint         VARCHAR(32)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX client_secrets_client ON client_secrets (client_id);

CREATE TABLE grants (
    client_id VARCHAR(128)  NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    api       VARCHAR(2048) NOT NULL REFERENCES apis (identifier) ON DELETE CASCADE,
    PRIMARY KEY (client_id, api)
);

CREATE TABLE grant_scopes (
    client_id VARCHAR(128)  NOT NULL,
    api       VARCHAR(2048) NOT NULL,
    scope     VARCHAR(200)  NOT NULL,
    PRIMARY KEY (client_id, api, scope),
    FOREIGN KEY (client_id, api) REFERENCES grants (client_id, api) ON DELETE CASCADE,
    FOREIGN KEY (api, scope) REFERENCES api_scopes (api, scope) ON DELETE CASCADE
);

CREATE TABLE signing_keys (
    kid                   VARCHAR(64) NOT NULL PRIMARY KEY,
    alg                   VARCHAR(16) NOT NULL,
    public_jwk            TEXT        NOT NULL,
    private_jwk_encrypted TEXT        NOT NULL,
    status                VARCHAR(16) NOT NULL,
    created_at            BIGINT      NOT NULL
);
