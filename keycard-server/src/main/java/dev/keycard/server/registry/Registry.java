package dev.keycard.server.registry;

import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.client.Client;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The in-memory registry the token path reads: every API and client, swapped whole after each
 * change, so a request sees one consistent snapshot and never touches the store.
 */
public final class Registry {

    /** Everything at one moment. */
    public record Snapshot(Map<String, Api> apis, Map<String, Client> clients) {
    }

    private final Database db;
    private final ApiRepository apis;
    private final ClientRepository clients;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    public Registry(Database db, ApiRepository apis, ClientRepository clients) {
        this.db = db;
        this.apis = apis;
        this.clients = clients;
    }

    /**
     * Reads the whole registry from the store and publishes it. Blocking: never on an event loop.
     * Reloads run one at a time, so a snapshot read earlier can never be published after one
     * read later (two admin writes finishing together would otherwise leave the older view).
     */
    public void reload() {
        reload(algs -> { });
    }

    /**
     * Like {@link #reload()}, and before the new view is published, {@code prepare} gets the
     * algorithms it uses, so a key for a newly chosen algorithm exists before any token needs it.
     */
    public synchronized void reload(Consumer<Set<SigningAlg>> prepare) {
        Snapshot next = db.transaction(c -> {
            List<Api> a = apis.findAll(c);
            List<Client> cl = clients.findAll(c);
            return new Snapshot(
                    a.stream().collect(Collectors.toUnmodifiableMap(Api::identifier, Function.identity())),
                    cl.stream().collect(Collectors.toUnmodifiableMap(x -> x.id().value(), Function.identity())));
        });
        prepare.accept(algorithms(next));
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

    private static Set<SigningAlg> algorithms(Snapshot s) {
        Set<SigningAlg> algs = EnumSet.noneOf(SigningAlg.class);
        s.apis().values().forEach(a -> algs.add(a.signingAlg()));
        return algs;
    }
}
