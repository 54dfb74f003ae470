package dev.keycard.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.TestClients;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's index of federated identities follows its clients' changes, one batch at a time. */
class FederatedIndexTest {

    static final String SUBJECT = "system:serviceaccount:payments:batch-worker";

    static Client holding(String id, String... subjects) {
        return TestClients.client(id).build().withIdentities(java.util.Arrays.stream(subjects)
                .map(s -> new FederatedIdentity("fi_" + id + s.length(), "cluster", s, Map.of(), Instant.EPOCH))
                .toList());
    }

    @Test
    void applyWhenAnIdentityMovesOrLeavesThenTheIndexNamesItsClientOrNone() {
        Registry registry = new Registry();
        HashMap<String, Client> clients = new HashMap<>();
        clients.put("a", holding("a", SUBJECT));
        clients.put("b", holding("b"));
        registry.replace(List.of(), clients);
        assertEquals("a", registry.federatedClient("cluster", SUBJECT).orElseThrow().id().value());

        // Moved: b gains it in one batch before a's loss is read in the next.
        registry.apply(List.of(), List.of(), List.of(holding("b", SUBJECT)), List.of());
        registry.apply(List.of(), List.of(), List.of(holding("a")), List.of());
        assertEquals("b", registry.federatedClient("cluster", SUBJECT).orElseThrow().id().value());

        registry.apply(List.of(), List.of(), List.of(holding("b")), List.of());
        assertTrue(registry.federatedClient("cluster", SUBJECT).isEmpty());
        registry.apply(List.of(), List.of(), List.of(holding("a", SUBJECT)), List.of());
        registry.apply(List.of(), List.of(), List.of(), List.of("a"));
        assertTrue(registry.federatedClient("cluster", SUBJECT).isEmpty(), "a deleted client's identities leave");
    }
}
