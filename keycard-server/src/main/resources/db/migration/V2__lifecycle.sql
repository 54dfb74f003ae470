-- Token lifecycle: signing-key rotation and revocation. Portable SQL, as V1.

-- A key signs from activates_at on; before that it is only published (so verifiers learn it
-- first). removed_at: taken out at once, by hand, as compromised.
ALTER TABLE signing_keys ADD COLUMN activates_at BIGINT NOT NULL DEFAULT 0;
UPDATE signing_keys SET activates_at = created_at;
ALTER TABLE signing_keys ADD COLUMN removed_at BIGINT;

-- Revoked tokens by jti (RFC 7009), kept until the token would have expired anyway.
CREATE TABLE revoked_tokens (
    jti        VARCHAR(64)  NOT NULL PRIMARY KEY,
    client_id  VARCHAR(128) NOT NULL,
    expires_at BIGINT       NOT NULL,
    revoked_at BIGINT       NOT NULL
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);

-- Every token of a client issued before revoked_before is revoked.
CREATE TABLE client_revocations (
    client_id      VARCHAR(128) NOT NULL PRIMARY KEY REFERENCES clients (client_id) ON DELETE CASCADE,
    revoked_before BIGINT       NOT NULL
);
