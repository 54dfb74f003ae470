package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keycard.server.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema version 12 on a store that ran version 11, on SQLite and on PostgreSQL: the live uses of
 * the old table move to the new one (still spent after the upgrade), the expired ones do not, and
 * the old table is gone.
 */
class AssertionIdsMigrationTest {

    @TempDir
    Path dir;

    @Test
    void openWhenASqliteStoreOfVersion11HoldsSpentJtisThenTheLiveOnesAreStillSpent() throws Exception {
        Files.createDirectories(dir.resolve("store"));
        upgrade("jdbc:sqlite:" + dir.resolve("store/keycard.db"));
    }

    @Test
    void openWhenAPostgresStoreOfVersion11HoldsSpentJtisThenTheLiveOnesAreStillSpent() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            upgrade(pg.url());
        }
    }

    private static void upgrade(String url) throws Exception {
        Instant now = Instant.now();
        Flyway.configure().dataSource(url, "", "").locations("classpath:db/migration").target("11").load().migrate();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES (?, ?, ?)")) {
            for (Object[] row : new Object[][] {{"batch", "live", now.plusSeconds(120)},
                    {"batch", "dead", now.minusSeconds(1)}, {"other", "live-élan", now.plusSeconds(120)}}) {
                ps.setString(1, (String) row[0]);
                ps.setString(2, (String) row[1]);
                ps.setLong(3, ((Instant) row[2]).toEpochMilli());
                ps.executeUpdate();
            }
        }
        Instant exp = now.plusSeconds(60);
        try (Database db = Database.open(url, "", "", 2)) {
            boolean[] first = db.transaction(c -> new AssertionJtiRepository().record(c, List.of(
                    new AssertionJtiRepository.Use("batch", "live", exp),
                    new AssertionJtiRepository.Use("other", "live-élan", exp),
                    new AssertionJtiRepository.Use("batch", "dead", exp),
                    new AssertionJtiRepository.Use("other", "live", exp),
                    new AssertionJtiRepository.Use("batch", "new", exp),
                    new AssertionJtiRepository.Use("batch", "new", exp)), now));
            assertArrayEquals(new boolean[] {false, false, true, true, true, false}, first,
                    "spent before the upgrade and live, live, expired, another client's, new, new again: "
                            + Arrays.toString(first));
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT count(*) FROM client_assertion_jtis"));
        }
    }

    @Test
    void idOfWhenTheClientAndJtiSplitDifferentlyThenTheIdsDiffer() {
        assertNotEquals(AssertionJtiRepository.idOf("a", "bc"), AssertionJtiRepository.idOf("ab", "c"));
    }
}
