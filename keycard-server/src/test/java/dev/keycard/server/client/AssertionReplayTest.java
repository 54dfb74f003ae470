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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Single use of assertion {@code jti}s against a real PostgreSQL: a use is answered once the
 * store has it, a store that cannot record it in time makes the request fail (never pass), and
 * two nodes spending the same {@code jti}s at once, in different orders, accept each once.
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
                    s.execute("LOCK TABLE client_assertion_ids IN ACCESS EXCLUSIVE MODE");
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

    @Test
    void spendWhenTwoNodesSpendTheSameJtisAtOnceInDifferentOrdersThenEachIsAcceptedOnce() throws Exception {
        int count = 3000;
        try (Postgres pg = Postgres.schema(); Database db1 = Database.open(pg.url(), "", "", 2);
             Database db2 = Database.open(pg.url(), "", "", 2);
             AssertionReplay node1 = new AssertionReplay(db1, new AssertionJtiRepository(), Clock.systemUTC(),
                     Duration.ofSeconds(30));
             AssertionReplay node2 = new AssertionReplay(db2, new AssertionJtiRepository(), Clock.systemUTC(),
                     Duration.ofSeconds(30))) {
            Instant exp = Instant.now().plusSeconds(60);
            List<Integer> order1 = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                order1.add(i);
            }
            List<Integer> order2 = new ArrayList<>(order1);
            Collections.shuffle(order2, new Random(7));
            List<CompletableFuture<Boolean>> first = new ArrayList<>(Collections.nCopies(count, null));
            List<CompletableFuture<Boolean>> second = new ArrayList<>(Collections.nCopies(count, null));
            Thread other = Thread.ofPlatform().start(() -> order2.forEach(i -> second.set(i,
                    node2.spend("batch", "jti-" + i, exp))));
            order1.forEach(i -> first.set(i, node1.spend("batch", "jti-" + i, exp)));
            other.join();
            for (int i = 0; i < count; i++) {
                boolean one = first.get(i).get(30, TimeUnit.SECONDS);
                boolean two = second.get(i).get(30, TimeUnit.SECONDS);
                assertTrue(one ^ two, "jti-" + i + " accepted " + (one && two ? "twice" : "never"));
            }
        }
    }
}
