-- Mutual TLS (RFC 8705): the certificate attribute a tls_client_auth client is known by (the
-- attribute's name, e.g. san_uri, and its value), and whether its certificate-authenticated tokens
-- are bound to the certificate. Portable SQL, as V1.
ALTER TABLE clients ADD COLUMN tls_client_auth_attribute VARCHAR(16);
ALTER TABLE clients ADD COLUMN tls_client_auth_value VARCHAR(2048);
ALTER TABLE clients ADD COLUMN tls_client_certificate_bound BOOLEAN NOT NULL DEFAULT FALSE;
