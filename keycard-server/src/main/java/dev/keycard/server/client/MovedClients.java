package dev.keycard.server.client;

import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientUse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The clients whose usage holders moved since a flush last looked at them, each listed once
 * (marked by one of {@link ClientUse}'s flags): what {@link SecretUsage} and {@link ScopeUsage}
 * drain, so a flush visits the clients in use, not every client registered.
 *
 * <p>The list is an array, kept between drains (two, taking turns): listing a client allocates
 * nothing, where a queue's node for each was kept until the next flush and copied by every young
 * collection meanwhile (docs/benchmarks.md, issue 11). A client is listed at most once a flush,
 * so the lock is taken rarely.
 */
final class MovedClients {

    private static final int INITIAL = 64;

    private final int flag;
    /** The clients listed, in {@code listed[0, size)}; guarded by this. */
    private Client[] listed = new Client[INITIAL];
    private int size;
    /** The array of the last drain, emptied, for the next: guarded by this. */
    private Client[] spare = new Client[INITIAL];

    /** @param flag the {@link ClientUse} flag that marks a client listed here */
    MovedClients(int flag) {
        this.flag = flag;
    }

    /** Lists {@code client}, once its holder has moved, unless it is listed already. */
    void moved(Client client) {
        ClientUse use = client.use();
        if (!use.listed(flag) && use.list(flag)) {
            add(client);
        }
    }

    private synchronized void add(Client client) {
        if (size == listed.length) {
            listed = Arrays.copyOf(listed, size * 2);
        }
        listed[size++] = client;
    }

    /** The clients listed now, taken off the list (which goes on in the spare array). */
    private synchronized Client[] take() {
        Client[] taken = listed;
        listed = spare;
        spare = taken;
        size = 0;
        return taken;
    }

    /**
     * Takes the clients listed when it starts off the list and hands each to {@code visit}, which
     * hands out what it has to write and answers whether some holder has still moved since (held
     * back by the resolution): such a client stays listed. The flag is cleared before the visit, so
     * a use noted meanwhile either lists the client again (for the next drain) or is seen by the
     * visit. Once {@code full} answers true, the visits stop: the clients not visited stay listed,
     * ahead of those listed since, for the next drain.
     */
    void drain(Predicate<Client> visit, BooleanSupplier full) {
        List<Client> still = new ArrayList<>();
        Client[] taken = take();
        int next = 0;
        try {
            while (next < taken.length && taken[next] != null && !full.getAsBoolean()) {
                Client client = taken[next++];
                ClientUse use = client.use();
                use.unlist(flag);
                boolean unsettled;
                try {
                    unsettled = visit.test(client);
                } catch (RuntimeException | Error e) {
                    moved(client); // listed again, for the next drain
                    throw e;
                }
                if (unsettled && use.list(flag)) {
                    still.add(client);
                }
            }
        } finally {
            int end = next; // taken[next, end): not visited (the drain was full, or a visit threw), still flagged
            while (end < taken.length && taken[end] != null) {
                end++;
            }
            relist(taken, next, end, still);
        }
    }

    /**
     * Lists again, ahead of the clients listed since the take, {@code taken[from, to)} and then
     * {@code still}. The taken array becomes the list (grown if it must), the list the spare.
     */
    private synchronized void relist(Client[] taken, int from, int to, List<Client> still) {
        int back = to - from + still.size();
        Client[] merged = back + size > taken.length
                ? Arrays.copyOf(taken, Integer.highestOneBit(back + size) * 2) : taken;
        System.arraycopy(merged, from, merged, 0, to - from);
        for (int i = 0; i < still.size(); i++) {
            merged[to - from + i] = still.get(i);
        }
        System.arraycopy(listed, 0, merged, back, size);
        if (back + size < to) {
            Arrays.fill(merged, back + size, to, null);
        }
        Arrays.fill(listed, 0, size, null);
        spare = listed;
        listed = merged;
        size += back;
    }
}
