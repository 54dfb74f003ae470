package dev.keycard.server.client;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.store.ScopeUsageRepository.Use;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which granted scopes each client has actually been issued, and when last: the console's "least
 * privilege at a glance". Noted in memory on the token path and written to the store in batches
 * with the secrets' last use ({@link SecretUsage}), so a token request never waits for a disk and
 * the record survives a restart.
 *
 * <p>Noting allocates nothing once a client has used a scope: the maps are keyed by the objects
 * the request already holds, and a holder's time moves at most once a minute (the console counts
 * in days), so the token path usually does three map reads and one comparison per scope. A time
 * already written is written again once it is a resolution old, as {@link SecretUsage}'s are.
 */
public final class ScopeUsage {

    private static final long GRANULARITY_MILLIS = 60_000;

    /**
     * client_id → API identifier → scope → its holder. The inner maps are immutable and replaced
     * when a client first uses a scope (rare): a client using one scope costs 128 bytes here (a
     * node, two one-entry maps, the holder), against 430 for a concurrent map per client and per
     * API: at 100,000 clients in use, 40 MB that young collections copied until they aged out.
     */
    private final ConcurrentHashMap<String, Map<String, Map<Scope, UsageTime>>> pending = new ConcurrentHashMap<>();
    private final long resolutionMillis;

    /** Times written at every flush where they moved. */
    public ScopeUsage() {
        this(Duration.ZERO);
    }

    /** @param resolution how old a written time must be before a newer one is written */
    public ScopeUsage(Duration resolution) {
        this.resolutionMillis = resolution.toMillis();
    }

    /** Notes that {@code clientId} was issued {@code scopes} for {@code api} at {@code at}. */
    public void used(String clientId, String api, ScopeSet scopes, Instant at) {
        long millis = at.toEpochMilli();
        Map<String, Map<Scope, UsageTime>> apis = pending.getOrDefault(clientId, Map.of());
        Map<Scope, UsageTime> byScope = apis.getOrDefault(api, Map.of());
        for (Scope scope : scopes) {
            UsageTime last = byScope.get(scope);
            if (last == null) {
                last = holder(clientId, api, scope);
            }
            last.note(millis, GRANULARITY_MILLIS);
        }
    }

    /** The holder of a client's scope at an API, made at its first use: one per key, whoever races. */
    private UsageTime holder(String clientId, String api, Scope scope) {
        Map<String, Map<Scope, UsageTime>> apis = pending.compute(clientId, (k, before) -> {
            Map<String, Map<Scope, UsageTime>> now = before == null ? Map.of() : before;
            Map<Scope, UsageTime> byScope = now.getOrDefault(api, Map.of());
            if (byScope.containsKey(scope)) {
                return now;
            }
            return with(now, api, with(byScope, scope, new UsageTime()));
        });
        return apis.get(api).get(scope);
    }

    private static <K, V> Map<K, V> with(Map<K, V> map, K key, V value) {
        Map<K, V> copy = new java.util.HashMap<>(map);
        copy.put(key, value);
        return Map.copyOf(copy);
    }

    /**
     * The uses to write at {@code now}: each scope's latest, when the store has none from this
     * node yet or the one it has is a resolution old. Holders stay, so a use racing with a drain
     * is never written into one that was let go; there is one per scope a client was issued, so
     * they are bounded by the grants (a deleted client's stay until a restart).
     */
    public List<Use> drain(Instant now) {
        return drain(now.toEpochMilli() - resolutionMillis);
    }

    /** Every use that moved since it was last handed out, whatever the resolution: at shutdown. */
    public List<Use> drainAll() {
        return drain(Long.MAX_VALUE);
    }

    private List<Use> drain(long writtenBefore) {
        List<Use> out = new ArrayList<>();
        pending.forEach((client, apis) -> apis.forEach((api, scopes) -> scopes.forEach((scope, holder) -> {
            long at = holder.due(writtenBefore);
            if (at != 0) {
                out.add(new Use(client, api, scope.value(), Instant.ofEpochMilli(at)));
            }
        })));
        return out;
    }

    /** Puts back what a failed write could not store: handed out again at the next drain. */
    public void restore(List<Use> unwritten) {
        for (Use u : unwritten) {
            used(u.clientId(), u.api(), ScopeSet.of(u.scope()), u.at());
            pending.get(u.clientId()).get(u.api()).get(new Scope(u.scope())).unwritten();
        }
    }
}
