package dev.keycard.server.registry;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this node has seen one client use: the last use of each of its secrets, and of each scope
 * it was issued at each API. The usage flush ({@code client.SecretUsage}, {@code client.ScopeUsage})
 * writes them to the store in batches.
 *
 * <p>It hangs off the client's registry entry ({@link Client#use()}), so the token path reaches a
 * client's holders from the client it has already looked up: a few reads of the client's own small
 * objects, where a map keyed by id costs a probe of a table as large as the clients in use, each
 * step of it a read that no cache holds once the registry is large (docs/benchmarks.md, issue 11).
 * The registry hands it from a client's old entry to the entry that replaces it, when that is the
 * same registration ({@link Registry#apply}), so no noted use is lost to an admin write; the
 * holders of secrets and grants the new entry no longer has are dropped then, and those of its new
 * ones made ({@link #fit}).
 *
 * <p>Not part of the client's value: any two are equal, so a client read from the store equals
 * the one the registry holds. The holders are made ahead, one for each of the client's secrets and
 * granted scopes: off the token path after the registry is read ({@link Registry#prepareUse}), and
 * at each hand-over. Made at first uses instead, they lived until the next flush and every young
 * collection copied them until they were old enough to promote: with a random client of 100,000
 * the young pauses took 4–27 ms instead of about 1 (docs/benchmarks.md, issue 11). The maps are
 * immutable; {@link #fit} replaces them (keeping those that already fit), and a holder is kept
 * while its secret or grant is.
 *
 * <p>Each flush keeps a list of the clients whose holders moved; a client is on it at most once,
 * marked by its flag ({@link #listed}, {@link #list}, {@link #unlist}).
 */
public final class ClientUse {

    /** The flag of the secrets' flush. */
    public static final int SECRETS = 1;
    /** The flag of the scopes' flush. */
    public static final int SCOPES = 2;

    private static final VarHandle FLAGS;

    static {
        try {
            FLAGS = MethodHandles.lookup().findVarHandle(ClientUse.class, "flags", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Map<String, LastUse> secrets;
    private volatile Map<String, Map<Scope, LastUse>> scopes;
    @SuppressWarnings("unused") // through FLAGS
    private volatile int flags;

    /** Nothing held yet: the registry prepares the holders ({@link Registry#prepareUse}), or a first use makes one. */
    public ClientUse() {
        this.secrets = Map.of();
        this.scopes = Map.of();
    }

    /**
     * The holder of the last use of the secret {@code secretId}: made ahead ({@link #fit}), or at
     * its first use when not (a client used before the registry prepared it, or a request that
     * looked the client up before a hand-over).
     */
    public LastUse secret(String secretId) {
        LastUse holder = secrets.get(secretId);
        return holder != null ? holder : newSecret(secretId);
    }

    private synchronized LastUse newSecret(String secretId) {
        LastUse holder = secrets.get(secretId);
        if (holder == null) {
            holder = new LastUse();
            secrets = with(secrets, secretId, holder);
        }
        return holder;
    }

    /** The holder of the last use of {@code scope} at the API {@code api}: made as a secret's is. */
    public LastUse scope(String api, Scope scope) {
        LastUse holder = scopes.getOrDefault(api, Map.of()).get(scope);
        return holder != null ? holder : newScope(api, scope);
    }

    private synchronized LastUse newScope(String api, Scope scope) {
        Map<Scope, LastUse> byScope = scopes.getOrDefault(api, Map.of());
        LastUse holder = byScope.get(scope);
        if (holder == null) {
            holder = new LastUse();
            scopes = with(scopes, api, with(byScope, scope, holder));
        }
        return holder;
    }

    private static <K, V> Map<K, V> with(Map<K, V> map, K key, V value) {
        Map<K, V> copy = new HashMap<>(map);
        copy.put(key, value);
        return Map.copyOf(copy);
    }

    /**
     * Holds what {@code client} (this client's new entry) has: the holders of its secrets and
     * scopes that exist are kept, the missing ones made, and those of the secrets and grants it no
     * longer has dropped (a deleted secret's or a removed scope's last use is of no more use).
     */
    synchronized void fit(Client client) {
        Map<String, LastUse> s = secretHolders(client.secrets(), secrets);
        if (!s.equals(secrets)) {
            secrets = s;
        }
        Map<String, Map<Scope, LastUse>> g = scopeHolders(client.grants(), scopes);
        if (!g.equals(scopes)) {
            scopes = g;
        }
    }

    private static Map<String, LastUse> secretHolders(List<ClientSecret> secrets, Map<String, LastUse> held) {
        if (secrets.size() == 1) { // the common case, without a map made to be copied
            String id = secrets.get(0).id();
            return Map.of(id, holder(held, id));
        }
        Map<String, LastUse> m = HashMap.newHashMap(secrets.size());
        secrets.forEach(s -> m.put(s.id(), holder(held, s.id())));
        return Map.copyOf(m);
    }

    private static Map<String, Map<Scope, LastUse>> scopeHolders(Map<String, ScopeSet> grants,
                                                                Map<String, Map<Scope, LastUse>> held) {
        if (grants.size() == 1) { // the common case, without maps made to be copied
            Map.Entry<String, ScopeSet> grant = grants.entrySet().iterator().next();
            Map<Scope, LastUse> byScope = scopeHolders(grant.getValue(), held.getOrDefault(grant.getKey(), Map.of()));
            return byScope.isEmpty() ? Map.of() : Map.of(grant.getKey(), byScope);
        }
        Map<String, Map<Scope, LastUse>> m = HashMap.newHashMap(grants.size());
        grants.forEach((api, granted) -> {
            Map<Scope, LastUse> byScope = scopeHolders(granted, held.getOrDefault(api, Map.of()));
            if (!byScope.isEmpty()) {
                m.put(api, byScope);
            }
        });
        return Map.copyOf(m);
    }

    private static Map<Scope, LastUse> scopeHolders(ScopeSet granted, Map<Scope, LastUse> held) {
        if (granted.size() == 1) {
            Scope scope = granted.iterator().next();
            return Map.of(scope, holder(held, scope));
        }
        Map<Scope, LastUse> m = HashMap.newHashMap(granted.size());
        granted.forEach(scope -> m.put(scope, holder(held, scope)));
        return Map.copyOf(m);
    }

    private static <K> LastUse holder(Map<K, LastUse> held, K key) {
        LastUse h = held.get(key);
        return h != null ? h : new LastUse();
    }

    /** Every secret's holder, by the secret's id. */
    public Map<String, LastUse> secrets() {
        return secrets;
    }

    /** Every scope's holder, by API identifier and scope. */
    public Map<String, Map<Scope, LastUse>> scopes() {
        return scopes;
    }

    /** Whether the flag {@code flag} ({@link #SECRETS}, {@link #SCOPES}) is set. */
    public boolean listed(int flag) {
        return (flags & flag) != 0;
    }

    /** Sets the flag {@code flag}; true when this call set it (the caller lists the client). */
    public boolean list(int flag) {
        int seen = flags;
        while ((seen & flag) == 0) {
            if (FLAGS.compareAndSet(this, seen, seen | flag)) {
                return true;
            }
            seen = flags;
        }
        return false;
    }

    /** Clears the flag {@code flag}. */
    public void unlist(int flag) {
        int seen = flags;
        while ((seen & flag) != 0 && !FLAGS.compareAndSet(this, seen, seen & ~flag)) {
            seen = flags;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientUse;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "ClientUse";
    }
}
