package dev.keycard.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.Scope;
import dev.keycard.server.testing.TestClients;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What this node saw a client use hangs off the client's registry entry ({@link ClientUse}): a
 * change to the client, applied or read whole, hands it to the new entry, so the uses noted
 * before an admin write are still written; a client deleted and made again under its id starts
 * afresh. It is not part of the client's value.
 */
class ClientUseHandOverTest {

    static final String JOBS = "https://jobs.internal";

    final Registry registry = new Registry();

    @Test
    void changeWhenAppliedThenTheNewEntryKeepsTheUses() {
        Client before = TestClients.client("w").grant(JOBS, "jobs:read").build();
        registry.apply(List.of(), List.of(), List.of(before), List.of());
        String secretId = before.secrets().get(0).id();
        LastUse held = registry.client("w").orElseThrow().use().secret(secretId);

        Client renamed = TestClients.client("w").name("Renamed").grant(JOBS, "jobs:read").build();
        registry.apply(List.of(), List.of(), List.of(renamed), List.of());

        Client after = registry.client("w").orElseThrow();
        assertEquals("Renamed", after.name());
        assertSame(before.use(), after.use());
        assertSame(held, after.use().secret(secretId), "the holder of the secret's use is the one noted before");
    }

    @Test
    void registryWhenPreparedThenEachClientHoldsEachSecretAndScopeBeforeAnyUse() {
        Client client = TestClients.client("w").replacedSecret("old-secret", Instant.parse("2026-02-01T00:00:00Z"))
                .grant(JOBS, "jobs:read", "jobs:write").grant("https://reports.internal", "reports:read").build();
        registry.replace(List.of(), List.of(client, TestClients.client("other").build()));
        registry.prepareUse();
        ClientUse use = registry.client("w").orElseThrow().use();
        Set<String> secretIds = Set.copyOf(client.secrets().stream().map(ClientSecret::id).toList());
        assertEquals(2, secretIds.size());
        assertEquals(secretIds, use.secrets().keySet());
        assertEquals(Map.of(JOBS, Set.of(new Scope("jobs:read"), new Scope("jobs:write")),
                "https://reports.internal", Set.of(new Scope("reports:read"))),
                Map.of(JOBS, use.scopes().get(JOBS).keySet(),
                        "https://reports.internal", use.scopes().get("https://reports.internal").keySet()));
        // What the token path notes into is the holder made ahead: a first use allocates nothing.
        String secretId = client.secrets().get(0).id();
        assertSame(use.secrets().get(secretId), use.secret(secretId));
        assertSame(use.scopes().get(JOBS).get(new Scope("jobs:write")), use.scope(JOBS, new Scope("jobs:write")));
        assertTrue(use.secrets().values().stream().allMatch(h -> h.get() == 0), "nothing used yet");
        Map<String, LastUse> prepared = use.secrets();
        registry.prepareUse();
        assertSame(prepared, use.secrets(), "prepared again: the holders it has are kept as they are");
        assertEquals(1, registry.client("other").orElseThrow().use().secrets().size());
    }

    @Test
    void changeWhenASecretOrAScopeIsAddedThenItsHolderIsMadeAndTheOthersStay() {
        Client before = TestClients.client("w").grant(JOBS, "jobs:read").build();
        registry.apply(List.of(), List.of(), List.of(before), List.of());
        String secretId = before.secrets().get(0).id();
        LastUse secret = before.use().secret(secretId);
        LastUse read = before.use().scope(JOBS, new Scope("jobs:read"));

        Client widened = TestClients.client("w").replacedSecret("old-secret", Instant.parse("2026-02-01T00:00:00Z"))
                .grant(JOBS, "jobs:read", "jobs:write").build();
        registry.apply(List.of(), List.of(), List.of(widened), List.of());

        ClientUse use = registry.client("w").orElseThrow().use();
        assertSame(before.use(), use);
        assertEquals(2, use.secrets().size(), "a holder for the new secret too");
        assertSame(secret, use.secrets().get(secretId));
        assertSame(read, use.scopes().get(JOBS).get(new Scope("jobs:read")));
        assertEquals(Set.of(new Scope("jobs:read"), new Scope("jobs:write")), use.scopes().get(JOBS).keySet());
    }

    @Test
    void changeWhenASecretOrAScopeIsGoneThenItsHolderGoesAndTheOthersStay() {
        Client before = TestClients.client("w").grant(JOBS, "jobs:read", "jobs:write").build();
        registry.apply(List.of(), List.of(), List.of(before), List.of());
        String secretId = before.secrets().get(0).id();
        LastUse secret = before.use().secret(secretId);
        before.use().secret("sec_deleted");
        LastUse read = before.use().scope(JOBS, new Scope("jobs:read"));
        before.use().scope(JOBS, new Scope("jobs:write"));
        before.use().scope("https://gone.internal", new Scope("x"));

        Client narrowed = TestClients.client("w").grant(JOBS, "jobs:read").build();
        registry.apply(List.of(), List.of(), List.of(narrowed), List.of());

        ClientUse use = registry.client("w").orElseThrow().use();
        assertEquals(java.util.Map.of(secretId, secret), use.secrets(), "the deleted secret's holder is gone");
        assertEquals(java.util.Map.of(JOBS, java.util.Map.of(new Scope("jobs:read"), read)), use.scopes(),
                "only the scopes still granted keep their holders");
    }

    @Test
    void registryWhenReadWholeAgainThenEachClientKeepsItsUses() {
        Client before = TestClients.client("w").build();
        registry.replace(List.of(), List.of(before));
        HashMap<String, Client> reread = new HashMap<>();
        reread.put("w", TestClients.client("w").build());
        registry.replace(List.of(), reread);
        assertSame(before.use(), registry.client("w").orElseThrow().use());
    }

    @Test
    void clientWhenMadeAgainUnderItsIdThenItsUsesStartAfresh() {
        Client first = TestClients.client("w").build();
        registry.apply(List.of(), List.of(), List.of(first), List.of());
        String secretId = first.secrets().get(0).id();
        first.use().secret(secretId).note(1_000, 1);

        Client again = TestClients.client("w").createdAt(Instant.parse("2026-06-01T00:00:00Z")).build();
        registry.apply(List.of(), List.of(), List.of(again), List.of());

        assertNotSame(first.use(), registry.client("w").orElseThrow().use());
        assertEquals(0, registry.client("w").orElseThrow().use().secret(secretId).get());
    }

    @Test
    void clientWhenComparedThenItsUsesAreNotPartOfItsValue() {
        Client noted = TestClients.client("w").build();
        noted.use().secret("s1").note(1_000, 1);
        assertEquals(TestClients.client("w").build(), noted);
        assertEquals(TestClients.client("w").build().hashCode(), noted.hashCode());
    }
}
