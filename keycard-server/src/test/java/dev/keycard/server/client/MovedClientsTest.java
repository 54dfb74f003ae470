package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientUse;
import dev.keycard.server.testing.TestClients;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The list of clients a usage flush visits: each client on it once; a drain visits the clients
 * listed when it starts; a use noted while its client is being visited lists it for the next drain;
 * a drain that is full leaves the rest listed, ahead of the clients listed since.
 */
class MovedClientsTest {

    static final BooleanSupplier NEVER_FULL = () -> false;

    final MovedClients moved = new MovedClients(ClientUse.SECRETS);
    final Client a = TestClients.client("a").build();
    final Client b = TestClients.client("b").build();

    @Test
    void clientWhenListedTwiceThenVisitedOnce() {
        moved.moved(a);
        moved.moved(a);
        moved.moved(b);
        List<String> visited = new ArrayList<>();
        moved.drain(c -> visited.add(c.id().value()) && false, NEVER_FULL);
        assertEquals(List.of("a", "b"), visited);
        moved.drain(c -> visited.add("again " + c.id().value()), NEVER_FULL);
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
        }, NEVER_FULL);
        moved.drain(c -> visited.add("second " + c.id().value()) && false, NEVER_FULL);
        assertEquals(List.of("first a", "second a"), visited);
    }

    @Test
    void clientWhenStillUnsettledThenKeptListed() {
        moved.moved(a);
        List<String> visited = new ArrayList<>();
        moved.drain(c -> visited.add("first " + c.id().value()), NEVER_FULL);
        moved.drain(c -> visited.add("second " + c.id().value()) && false, NEVER_FULL);
        moved.drain(c -> visited.add("third " + c.id().value()), NEVER_FULL);
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
        }, NEVER_FULL));
        moved.drain(client -> visited.add("again " + client.id().value()) && false, NEVER_FULL);
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
        moved.drain(client -> visited.add(client) && false, NEVER_FULL);
        assertEquals(many, visited);
        many.subList(0, 10).forEach(moved::moved);
        visited.clear();
        moved.drain(client -> visited.add(client) && false, NEVER_FULL);
        assertEquals(many.subList(0, 10), visited, "the second drain's array holds only what was listed since");
    }

    @Test
    void drainWhenFullThenTheRestStayListedAheadOfTheClientsListedSince() {
        List<Client> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(TestClients.client("c" + i).build());
        }
        many.subList(0, 200).forEach(moved::moved);
        List<String> visited = new ArrayList<>();
        moved.drain(client -> {
            visited.add(client.id().value());
            if (visited.size() == 1) {
                many.subList(200, 300).forEach(moved::moved); // listed while the drain runs
            }
            return false;
        }, () -> visited.size() == 50);
        assertEquals(ids(many.subList(0, 50)), visited);
        visited.clear();
        moved.drain(client -> visited.add(client.id().value()) && false, () -> visited.size() == 120);
        assertEquals(ids(many.subList(50, 170)), visited, "the rest first, in their order");
        visited.clear();
        moved.drain(client -> visited.add(client.id().value()) && false, NEVER_FULL);
        assertEquals(ids(many.subList(170, 300)), visited, "then those listed since, each once");
        visited.clear();
        moved.drain(client -> visited.add(client.id().value()) && false, NEVER_FULL);
        assertEquals(List.of(), visited);
    }

    private static List<String> ids(List<Client> clients) {
        return clients.stream().map(c -> c.id().value()).toList();
    }

    @Test
    void drainWhenFullAndSomeVisitedAreUnsettledThenTheyFollowTheUnvisited() {
        Client c = TestClients.client("c").build();
        moved.moved(a);
        moved.moved(b);
        moved.moved(c);
        List<String> visited = new ArrayList<>();
        moved.drain(client -> visited.add(client.id().value()), () -> visited.size() == 1); // a stays listed
        moved.drain(client -> visited.add(client.id().value()) && false, NEVER_FULL);
        assertEquals(List.of("a", "b", "c", "a"), visited);
    }
}
