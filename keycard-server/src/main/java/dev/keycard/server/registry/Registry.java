package dev.keycard.server.registry;

import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The in-memory registry the token path reads: every API and client, swapped whole after each
 * change, so a request sees one consistent snapshot and never touches the store. It knows nothing
 * of the store, which fills it (RegistryReader).
 */
public final class Registry {

    /** Everything at one moment. */
    public record Snapshot(Map<String, Api> apis, Map<String, Client> clients) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /** Publishes {@code next} whole. */
    public void replace(Snapshot next) {
        snapshot = next;
    }

    public Optional<Client> client(String clientId) {
        return Optional.ofNullable(snapshot.clients().get(clientId));
    }

    public Optional<Api> api(String identifier) {
        return Optional.ofNullable(snapshot.apis().get(identifier));
    }

    /** The algorithms some API signs with: each needs a key. */
    public Set<SigningAlg> algorithmsInUse() {
        return algorithms(snapshot);
    }

    /** The algorithms the APIs of {@code s} sign with. */
    public static Set<SigningAlg> algorithms(Snapshot s) {
        Set<SigningAlg> algs = EnumSet.noneOf(SigningAlg.class);
        s.apis().values().forEach(a -> algs.add(a.signingAlg()));
        return algs;
    }
}
