-- A client's own limit on token requests ('50/s', '600/m', '1000/h' or 'off'); NULL: the server's
-- default (rate-limit.client-tokens). Portable SQL, as V1.
ALTER TABLE clients ADD COLUMN token_rate_limit VARCHAR(32);
