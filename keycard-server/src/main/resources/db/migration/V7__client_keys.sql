-- private_key_jwt (RFC 7523 §2.2): a client's public keys, as a JWK Set given inline (jwks) or
-- the URL it publishes one at (jwks_uri), never both; and the one algorithm its assertions must
-- use, when it declares one. Portable SQL, as V1.
ALTER TABLE clients ADD COLUMN jwks TEXT;
ALTER TABLE clients ADD COLUMN jwks_uri VARCHAR(2048);
ALTER TABLE clients ADD COLUMN token_endpoint_auth_signing_alg VARCHAR(16);

-- The jti of every client assertion accepted, until the assertion's exp: an assertion is used
-- once, on any node and across a restart (RFC 7523 §3 item 7). Purged past expires_at.
CREATE TABLE client_assertion_jtis (
    client_id  VARCHAR(128) NOT NULL,
    jti        VARCHAR(256) NOT NULL,
    expires_at BIGINT       NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_expires_at ON client_assertion_jtis (expires_at);
