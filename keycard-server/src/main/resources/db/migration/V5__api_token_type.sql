-- The JOSE typ of an API's access tokens: 'at+jwt' (RFC 9068, the default) or 'JWT' for resource
-- servers that accept nothing else. Portable SQL, as V1.
ALTER TABLE apis ADD COLUMN token_type VARCHAR(16) NOT NULL DEFAULT 'at+jwt';
