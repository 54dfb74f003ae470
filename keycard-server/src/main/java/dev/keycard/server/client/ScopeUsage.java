package dev.keycard.server.client;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.store.ScopeUsageRepository.Use;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which granted scopes each client has actually been issued, and when last: the console's "least
 * privilege at a glance". Noted in memory on the token path and written to the store in batches
 * with the secrets' last use ({@link SecretUsage}), so a token request never waits for a disk and
 * the record survives a restart.
 *
 * <p>Noting allocates nothing once a client has used a scope: the maps are keyed by the objects
 * the request already holds, and a holder's time moves at most once a minute (the console counts
 * in days), so the token path usually does three map reads and one comparison per scope.
 */
public final class ScopeUsage {

    private static final long GRANULARITY_MILLIS = 60_000;

    /** client_id → API identifier → scope → epoch milliseconds of the latest use not yet drained (0: none). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<Scope, AtomicLong>>> pending =
            new ConcurrentHashMap<>();

    /** Notes that {@code clientId} was issued {@code scopes} for {@code api} at {@code at}. */
    public void used(String clientId, String api, ScopeSet scopes, Instant at) {
        long millis = at.toEpochMilli();
        var apis = pending.get(clientId);
        if (apis == null) {
            apis = pending.computeIfAbsent(clientId, k -> new ConcurrentHashMap<>());
        }
        var byScope = apis.get(api);
        if (byScope == null) {
            byScope = apis.computeIfAbsent(api, k -> new ConcurrentHashMap<>());
        }
        for (Scope scope : scopes) {
            AtomicLong last = byScope.get(scope);
            if (last == null) {
                last = byScope.computeIfAbsent(scope, k -> new AtomicLong());
            }
            long seen = last.get();
            while (millis - seen >= GRANULARITY_MILLIS && !last.compareAndSet(seen, millis)) {
                seen = last.get();
            }
        }
    }

    /**
     * Takes every use noted since the last drain. Holders stay, so a use racing with a drain is
     * never written into one that was let go; there is one per scope a client was issued, so they
     * are bounded by the grants (a deleted client's stay until a restart).
     */
    public List<Use> drain() {
        List<Use> out = new ArrayList<>();
        pending.forEach((client, apis) -> apis.forEach((api, scopes) -> scopes.forEach((scope, holder) -> {
            long at = holder.getAndSet(0);
            if (at != 0) {
                out.add(new Use(client, api, scope.value(), Instant.ofEpochMilli(at)));
            }
        })));
        return out;
    }

    /** Puts back what a failed write could not store. */
    public void restore(List<Use> unwritten) {
        unwritten.forEach(u -> used(u.clientId(), u.api(), ScopeSet.of(u.scope()), u.at()));
    }
}
