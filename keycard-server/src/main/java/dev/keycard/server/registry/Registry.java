package dev.keycard.server.registry;

import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The in-memory registry the token path reads: every API and client. A request reads one
 * consistent state, without locks, and never touches the store. A change replaces only what it is
 * about: the maps are immutable {@link SnapshotMap}s, so applying a change makes a new state that
 * shares nearly everything with the one before, at a cost that grows with the square root of the
 * registry, not with its size; a lookup stays two hash probes. Changes are applied one at a time.
 * It knows nothing of the store, which fills it (store.RegistryReader). A client's new entry takes
 * over the {@link ClientUse} of the entry it replaces, so what this node saw it use stays.
 */
public final class Registry {

    /**
     * @param identities client_id by {@link FederatedIdentity#key()}, kept with the clients
     * @param trustSources by issuer: few, so a change replaces them all
     */
    private record State(SnapshotMap<String, Api> apis, SnapshotMap<String, Client> clients,
                         SnapshotMap<String, String> identities, Map<String, TrustSource> trustSources) {
    }

    private volatile State state = new State(SnapshotMap.empty(), SnapshotMap.empty(), SnapshotMap.empty(), Map.of());

    /** Publishes {@code apis} and {@code clients} as the whole registry (at start, or after a full reread). */
    public synchronized void replace(Collection<Api> apis, Collection<Client> clients) {
        HashMap<String, Client> c = HashMap.newHashMap(clients.size());
        clients.forEach(client -> c.put(client.id().value(), client));
        replace(apis, c);
    }

    /**
     * Like {@link #replace(Collection, Collection)}, taking {@code clients} (by client_id) as it is:
     * a registry read whole is handed over without another copy. The caller must not touch it after.
     */
    public synchronized void replace(Collection<Api> apis, HashMap<String, Client> clients) {
        replace(apis, clients, state.trustSources().values());
    }

    /** Like {@link #replace(Collection, HashMap)}, with the trust sources. */
    public synchronized void replace(Collection<Api> apis, HashMap<String, Client> clients,
                                     Collection<TrustSource> trustSources) {
        Map<String, Api> a = new HashMap<>();
        apis.forEach(api -> a.put(api.identifier(), api));
        HashMap<String, String> identities = new HashMap<>();
        SnapshotMap<String, Client> before = state.clients();
        for (Map.Entry<String, Client> e : clients.entrySet()) {
            Client client = e.getValue();
            client.identities().forEach(i -> identities.put(i.key(), client.id().value()));
            e.setValue(carried(before, client));
        }
        state = new State(SnapshotMap.of(a), SnapshotMap.adopt(clients), SnapshotMap.adopt(identities),
                byIssuer(trustSources));
    }

    /**
     * {@code client} noting its uses where its entry in {@code before} notes them, if that is the
     * same registration (a client deleted and made again under its id starts afresh), holding what
     * it has now ({@link ClientUse#fit}).
     */
    private static Client carried(SnapshotMap<String, Client> before, Client client) {
        Client earlier = before.get(client.id().value());
        if (earlier == null || !earlier.createdAt().equals(client.createdAt()) || earlier.use() == client.use()) {
            return client;
        }
        earlier.use().fit(client);
        return client.withUse(earlier.use());
    }

    /**
     * Makes, for every client registered now, the holders of what it will use ({@link ClientUse}),
     * so that its first uses on the token path allocate nothing: after a start has read the
     * registry, off the path of requests (a few hundred milliseconds at 100,000 clients). A client
     * used before its turn here makes its holders itself.
     *
     * <p>Each client is fitted under the registry's lock, to its entry of that moment: a change
     * applied meanwhile has fitted the holders to the new entry, which an entry read before it
     * must not undo. The lock is taken once per client, so changes are not held up.
     */
    public void prepareUse() {
        state.clients().forEachValue(client -> {
            synchronized (this) {
                Client now = state.clients().get(client.id().value());
                if (now != null) {
                    now.use().fit(now);
                }
            }
        });
    }

    /** Publishes {@code trustSources} as all there are. */
    public synchronized void replaceTrustSources(Collection<TrustSource> trustSources) {
        State s = state;
        state = new State(s.apis(), s.clients(), s.identities(), byIssuer(trustSources));
    }

    private static Map<String, TrustSource> byIssuer(Collection<TrustSource> trustSources) {
        Map<String, TrustSource> m = new HashMap<>();
        trustSources.forEach(t -> m.put(t.issuer(), t));
        return Map.copyOf(m);
    }

    /**
     * Applies one batch of changes at once: the APIs and clients as they are now, and the
     * identifiers of those that are gone. A request sees all of the batch or none of it.
     */
    public synchronized void apply(Collection<Api> apis, Collection<String> apisGone, Collection<Client> clients,
                                   Collection<String> clientsGone) {
        Map<String, Api> a = new HashMap<>();
        apis.forEach(api -> a.put(api.identifier(), api));
        State s = state;
        Map<String, Client> c = new HashMap<>();
        clients.forEach(client -> c.put(client.id().value(), carried(s.clients(), client)));
        // The identities of every client touched leave the index, and those it holds now return. A
        // key leaves only while it still names that client: another may hold it by now.
        List<String> identitiesGone = new ArrayList<>();
        Map<String, String> identities = new HashMap<>();
        java.util.function.Consumer<String> forget = id -> {
            Client before = s.clients().get(id);
            if (before != null) {
                before.identities().stream().map(FederatedIdentity::key)
                        .filter(k -> id.equals(s.identities().get(k))).forEach(identitiesGone::add);
            }
        };
        clientsGone.forEach(forget);
        for (Client client : clients) {
            forget.accept(client.id().value());
            client.identities().forEach(i -> identities.put(i.key(), client.id().value()));
        }
        state = new State(s.apis().with(a, apisGone), s.clients().with(c, clientsGone),
                identitiesGone.isEmpty() && identities.isEmpty() ? s.identities()
                        : s.identities().with(identities, identitiesGone), s.trustSources());
    }

    /** The trust source whose tokens carry {@code iss} (for SPIFFE, {@code spiffe://<trust domain>}). */
    public Optional<TrustSource> trustSource(String issuer) {
        return Optional.ofNullable(state.trustSources().get(issuer));
    }

    /** Every trust source. */
    public Collection<TrustSource> trustSources() {
        return state.trustSources().values();
    }

    /** The client a token of {@code trustSource} for {@code subject} authenticates as. */
    public Optional<Client> federatedClient(String trustSource, String subject) {
        State s = state;
        String id = s.identities().get(FederatedIdentity.key(trustSource, subject));
        return id == null ? Optional.empty() : Optional.ofNullable(s.clients().get(id));
    }

    public Optional<Client> client(String clientId) {
        return Optional.ofNullable(state.clients().get(clientId));
    }

    public Optional<Api> api(String identifier) {
        return Optional.ofNullable(state.apis().get(identifier));
    }

    /** How many clients are registered. */
    public int clientCount() {
        return state.clients().size();
    }

    /** The algorithms some API signs with: each needs a key. */
    public Set<SigningAlg> algorithmsInUse() {
        return algorithms(state.apis().values());
    }

    /** The algorithms {@code apis} sign with. */
    public static Set<SigningAlg> algorithms(Collection<Api> apis) {
        Set<SigningAlg> algs = EnumSet.noneOf(SigningAlg.class);
        apis.forEach(a -> algs.add(a.signingAlg()));
        return algs;
    }
}
