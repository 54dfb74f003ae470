package dev.keycard.server.admin;

import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.RegistryReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-memory registry current after admin writes, one change at a time: a write
 * records what it changed in its own transaction ({@link #record}, which also tells the other
 * nodes), and once it has committed the registry rereads just those rows ({@link #committed}).
 * Never a reload of everything, so a write costs the same with ten clients or a million.
 *
 * <p>The write stands whatever happens here: if the reread fails (the store went away just after
 * the commit), the caller still gets its committed result (a one-time secret included) and the
 * reread is retried every second until it succeeds. Keys for a newly chosen algorithm are made
 * before the change is published.
 */
final class RegistryRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRefresh.class);

    private final ScheduledExecutorService background;
    private final Database db;
    private final RegistryReader registry;
    private final KeyManager keys;
    private final Clock clock;
    /** Changes committed but not yet in memory, because their reread failed. */
    private final Set<Change> pending = new LinkedHashSet<>();

    RegistryRefresh(ScheduledExecutorService background, Database db, RegistryReader registry, KeyManager keys,
                    Clock clock) {
        this.background = background;
        this.db = db;
        this.registry = registry;
        this.keys = keys;
        this.clock = clock;
    }

    /** How many clients memory holds. */
    int clientCount() {
        return registry.registry().clientCount();
    }

    /** Records {@code changes} in the write's transaction: call it last, just before the commit. */
    void record(Connection c, List<Change> changes) throws SQLException {
        db.changes().record(c, changes, clock.instant());
    }

    /** Records {@code change} in the write's transaction. */
    void record(Connection c, Change change) throws SQLException {
        record(c, List.of(change));
    }

    /** Brings memory up to date with {@code changes}, committed just now. On a worker thread. */
    void committed(List<Change> changes) {
        try {
            registry.refresh(changes, keys::ensure);
        } catch (RuntimeException e) {
            boolean first;
            synchronized (pending) {
                first = pending.isEmpty();
                pending.addAll(changes);
            }
            if (first) {
                LOG.warn("a saved admin change is not served yet ({}); retrying every second", e.getMessage());
                retry();
            }
        }
    }

    void committed(Change change) {
        committed(List.of(change));
    }

    private void retry() {
        try {
            background.schedule(() -> {
                List<Change> due;
                synchronized (pending) {
                    due = List.copyOf(pending);
                }
                try {
                    registry.refresh(due, keys::ensure);
                    synchronized (pending) {
                        pending.removeAll(due);
                        if (!pending.isEmpty()) {
                            retry();
                            return;
                        }
                    }
                    LOG.info("admin changes are served again");
                } catch (RuntimeException e) {
                    retry();
                }
            }, 1, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("stopping: the registry is reread at the next start");
        }
    }
}
