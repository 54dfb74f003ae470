package dev.keycard.server.store;

import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.Registry;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Fills the in-memory {@link Registry} from the store. Blocking: never on an event loop. */
public final class RegistryReader {

    private final Database db;
    private final ApiRepository apis;
    private final ClientRepository clients;
    private final Registry registry;

    public RegistryReader(Database db, ApiRepository apis, ClientRepository clients, Registry registry) {
        this.db = db;
        this.apis = apis;
        this.clients = clients;
        this.registry = registry;
    }

    public Registry registry() {
        return registry;
    }

    /**
     * Reads the whole registry from the store and publishes it. Reloads run one at a time, so a
     * snapshot read earlier can never be published after one read later (two admin writes
     * finishing together would otherwise leave the older view).
     */
    public void reload() {
        reload(algs -> { });
    }

    /**
     * Like {@link #reload()}, and before the new view is published, {@code prepare} gets the
     * algorithms it uses, so a key for a newly chosen algorithm exists before any token needs it.
     */
    public synchronized void reload(Consumer<Set<SigningAlg>> prepare) {
        Registry.Snapshot next = db.transaction(c -> {
            List<Api> a = apis.findAll(c);
            List<Client> cl = clients.findAll(c);
            return new Registry.Snapshot(
                    a.stream().collect(Collectors.toUnmodifiableMap(Api::identifier, Function.identity())),
                    cl.stream().collect(Collectors.toUnmodifiableMap(x -> x.id().value(), Function.identity())));
        });
        prepare.accept(Registry.algorithms(next));
        registry.replace(next);
    }
}
