package dev.keycard.server.client;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientUse;
import dev.keycard.server.registry.LastUse;
import dev.keycard.server.store.ScopeUsageRepository.Use;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which granted scopes each client has actually been issued, and when last: the console's "least
 * privilege at a glance". Noted in memory on the token path and written to the store in batches
 * with the secrets' last use ({@link SecretUsage}), so a token request never waits for a disk and
 * the record survives a restart.
 *
 * <p>The times are held by the client's {@link ClientUse}, reached from the client the request
 * already holds, and a holder's time moves at most once a minute (the console counts in days), so
 * the token path usually does a few reads of the client's own small maps and one comparison per
 * scope. A client whose holders moved is put once on the list the next flush looks at. A time
 * already written is written again once it is a resolution old, as {@link SecretUsage}'s are.
 * Drains are made one at a time.
 */
public final class ScopeUsage {

    private static final long GRANULARITY_MILLIS = 60_000;

    private final MovedClients moved = new MovedClients(ClientUse.SCOPES);
    /** What the last drain handed out, with its holder and client: for {@link #restore}. */
    private final List<HandedOut> handedOut = new ArrayList<>();
    private final long resolutionMillis;

    private record HandedOut(Use use, Client client, LastUse time) {
    }

    /** Times written at every flush where they moved. */
    public ScopeUsage() {
        this(Duration.ZERO);
    }

    /** @param resolution how old a written time must be before a newer one is written */
    public ScopeUsage(Duration resolution) {
        this.resolutionMillis = resolution.toMillis();
    }

    /** Notes that {@code client} was issued {@code scopes} for {@code api} at {@code at}. */
    public void used(Client client, String api, ScopeSet scopes, Instant at) {
        long millis = at.toEpochMilli();
        ClientUse use = client.use();
        boolean any = false;
        for (Scope scope : scopes) {
            any |= use.scope(api, scope).note(millis, GRANULARITY_MILLIS);
        }
        if (any) {
            moved.moved(client);
        }
    }

    /**
     * The uses to write at {@code now}: each scope's latest, when the store has none from this
     * node yet or the one it has is a resolution old.
     *
     * @param clients how many clients' uses this drain hands out at most; the others stay listed,
     *     first in line for the next drain
     */
    public synchronized List<Use> drain(Instant now, int clients) {
        return drain(now.toEpochMilli() - resolutionMillis, clients);
    }

    /** Every use that moved since it was last handed out, whatever the resolution: at shutdown. */
    public synchronized List<Use> drainAll() {
        return drain(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    private List<Use> drain(long writtenBefore, int clients) {
        List<Use> out = new ArrayList<>();
        handedOut.clear();
        int[] handing = {0}; // the clients handed out so far
        moved.drain(client -> {
            boolean unsettled = false;
            int before = out.size();
            for (Map.Entry<String, Map<Scope, LastUse>> api : client.use().scopes().entrySet()) {
                for (Map.Entry<Scope, LastUse> e : api.getValue().entrySet()) {
                    LastUse time = e.getValue();
                    long at = time.due(writtenBefore);
                    if (at != 0) {
                        Use u = new Use(client.id().value(), api.getKey(), e.getKey().value(), Instant.ofEpochMilli(at));
                        out.add(u);
                        handedOut.add(new HandedOut(u, client, time));
                    }
                    unsettled |= !time.settled();
                }
            }
            if (out.size() > before) {
                handing[0]++;
            }
            return unsettled;
        }, () -> handing[0] >= clients);
        return out;
    }

    /**
     * Puts back what a failed write of the last drain could not store: handed out again at the
     * next drain, or the use noted since, if later.
     */
    public synchronized void restore(List<Use> unwritten) {
        Set<Use> failed = Set.copyOf(unwritten);
        for (HandedOut h : handedOut) {
            if (failed.contains(h.use())) {
                h.time().unwritten();
                moved.moved(h.client());
            }
        }
        handedOut.clear();
    }
}
