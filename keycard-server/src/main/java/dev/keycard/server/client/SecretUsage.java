package dev.keycard.server.client;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last-used times of secrets, collected in memory on the token path and written to the store in
 * batches, so authenticating a request never waits for a disk.
 */
public final class SecretUsage {

    private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();

    /** Notes that {@code secretId} authenticated a request at {@code at}. */
    public void used(String secretId, Instant at) {
        pending.merge(secretId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Takes everything noted since the last drain. */
    public Map<String, Instant> drain() {
        Map<String, Instant> out = new HashMap<>();
        for (String id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at != null) {
                out.put(id, at);
            }
        }
        return out;
    }

    /** Puts back what a failed write could not store, keeping any newer time. */
    public void restore(Map<String, Instant> unwritten) {
        unwritten.forEach(this::used);
    }

    /** A use noted but not yet written, if any. */
    public Optional<Instant> pending(String secretId) {
        return Optional.ofNullable(pending.get(secretId));
    }
}
