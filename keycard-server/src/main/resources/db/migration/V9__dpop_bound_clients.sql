-- dpop_bound_access_tokens (RFC 9449 §5.2): the client's token requests must carry a DPoP proof.
-- Portable SQL, as V1.
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens BOOLEAN NOT NULL DEFAULT FALSE;
