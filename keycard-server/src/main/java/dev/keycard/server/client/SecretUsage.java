package dev.keycard.server.client;

import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientUse;
import dev.keycard.server.registry.LastUse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Last-used times of secrets, collected in memory on the token path and written to the store in
 * batches, so authenticating a request never waits for a disk.
 *
 * <p>Each secret's time is held by its client's {@link ClientUse}, which the token path reaches
 * from the client it looked up: noting a use writes a number into a holder made ahead and
 * allocates nothing. A client whose holders moved is put once on the list of clients the next
 * flush looks at; a flush takes off the list the clients with nothing left to write (a secret in
 * steady use keeps its client on it).
 *
 * <p>A time already written is written again only once the written one is a resolution old
 * ({@code secret.last-used-resolution}): a secret in steady use costs the store one write per
 * resolution, not one per flush (100,000 secrets in use and a 30 s flush were 3,300 writes a
 * second, on every node). This node's own answers still show the exact time ({@link #pending}).
 * Drains are made one at a time (the flush is).
 */
public final class SecretUsage {

    private final MovedClients moved = new MovedClients(ClientUse.SECRETS);
    /** The holders of what the last drain handed out, by secret id: for {@link #restore}. */
    private final Map<String, Holder> handedOut = new HashMap<>();
    private final long resolutionMillis;

    private record Holder(Client client, LastUse time) {
    }

    /** Times written at every flush where they moved. */
    public SecretUsage() {
        this(Duration.ZERO);
    }

    /** @param resolution how old a written time must be before a newer one is written */
    public SecretUsage(Duration resolution) {
        this.resolutionMillis = resolution.toMillis();
    }

    /** Notes that {@code client}'s secret {@code secretId} authenticated a request at {@code at}. */
    public void used(Client client, String secretId, Instant at) {
        if (client.use().secret(secretId).note(at.toEpochMilli(), 1)) {
            moved.moved(client);
        }
    }

    /**
     * The times to write at {@code now}: each secret's latest use, when the store has none from
     * this node yet or the one it has is a resolution old, so the store is never more than a
     * resolution behind, and the flushes a client waits for its turn when more are due than one
     * drain hands out.
     *
     * @param clients how many clients' times this drain hands out at most; the others stay listed,
     *     first in line for the next drain
     */
    public synchronized Map<String, Instant> drain(Instant now, int clients) {
        return drain(now.toEpochMilli() - resolutionMillis, clients);
    }

    /** Every time that moved since it was last handed out, whatever the resolution: at shutdown. */
    public synchronized Map<String, Instant> drainAll() {
        return drain(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    private Map<String, Instant> drain(long writtenBefore, int clients) {
        Map<String, Instant> out = new HashMap<>();
        handedOut.clear();
        int[] handing = {0}; // the clients handed out so far
        moved.drain(client -> {
            boolean unsettled = false;
            int before = out.size();
            for (Map.Entry<String, LastUse> e : client.use().secrets().entrySet()) {
                LastUse time = e.getValue();
                long at = time.due(writtenBefore);
                if (at != 0) {
                    out.put(e.getKey(), Instant.ofEpochMilli(at));
                    handedOut.put(e.getKey(), new Holder(client, time));
                }
                unsettled |= !time.settled();
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
    public synchronized void restore(Map<String, Instant> unwritten) {
        unwritten.keySet().forEach(id -> {
            Holder h = handedOut.get(id);
            if (h != null) {
                h.time().unwritten();
                moved.moved(h.client());
            }
        });
        handedOut.clear();
    }

    /**
     * The latest use this node noted of {@code client}'s secret {@code secretId} (which the store
     * may not have yet): shown with the stored time, so that this node's answers are exact.
     */
    public Optional<Instant> pending(Client client, String secretId) {
        LastUse time = client.use().secrets().get(secretId);
        long at = time == null ? 0 : time.get();
        return at == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }
}
