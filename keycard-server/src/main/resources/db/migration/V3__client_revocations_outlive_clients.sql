-- A client's revoked_before outlives the client: deleting a client revokes its tokens, and a
-- client created again with the same client_id must not bring them back. V2 tied the row to the
-- client (ON DELETE CASCADE), so a deletion took the revocation with it. The table is made again
-- without that foreign key (SQLite cannot drop one); rows are forgotten once every token they
-- cover has expired. Portable SQL, as V1.
CREATE TABLE client_revocations_v3 (
    client_id      VARCHAR(128) NOT NULL PRIMARY KEY,
    revoked_before BIGINT       NOT NULL
);
INSERT INTO client_revocations_v3 (client_id, revoked_before)
    SELECT client_id, revoked_before FROM client_revocations;
DROP TABLE client_revocations;
ALTER TABLE client_revocations_v3 RENAME TO client_revocations;
CREATE INDEX client_revocations_revoked_before ON client_revocations (revoked_before);
