package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientUse;
import dev.keycard.server.testing.TestClients;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The list of clients a usage flush visits: each client on it once; a drain visits the clients
 * listed when it starts; a use noted while its client is being visited lists it for the next drain.
 */
class MovedClientsTest {

    final MovedClients moved = new MovedClients(ClientUse.SECRETS);
    final Client a = TestClients.client("a").build();
    final Client b = TestClients.client("b").build();

    @Test
    void clientWhenListedTwiceThenVisitedOnce() {
        moved.moved(a);
        moved.moved(a);
        moved.moved(b);
        List<String> visited = new ArrayList<>();
        moved.drain(c -> visited.add(c.id().value()) && false);
        assertEquals(List.of("a", "b"), visited);
        moved.drain(c -> visited.add("again " + c.id().value()));
        assertEquals(List.of("a", "b"), visited, "nothing moved since: nobody listed");
    }

    @Test
    void useWhenNotedDuringItsClientsVisitThenListedForTheNextDrainNotThisOne() {
        moved.moved(a);
        List<String> visited = new ArrayList<>();
        moved.drain(c -> {
            visited.add("first " + c.id().value());
            moved.moved(c); // a token thread notes a use after the visit read the holders
            return false;
        });
        moved.drain(c -> visited.add("second " + c.id().value()) && false);
        assertEquals(List.of("first a", "second a"), visited);
    }

    @Test
    void clientWhenStillUnsettledThenKeptListed() {
        moved.moved(a);
        List<String> visited = new ArrayList<>();
        moved.drain(c -> visited.add("first " + c.id().value()));
        moved.drain(c -> visited.add("second " + c.id().value()) && false);
        moved.drain(c -> visited.add("third " + c.id().value()));
        assertEquals(List.of("first a", "second a"), visited);
    }
}
