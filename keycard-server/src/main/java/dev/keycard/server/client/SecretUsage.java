package dev.keycard.server.client;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last-used times of secrets, collected in memory on the token path and written to the store in
 * batches, so authenticating a request never waits for a disk.
 *
 * <p>Each secret has one holder of its time, made at its first use and kept while the secret is
 * used: noting a use writes a number into it and allocates nothing. Storing a new time object in
 * a long-lived map at every request would make every young garbage collection rescan the map's
 * nodes (one per secret in use): with 100,000 clients in use it tripled the collections' pauses.
 *
 * <p>A time already written is written again only once the written one is a resolution old
 * ({@code secret.last-used-resolution}): a secret in steady use costs the store one write per
 * resolution, not one per flush (100,000 secrets in use and a 30 s flush were 3,300 writes a
 * second, on every node). This node's own answers still show the exact time ({@link #pending}).
 */
public final class SecretUsage {

    private final ConcurrentHashMap<String, UsageTime> holders = new ConcurrentHashMap<>();
    private final long resolutionMillis;

    /** Times written at every flush where they moved. */
    public SecretUsage() {
        this(Duration.ZERO);
    }

    /** @param resolution how old a written time must be before a newer one is written */
    public SecretUsage(Duration resolution) {
        this.resolutionMillis = resolution.toMillis();
    }

    /** Notes that {@code secretId} authenticated a request at {@code at}. */
    public void used(String secretId, Instant at) {
        long millis = at.toEpochMilli();
        UsageTime last = holders.get(secretId);
        if (last == null) {
            last = holders.computeIfAbsent(secretId, k -> new UsageTime());
        }
        last.note(millis, 1);
    }

    /**
     * The times to write at {@code now}: each secret's latest use, when the store has none from
     * this node yet or the one it has is a resolution old, so the store is never more than a
     * resolution (and a flush) behind. A secret whose time was handed out and has not moved since
     * lets go of its holder (a use racing with that is noted at the secret's next use).
     */
    public Map<String, Instant> drain(Instant now) {
        return drain(now.toEpochMilli() - resolutionMillis);
    }

    /** Every time that moved since it was last handed out, whatever the resolution: at shutdown. */
    public Map<String, Instant> drainAll() {
        return drain(Long.MAX_VALUE);
    }

    private Map<String, Instant> drain(long writtenBefore) {
        Map<String, Instant> out = new HashMap<>();
        holders.forEach((id, holder) -> {
            if (holder.settled()) {
                holders.remove(id, holder);
                return;
            }
            long at = holder.due(writtenBefore);
            if (at != 0) {
                out.put(id, Instant.ofEpochMilli(at));
            }
        });
        return out;
    }

    /** Puts back what a failed write could not store: handed out again at the next drain. */
    public void restore(Map<String, Instant> unwritten) {
        unwritten.forEach((id, at) -> {
            used(id, at);
            UsageTime holder = holders.get(id);
            if (holder != null) {
                holder.unwritten();
            }
        });
    }

    /** The latest use this node noted, if the store may not have it yet. */
    public Optional<Instant> pending(String secretId) {
        UsageTime holder = holders.get(secretId);
        long at = holder == null ? 0 : holder.get();
        return at == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }
}
