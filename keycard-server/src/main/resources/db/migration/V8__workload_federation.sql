-- Workload identity federation: external issuers whose tokens authenticate clients (trust
-- sources), and which subject of which issuer is which client (federated identities). Portable
-- SQL, as V1. A trust source's keys come from exactly one of: OIDC discovery from its issuer,
-- a jwks_uri (a SPIFFE bundle endpoint), an inline JWK Set.
CREATE TABLE trust_sources (
    name                        VARCHAR(64)   NOT NULL PRIMARY KEY,
    kind                        VARCHAR(32)   NOT NULL,
    issuer                      VARCHAR(2048) NOT NULL UNIQUE,
    discovery                   BOOLEAN       NOT NULL,
    jwks_uri                    VARCHAR(2048),
    jwks                        TEXT,
    audience                    VARCHAR(2048),
    max_token_lifetime_seconds  BIGINT        NOT NULL,
    created_at                  BIGINT        NOT NULL
);

-- (trust source, subject) names one client: the primary key makes a second registration fail.
-- A trust source with identities cannot be removed (the admin API says so); a client's go with it.
CREATE TABLE federated_identities (
    trust_source VARCHAR(64)   NOT NULL REFERENCES trust_sources (name),
    subject      VARCHAR(1024) NOT NULL,
    id           VARCHAR(64)   NOT NULL UNIQUE,
    client_id    VARCHAR(128)  NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    claims       TEXT          NOT NULL,
    created_at   BIGINT        NOT NULL,
    PRIMARY KEY (trust_source, subject)
);
CREATE INDEX federated_identities_client ON federated_identities (client_id);
