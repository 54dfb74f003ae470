package dev.keycard.server.store;

import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.registry.TrustSource;
import dev.keycard.server.store.ChangeLog.Change;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Fills the in-memory {@link Registry} from the store: all of it at start, in one streaming pass
 * ({@link #loadAll}), and afterwards only the rows that changes name ({@link #refresh}). Blocking:
 * never on an event loop.
 *
 * <p>Refreshes of one row run one at a time (a lock per stripe of ids, taken in stripe order) and
 * each reads the store as it is when it runs, so whatever order the changes of concurrent writes
 * are refreshed in, the last refresh of a row publishes its latest committed state: a view read
 * earlier is never published after one read later. Refreshes of other rows run side by side, as
 * each holds its lock across a store read (on PostgreSQL, the admin writes of eight callers would
 * otherwise queue behind one another's round trips). A full read excludes them all.
 */
public final class RegistryReader {

    private final Database db;
    private final ApiRepository apis;
    private final ClientRepository clients;
    private final Registry registry;
    private final TrustSourceRepository trustSources = new TrustSourceRepository();
    /** Shares what clients hold alike across every read (safe for concurrent use). */
    private final ClientRepository.Interner interner = new ClientRepository.Interner();
    /** Refreshes hold it shared, a full read exclusively. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock whole = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private static final int STRIPES = 64;
    private final java.util.concurrent.locks.ReentrantLock[] stripes = new java.util.concurrent.locks.ReentrantLock[STRIPES];
    /** The trust sources are read whole: one refresh of them at a time. */
    private final java.util.concurrent.locks.ReentrantLock trustLock = new java.util.concurrent.locks.ReentrantLock();

    {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new java.util.concurrent.locks.ReentrantLock();
        }
    }

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
     * Reads the whole registry in one snapshot of the store and publishes it; before that,
     * {@code prepare} gets the algorithms its APIs use, so a key for each exists first.
     *
     * @return the number of the last change the registry read includes ({@link ChangeLog})
     */
    public long loadAll(Consumer<Set<SigningAlg>> prepare) {
        whole.writeLock().lock();
        try {
            return readAll(prepare);
        } finally {
            whole.writeLock().unlock();
        }
    }

    private long readAll(Consumer<Set<SigningAlg>> prepare) {
        record Loaded(long seq, List<Api> apis, HashMap<String, Client> clients, List<TrustSource> trustSources) {
        }
        Loaded loaded = db.snapshot(c -> {
            long seq = db.changes().current(c);
            // Sized at once: a table-sized map grown step by step copies itself a dozen times.
            HashMap<String, Client> all = HashMap.newHashMap(clients.count(c));
            clients.forEach(c, interner, client -> all.put(client.id().value(), client));
            return new Loaded(seq, apis.findAll(c), all, trustSources.findAll(c));
        });
        prepare.accept(Registry.algorithms(loaded.apis()));
        registry.replace(loaded.apis(), loaded.clients(), loaded.trustSources());
        return loaded.seq();
    }

    /**
     * Rereads the APIs and clients {@code changes} name (other kinds are left alone) and publishes
     * them at once; those the store no longer has leave memory. Before that, {@code prepare} gets
     * the algorithms of the APIs read.
     */
    public void refresh(Collection<Change> changes, Consumer<Set<SigningAlg>> prepare) {
        whole.readLock().lock();
        try {
            refreshShared(changes, prepare);
        } finally {
            whole.readLock().unlock();
        }
    }

    private void refreshShared(Collection<Change> changes, Consumer<Set<SigningAlg>> prepare) {
        Set<String> apiIds = new LinkedHashSet<>();
        Set<String> clientIds = new LinkedHashSet<>();
        boolean trust = false;
        for (Change change : changes) {
            switch (change.kind()) {
                case API -> apiIds.add(change.id());
                case CLIENT -> clientIds.add(change.id());
                case TRUST_SOURCE -> trust = true;
                default -> { }
            }
        }
        if (trust) { // a handful of rows: all of them
            trustLock.lock();
            try {
                registry.replaceTrustSources(db.transaction(trustSources::findAll));
            } finally {
                trustLock.unlock();
            }
        }
        if (apiIds.isEmpty() && clientIds.isEmpty()) {
            return;
        }
        java.util.SortedSet<Integer> held = new java.util.TreeSet<>();
        apiIds.forEach(id -> held.add(Math.floorMod(("api " + id).hashCode(), STRIPES)));
        clientIds.forEach(id -> held.add(Math.floorMod(id.hashCode(), STRIPES)));
        held.forEach(i -> stripes[i].lock()); // in stripe order: two refreshes never wait on each other in a circle
        try {
            read(apiIds, clientIds, prepare);
        } finally {
            held.forEach(i -> stripes[i].unlock());
        }
    }

    private void read(Set<String> apiIds, Set<String> clientIds, Consumer<Set<SigningAlg>> prepare) {
        record Read(List<Api> apis, List<Client> clients) {
        }
        Read read = db.transaction(c -> new Read(apiIds.isEmpty() ? List.of() : apis.find(c, apiIds),
                clientIds.isEmpty() ? List.of() : clients.find(c, clientIds, interner)));
        Set<String> apisGone = new HashSet<>(apiIds);
        read.apis().forEach(a -> apisGone.remove(a.identifier()));
        Set<String> clientsGone = new HashSet<>(clientIds);
        read.clients().forEach(cl -> clientsGone.remove(cl.id().value()));
        if (!read.apis().isEmpty()) {
            prepare.accept(Registry.algorithms(read.apis()));
        }
        registry.apply(read.apis(), apisGone, read.clients(), clientsGone);
    }
}
