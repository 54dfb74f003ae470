package dev.keycard.server.registry;

import dev.keycard.protocol.Scope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
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
 * holders of secrets and grants the new entry no longer has are dropped then ({@link #retain}).
 *
 * <p>Not part of the client's value: any two are equal, so a client read from the store equals
 * the one the registry holds. The maps are immutable and replaced when a secret or a scope is
 * used for the first time (rare); a holder is kept while its secret or grant is.
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

    private volatile Map<String, LastUse> secrets = Map.of();
    private volatile Map<String, Map<Scope, LastUse>> scopes = Map.of();
    @SuppressWarnings("unused") // through FLAGS
    private volatile int flags;

    /** The holder of the last use of the secret {@code secretId}, made at its first use. */
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

    /** The holder of the last use of {@code scope} at the API {@code api}, made at its first use. */
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
     * Drops the holders of the secrets and the grants {@code client} (this client's new entry) no
     * longer has: a deleted secret's or a removed scope's last use is of no more use.
     */
    synchronized void retain(Client client) {
        Map<String, LastUse> keptSecrets = new HashMap<>(secrets);
        keptSecrets.keySet().retainAll(client.secrets().stream().map(ClientSecret::id).toList());
        if (keptSecrets.size() != secrets.size()) {
            secrets = Map.copyOf(keptSecrets);
        }
        Map<String, Map<Scope, LastUse>> keptScopes = new HashMap<>();
        scopes.forEach((api, byScope) -> {
            var granted = client.grants().get(api);
            if (granted != null) {
                Map<Scope, LastUse> kept = new HashMap<>(byScope);
                kept.keySet().removeIf(scope -> !granted.contains(scope));
                if (!kept.isEmpty()) {
                    keptScopes.put(api, kept.size() == byScope.size() ? byScope : Map.copyOf(kept));
                }
            }
        });
        if (!keptScopes.equals(scopes)) {
            scopes = Map.copyOf(keptScopes);
        }
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
