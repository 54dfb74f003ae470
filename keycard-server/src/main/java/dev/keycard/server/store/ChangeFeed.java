package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the nodes sharing one PostgreSQL store learn of each other's changes: a node that changed
 * something publishes the topic ({@code NOTIFY}); every node listens ({@code LISTEN}) on a
 * connection of its own and reloads what the topic names. Notifications are not stored, so a
 * node reloads everything after (re)connecting, and every {@code fullReload} anyway, as a safety
 * net; a reload that fails is retried until it succeeds. A listening connection hears nothing
 * when it is dead without being closed (a dropped NAT entry, an address moved by a fail-over):
 * every {@code heartbeat} the feed sends {@code SELECT 1} on it, with reads bounded by the same
 * time, and reconnects when no answer comes. With SQLite (one node) the feed does nothing.
 */
public final class ChangeFeed implements AutoCloseable {

    /** What changed; each node reloads the matching part of its memory. */
    public enum Topic { REGISTRY, KEYS, REVOCATIONS }

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final String CHANNEL = "keycard_changes";
    /**
     * The longest wait between reconnection attempts. Short, because until it reconnects a node
     * misses other nodes' changes (revocations among them); one connection attempt every few
     * seconds per node costs PostgreSQL nothing.
     */
    private static final long MAX_RETRY_MILLIS = 5_000;
    /** How often a listening connection is asked to answer, and how long it has to. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final Database db;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final Map<Topic, Runnable> listeners = new EnumMap<>(Topic.class);
    /** Topics whose last reload failed; touched by the feed's thread only. */
    private final EnumSet<Topic> failed = EnumSet.noneOf(Topic.class);
    private final Duration fullReload;
    private final Duration heartbeat;
    private volatile boolean running;
    private @Nullable Thread thread;
    private volatile @Nullable Connection listening;

    public ChangeFeed(Database db, Duration fullReload) {
        this(db, fullReload, HEARTBEAT);
    }

    public ChangeFeed(Database db, Duration fullReload, Duration heartbeat) {
        this.db = db;
        this.fullReload = fullReload;
        this.heartbeat = heartbeat;
    }

    /** Tells the other nodes that {@code topic} changed. Best effort: their periodic reload catches a lost one. */
    public void publish(Topic topic) {
        if (db.isSqlite()) {
            return;
        }
        try {
            db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    ps.setString(1, CHANNEL);
                    ps.setString(2, topic.name() + ":" + node);
                    ps.execute();
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not tell other nodes that {} changed ({}); they reload within {}", topic, e.getMessage(), fullReload);
        }
    }

    /** Starts listening; {@code reload} runs each topic's reload (on the feed's thread). */
    public synchronized void start(Map<Topic, Runnable> reload) {
        if (db.isSqlite() || running) {
            return;
        }
        listeners.putAll(reload);
        running = true;
        Thread t = new Thread(this::run, "keycard-changes");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        long backoff = 1_000;
        boolean first = true;
        while (running) {
            try (Connection c = db.dedicatedConnection(); Statement s = c.createStatement()) {
                c.setNetworkTimeout(Runnable::run, (int) heartbeat.toMillis());
                s.execute("LISTEN " + CHANNEL);
                listening = c;
                // Changes made before LISTEN took effect (since this node's start-up loads, or
                // while the connection was down) came with no notification for us: reread.
                if (!first) {
                    LOG.info("listening for changes again; reloading what may have been missed");
                }
                reload(EnumSet.allOf(Topic.class));
                first = false;
                backoff = 1_000;
                listen(c.unwrap(PGConnection.class), s);
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

    private void listen(PGConnection pg, Statement ping) throws SQLException {
        long nextFull = System.nanoTime() + fullReload.toNanos();
        long nextPing = System.nanoTime() + heartbeat.toNanos();
        while (running) {
            // Waits for notifications up to half a second, whatever the network timeout.
            PGNotification[] got = pg.getNotifications(500);
            if (System.nanoTime() >= nextPing) {
                ping.execute("SELECT 1"); // throws after the network timeout on a dead connection
                nextPing = System.nanoTime() + heartbeat.toNanos();
            }
            Set<Topic> changed = EnumSet.noneOf(Topic.class);
            if (got != null) {
                for (PGNotification n : got) {
                    String[] parts = n.getParameter().split(":", 2);
                    if (parts.length == 2 && !parts[1].equals(node)) {
                        try {
                            changed.add(Topic.valueOf(parts[0]));
                        } catch (IllegalArgumentException ignored) {
                            // a topic of a newer node: its periodic reload covers it
                        }
                    }
                }
            }
            if (System.nanoTime() >= nextFull) {
                changed = EnumSet.allOf(Topic.class);
                nextFull = System.nanoTime() + fullReload.toNanos();
            }
            reload(changed);
        }
    }

    /**
     * Reloads {@code topics} and every topic whose reload failed before. A failure is retried at
     * the next round (half a second on): after a reconnection the pool may not have its own
     * connections back yet, and waiting for the next full reload would serve stale data meanwhile.
     */
    private void reload(Set<Topic> topics) {
        EnumSet<Topic> due = EnumSet.copyOf(failed);
        due.addAll(topics);
        for (Topic t : due) {
            Runnable r = listeners.get(t);
            if (r != null) {
                try {
                    r.run();
                    if (failed.remove(t)) {
                        LOG.info("reloaded {} after an earlier failure", t);
                    }
                } catch (RuntimeException e) {
                    if (failed.add(t)) {
                        LOG.warn("reloading {} failed ({}); retrying until it succeeds", t, e.getMessage());
                    }
                }
            }
        }
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
