package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void visitWhenItThrowsThenThatClientAndTheOnesNotVisitedStayListed() {
        Client c = TestClients.client("c").build();
        moved.moved(a);
        moved.moved(b);
        moved.moved(c);
        List<String> visited = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> moved.drain(client -> {
            visited.add(client.id().value());
            if (client == b) {
                throw new IllegalStateException("a store that failed");
            }
            return false;
        }));
        moved.drain(client -> visited.add("again " + client.id().value()) && false);
        assertEquals(List.of("a", "b"), visited.subList(0, 2));
        assertEquals(java.util.Set.of("again b", "again c"), java.util.Set.copyOf(visited.subList(2, visited.size())));
        assertEquals(4, visited.size());
    }

    @Test
    void listWhenLongerThanItsArrayThenEveryClientIsVisitedOnce() {
        List<Client> many = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            many.add(TestClients.client("c" + i).build());
        }
        many.forEach(moved::moved);
        List<Client> visited = new ArrayList<>();
        moved.drain(client -> visited.add(client) && false);
        assertEquals(many, visited);
        many.subList(0, 10).forEach(moved::moved);
        visited.clear();
        moved.drain(client -> visited.add(client) && false);
        assertEquals(many.subList(0, 10), visited, "the second drain's array holds only what was listed since");
    }
}
