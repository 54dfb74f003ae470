package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.store.AssertionJtiRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.testing.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Single use of assertion {@code jti}s against a real PostgreSQL: a use is answered once the
 * store has it, and a store that cannot record it in time makes the request fail (never pass).
 */
class AssertionReplayTest {

    @Test
    void spendWhenTheStoreCannotRecordTheUseInTimeThenItFailsAndOnceTheStoreAnswersItWorksAgain() throws Exception {
        try (Postgres pg = Postgres.schema(); Database db = Database.open(pg.url(), "", "", 2);
             AssertionReplay replay = new AssertionReplay(db, new AssertionJtiRepository(), Clock.systemUTC(),
                     Duration.ofMillis(300))) {
            Instant exp = Instant.now().plusSeconds(60);
            assertTrue(replay.spend("batch", "jti-1", exp).join());
            assertEquals(false, replay.spend("batch", "jti-1", exp).join(), "the same jti again is a replay");
            try (Connection blocker = DriverManager.getConnection(pg.url())) {
                blocker.setAutoCommit(false);
                try (Statement s = blocker.createStatement()) {
                    s.execute("LOCK TABLE client_assertion_jtis IN ACCESS EXCLUSIVE MODE");
                }
                // Waited for with a bound of its own: a replay that never gave up would fail here, not hang.
                ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> replay.spend("batch", "jti-2", exp).get(5, TimeUnit.SECONDS));
                assertInstanceOf(AssertionReplay.Unavailable.class, failed.getCause());
                assertTrue(failed.getCause().getMessage().contains("within 300 ms"), failed.getCause().getMessage());
                blocker.rollback();
            }
            // The blocked use went in once the lock went away: its jti is spent, a new one is not.
            assertTrue(replay.spend("batch", "jti-3", exp).join());
        }
    }
}
