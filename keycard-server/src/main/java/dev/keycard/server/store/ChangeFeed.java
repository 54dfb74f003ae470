package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node sharing a PostgreSQL store with others keeps its memory current: it listens
 * ({@code LISTEN}) on a connection of its own for the notifications {@link ChangeLog#record}
 * sends, and hands its {@link Follower} the changes another node made, to reread just those
 * rows. It keeps the number of the last change it has handled (its watermark). Notifications
 * arrive in commit order and sequence numbers have no gaps, so a notification that does not
 * follow on from the watermark means some were missed: then, and after (re)connecting, and every
 * {@code safetyNet} when the sequence has moved, the node reads the log from its watermark
 * ({@link ChangeLog#after}) instead of everything. Only a node away longer than the log keeps
 * changes reads everything again. A reread that fails is retried half a second later.
 *
 * <p>A listening connection hears nothing when it is dead without being closed (a dropped NAT
 * entry, an address moved by a fail-over): every {@code heartbeat} the feed sends {@code SELECT
 * 1} on it, with reads bounded by the same time, and reconnects when no answer comes. With SQLite
 * (one node) the feed does nothing.
 */
public final class ChangeFeed implements AutoCloseable {

    /** What the node does with changes. Called on the feed's thread; may throw to be called again later. */
    public interface Follower {
        /** Reread what {@code changes} name (in commit order; a row may be named more than once). */
        void changed(List<ChangeLog.Entry> changes);

        /** Read everything again: the log no longer holds all the changes since the watermark. */
        void reloadAll();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /**
     * The longest wait between reconnection attempts. Short, because until it reconnects a node
     * misses other nodes' changes (revocations among them); one connection attempt every few
     * seconds per node costs PostgreSQL nothing.
     */
    private static final long MAX_RETRY_MILLIS = 5_000;
    /** How often a listening connection is asked to answer, and how long it has to. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** Changes read from the log per query while catching up. */
    private static final int CATCH_UP_BATCH = 5_000;

    private final Database db;
    private final Duration safetyNet;
    private final Duration heartbeat;
    private final AtomicLong watermark = new AtomicLong();
    private final AtomicLong fullReads = new AtomicLong();
    private volatile boolean running;
    private @Nullable Follower follower;
    private @Nullable Thread thread;
    private volatile @Nullable Connection listening;
    /** Whether the feed must read the log from the watermark before trusting notifications again. */
    private boolean behind = true;

    public ChangeFeed(Database db, Duration safetyNet) {
        this(db, safetyNet, HEARTBEAT);
    }

    public ChangeFeed(Database db, Duration safetyNet, Duration heartbeat) {
        this.db = db;
        this.safetyNet = safetyNet;
        this.heartbeat = heartbeat;
    }

    /**
     * Starts following the changes after {@code seq} (what the node's memory was read at,
     * {@link RegistryReader#loadAll}).
     */
    public synchronized void start(long seq, Follower follower) {
        if (db.isSqlite() || running) {
            return;
        }
        this.watermark.set(seq);
        this.follower = follower;
        running = true;
        Thread t = new Thread(this::run, "keycard-changes");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** The number of the last change this node has handled. */
    public long watermark() {
        return watermark.get();
    }

    /** How many times this node read everything again because the log had lost changes it needed. */
    public long fullReads() {
        return fullReads.get();
    }

    private void run() {
        long backoff = 1_000;
        boolean first = true;
        while (running) {
            try (Connection c = db.dedicatedConnection(); Statement s = c.createStatement()) {
                c.setNetworkTimeout(Runnable::run, (int) heartbeat.toMillis());
                s.execute("LISTEN " + ChangeLog.CHANNEL);
                listening = c;
                if (!first) {
                    LOG.info("listening for changes again; reading the changes missed meanwhile");
                }
                // Changes committed before LISTEN took effect came with no notification for us.
                behind = true;
                first = false;
                backoff = 1_000;
                listen(c, s);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("change feed lost its connection ({}); retrying in {} ms", e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_RETRY_MILLIS);
            } finally {
                listening = null;
            }
        }
    }

    /**
     * Listens on {@code c}, which also serves the feed's own reads of the log: it is known to
     * answer (the heartbeat sees to it), where a pooled connection may be one a network fault has
     * silenced without closing.
     */
    private void listen(Connection c, Statement ping) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long nextCheck = System.nanoTime() + safetyNet.toNanos();
        long nextPing = System.nanoTime() + heartbeat.toNanos();
        while (running) {
            if (behind) {
                behind = !catchUp(c);
            }
            // Waits for notifications up to half a second, whatever the network timeout.
            PGNotification[] got = pg.getNotifications(500);
            if (System.nanoTime() >= nextPing) {
                ping.execute("SELECT 1"); // throws after the network timeout on a dead connection
                nextPing = System.nanoTime() + heartbeat.toNanos();
            }
            if (got != null) {
                for (PGNotification n : got) {
                    if (!behind) {
                        ChangeLog.Notice.parse(n.getParameter()).ifPresent(this::heard);
                    }
                }
            }
            if (System.nanoTime() >= nextCheck) {
                nextCheck = System.nanoTime() + safetyNet.toNanos();
                behind = behind || db.changes().current(c) > watermark.get();
            }
        }
    }

    /**
     * A notification that follows on from the watermark: this node's own changes are in memory
     * already; another node's single change is reread at once. Anything else (a gap, a batch)
     * sends the feed to the log.
     */
    private void heard(ChangeLog.Notice notice) {
        long w = watermark.get();
        if (notice.last() <= w) {
            return; // read already, while catching up
        }
        if (notice.first() != w + 1) {
            behind = true;
            return;
        }
        if (notice.node().equals(db.changes().node())) {
            watermark.set(notice.last());
        } else if (notice.change().isPresent()) {
            if (apply(() -> follower().changed(List.of(notice.change().get())))) {
                watermark.set(notice.last());
            } else {
                behind = true;
            }
        } else {
            behind = true;
        }
    }

    /**
     * Reads the log from the watermark on {@code c} and hands on what it holds; false when the
     * follower failed (a failure of {@code c} itself ends the connection).
     */
    private boolean catchUp(Connection c) throws SQLException {
        try {
            while (true) {
                long from = watermark.get();
                Optional<ChangeLog.Read> read = db.changes().after(c, from, CATCH_UP_BATCH);
                if (read.isEmpty()) {
                    long seq = db.changes().current(c);
                    LOG.info("changes since {} are gone from the log; reading everything again", from);
                    follower().reloadAll();
                    fullReads.incrementAndGet();
                    watermark.set(seq);
                    return true;
                }
                if (!read.get().entries().isEmpty()) {
                    follower().changed(read.get().entries());
                }
                watermark.set(read.get().last());
                if (!read.get().more()) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not read the changes since {} ({}); retrying", watermark.get(), e.getMessage());
            sleep(500);
            return false;
        }
    }

    private boolean apply(Runnable work) {
        try {
            work.run();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not reread a change ({}); reading the log instead", e.getMessage());
            return false;
        }
    }

    private Follower follower() {
        Follower f = follower;
        if (f == null) {
            throw new IllegalStateException("not started");
        }
        return f;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
