package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group of uses recorded by one statement outside any transaction ({@link Database#autocommit}),
 * as the single-use writer records them: every row is committed when the statement returns (seen
 * from another connection, as another node would), each use is first exactly once, also within
 * the group, and an expired row is taken over. Groups of one, of a few and of the writer's most
 * (256), on SQLite and on PostgreSQL.
 */
class AssertionJtiRepositoryTest {

    @TempDir
    Path dir;

    @Test
    void recordWhenRunAloneOnSqliteThenEachGroupIsCommittedAndEachUseFirstOnce() throws Exception {
        groups("jdbc:sqlite:" + dir.resolve("keycard.db"));
    }

    @Test
    void recordWhenRunAloneOnPostgresThenEachGroupIsCommittedAndEachUseFirstOnce() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            groups(pg.url());
        }
    }

    private static void groups(String url) throws Exception {
        AssertionJtiRepository repository = new AssertionJtiRepository();
        Instant now = Instant.now();
        Instant live = now.plusSeconds(60);
        try (Database db = Database.open(url, "", "", 2); Connection other = DriverManager.getConnection(url)) {
            // A row that expired a second ago: its jti may be used again.
            db.autocommit(c -> repository.record(c, List.of(new AssertionJtiRepository.Use("batch", "old",
                    now.minusSeconds(1))), now.minusSeconds(2)));
            int total = 1;
            for (int size : new int[] {1, 3, 256}) {
                List<AssertionJtiRepository.Use> uses = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    uses.add(new AssertionJtiRepository.Use(i % 2 == 0 ? "batch" : "other", size + "-" + i, live));
                }
                Collections.shuffle(uses, new Random(size));
                uses.add(new AssertionJtiRepository.Use("batch", size + "-0", live)); // the same use again
                boolean[] first = db.autocommit(c -> repository.record(c, uses, now));
                for (int i = 0; i < size; i++) {
                    assertTrue(first[i], "group of " + size + ": " + uses.get(i) + " is new");
                }
                assertFalse(first[size], "group of " + size + ": a use twice in one group is first once");
                total += size;
                assertEquals(total, rows(other), "group of " + size + ": its rows are committed");
                boolean[] again = db.autocommit(c -> repository.record(c, uses.subList(0, size), now));
                for (int i = 0; i < size; i++) {
                    assertFalse(again[i], "group of " + size + ": " + uses.get(i) + " is spent");
                }
            }
            boolean[] reused = db.autocommit(c -> repository.record(c, List.of(
                    new AssertionJtiRepository.Use("batch", "old", live)), now));
            assertTrue(reused[0], "an expired use's jti may be used again");
            assertEquals(total, rows(other), "taking over an expired row adds none");
        }
    }

    private static int rows(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM client_assertion_ids")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
