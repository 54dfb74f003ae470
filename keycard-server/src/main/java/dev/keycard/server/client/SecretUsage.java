package dev.keycard.server.client;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Last-used times of secrets, collected in memory on the token path and written to the store in
 * batches, so authenticating a request never waits for a disk.
 *
 * <p>Each secret has one holder of its time, made at its first use and kept while the secret is
 * used: noting a use writes a number into it and allocates nothing. Storing a new time object in
 * a long-lived map at every request would make every young garbage collection rescan the map's
 * nodes (one per secret in use): with 100,000 clients in use it tripled the collections' pauses.
 */
public final class SecretUsage {

    /** Epoch milliseconds of the latest use not yet drained; 0: none since the last drain. */
    private final ConcurrentHashMap<String, AtomicLong> pending = new ConcurrentHashMap<>();

    /** Notes that {@code secretId} authenticated a request at {@code at}. */
    public void used(String secretId, Instant at) {
        long millis = at.toEpochMilli();
        AtomicLong last = pending.get(secretId);
        if (last == null) {
            last = pending.computeIfAbsent(secretId, k -> new AtomicLong());
        }
        long seen = last.get();
        while (millis > seen && !last.compareAndSet(seen, millis)) {
            seen = last.get();
        }
    }

    /**
     * Takes everything noted since the last drain. A secret unused since the last drain lets go
     * of its holder (a use racing with that is noted at the secret's next use).
     */
    public Map<String, Instant> drain() {
        Map<String, Instant> out = new HashMap<>();
        pending.forEach((id, holder) -> {
            long at = holder.getAndSet(0);
            if (at == 0) {
                pending.remove(id, holder);
            } else {
                out.put(id, Instant.ofEpochMilli(at));
            }
        });
        return out;
    }

    /** Puts back what a failed write could not store, keeping any newer time. */
    public void restore(Map<String, Instant> unwritten) {
        unwritten.forEach(this::used);
    }

    /** A use noted but not yet written, if any. */
    public Optional<Instant> pending(String secretId) {
        AtomicLong holder = pending.get(secretId);
        long at = holder == null ? 0 : holder.get();
        return at == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }
}
