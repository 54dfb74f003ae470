package dev.keycard.server.client;

import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientUse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * The clients whose usage holders moved since a flush last looked at them, each listed once
 * (marked by one of {@link ClientUse}'s flags): what {@link SecretUsage} and {@link ScopeUsage}
 * drain, so a flush visits the clients in use, not every client registered.
 */
final class MovedClients {

    private final ConcurrentLinkedQueue<Client> listed = new ConcurrentLinkedQueue<>();
    private final int flag;

    /** @param flag the {@link ClientUse} flag that marks a client listed here */
    MovedClients(int flag) {
        this.flag = flag;
    }

    /** Lists {@code client}, once its holder has moved, unless it is listed already. */
    void moved(Client client) {
        ClientUse use = client.use();
        if (!use.listed(flag) && use.list(flag)) {
            listed.add(client);
        }
    }

    /**
     * Takes the clients listed when it starts off the list and hands each to {@code visit}, which
     * hands out what it has to write and answers whether some holder has still moved since (held
     * back by the resolution): such a client stays listed. The flag is cleared before the visit, so
     * a use noted meanwhile either lists the client again (for the next drain) or is seen by the
     * visit.
     */
    void drain(Predicate<Client> visit) {
        List<Client> still = new ArrayList<>();
        try {
            for (int n = listed.size(); n > 0; n--) {
                Client client = listed.poll();
                if (client == null) {
                    break;
                }
                ClientUse use = client.use();
                use.unlist(flag);
                if (visit.test(client) && use.list(flag)) {
                    still.add(client);
                }
            }
        } finally {
            listed.addAll(still);
        }
    }
}
