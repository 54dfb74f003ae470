package dev.keycard.server.registry;

import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pcollections.HashPMap;
import org.pcollections.HashTreePMap;

/**
 * The in-memory registry the token path reads: every API and client. A request reads one
 * consistent snapshot, without locks, and never touches the store. A change replaces only what
 * it is about: the maps are persistent (structure-sharing) maps, so putting or removing one
 * client makes a new snapshot in O(log n) that shares everything else with the one before,
 * whatever the registry's size. Changes are applied one at a time. It knows nothing of the
 * store, which fills it (store.RegistryReader).
 */
public final class Registry {

    /** Everything at one moment. */
    public record Snapshot(Map<String, Api> apis, Map<String, Client> clients) {
    }

    private volatile State state = new State(HashTreePMap.empty(), HashTreePMap.empty());

    private record State(HashPMap<String, Api> apis, HashPMap<String, Client> clients) {
    }

    /** Publishes {@code apis} and {@code clients} as the whole registry (at start, or after a full reread). */
    public synchronized void replace(Collection<Api> apis, Collection<Client> clients) {
        HashPMap<String, Api> a = HashTreePMap.empty();
        for (Api api : apis) {
            a = a.plus(api.identifier(), api);
        }
        HashPMap<String, Client> c = HashTreePMap.empty();
        for (Client client : clients) {
            c = c.plus(client.id().value(), client);
        }
        state = new State(a, c);
    }

    /**
     * Applies one batch of changes at once: the APIs and clients as they are now, and the
     * identifiers of those that are gone. A request sees all of the batch or none of it.
     */
    public synchronized void apply(Collection<Api> apis, Collection<String> apisGone, Collection<Client> clients,
                                   Collection<String> clientsGone) {
        State s = state;
        HashPMap<String, Api> a = s.apis().minusAll(apisGone);
        for (Api api : apis) {
            a = a.plus(api.identifier(), api);
        }
        HashPMap<String, Client> c = s.clients().minusAll(clientsGone);
        for (Client client : clients) {
            c = c.plus(client.id().value(), client);
        }
        state = new State(a, c);
    }

    /** The registry as it is now; it does not change under the caller. */
    public Snapshot snapshot() {
        State s = state;
        return new Snapshot(s.apis(), s.clients());
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
