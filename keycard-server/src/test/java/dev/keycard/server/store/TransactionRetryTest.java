package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A transaction PostgreSQL aborts to break a deadlock is run again, and succeeds; one that fails
 * for another reason is not repeated. The deadlock is real: the transaction locks row a and waits
 * for row b, which a second connection (another node) holds while it asks for row a.
 */
class TransactionRetryTest {

    @Test
    void transactionWhenPostgresBreaksADeadlockWithItThenRunAgainAndCommitted() throws Exception {
        // Threads of its own: the common pool may have a single thread on a small machine.
        try (Postgres pg = Postgres.schema(); Database db = Database.open(pg.url(), "", "", 2);
             Connection other = DriverManager.getConnection(pg.url());
             ExecutorService threads = Executors.newFixedThreadPool(2)) {
            try (Statement s = other.createStatement()) {
                s.execute("CREATE TABLE deadlock_probe (id VARCHAR(8) PRIMARY KEY, n INT NOT NULL)");
                s.execute("INSERT INTO deadlock_probe VALUES ('a', 0), ('b', 0)");
            }
            // Only Keycard's session may find the deadlock (each waiting session checks once, after
            // its deadlock_timeout): then it is the victim whatever the timing on a loaded machine.
            try (Statement s = other.createStatement()) {
                s.execute("SET deadlock_timeout = '60s'");
            } catch (SQLException e) {
                Assumptions.abort("cannot set deadlock_timeout (needs a superuser): " + e.getMessage());
            }
            other.setAutoCommit(false);
            lock(other, "b");

            AtomicInteger runs = new AtomicInteger();
            CountDownLatch holdsA = new CountDownLatch(1);
            CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> db.transaction(c -> {
                int run = runs.incrementAndGet();
                lock(c, "a");
                holdsA.countDown();
                lock(c, "b"); // the first run waits here for the other connection: the deadlock
                return run;
            }), threads);
            assertTrue(holdsA.await(20, TimeUnit.SECONDS), "the transaction holds row a");
            awaitBlockedBy(db, other); // it asks for row b, which the other connection holds
            // The other connection now asks for row a. PostgreSQL finds the cycle from Keycard's
            // session (deadlock_timeout 1 s), whose rollback lets the other one go on; the other
            // commits, and the second run succeeds.
            CompletableFuture<Void> otherDone = CompletableFuture.runAsync(() -> {
                try {
                    lock(other, "a");
                    other.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            assertEquals(2, result.get(30, TimeUnit.SECONDS), "committed by the second run");
            otherDone.get(30, TimeUnit.SECONDS);
            try (Statement s = other.createStatement();
                 ResultSet rs = s.executeQuery("SELECT SUM(n) FROM deadlock_probe")) {
                assertTrue(rs.next());
                assertEquals(4, rs.getInt(1), "both transactions committed, 2 each; the aborted run left nothing");
            }
        }
    }

    @Test
    void transactionWhenItFailsForAnotherReasonThenNotRunAgain() throws Exception {
        try (Postgres pg = Postgres.schema(); Database db = Database.open(pg.url(), "", "", 2)) {
            AtomicInteger runs = new AtomicInteger();
            StoreException e = assertThrows(StoreException.class, () -> db.transaction(c -> {
                runs.incrementAndGet();
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT * FROM no_such_table");
                }
                return null;
            }));
            assertEquals(1, runs.get());
            assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
        }
    }

    /** Waits until a session of {@code db} waits for a lock {@code other} holds. */
    private static void awaitBlockedBy(Database db, Connection other) throws Exception {
        int holder;
        try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            holder = rs.getInt(1);
        }
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // a hang guard
        while (System.nanoTime() < giveUp) {
            int waiting = db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")) {
                    ps.setInt(1, holder);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
            if (waiting > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the transaction never waited for the other connection");
    }

    /** Locks the row by changing it (each lock adds 1). */
    private static void lock(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deadlock_probe SET n = n + 1 WHERE id = ?")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate());
        }
    }
}
