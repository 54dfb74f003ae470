package dev.keycard.server.admin;

import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.store.RegistryReader;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the in-memory registry up to date after an admin write has committed. The write stands
 * whatever happens here: if the reload fails (the store went away just after the commit), the
 * caller still gets its committed result (a one-time secret included) and the reload is retried
 * every second until it succeeds. Keys for a newly chosen algorithm are made before the new view
 * is published.
 */
final class RegistryRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRefresh.class);

    private final ScheduledExecutorService background;
    private final RegistryReader registry;
    private final KeyManager keys;
    private final AtomicBoolean retrying = new AtomicBoolean();

    RegistryRefresh(ScheduledExecutorService background, RegistryReader registry, KeyManager keys) {
        this.background = background;
        this.registry = registry;
        this.keys = keys;
    }

    /** Called on a worker thread after each committed admin write. */
    void afterWrite() {
        try {
            registry.reload(keys::ensure);
        } catch (RuntimeException e) {
            LOG.warn("a saved admin change is not served yet ({}); retrying every second", e.getMessage());
            if (retrying.compareAndSet(false, true)) {
                retry();
            }
        }
    }

    private void retry() {
        background.schedule(() -> {
            try {
                registry.reload(keys::ensure);
                retrying.set(false);
                LOG.info("admin changes are served again");
            } catch (RuntimeException e) {
                retry();
            }
        }, 1, TimeUnit.SECONDS);
    }
}
