-- What changed, in commit order, so that every node keeps its memory current by rereading only
-- what moved. Every write of the registry, the signing keys or the revocations adds its rows here
-- in its own transaction. The sequence is one row: incrementing it locks the row until the
-- writer commits, so sequence numbers are given in commit order and without gaps (a rollback
-- takes its number back), and a reader that has seen number N has seen every change up to N.
-- Rows are kept an hour: a node that was away longer reads everything again. Portable SQL, as V1.
CREATE TABLE change_sequence (
    id  INTEGER NOT NULL PRIMARY KEY,
    seq BIGINT  NOT NULL
);
INSERT INTO change_sequence (id, seq) VALUES (1, 0);

CREATE TABLE changes (
    seq        BIGINT        NOT NULL PRIMARY KEY,
    kind       VARCHAR(32)   NOT NULL,
    entity_id  VARCHAR(2048) NOT NULL,
    changed_at BIGINT        NOT NULL
);
CREATE INDEX changes_changed_at ON changes (changed_at);

-- The admin API's lists page by client_id and filter by name prefix and by API granted.
CREATE INDEX clients_name ON clients (name);
CREATE INDEX grants_api ON grants (api);
CREATE INDEX clients_default_api ON clients (default_api);
