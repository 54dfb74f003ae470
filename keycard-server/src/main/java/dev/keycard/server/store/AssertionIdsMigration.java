package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jspecify.annotations.Nullable;

/**
 * Schema version 12: the spent client-assertion {@code jti}s are kept by a 128-bit id
 * ({@link AssertionJtiRepository#idOf}) instead of the client's id and the {@code jti} as text.
 * On PostgreSQL a row took 282 bytes in the table and its two indexes (a text primary key, an
 * index on the expiry) with 64-character {@code jti}s, and takes 94 in the table and its one
 * index; an insert costs the database about half the CPU (docs/benchmarks.md).
 *
 * <p>Written in Java, not SQL, because the live rows move across: their ids are SHA-256 digests,
 * which SQLite cannot compute, and dropping them would let each assertion accepted in the last
 * minutes before the upgrade be used once more.
 */
final class AssertionIdsMigration implements JavaMigration {

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("12");
    }

    @Override
    public String getDescription() {
        return "client assertion ids";
    }

    @Override
    public @Nullable Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            // No index on expires_at: the purge, once a minute, reads the table through (cheaper
            // than keeping an index at every insert), and the start reads max(expires_at) once.
            s.execute("CREATE TABLE client_assertion_ids (id_high BIGINT NOT NULL, id_low BIGINT NOT NULL,"
                    + " expires_at BIGINT NOT NULL, PRIMARY KEY (id_high, id_low))");
        }
        try (PreparedStatement live = c.prepareStatement(
                     "SELECT client_id, jti, expires_at FROM client_assertion_jtis WHERE expires_at > ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO client_assertion_ids (id_high, id_low, expires_at) VALUES (?, ?, ?)")) {
            live.setLong(1, System.currentTimeMillis());
            try (ResultSet rs = live.executeQuery()) {
                int pending = 0;
                while (rs.next()) {
                    AssertionJtiRepository.Id id = AssertionJtiRepository.idOf(rs.getString(1), rs.getString(2));
                    insert.setLong(1, id.high());
                    insert.setLong(2, id.low());
                    insert.setLong(3, rs.getLong(3));
                    insert.addBatch();
                    if (++pending == 1000) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE client_assertion_jtis");
        }
    }
}
